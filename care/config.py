"""Settings in one place, read from the environment or `.streamlit/secrets.toml`.

Outside demo mode the app refuses to start with a missing or default cookie key: a
forged login cookie would open every case file.
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
    return Settings(
        database_url=get("DATABASE_URL") or default_sqlite_url(),
        demo=demo,
        cookie_key=cookie_key,
        cookie_name=get("CARE_COOKIE_NAME", "care_session"),
        cookie_expiry_days=float(get("CARE_COOKIE_EXPIRY_DAYS", "0.5")),
        idle_minutes=int(get("CARE_IDLE_MINUTES", "30")),
        max_failed_logins=int(get("CARE_MAX_FAILED_LOGINS", "5")),
    )


def check_settings(s: Settings) -> None:
    """Refuse unsafe settings outside demo mode."""
    if s.demo:
        return
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
