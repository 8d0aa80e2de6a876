"""Two people save a referral at the same moment: each case gets its own code.

Real connections, real transactions: a SQLite file (WAL, BEGIN IMMEDIATE) and PostgreSQL
(the counter row is locked by the UPDATE; a counter started at the same moment by both is
settled by its unique constraint).
"""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlmodel import SQLModel, select

import db.models  # noqa: F401
from care import users
from db.engine import make_engine, session_scope
from db.models import Case, CaseCodeCounter
from seeds.reference import seed_reference
from tests.factories import programme_id
from tests.factories_intake import consent, details, person, register


def _setup(engine) -> str:
    username = f"coord{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as s:
        seed_reference(s)
        users.user_create(s, users.NewUser(username=username, name="Coordinator (test)",
                                           password="correct-horse-battery-staple", roles=("coordinator",),
                                           programme_codes=("CARE",), must_change_password=False), actor=None)
    return username


def _register_at_once(engine, username: str, host: str, day: date, n: int = 4, batch: int = 0) -> list[str]:
    """`n` threads, each with its own connection, register a different person at the same moment."""
    barrier, codes, errors = threading.Barrier(n), [], []

    def one(i: int) -> None:
        try:
            with session_scope(engine) as s:
                actor = users.actor_load(s, username)
            barrier.wait(timeout=30)  # then all start their save together
            with session_scope(engine) as s:
                result = register(s, actor, host=host, details=details(referral_date=day), consent=consent(on=day),
                                  person=person(birth_date=date(1970 + i, 1, 1 + batch)))
                codes.append(result.code)
        except Exception as err:  # reported below, with the thread's error
            errors.append(err)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return codes


def _check(engine, codes: list[str], host: str, day: date, n: int) -> None:
    prefix = f"CARE-{host}-{day.year}-"
    assert sorted(codes) == [f"{prefix}{i:04d}" for i in range(1, n + 1)]
    with session_scope(engine) as s:
        stored = s.exec(select(Case.code).where(Case.host_country == host)).all()
        counter = s.exec(select(CaseCodeCounter).where(CaseCodeCounter.host_country == host,
                                                       CaseCodeCounter.year == day.year)).one()
        assert sorted(stored) == sorted(codes) and counter.last_number == n
        assert counter.programme_id == programme_id(s, "CARE")


def test_simultaneous_intakes_on_a_sqlite_file_get_distinct_codes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'codes.db'}")
    SQLModel.metadata.create_all(engine)
    username = _setup(engine)
    day = date(2014, 3, 10)
    first = _register_at_once(engine, username, "PT", day)  # the counter is started by one of them
    _check(engine, first, "PT", day, 4)
    more = _register_at_once(engine, username, "PT", day, batch=1)  # the counter exists: they queue on its row
    _check(engine, first + more, "PT", day, 8)
    engine.dispose()




@pytest.mark.postgres
def test_simultaneous_intakes_on_postgresql_get_distinct_codes(own_pg_url):
    from db.migrate import upgrade

    upgrade(own_pg_url)
    engine = make_engine(own_pg_url)
    username = _setup(engine)
    day = date(2015, 2, 2)
    first = _register_at_once(engine, username, "GR", day)
    _check(engine, first, "GR", day, 4)
    more = _register_at_once(engine, username, "GR", day, batch=1)
    _check(engine, first + more, "GR", day, 8)
    engine.dispose()
