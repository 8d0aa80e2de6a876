"""Settings in one place, read from the environment or `.streamlit/secrets.toml`.

Outside demo mode the app refuses to start with a missing or default cookie key (a
forged login cookie would open every case file) and with a missing, demo or malformed
data key (a copy of the database would then reveal every name).
"""

from __future__ import annotations

from typing import Literal

import base64
import binascii
import math
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

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


def _comma_list(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(k.strip() for k in value.split(",") if k.strip())
    return tuple(value or ())


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]


def _env(name: str, default=None, **kw):
    """A setting read from the environment variable `name` (or the same key in secrets.toml)."""
    return Field(default, validation_alias=name, **kw)


class Settings(BaseSettings):
    """Typed settings: a value of the wrong type is refused with the variable's name
    (`load_settings` turns pydantic's error into a `ConfigError`). The environment comes
    first, then `.streamlit/secrets.toml` (same names), then the defaults here; an empty
    variable counts as unset."""

    model_config = SettingsConfigDict(frozen=True, env_ignore_empty=True, extra="ignore", populate_by_name=True)

    database_url: str = _env("DATABASE_URL", "")
    demo: bool = _env("CARE_DEMO", False)
    cookie_key: str = _env("CARE_COOKIE_KEY", "")
    cookie_name: str = _env("CARE_COOKIE_NAME", "care_session")
    cookie_expiry_days: float = _env("CARE_COOKIE_EXPIRY_DAYS", 0.5, gt=0)
    idle_minutes: float = _env("CARE_IDLE_MINUTES", 30.0, gt=0)
    max_failed_logins: int = _env("CARE_MAX_FAILED_LOGINS", 5, ge=1)
    data_key: str = _env("CARE_DATA_KEY", "")  # Fernet key that encrypts identifying data
    data_keys_old: CommaList = _env("CARE_DATA_KEYS_OLD", ())  # earlier keys, still read during a rotation
    # CARE_SECOND_FACTOR=all: every user, not only the roles that read identity
    second_factor_all: Annotated[bool, BeforeValidator(lambda v: v if isinstance(v, bool)
                                                       else str(v).strip().lower() == "all")] = _env(
        "CARE_SECOND_FACTOR", False)
    # The owner role's URL for `python -m care migrate` and restores (DDL); the app's own
    # DATABASE_URL then names a role that cannot change the schema. Empty: DATABASE_URL.
    migrate_url: str = _env("CARE_MIGRATE_DATABASE_URL", "")
    app_role: str = _env("CARE_APP_ROLE", "")  # the role `migrate` grants the app's rights to (PostgreSQL), if any
    backup_key: str = _env("CARE_BACKUP_KEY", "")  # seals backups, never the data key
    backup_keys_old: CommaList = _env("CARE_BACKUP_KEYS_OLD", ())  # earlier backup keys, to restore older backups
    backup_dir: str = _env("CARE_BACKUP_DIR", "")  # where `backup` writes (default: backups/ beside the code)
    backup_keep: int = _env("CARE_BACKUP_KEEP", 14, ge=1)  # how many backups `backup --rotate` keeps
    draft_days: int = _env("CARE_DRAFT_DAYS", 14, ge=1)  # a draft nobody logged is deleted after this many days
    document_max_mb: int = _env("CARE_DOCUMENT_MAX_MB", 10, ge=1)  # largest case document accepted, in MB
    # Reminder e-mails (care/reminders.py): the server, "starttls", "ssl" or "none", login, sender.
    smtp_host: str = _env("CARE_SMTP_HOST", "")
    smtp_port: int = _env("CARE_SMTP_PORT", 587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "ssl", "none"] = _env("CARE_SMTP_TLS", "starttls")
    smtp_user: str = _env("CARE_SMTP_USER", "")
    smtp_password: str = _env("CARE_SMTP_PASSWORD", "")  # a secret: environment or secrets.toml, never in git
    smtp_sender: str = _env("CARE_SMTP_SENDER", "")

    @property
    def owner_url(self) -> str:
        return self.migrate_url or self.database_url

    @field_validator("cookie_key", "data_key", "backup_key", "database_url", "migrate_url", "app_role",
                     "backup_dir", "cookie_name", mode="after")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return init_settings, env_settings, _SecretsToml(settings_cls)


class _SecretsToml(PydanticBaseSettingsSource):
    """`.streamlit/secrets.toml` (or CARE_SECRETS_FILE): the same names as the environment."""

    def get_field_value(self, field, field_name):  # required by the base class; __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict:
        return {k: v for k, v in _secrets_file().items() if v not in ("", None)}


def _secrets_file() -> dict:
    path = Path(os.environ.get("CARE_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def default_sqlite_url() -> str:
    data = ROOT / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    if data.stat().st_uid == os.getuid():
        os.chmod(data, 0o700)  # the people's data: nobody else on the machine may list or read it
    return f"sqlite:///{data / 'care.db'}"


def _refusal(err: ValidationError) -> str:
    """Pydantic's errors in one sentence per variable: its name, what is wrong, what was given."""
    lines = []
    for e in err.errors():
        name = ".".join(str(part) for part in e["loc"]) or "settings"
        lines.append(f"{name}: {e['msg']} (got {e.get('input')!r}).")
    return " ".join(lines)


def load_settings() -> Settings:
    """Settings from the environment first, then secrets.toml, then defaults; in demo mode the
    published demo keys fill in what is missing. A badly typed value is a `ConfigError`
    naming the variable."""
    try:
        s = Settings()
    except ValidationError as err:
        raise ConfigError(_refusal(err)) from None
    demo_defaults = {"cookie_key": DEMO_COOKIE_KEY, "data_key": DEMO_DATA_KEY, "backup_key": DEMO_BACKUP_KEY}
    filled = {"database_url": s.database_url or default_sqlite_url()}
    if s.demo:
        filled |= {name: value for name, value in demo_defaults.items() if not getattr(s, name)}
    return s.model_copy(update=filled)


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
