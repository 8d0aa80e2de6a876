"""The second factor: a time-based one-time code (TOTP, RFC 6238, with pyotp) and recovery codes.

A stolen password alone must not open the names of the people in the programme, so every
role that can read identity (`SECOND_FACTOR_ROLES`: add a role there and it is covered)
gives a code from an authenticator app at each sign-in, outside demo mode. `CARE_SECOND_FACTOR=all`
asks it of every user. In demo mode it is asked only of those who enrolled.

The secret is encrypted at rest with the data key (`EncryptedText`); a code is accepted once
(the last accepted 30-second step is kept); recovery codes are stored as bcrypt hashes and
each works once. Wrong codes count as failed logins (throttling and temporary lock).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pyotp
from sqlmodel import Session, select

from care.access import Actor, Role, require
from care.audit import audit_record
from care.config import settings
from care.errors import DomainError
from care.i18n import _
from care.passwords import check_password, hash_password
from db.models import RecoveryCode, User

# Every role that can read a person's identity. A new such role is added here, and only here.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.FOCAL_POINT, Role.PARTNER})
ISSUER = "CARE"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no look-alikes


def is_enrolled(session: Session, user_id: int) -> bool:
    user = session.get(User, user_id)
    return user is not None and user.totp_enabled_at is not None


def second_factor_required(actor: Actor, *, enrolled: bool, demo: bool | None = None) -> bool:
    """Whether this sign-in must give a code: always once enrolled; outside demo mode for the
    roles that can read identity (or everyone with CARE_SECOND_FACTOR=all)."""
    demo = settings().demo if demo is None else demo
    if enrolled:
        return True
    if demo:
        return False
    return settings().second_factor_all or bool(actor.roles & SECOND_FACTOR_ROLES)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """What the QR code holds: an authenticator app reads the secret, the account and the issuer."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _clean(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all():
        session.delete(old)
    codes = ["-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=hash_password(_clean(code))))
    return codes


def _step(at: datetime) -> int:
    return int(at.timestamp()) // 30


def enrol(session: Session, actor: Actor, *, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Turn the second factor on once the app shows a right code; return the recovery codes (shown once)."""
    now = now or datetime.now(UTC)
    totp = pyotp.TOTP(secret)
    if not totp.verify(_clean(code), for_time=now, valid_window=1):
        raise DomainError(_("This code is not the one your app shows now: check the time on your phone "
                            "and type the current code."), field="code")
    user = session.get(User, actor.id)
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = _step(now)
    session.add(user)
    codes = _new_recovery_codes(session, user.id)
    audit_record(session, actor, "second_factor.enable", entity="user", entity_id=user.id)
    return codes


def recovery_codes_left(session: Session, user_id: int) -> int:
    return len(session.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                          RecoveryCode.used_at == None)).all())  # noqa: E711


def verify(session: Session, user_id: int, code: str, now: datetime | None = None) -> bool:
    """A code from the app (each accepted once) or an unused recovery code (then spent). Audited."""
    now = now or datetime.now(UTC)
    user = session.get(User, user_id)
    cleaned = _clean(code)
    if user is None or user.totp_secret is None or not cleaned:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    if cleaned.isdigit() and len(cleaned) == 6:
        for offset in (-1, 0, 1):
            step = _step(now) + offset
            if step > user.totp_last_step and totp.at(step * 30) == cleaned:
                user.totp_last_step = step
                session.add(user)
                return True
        return False
    for row in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                                       RecoveryCode.used_at == None)).all():  # noqa: E711
        if check_password(cleaned, row.code_hash):
            row.used_at = now
            session.add(row)
            audit_record(session, None, "second_factor.recovery_code", entity="user", entity_id=user_id,
                         username=user.username,
                         detail={"left": recovery_codes_left(session, user_id) - 1})
            return True
    return False


def recovery_codes_renew(session: Session, actor: Actor, *, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    if not verify(session, actor.id, code):
        raise DomainError(_("This code is not right."), field="code")
    codes = _new_recovery_codes(session, actor.id)
    audit_record(session, actor, "second_factor.recovery_renew", entity="user", entity_id=actor.id)
    return codes
