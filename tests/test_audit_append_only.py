"""The database itself refuses to change or delete an audit event (SQLite and PostgreSQL).

Both ways a schema is built carry the guard: `create_all` (the tests' in-memory
databases) and the migrations (every deployed database).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db.engine import make_engine
from db.migrate import upgrade
from db.models.audit import APPEND_ONLY_MESSAGE


def _insert(engine) -> int:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (at, username, action, entity, entity_id, detail) "
                          "VALUES (CURRENT_TIMESTAMP, 'tester', 'test.append', '', '', 'kept')"))
        return conn.execute(text("SELECT max(id) FROM audit_event")).scalar_one()


def _assert_append_only(engine, *, truncate: bool = False) -> None:
    event_id = _insert(engine)
    refused = ["UPDATE audit_event SET detail = 'rewritten' WHERE id = :id",
               "DELETE FROM audit_event WHERE id = :id", "DELETE FROM audit_event"]
    if truncate:
        refused.append("TRUNCATE audit_event")
    for sql in refused:
        with pytest.raises(DBAPIError, match=APPEND_ONLY_MESSAGE), engine.begin() as conn:
            conn.execute(text(sql), {"id": event_id})
    with engine.connect() as conn:
        assert conn.execute(text("SELECT detail FROM audit_event WHERE id = :id"),
                            {"id": event_id}).scalar_one() == "kept"
    assert _insert(engine) > event_id  # appending still works


def test_sqlite_schema_from_the_models_refuses_update_and_delete(engine):
    _assert_append_only(engine)


def test_sqlite_schema_from_the_migrations_refuses_update_and_delete(tmp_path):
    url = f"sqlite:///{tmp_path / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    _assert_append_only(engine)
    engine.dispose()




@pytest.mark.postgres
def test_postgres_schema_from_the_migrations_refuses_update_delete_and_truncate(own_pg_url):
    upgrade(own_pg_url)
    engine = make_engine(own_pg_url)
    _assert_append_only(engine, truncate=True)
    engine.dispose()


@pytest.mark.postgres
def test_postgres_schema_from_the_models_refuses_update_delete_and_truncate(own_pg_url):
    engine = make_engine(own_pg_url)
    SQLModel.metadata.create_all(engine)
    _assert_append_only(engine, truncate=True)
    engine.dispose()
