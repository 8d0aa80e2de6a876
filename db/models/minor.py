"""The minors' procedure: guardian, best interests, family assessment, actors, escort.

The names and contacts of the guardian, the escort, the person the child is handed over
to and the actors' contact people are encrypted at rest (`EncryptedText`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, utcnow
from db.types import EncryptedText


class MinorProcedure(Versioned, table=True):
    __tablename__ = "minor_procedure"

    case_id: int = Field(foreign_key="care_case.id", primary_key=True)
    guardian_name: str = Field(default="", sa_type=EncryptedText)
    guardian_organisation: str = Field(default="", max_length=200)
    guardian_contact: str = Field(default="", sa_type=EncryptedText)
    bid_on: date | None = None
    bid_body: str = Field(default="", max_length=200)
    bid_person: str = Field(default="", sa_type=EncryptedText)  # plain text: at most 200
    bid_outcome: str | None = Field(default=None, max_length=20)  # return|no_return
    bid_reasons: str = Field(default="", sa_type=EncryptedText)
    family_requested_on: date | None = None
    family_done_on: date | None = None
    family_done_by: str = Field(default="", sa_type=EncryptedText)  # plain text: at most 200
    family_outcome: str | None = Field(default=None, max_length=20)  # positive|negative
    family_documents: str = Field(default="", sa_type=EncryptedText)
    escort_kind: str | None = Field(default=None, max_length=10)  # guardian|staff
    escort_name: str = Field(default="", sa_type=EncryptedText)  # plain text: at most minors_write.TEXT_MAX
    handover_on: date | None = None
    handover_to: str = Field(default="", sa_type=EncryptedText)


class MinorActor(Versioned, table=True):
    """One actor to coordinate with before a child's return."""

    __tablename__ = "minor_actor"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    actor: str = Field(max_length=40)
    required: bool = True
    contact_name: str = Field(default="", sa_type=EncryptedText)
    contacted_on: date | None = None
    agreed: str = Field(default="", sa_type=EncryptedText)


class ChildView(SQLModel, table=True):
    """The child's own views at a step, in their words where possible."""

    __tablename__ = "child_view"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    step: str = Field(max_length=40)
    recorded_on: date
    words: str = Field(sa_type=EncryptedText)
    recorded_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
