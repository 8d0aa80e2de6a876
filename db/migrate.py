"""Run Alembic from code: `make run`, `python -m care init-db` and the tests use this."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["skip_logging"] = True
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")


def check(url: str | None = None) -> None:
    """Raise if the models and the migrations disagree."""
    command.check(alembic_config(url))
