"""Partner organisations in the return countries, their services, and referrals to them.

A referral is the hand-over of a person from the programme to an organisation that
receives them in the return country (the "transnational referral"). It is the only
thing that opens a case to a partner's users, and it says exactly what is shared.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, Text
from sqlmodel import Field

from db.models.base import Versioned, json_field, ts_field
from db.types import EncryptedText


class PartnerOrganisation(Versioned, table=True):
    """An organisation that receives people in a return country (the service directory)."""

    __tablename__ = "partner_organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, index=True)  # ISO 3166 alpha-2: the return country
    kind: str = Field(max_length=20)  # ngo|shelter|government|health|iom
    contact: str = Field(default="", sa_type=Text)  # the organisation's own address, phone, e-mail
    languages: list[str] = json_field()  # ISO 639-1
    active: bool = True
    created_at: datetime = ts_field()


class PartnerService(Versioned, table=True):
    """One kind of help a partner offers, by plan category and kind (Annex 3)."""

    __tablename__ = "partner_service"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner_organisation.id", index=True)
    category: str = Field(max_length=20)  # immediate|economic|social|psychosocial (plan categories)
    kind: str = Field(max_length=40)  # the plan line's subcategory code
    note: str = Field(default="", sa_type=Text)
    active: bool = True


class PartnerReferral(Versioned, table=True):
    """A case referred to a partner organisation.

    draft -> sent -> accepted | declined; accepted -> completed; revoked by the sender at
    any time before it ends. Only an accepted referral opens the case to the partner.
    """

    __tablename__ = "partner_referral"
    __table_args__ = (Index("ix_partner_referral_partner_state", "partner_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    partner_id: int = Field(foreign_key="partner_organisation.id")
    state: str = Field(default="draft", max_length=12)  # draft|sent|accepted|declined|completed|revoked
    purposes: list[str] = json_field()  # reception|shelter|medical|psychosocial|plan_lines|followups
    plan_line_ids: list[int] = json_field()  # the plan lines the partner delivers
    followup_months: list[int] = json_field()  # the follow-ups (months after return) it carries out
    shares_identity: bool = False  # name and contact: also needs the person's consent to sharing
    shares_assessment: bool = False  # the risk and needs summary
    shares_plan: bool = False  # the plan lines named above
    shares_safety: bool = False  # the safety note below
    message: str = Field(default="", sa_type=EncryptedText)
    safety_note: str = Field(default="", sa_type=EncryptedText)
    answer_by: date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = ts_field()
    sent_on: date | None = None
    sent_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    answered_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decline_reason: str = Field(default="", sa_type=EncryptedText)
    completed_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)  # implemented|not_successful
    outcome_reason: str = Field(default="", sa_type=EncryptedText)
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    revoke_reason: str = Field(default="", sa_type=EncryptedText)
