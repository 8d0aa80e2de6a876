"""The individual reintegration plan (IRP): revisions, lines, payments.

An approved revision is frozen; a change starts a new revision. Payments are cancelled,
never deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, utcnow
from db.types import EncryptedText, ExactDecimal, Money


class Plan(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    revision_no: int
    status: str = Field(default="draft", max_length=12, index=True)  # draft|submitted|approved|rejected|superseded
    author_id: int = Field(foreign_key="app_user.id")
    agreed_with_person: bool = False
    agreed_with_organisation: bool = False
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decision_comment: str = Field(default="", sa_type=EncryptedText)
    # The programme's caps as they stood when the plan was approved.
    caps_snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # Annex 3: a short summary of the help per dimension, and the improvement expected after it.
    summary_economic: str = Field(default="", sa_type=EncryptedText)
    summary_social: str = Field(default="", sa_type=EncryptedText)
    summary_psychosocial: str = Field(default="", sa_type=EncryptedText)
    improvement_economic: str = Field(default="", sa_type=EncryptedText)
    improvement_social: str = Field(default="", sa_type=EncryptedText)
    improvement_psychosocial: str = Field(default="", sa_type=EncryptedText)


class PlanLine(Versioned, table=True):
    __tablename__ = "plan_line"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    category: str = Field(max_length=20)  # immediate|economic|social|psychosocial
    subcategory: str = Field(max_length=40)
    description: str = Field(sa_type=EncryptedText)
    provider: str = Field(default="", sa_type=EncryptedText)  # plain text: at most 200
    # The provider from the partner directory, when it is one of them (`provider`: a one-off, typed).
    partner_id: int | None = Field(default=None, foreign_key="partner_organisation.id")
    planned_on: date | None = None
    amount: Decimal = Field(sa_column=Column(Money, nullable=False))
    currency: str = Field(max_length=3)
    rate: Decimal = Field(default=Decimal(1), sa_column=Column(ExactDecimal, nullable=False))
    amount_programme: Decimal = Field(sa_column=Column(Money, nullable=False))
    duration_months: int | None = None
    need_area: str | None = Field(default=None, max_length=40)
    # The line of the earlier revision this one continues: what was paid there counts here.
    carried_from_id: int | None = Field(default=None, foreign_key="plan_line.id")
    # Annex 3 "referral needed?", and the directory's service the person is referred to, if any.
    referral_needed: bool = False
    referral_service_id: int | None = Field(default=None, foreign_key="partner_service.id")


class PlanLineItem(SQLModel, table=True):
    """Goods, equipment or a service bought under a plan line, with its estimated cost (Annex 3,
    section 3). A line's items add up to the line's amount, in the line's currency."""

    __tablename__ = "plan_line_item"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="plan_line.id", index=True)
    position: int = 0
    kind: str = Field(max_length=20)  # goods|equipment|service
    description: str = Field(sa_type=EncryptedText)
    cost: Decimal = Field(sa_column=Column(Money, nullable=False))  # in the line's currency


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_line_id: int = Field(foreign_key="plan_line.id", index=True)
    paid_on: date
    amount: Decimal = Field(sa_column=Column(Money, nullable=False))  # programme currency
    method: str = Field(max_length=20)  # cash|bank_transfer|provider
    receipt_ref: str = Field(default="", max_length=100)
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    cancelled_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    cancelled_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    cancel_reason: str = Field(default="", sa_type=EncryptedText)


# The indicators join a case's plans by status, and a plan line's payments (issue 23).
Index("ix_plan_case_status", Plan.case_id, Plan.status)
Index("ix_payment_line_cancelled", Payment.plan_line_id, Payment.cancelled_at)
