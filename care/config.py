"""Settings in one place, read from the environment or `.streamlit/secrets.toml`.

Outside demo mode the app refuses to start with a missing or default cookie key (a
forged login cookie would open every case file) and with a missing, demo or malformed
data key (a copy of the database would then reveal every name).
"""

from __future__ import annotations

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


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app must not start."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo: bool
    cookie_key: str
    cookie_name: str
    cookie_expiry_days: float
    idle_minutes: int
    max_failed_logins: int
    data_key: str = ""  # Fernet key that encrypts identifying data (CARE_DATA_KEY)
    data_keys_old: tuple[str, ...] = ()  # earlier keys, still read during a rotation
    draft_days: int = 14  # a draft nobody logged is deleted after this many days (CARE_DRAFT_DAYS)


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
    data.mkdir(exist_ok=True)
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
    return Settings(
        database_url=get("DATABASE_URL") or default_sqlite_url(),
        demo=demo,
        cookie_key=cookie_key,
        cookie_name=get("CARE_COOKIE_NAME", "care_session"),
        cookie_expiry_days=float(get("CARE_COOKIE_EXPIRY_DAYS", "0.5")),
        idle_minutes=int(get("CARE_IDLE_MINUTES", "30")),
        max_failed_logins=int(get("CARE_MAX_FAILED_LOGINS", "5")),
        data_key=data_key,
        data_keys_old=old_keys,
        draft_days=int(get("CARE_DRAFT_DAYS", "14")),
    )


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


def check_settings(s: Settings) -> None:
    """Refuse unsafe settings outside demo mode."""
    problem = data_key_problem(s)
    if problem:
        raise ConfigError(problem)
    if s.demo:
        return
    if s.data_key == DEMO_DATA_KEY:
        raise ConfigError(f"CARE_DATA_KEY is the demo key, which is published in the code. {NEW_KEY_HINT}")
    if not s.cookie_key or s.cookie_key == DEMO_COOKIE_KEY:
        raise ConfigError(
            "CARE_COOKIE_KEY is missing or is the demo key. Set a long random secret in the "
            "environment or in .streamlit/secrets.toml (see README), or set CARE_DEMO=1 for the demo."
        )
    if len(s.cookie_key) < MIN_KEY_LENGTH:
        raise ConfigError(f"CARE_COOKIE_KEY must be at least {MIN_KEY_LENGTH} characters long.")


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()
