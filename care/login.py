"""Signing in: password check, throttling, temporary locks, and sign-ins kept on the server.

Three rules together keep guessing slow without letting a stranger shut the team out:
- one answer and one cost for every refusal: an unknown username, a wrong password, a
  locked or inactive account all get the same message, and bcrypt runs every time
  (against a dummy hash when there is no user), so neither text nor timing tells which;
- a client address that keeps failing (whatever the username) waits longer after each
  failure past a few (1 s, 2 s, 4 s ... up to 15 minutes), before any password is checked;
- an account that fails `CARE_MAX_FAILED_LOGINS` times in a row waits 1 minute, then 2, 4
  ... up to an hour, and is never locked for good by failures (only an administrator locks).

A sign-in is a row (`SignIn`) keyed by a hash of the browser's login cookie. Its last
activity is on the server, so `CARE_IDLE_MINUTES` without activity ends it even if the
browser is closed and reopened with the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlmodel import Session, select

from care.access import Actor
from care.audit import audit_record
from care.config import settings
from care.i18n import _
from care.passwords import check_password, hash_password
from care.second_factor import verify
from db.models import LoginThrottle, SignIn, User

CLIENT_FREE_FAILURES = 5  # failures from one client before it has to wait
CLIENT_MAX_WAIT = timedelta(minutes=15)
CLIENT_MEMORY = timedelta(hours=1)  # a client's failures are forgotten after an hour without one
LOCK_FIRST = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=1)
_TRIED_NAME_INFO = b"care audit tried username v1"


class LoginRefused(Exception):
    """The login is refused; `message` is what the person sees (the same for every account)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def client_address(forwarded_for: str | None, peer: str | None) -> str:
    """The client's address as far as it can be trusted.

    `peer` is the address that opened the connection (Streamlit gives None when it is this
    machine). A connection from this machine is the reverse proxy (the deployment runs the
    app on 127.0.0.1 behind it): the proxy appends the address it saw to X-Forwarded-For, so
    the last entry is trusted and earlier ones (which the client can write) are not. A
    connection from elsewhere did not come through our proxy: its own address counts and
    any X-Forwarded-For it sends is ignored.
    """
    if peer:
        return peer[:64]
    entries = [e.strip() for e in (forwarded_for or "").split(",") if e.strip()]
    return entries[-1][:64] if entries else "local"


