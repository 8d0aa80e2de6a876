"""Team work: tasks, and the e-mails that remind people of them (the outbox).

A task's text and cancel reason may name a person or a place: encrypted like identity.
An outbox row holds only case codes and counts (care/reminders.py writes it so), never a name.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, ts_field
from db.types import EncryptedText


class Task(Versioned, table=True):
    """Something one person must do by a day: typed by hand, or derived from a record of a case.

    A derived task names its source (`origin`, `source_id`): the unique pair keeps it from being
    created twice, however often the derivation runs (care/tasks.py `tasks_derive`).
    """

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("origin", "source_id", name="uq_task_origin_source"),
        Index("ix_task_assignee_state_due", "assignee_id", "state", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="care_case.id", index=True)
    assignee_id: int = Field(foreign_key="app_user.id")
    due_on: date
    text: str = Field(default="", sa_type=EncryptedText)
    origin: str = Field(max_length=20)  # manual|mitigation|plan_line|minor_step|referral
    source_id: int | None = None  # the mitigation, plan line, case (minors' step) or referral; None by hand
    state: str = Field(default="open", max_length=10)  # open|done|cancelled
    done_on: date | None = None
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")  # None: closed by its source record
    cancelled_on: date | None = None
    cancel_reason: str = Field(default="", sa_type=EncryptedText)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")  # None: derived
    created_at: datetime = ts_field()


class ReminderOptOut(SQLModel, table=True):
    """A user who asked for no reminder e-mail (neither the daily digest nor the alarm e-mail)."""

    __tablename__ = "reminder_opt_out"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    at: datetime = ts_field()


class EmailOutbox(SQLModel, table=True):
    """One e-mail to send. Written in the transaction of what it announces, sent later, kept once sent.

    `key` is unique: the digest of a user for a day, or an alarm's e-mail to one coordinator, is
    written once however often the command runs.
    """

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_sent_at", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=10)  # digest|alarm
    user_id: int = Field(foreign_key="app_user.id", index=True)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=Text)
    created_at: datetime = ts_field()
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    last_try_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
