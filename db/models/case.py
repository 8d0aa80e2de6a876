"""The case, the identity kept apart from it, the referral register and case codes.

Identity lives in its own table so that every query that does not need a name never
touches one, and so that it can be encrypted and anonymised on its own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, encrypted_list_field, ts_field, utcnow
from db.hooks import hooks
from db.types import EncryptedDate, EncryptedText


class Case(Versioned, table=True):
    __tablename__ = "care_case"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    # Referral
    host_country: str = Field(max_length=2, index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    referral_date: date = Field(index=True)
    identified_by: str = Field(max_length=30)
    # The person (no identifying data here). What describes the person or the exploitation is
    # encrypted at rest; the plain age at referral is all the indicators and the duplicate
    # check need (see `_derive_age_and_birth_index` below).
    sex: str = Field(max_length=30)  # HTCDS gender
    birth_date: date | None = Field(default=None, sa_type=EncryptedDate)
    estimated_age: int | None = None
    age_at_referral: int | None = None  # whole years, from the birth date or the estimate
    birth_date_index: str = Field(default="", max_length=16, index=True)  # crypto.day_token
    is_minor: bool = Field(default=False, index=True)  # at referral; keeps its procedure
    nationality: str = Field(sa_type=EncryptedText)
    languages: list[str] = encrypted_list_field()  # ISO 639-1: every language the person speaks (no order)
    # ISO 639-1, in the person's order of preference: the first one that has a person-facing
    # catalog is the language of the documents given to them (care/persontext.py).
    preferred_languages: list[str] = encrypted_list_field()
    interpreter_needed: bool = False  # from now on; `consent_interpreter` says one was there at consent
    exploitation_forms: list[str] = encrypted_list_field()
    labour_sector: str | None = Field(default=None, sa_type=EncryptedText)
    control_methods: list[str] = encrypted_list_field()
    recruitment_method: str | None = Field(default=None, sa_type=EncryptedText)
    vulnerabilities: list[str] = encrypted_list_field()
    return_country: str = Field(max_length=2, index=True)
    return_region: str = Field(default="", sa_type=EncryptedText)
    # Path
    stage: str = Field(default="referred", max_length=20, index=True)
    stage_changed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    ineligible_reason: str = Field(default="", sa_type=EncryptedText)
    closing_reason: str | None = Field(default=None, max_length=30)
    closing_note: str = Field(default="", sa_type=EncryptedText)
    closed_on: date | None = None
    departure_date: date | None = None
    arrival_date: date | None = None
    risk_level: str | None = Field(default=None, max_length=10, index=True)  # current overall
    alarm_open: bool = Field(default=False, index=True)
    alarm_note: str = Field(default="", sa_type=EncryptedText)
    # Consent (HTCDS AgreementToManagePersonalData and the two others)
    consent_processing_on: date | None = None
    consent_method: str = Field(default="", max_length=30)
    consent_language: str = Field(default="", max_length=8)
    consent_interpreter: bool = False
    consent_followup: bool = False
    consent_sharing: bool = False
    # When the person agreed to sharing with the return country's partners, and when they withdrew it.
    consent_sharing_on: date | None = None
    consent_sharing_withdrawn_on: date | None = None
    # The focal point who answers for the case (optional; access still follows the countries).
    focal_point_id: int | None = Field(default=None, foreign_key="app_user.id")
    followup_consent_withdrawn_on: date | None = None
    anonymised_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = ts_field()


class Identity(Versioned, table=True):
    """Who the person is. Shown only to users allowed to see it; every read is audited.

    Names and contacts are encrypted at rest (`EncryptedText`).
    """

    case_id: int = Field(foreign_key="care_case.id", primary_key=True)
    given_names: str = Field(default="", sa_type=EncryptedText)
    family_names: str = Field(default="", sa_type=EncryptedText)
    aliases: str = Field(default="", sa_type=EncryptedText)
    phone: str = Field(default="", sa_type=EncryptedText)
    contact_return: str = Field(default="", sa_type=EncryptedText)
    emergency_contact: str = Field(default="", sa_type=EncryptedText)
    # One keyed hash per folded word of every name variant (care.identity.name_index):
    # SQL can find a name without the name being stored.
    name_index: str = Field(default="", sa_type=Text, index=False)


class Referral(SQLModel, table=True):
    """The register of referrals received, kept even when no case may be saved."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    host_country: str = Field(max_length=2)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    referral_date: date
    outcome: str = Field(default="pending", max_length=20)  # pending|case|not_eligible|declined|no_consent
    case_id: int | None = Field(default=None, foreign_key="care_case.id")
    note: str = Field(default="", sa_type=EncryptedText)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = ts_field()


class CaseCodeCounter(SQLModel, table=True):
    """Last number used per programme, host country and year (CARE-FR-2014-0007)."""

    __tablename__ = "case_code_counter"
    __table_args__ = (UniqueConstraint("programme_id", "host_country", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id")
    host_country: str = Field(max_length=2)
    year: int
    last_number: int = 0


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _derive_age_and_birth_index(_mapper, _connection, case: Case) -> None:
    """Whenever a case is written, its plain age at referral and its birth date's keyed hash
    follow the encrypted birth date (or the estimate): no path can leave them stale.

    The indicators' age groups read `age_at_referral` (SQL cannot read an encrypted date),
    and the duplicate check finds an exact birth date through `birth_date_index`.
    """
    born, day = case.birth_date, case.referral_date
    if born is not None and day is not None:
        case.age_at_referral = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    else:
        case.age_at_referral = case.estimated_age
    case.birth_date_index = hooks().day_token(born) if born is not None else ""


# The indicators and the case list read a programme's cases referred in a period, by stage (issue 23).
Index("ix_care_case_programme_referral", Case.programme_id, Case.referral_date, Case.stage)
