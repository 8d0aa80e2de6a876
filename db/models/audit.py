"""The append-only audit log: who, when, what, which case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Text
from sqlmodel import Field, SQLModel

from db.models.base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    username: str = Field(default="", max_length=64)
    action: str = Field(max_length=40, index=True)
    case_id: int | None = Field(default=None, foreign_key="care_case.id", index=True)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    detail: str = Field(default="", sa_type=Text)
