"""Settings in one place, read from the environment or `.streamlit/secrets.toml`.

Outside demo mode the app refuses to start with a missing or default cookie key (a
forged login cookie would open every case file) and with a missing, demo or malformed
data key (a copy of the database would then reveal every name).
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_COOKIE_KEY = "demo-only-cookie-key-not-for-real-data"
MIN_KEY_LENGTH = 32
# A valid Fernet key published in the code: it encrypts demo data only, and
# `check_settings` refuses it outside demo mode.
DEMO_DATA_KEY = "ZGVtby1vbmx5LWRhdGEta2V5LW5vdC1mb3ItcmVhbCE="
NEW_KEY_HINT = "Generate one with: python -m care new-key"
# Seals demo backups only; refused outside demo mode like the demo data key.
DEMO_BACKUP_KEY = "ZGVtby1vbmx5LWJhY2t1cC1rZXktbm90LXJlYWwhISE="


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app must not start."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo: bool
    cookie_key: str
    cookie_name: str
    cookie_expiry_days: float
    idle_minutes: float
    max_failed_logins: int
    data_key: str = ""  # Fernet key that encrypts identifying data (CARE_DATA_KEY)
    data_keys_old: tuple[str, ...] = ()  # earlier keys, still read during a rotation
    second_factor_all: bool = False  # CARE_SECOND_FACTOR=all: every user, not only the roles that read identity
    # The owner role's URL for `python -m care migrate` and restores (DDL); the app's own
    # DATABASE_URL then names a role that cannot change the schema. Empty: DATABASE_URL.
    migrate_url: str = ""
    app_role: str = ""  # the role `migrate` grants the app's rights to (PostgreSQL), if any
    backup_key: str = ""  # seals backups (CARE_BACKUP_KEY), never the data key
    backup_keys_old: tuple[str, ...] = ()  # earlier backup keys, to restore older backups
    backup_dir: str = ""  # where `backup` writes (default: backups/ beside the code)
    backup_keep: int = 14  # how many backups `backup --rotate` keeps

    @property
    def owner_url(self) -> str:
        return self.migrate_url or self.database_url
    draft_days: int = 14  # a draft nobody logged is deleted after this many days (CARE_DRAFT_DAYS)
    # Reminder e-mails (care/reminders.py): the server, "starttls", "ssl" or "none", login, sender.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""  # a secret: environment or secrets.toml, never in git
    smtp_sender: str = ""


def _secrets_file() -> dict:
    path = Path(os.environ.get("CARE_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def default_sqlite_url() -> str:
    data = ROOT / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    if data.stat().st_uid == os.getuid():
        os.chmod(data, 0o700)  # the people's data: nobody else on the machine may list or read it
    return f"sqlite:///{data / 'care.db'}"


def load_settings() -> Settings:
    """Build settings from the environment first, then secrets.toml, then defaults."""
    secrets = _secrets_file()

    def get(name: str, default: str | None = None) -> str | None:
        return os.environ.get(name) or secrets.get(name) or default

    demo = _truthy(get("CARE_DEMO", "0"))
    cookie_key = get("CARE_COOKIE_KEY") or (DEMO_COOKIE_KEY if demo else "")
    data_key = (get("CARE_DATA_KEY") or (DEMO_DATA_KEY if demo else "")).strip()
    old_keys = tuple(k.strip() for k in (get("CARE_DATA_KEYS_OLD") or "").split(",") if k.strip())
    backup_key = (get("CARE_BACKUP_KEY") or (DEMO_BACKUP_KEY if demo else "")).strip()
    old_backup_keys = tuple(k.strip() for k in (get("CARE_BACKUP_KEYS_OLD") or "").split(",") if k.strip())
    return Settings(
        database_url=get("DATABASE_URL") or default_sqlite_url(),
        demo=demo,
        cookie_key=cookie_key,
        cookie_name=get("CARE_COOKIE_NAME", "care_session"),
        cookie_expiry_days=float(get("CARE_COOKIE_EXPIRY_DAYS", "0.5")),
        idle_minutes=float(get("CARE_IDLE_MINUTES", "30")),
        max_failed_logins=int(get("CARE_MAX_FAILED_LOGINS", "5")),
        data_key=data_key,
        data_keys_old=old_keys,
        second_factor_all=(get("CARE_SECOND_FACTOR", "") or "").strip().lower() == "all",
        migrate_url=get("CARE_MIGRATE_DATABASE_URL") or "",
        app_role=get("CARE_APP_ROLE") or "",
        backup_key=backup_key,
        backup_keys_old=old_backup_keys,
        backup_dir=get("CARE_BACKUP_DIR") or "",
        backup_keep=int(get("CARE_BACKUP_KEEP", "14")),
        draft_days=int(get("CARE_DRAFT_DAYS", "14")),
        smtp_host=get("CARE_SMTP_HOST") or "",
        smtp_port=int(get("CARE_SMTP_PORT", "587")),
        smtp_tls=(get("CARE_SMTP_TLS", "starttls") or "").strip().lower(),
        smtp_user=get("CARE_SMTP_USER") or "",
        smtp_password=get("CARE_SMTP_PASSWORD") or "",
        smtp_sender=get("CARE_SMTP_SENDER") or "",
    )


def backup_keys(s: Settings) -> tuple[str, ...]:
    """The backup keys (current first), or ConfigError: missing, malformed, demo or equal to a data key."""
    import base64

    if not s.backup_key:
        raise ConfigError(f"CARE_BACKUP_KEY is missing: backups are encrypted with it. {NEW_KEY_HINT}")
    keys = (s.backup_key, *s.backup_keys_old)
    for key in keys:
        try:
            ok = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
        except (ValueError, UnicodeEncodeError):
            ok = False
        if not ok:
            raise ConfigError(f"CARE_BACKUP_KEY or CARE_BACKUP_KEYS_OLD holds a malformed key. {NEW_KEY_HINT}")
        if key in (s.data_key, *s.data_keys_old):
            raise ConfigError("The backup key must not be a data key: whoever holds the backups must not "
                              f"also hold the key to the names in them. {NEW_KEY_HINT}")
    if not s.demo and DEMO_BACKUP_KEY in keys:
        raise ConfigError(f"CARE_BACKUP_KEY is the demo key, which is published in the code. {NEW_KEY_HINT}")
    return keys


def data_key_problem(s: Settings) -> str | None:
    """Why the data keys cannot be used, or None. A malformed key is refused even in demo mode."""
    from cryptography.fernet import Fernet

    if not s.data_key:
        return f"CARE_DATA_KEY is missing: identifying data is encrypted with it. {NEW_KEY_HINT}"
    for name, key in [("CARE_DATA_KEY", s.data_key)] + [("CARE_DATA_KEYS_OLD", k) for k in s.data_keys_old]:
        try:
            Fernet(key)
        except ValueError:
            return f"{name} holds a key that is not a Fernet key (32 bytes, URL-safe base64). {NEW_KEY_HINT}"
    return None


DEMO_KEYS = frozenset({DEMO_COOKIE_KEY, DEMO_DATA_KEY})
MIN_KEY_BITS = 100  # estimated from the key's length and its number of distinct symbols
MIN_KEY_SYMBOLS = 12  # a random hex key of 64 characters has about 16


def key_bits(symbols: str | bytes) -> float:
    """A generous upper bound of a key's randomness: length times log2 of its distinct symbols.

    A real random key passes easily (64 URL-safe characters: about 380); a key made of one
    repeated character scores 0 and "abab..." 32, whatever its length.
    """
    distinct = len(set(symbols))
    return len(symbols) * math.log2(distinct) if distinct > 1 else 0.0


def weak_key(symbols: str | bytes) -> bool:
    """Too few distinct symbols, too little estimated randomness, or one block repeated ("abcabc...")."""
    periodic = len(symbols) > 1 and symbols in (symbols + symbols)[1:-1]
    return periodic or len(set(symbols)) < MIN_KEY_SYMBOLS or key_bits(symbols) < MIN_KEY_BITS


def _data_key_bytes(key: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(key)
    except (binascii.Error, ValueError):
        return b""


def check_settings(s: Settings) -> None:
    """Refuse unsafe settings outside demo mode: missing, short, low-entropy or published keys."""
    problem = data_key_problem(s)
    if problem:
        raise ConfigError(problem)
    if s.demo:
        return
    if s.data_key in DEMO_KEYS:
        raise ConfigError(f"CARE_DATA_KEY is the demo key, which is published in the code. {NEW_KEY_HINT}")
    if any(k in DEMO_KEYS for k in s.data_keys_old):
        raise ConfigError(f"CARE_DATA_KEYS_OLD holds the demo key, which is published in the code: remove it "
                          f"(data written with it was never protected). {NEW_KEY_HINT}")
    for name, key in [("CARE_DATA_KEY", s.data_key)] + [("CARE_DATA_KEYS_OLD", k) for k in s.data_keys_old]:
        raw = _data_key_bytes(key)
        if weak_key(raw):
            raise ConfigError(f"{name} holds a key that is not random (too few distinct bytes). {NEW_KEY_HINT}")
    if not s.cookie_key or s.cookie_key in DEMO_KEYS:
        raise ConfigError(
            "CARE_COOKIE_KEY is missing or is a demo key. Set a long random secret in the "
            "environment or in .streamlit/secrets.toml (see README), or set CARE_DEMO=1 for the demo."
        )
    if len(s.cookie_key) < MIN_KEY_LENGTH:
        raise ConfigError(f"CARE_COOKIE_KEY must be at least {MIN_KEY_LENGTH} characters long.")
    if weak_key(s.cookie_key):
        raise ConfigError("CARE_COOKIE_KEY is not random enough (too few distinct characters, or a pattern). "
                          "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()
