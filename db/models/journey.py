"""Departure and arrival checklist items: the host side and the return side."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from db.models.base import Versioned
from db.types import EncryptedText


class ChecklistItem(Versioned, table=True):
    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("case_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="care_case.id", index=True)
    side: str = Field(max_length=10)  # departure|arrival
    item: str = Field(max_length=40)
    needed: bool = True
    done_on: date | None = None
    done_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    note: str = Field(default="", sa_type=EncryptedText)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