def refused_message() -> str:
    return _("Username or password is incorrect, or the account must wait a few minutes after too many "
             "failed logins.")


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at  # SQLite returns naive UTC


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of nothing anyone types, made with the same cost as real ones."""
    return hash_password("no user has this password: it only makes an unknown name cost the same")


def tried_name_hash(username: str) -> str:
    """A keyed hash of a username that does not exist, for the audit log.

    Repeated guesses of the same name show as the same value; without the data key nobody can
    test a guess against it (HMAC-SHA256 under a key derived from the data key with HKDF).
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    import base64

    from care.crypto import data_keys

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_TRIED_NAME_INFO).derive(
        base64.urlsafe_b64decode(data_keys()[0]))
    return hmac.new(key, username.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _wait_text(seconds: float) -> str:
    if seconds < 90:
        return _("Too many failed logins from this computer: wait {n} seconds and try again.").format(
            n=max(1, round(seconds)))
    return _("Too many failed logins from this computer: wait {n} minutes and try again.").format(
        n=round(seconds / 60))


def _client_failed(session: Session, client: str, now: datetime) -> None:
    row = session.get(LoginThrottle, client)
    if row is None:
        row = LoginThrottle(client=client, failures=0, last_failure_at=now)
    elif now - _aware(row.last_failure_at) > CLIENT_MEMORY:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    past = row.failures - CLIENT_FREE_FAILURES
    if past > 0:
        row.blocked_until = now + min(timedelta(seconds=2 ** (past - 1)), CLIENT_MAX_WAIT)
    session.add(row)


def client_wait(session: Session, client: str, now: datetime | None = None) -> float:
    """Seconds this client must still wait before its next try (0: it may try)."""
    now = now or datetime.now(UTC)
    row = session.get(LoginThrottle, client)
    until = _aware(row.blocked_until) if row else None
    return max(0.0, (until - now).total_seconds()) if until else 0.0


def _lock_wait(lock_count: int) -> timedelta:
    return min(LOCK_FIRST * 2 ** (lock_count - 1), LOCK_MAX)


def _account_failed(session: Session, user: User, now: datetime, client: str) -> None:
    """Count a failure against an account; past the limit it waits, longer at each lock in a row."""
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        return  # tries during the wait are not counted: hammering does not lengthen it
    user.failed_logins += 1
    if user.failed_logins >= settings().max_failed_logins:
        user.lock_count += 1
        user.failed_logins = 0
        user.locked_until = now + _lock_wait(user.lock_count)
        audit_record(session, None, "user.lock", entity="user", entity_id=user.id, username=user.username,
                     detail={"reason": "failed logins", "until": user.locked_until.isoformat(timespec="seconds"),
                             "client": client})
    session.add(user)


def login_attempt(session: Session, *, username: str, password: str, client: str = "",
                  now: datetime | None = None) -> User:
    """The user this username and password sign in, or LoginRefused with the same message for all."""
    now = now or datetime.now(UTC)
    wait = client_wait(session, client, now)
    if wait:
        audit_record(session, None, "login.throttled", detail={"client": client, "wait_seconds": round(wait)},
                     username="")
        raise LoginRefused(_wait_text(wait))
    name = username.strip().lower()
    user = session.exec(select(User).where(User.username == name)).first() if name else None
    # bcrypt runs whether or not the user exists, so the time taken tells nothing.
    password_ok = check_password(password, user.password_hash if user else _dummy_hash())
    locked_until = _aware(user.locked_until) if user else None
    usable = (user is not None and user.is_active and not user.locked
              and not (locked_until and locked_until > now))
    if password_ok and usable:
        user.failed_logins = 0
        user.lock_count = 0
        user.locked_until = None
        user.last_login_at = now
        session.add(user)
        return user
    _client_failed(session, client, now)
    if user is None:
        audit_record(session, None, "login.failed", username="",
                     detail={"reason": "unknown user", "tried": tried_name_hash(name), "client": client})
    else:
        reason = ("wrong password" if not password_ok else "inactive" if not user.is_active
                  else "locked" if user.locked else "waiting")
        if not password_ok:
            _account_failed(session, user, now, client)
        audit_record(session, None, "login.failed", entity="user", entity_id=user.id, username=user.username,
                     detail={"reason": reason, "count": user.failed_logins, "client": client})
    if password_ok and user is not None and (user.locked or not user.is_active):
        # The right password for an account an administrator locked or deactivated: whoever typed it
        # knows the password, so say what blocks them and whom to ask (a temporary wait after failed
        # logins keeps the common message: telling a guesser during the wait that the password is
        # right would undo the wait).
        raise LoginRefused(locked_message(session, deactivated=not user.is_active))
    raise LoginRefused(refused_message())


def administrator_names(session: Session, limit: int = 3) -> list[str]:
    """The names of a few active administrators, to tell a locked-out user whom to ask."""
    from db.models import UserRole

    rows = session.exec(select(User.name).join(UserRole, UserRole.user_id == User.id)
                        .where(UserRole.role == "admin", User.is_active.is_(True), User.locked.is_(False))
                        .order_by(User.name).limit(limit)).all()
    return list(rows)


def locked_message(session: Session, *, deactivated: bool = False) -> str:
    """What a person with the right password reads when an administrator locked or deactivated the account."""
    names = ", ".join(administrator_names(session)) or _("an administrator of your programme")
    if deactivated:
        return _("This account is deactivated, so it cannot log in. Ask an administrator to reactivate it: "
                 "{names}.").format(names=names)
    return _("This account is locked, so it cannot log in. Ask an administrator to unlock it: {names}.").format(
        names=names)


def second_factor_attempt(session: Session, *, user_id: int, sign_in_id: int, code: str, client: str = "",
                          now: datetime | None = None) -> None:
    """The code asked after the password: a right one completes the sign-in, a wrong one counts as a
    failed login (the client waits, the account waits after too many)."""
    now = now or datetime.now(UTC)
    wait = client_wait(session, client, now)
    if wait:
        raise LoginRefused(_wait_text(wait))
    user = session.get(User, user_id)
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        raise LoginRefused(_("Too many wrong codes: wait a few minutes and try again."))
    if verify(session, user_id, code, now):
        user.failed_logins = 0
        session.add(user)
        sign_in_second_factor_done(session, sign_in_id)
        audit_record(session, None, "login.second_factor", entity="user", entity_id=user.id, username=user.username,
                     detail={"sign_in": sign_in_id, "client": client})
        return
    _client_failed(session, client, now)
    _account_failed(session, user, now, client)
    audit_record(session, None, "login.failed", entity="user", entity_id=user.id, username=user.username,
                 detail={"reason": "second factor", "count": user.failed_logins, "client": client})
    raise LoginRefused(_("This code is not right. Type the code your app shows now, or a recovery code."))


# --- sign-ins on the server ------------------------------------------------------------


def cookie_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest() if token else ""


def sign_in_start(session: Session, actor: Actor, *, cookie_token: str, client: str = "",
                  how: str = "password") -> int:
    """Record a new sign-in (audited as "login") and return its id, kept in the browser's session."""
    row = SignIn(user_id=actor.id, cookie_hash=cookie_hash(cookie_token), client=client[:64])
    session.add(row)
    session.flush()
    audit_record(session, actor, "login", entity="user", entity_id=actor.id,
                 detail={"sign_in": row.id, "how": how, "client": client})
    return row.id


def _idle_limit() -> timedelta:
    return timedelta(minutes=settings().idle_minutes)


def sign_in_end(session: Session, sign_in_id: int | None, reason: str, now: datetime | None = None) -> None:
    row = session.get(SignIn, sign_in_id) if sign_in_id else None
    if row is not None and row.ended_at is None:
        row.ended_at = now or datetime.now(UTC)
        row.ended_reason = reason[:20]
        session.add(row)


def sign_in_close(session: Session, actor: Actor, sign_in_id: int | None, reason: str) -> None:
    """End this browser's sign-in only (idle, refused): the user's other sign-ins go on. Audited."""
    sign_in_end(session, sign_in_id, reason)
    audit_record(session, actor, "logout", entity="user", entity_id=actor.id,
                 detail={"reason": reason, "sign_in": sign_in_id})


def sign_in_touch(session: Session, sign_in_id: int | None, now: datetime | None = None) -> str | None:
    """At each action: None if the sign-in is alive (its last activity moves to now), else why it ended.

    The idle time is measured from the server's record, not the browser's.
    """
    now = now or datetime.now(UTC)
    row = session.get(SignIn, sign_in_id) if sign_in_id else None
    if row is None:
        return "unknown"
    if row.ended_at is not None:
        return row.ended_reason or "ended"
    if now - _aware(row.last_seen_at) > _idle_limit():
        sign_in_end(session, row.id, "idle", now)
        return "idle"
    row.last_seen_at = now
    session.add(row)
    return None


@dataclass(frozen=True)
class Resumed:
    sign_in_id: int
    second_factor_done: bool


def sign_in_resume(session: Session, username: str, cookie_token: str, now: datetime | None = None) -> Resumed | None:
    """A browser comes back with its login cookie: the sign-in it belongs to, if still alive.

    Refused (None) when the cookie matches no sign-in, or the sign-in was ended (logout, lock,
    idle), or has been idle too long (it is ended now).
    """
    now = now or datetime.now(UTC)
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    digest = cookie_hash(cookie_token)
    if user is None or not digest:
        return None
    row = session.exec(select(SignIn).where(SignIn.user_id == user.id, SignIn.cookie_hash == digest)).first()
    if row is None or sign_in_touch(session, row.id, now) is not None:
        return None
    return Resumed(row.id, row.second_factor_at is not None)


def sign_ins_end_all(session: Session, user_id: int, reason: str) -> None:
    """Logout everywhere, a lock, a password reset: every sign-in of this user ends."""
    now = datetime.now(UTC)
    for row in session.exec(select(SignIn).where(SignIn.user_id == user_id, SignIn.ended_at == None)).all():  # noqa: E711
        sign_in_end(session, row.id, reason, now)


def sign_in_second_factor_done(session: Session, sign_in_id: int) -> None:
    row = session.get(SignIn, sign_in_id)
    row.second_factor_at = datetime.now(UTC)
    session.add(row)


def sign_in_second_factor_given(session: Session, sign_in_id: int | None) -> bool:
    row = session.get(SignIn, sign_in_id) if sign_in_id else None
    return row is not None and row.second_factor_at is not None
