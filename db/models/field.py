"""Work in the field: drafts kept while typing, the contact log, safe contact, case flags."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, ts_field
from db.types import EncryptedText


class Draft(SQLModel, table=True):
    """What a user typed in a form and has not logged yet, one per user, case and form.

    The payload is the form's values as JSON, encrypted like the identity (it may hold an
    address or a name); nothing reads drafts but their author's form, so no figure counts them.
    """

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("user_id", "case_id", "form", name="uq_draft_user_case_form"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    form: str = Field(max_length=40)
    payload: str = Field(default="", sa_type=EncryptedText)
    saved_at: datetime = ts_field(index=True)


class Contact(SQLModel, table=True):
    """One contact or attempt between follow-ups: a call, a message, a visit, a partner's report, an incident."""

    __tablename__ = "case_contact"
    __table_args__ = (Index("ix_case_contact_case_on", "case_id", "on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id")
    kind: str = Field(max_length=20)  # call|message|visit|partner_report|incident
    on: date
    by_id: int = Field(foreign_key="app_user.id")
    reached: bool
    note: str = Field(default="", sa_type=Text)
    created_at: datetime = ts_field()


class SafeContact(Versioned, table=True):
    """How the person may be reached without putting them at risk (one per case: one person per case)."""

    __tablename__ = "safe_contact"

    case_id: int = Field(foreign_key="care_case.id", primary_key=True)
    channel: str = Field(default="", max_length=20)  # phone|message|visit|through_partner
    times: str = Field(default="", sa_type=EncryptedText)
    who_may_answer: str = Field(default="", sa_type=EncryptedText)
    code_word: str = Field(default="", sa_type=EncryptedText)
    no_voicemail: bool = True
    language: str = Field(default="", sa_type=EncryptedText)
    note: str = Field(default="", sa_type=EncryptedText)


class CaseFlag(SQLModel, table=True):
    """A warning shown wherever the case is listed, with its reason, until its end date or its removal."""

    __tablename__ = "case_flag"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    kind: str = Field(max_length=30)  # safety_concern|do_not_call|witness|health
    reason: str = Field(default="", sa_type=Text)
    ends_on: date | None = None
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = ts_field()
    removed_at: datetime | None = ts_field(nullable=True)
    removed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
