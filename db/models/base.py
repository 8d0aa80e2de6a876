"""Shared column helpers: UTC timestamps, versioned rows, JSON lists."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def ts_field(*, nullable: bool = False, index: bool = False):
    """A timezone-aware UTC timestamp column."""
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_type=DateTime(timezone=True),
        nullable=nullable,
        index=index,
    )


def json_field(default=list):
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


def encrypted_list_field():
    """A list of codes encrypted at rest (`EncryptedList`): no SQL aggregate may need it."""
    from db.types import EncryptedList

    return Field(default_factory=list, sa_column=Column(EncryptedList, nullable=False))


class Versioned(SQLModel):
    """A row people edit: `version` guards against silent overwrites (optimistic locking)."""

    version: int = Field(default=1, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
