"""What a programme does besides cases: meetings, trainings, brochures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Text
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, utcnow


class Activity(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    kind: str = Field(max_length=12)  # meeting|training|brochures
    held_on: date
    place: str = Field(default="", max_length=200)
    audience: str = Field(default="", sa_type=Text)
    participants: int = 0
    quantity: int = 0  # brochures
    note: str = Field(default="", sa_type=Text)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class ActivityParticipants(SQLModel, table=True):
    """Professionals trained, by kind of organisation."""

    __tablename__ = "activity_participants"

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    org_kind: str = Field(max_length=30, primary_key=True)
    count: int


class ActivityModule(SQLModel, table=True):
    __tablename__ = "activity_module"

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    module_id: int = Field(foreign_key="training_module.id", primary_key=True)
