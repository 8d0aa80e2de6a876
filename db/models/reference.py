"""Reference lists the admin maintains: organisations and training modules.

Entries are retired, never deleted, so that old records keep their meaning.
"""

from __future__ import annotations

from sqlmodel import Field

from db.models.base import Versioned


class Organisation(Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    org_type: str = Field(max_length=40)  # HTCDS organisation type
    country: str = Field(max_length=2)
    retired: bool = False


class TrainingModule(Versioned, table=True):
    __tablename__ = "training_module"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    retired: bool = False
