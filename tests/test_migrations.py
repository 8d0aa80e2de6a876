"""Migrations: they build the schema from nothing and agree with the models, on both databases."""

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

from db.engine import make_engine
from db.migrate import check, upgrade


def _upgrade_and_check(url: str) -> None:
    upgrade(url)
    check(url)  # raises if models and migrations disagree
    upgrade(url)  # a second run is a no-op
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables


def test_sqlite_upgrade_from_empty_and_check(tmp_path):
    _upgrade_and_check(f"sqlite:///{tmp_path / 'care.db'}")


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


@pytest.mark.postgres
def test_postgres_upgrade_from_empty_and_check(pg_url):
    _upgrade_and_check(pg_url)
