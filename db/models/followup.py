"""Follow-ups after return: the schedule, what was logged, the scores item by item."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, json_field
from db.types import EncryptedText


class FollowUp(Versioned, table=True):
    __tablename__ = "followup"
    # Home's "overdue" list reads the planned follow-ups past due: with status and day in one
    # index it reads those rows only, not every past follow-up (measured: 28 ms -> 5 ms at 10,000 cases).
    __table_args__ = (Index("ix_followup_status_due_on", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    kind: str = Field(default="scheduled", max_length=12)  # scheduled|monitoring
    months_after: int | None = None
    due_on: date = Field(index=True)
    status: str = Field(default="planned", max_length=12, index=True)  # planned|done|missed|cancelled
    done_on: date | None = None
    mode: str = Field(default="", max_length=20)  # visit|phone|video|partner
    reached: bool | None = None
    # Where and with whom the person lives after return: an address and relatives' names.
    living_where: str = Field(default="", sa_type=EncryptedText)
    living_with: str = Field(default="", sa_type=EncryptedText)
    wellbeing: str = Field(default="", sa_type=EncryptedText)
    missed_reason: str = Field(default="", sa_type=EncryptedText)
    alarms: list[str] = json_field()
    alarm_note: str = Field(default="", sa_type=EncryptedText)
    logged_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class FollowUpScore(SQLModel, table=True):
    """One answer of the reintegration sustainability check."""

    __tablename__ = "followup_score"

    followup_id: int = Field(foreign_key="followup.id", primary_key=True)
    dimension: str = Field(max_length=20, primary_key=True)  # economic|social|psychosocial
    item: str = Field(max_length=40, primary_key=True)
    score: int


class FollowUpLineProgress(SQLModel, table=True):
    __tablename__ = "followup_line_progress"

    followup_id: int = Field(foreign_key="followup.id", primary_key=True)
    plan_line_id: int = Field(foreign_key="plan_line.id", primary_key=True)
    progress: str = Field(max_length=12)  # not_started|ongoing|achieved|abandoned
