"""Programmes as data: countries, period, targets, caps, follow-up schedule.

Settings change over a programme's life; `ProgrammeHistory` keeps each version so that
what was approved under earlier settings can always be explained.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, json_field, utcnow
from db.types import Money


class Programme(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    funder: str = Field(default="", max_length=300)
    start_date: date
    end_date: date
    currency: str = Field(default="EUR", max_length=3)
    target_people: int = 0
    target_minors: int = 0
    cap_per_person: Decimal | None = Field(default=None, sa_column=Column(Money, nullable=True))
    followup_months: list[int] = json_field()
    followup_months_minor: list[int] = json_field()
    retention_months: int = 60
    is_active: bool = True


class ProgrammeCountry(SQLModel, table=True):
    """A host country (where victims are identified) or an eligible return country."""

    __tablename__ = "programme_country"

    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
    kind: str = Field(max_length=6, primary_key=True)  # host | return
    country: str = Field(max_length=2, primary_key=True)


class BudgetCap(SQLModel, table=True):
    """A cap on one plan category or sub-category: an amount, a duration, or both."""

    __tablename__ = "budget_cap"

    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
    category: str = Field(max_length=40, primary_key=True)
    cap_amount: Decimal | None = Field(default=None, sa_column=Column(Money, nullable=True))
    max_months: int | None = None


class ProgrammeHistory(SQLModel, table=True):
    __tablename__ = "programme_history"

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    version: int
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    changed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
