"""Sign-ins kept on the server: what a browser's cookie may resume, and login throttling.

The login cookie only says who signed in and until when; whether that sign-in is still
alive (not logged out, not idle past `CARE_IDLE_MINUTES`, second factor given) is decided
here, so reopening a browser cannot restart the idle clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from sqlalchemy import DateTime

from db.models.base import utcnow


class SignIn(SQLModel, table=True):
    __tablename__ = "sign_in"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    # SHA-256 of the login cookie the browser holds: the cookie resumes this sign-in only.
    cookie_hash: str = Field(default="", max_length=64, index=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    ended_reason: str = Field(default="", max_length=20)
    second_factor_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    client: str = Field(default="", max_length=64)


class LoginThrottle(SQLModel, table=True):
    """Failed logins from one client address (any username): each failure past a few waits longer."""

    __tablename__ = "login_throttle"

    client: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    blocked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RecoveryCode(SQLModel, table=True):
    """One-time recovery codes of the second factor, stored as bcrypt hashes."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_hash: str = Field(max_length=100)
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
