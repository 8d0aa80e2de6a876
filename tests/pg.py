"""PostgreSQL for tests: a private schema per run, so parallel runs never collide."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_url() -> tuple[str | None, str]:
    url = os.environ.get("CARE_TEST_PG_URL", DEFAULT_URL)
    try:
        eng = create_engine(url, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
    except Exception as err:  # no server, no driver, refused: say so in the skip reason
        return None, f"PostgreSQL not reachable at {make_url(url).render_as_string(hide_password=True)} " \
                     f"(set CARE_TEST_PG_URL): {type(err).__name__}"
    return url, ""


def create_schema(url: str) -> str:
    schema = f"care_test_{uuid.uuid4().hex[:10]}"
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    u = make_url(url)
    return u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def drop_schema(schema_url: str) -> None:
    u = make_url(schema_url)
    schema = u.query["options"].split("=", 1)[1]
    eng = create_engine(u.difference_update_query(["options"]))
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@contextmanager
def seeded_engine(url: str) -> Iterator[Engine]:
    """An engine on a schema of its own, migrated and holding the programmes; dropped after."""
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from seeds.reference import seed_reference

    schema_url = create_schema(url)
    try:
        upgrade(schema_url)
        engine = make_engine(schema_url)
        with session_scope(engine) as s:
            seed_reference(s)
        yield engine
        engine.dispose()
    finally:
        drop_schema(schema_url)
