"""A backup restores every record, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from care.backup import backup, restore
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from seeds.demo import seed_demo


def snapshot(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                  for name, table in SQLModel.metadata.tables.items()}
    engine.dispose()
    return counts


def seeded(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_demo(s)
    engine.dispose()


def damage(url: str) -> None:
    """Lose rows and change others (not the audit log: the database refuses to touch it)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM checklist_item"))
        conn.execute(text("UPDATE care_case SET return_region = 'changed'"))
    engine.dispose()


def add_audit_event(url: str) -> None:
    """An event written after the backup: the restore takes the log back to the backup's."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (at, username, action, entity, entity_id, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'tester', 'after.backup', '', '', '')"))
    engine.dispose()


def round_trip(url: str, path) -> None:
    before = snapshot(url)
    assert before["care_case"] > 100 and before["audit_event"] > 0 and before["checklist_item"] > 0
    backup(url, path)
    damage(url)
    add_audit_event(url)
    after = snapshot(url)
    assert after["checklist_item"] == 0 and after["audit_event"] == before["audit_event"] + 1
    restore(url, path)
    assert snapshot(url) == before
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM care_case WHERE return_region = 'changed'")).scalar_one() == 0
    engine.dispose()


def test_sqlite_backup_and_restore(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    seeded(url)
    round_trip(url, tmp_path / "backup.db")


@pytest.mark.postgres
def test_postgres_backup_and_restore(pg_url, tmp_path):
    seeded(pg_url)
    round_trip(pg_url, tmp_path / "backup.dump")
