"""Users, their roles, countries (focal points) and programmes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from db.models.base import Versioned, utcnow
from db.types import EncryptedText


class User(Versioned, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    password_hash: str = Field(max_length=200)
    language: str = Field(default="en", max_length=8)
    # Moments are shown in this IANA zone; empty: the zone of the user's country or programme (care.timezones).
    time_zone: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    is_active: bool = True
    locked: bool = False
    failed_logins: int = 0
    must_change_password: bool = False
    # A partner user belongs to one partner organisation (role "partner").
    # use_alter: partner_organisation points back at app_user (updated_by_id), a cycle.
    partner_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("partner_organisation.id", use_alter=True, name="fk_app_user_partner_id"), nullable=True))
    last_login_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Login cookies issued before this moment are refused (logout, lock): server-side revocation.
    sessions_revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # After too many failed logins the account waits until then (longer each time), never for good.
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lock_count: int = 0  # temporary locks in a row: each doubles the wait
    # Second factor (TOTP): the secret is encrypted with the data key; set when the first code was confirmed.
    totp_secret: str | None = Field(default=None, sa_type=EncryptedText, nullable=True)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    totp_last_step: int = 0  # the last accepted 30-second step: a code is never accepted twice
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)


class UserCountry(SQLModel, table=True):
    """A focal point's country (ISO 3166 alpha-2)."""

    __tablename__ = "user_country"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    country: str = Field(max_length=2, primary_key=True)


class UserProgramme(SQLModel, table=True):
    __tablename__ = "user_programme"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
