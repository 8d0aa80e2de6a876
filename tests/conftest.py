"""Fixtures: a fresh database per test, real programmes, actors of every role.

Domain tests run on an in-memory SQLite database built from the models (fast); the
migration tests build the same schema through Alembic on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3

os.environ.setdefault("CARE_DEMO", "1")
os.environ.setdefault("CARE_BCRYPT_ROUNDS", "4")
# The app hides error details from users (.streamlit/config.toml); a failing page test should show them.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")
# A fixed test data key (not the demo key: tests must not pass only because of demo mode).
TEST_DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LWZvci1weXRlc3QtISE="
os.environ.setdefault("CARE_DATA_KEY", TEST_DATA_KEY)

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property tests (tests/test_properties_*.py): "ci", the default, is repeatable (the same examples
# on every run); HYPOTHESIS_PROFILE=dev tries ten times more, new ones each run, to hunt locally.
hypothesis_settings.register_profile("ci", max_examples=100, derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
from sqlmodel import Session, SQLModel  # noqa: E402

import db.models  # noqa: E402,F401
from care.i18n import set_language  # noqa: E402
from db.engine import make_engine  # noqa: E402
from seeds.reference import seed_reference  # noqa: E402
from tests import pg  # noqa: E402


@pytest.fixture
def engine():
    eng = make_engine("sqlite://")
    SQLModel.metadata.create_all(eng)
    with Session(eng) as s:
        seed_reference(s)
        s.commit()
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    set_language("en")
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL schema for this test run, or a skip that says why."""
    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    schema_url = pg.create_schema(url)
    yield schema_url
    pg.drop_schema(schema_url)


@pytest.fixture
def own_pg_url(pg_url):
    """A PostgreSQL schema of this test's own, empty: the run's `pg_url` may hold other tests' data."""
    schema_url = pg.create_schema(pg.test_url()[0])
    yield schema_url
    pg.drop_schema(schema_url)


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory):
    """A migrated SQLite file with the demo data, shared by the page and browser tests."""
    from care import config
    from db.engine import session_scope
    from db.migrate import upgrade
    from seeds.demo import seed_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_reference(s)
        seed_demo(s)
    engine.dispose()
    from tests.demo_copy import demo_source  # the pristine copy the copying fixtures start from
    with sqlite3.connect(url.removeprefix("sqlite:///")) as src, sqlite3.connect(demo_source(url)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    config.settings.cache_clear()
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    config.settings.cache_clear()
