"""Tasks and the e-mail outbox on PostgreSQL: two derivations at once create one task; the alarm's e-mail
commits or rolls back with the alarm; the digest is written once a day."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from care import outbox, reminders, tasks
from db.engine import session_scope
from db.models import EmailOutbox, Plan, PlanLine, Task, User
from tests import pg
from tests.factories import make_actor, make_case

pytestmark = pytest.mark.postgres
TODAY = date(2014, 6, 10)


@pytest.fixture
def engine(pg_url):
    with pg.seeded_engine(pg.test_url()[0]) as eng:
        yield eng


def _setup(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        coord = make_actor(s, "coordinator", programmes=("CARE",), username="pg.task.coord")
        user = s.get(User, coord.id)
        user.email = "pg.task.coord@example.org"
        case = make_case(s, stage="plan_approved")
        plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=coord.id)
        s.add(plan)
        s.flush()
        s.add(PlanLine(plan_id=plan.id, category="economic", subcategory="income_generating", description="Kit",
                       amount=Decimal(100), currency="EUR", amount_programme=Decimal(100),
                       planned_on=date(2014, 6, 20)))
        return coord.id, case.id


def test_two_derivations_at_once_create_one_task(engine):
    _setup(engine)
    results = {}
    with session_scope(engine) as first:
        assert tasks.tasks_derive(first, today=TODAY) == 1  # inserted, not yet committed

        def second():
            with session_scope(engine) as s:  # waits on the unique index until the first commits
                results["second"] = tasks.tasks_derive(s, today=TODAY)

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # let the second reach the insert (if it is late, it sees the task and skips it)
    thread.join(timeout=30)
    assert results == {"second": 0}
    with session_scope(engine) as s:
        assert [(t.origin, t.state) for t in s.exec(select(Task)).all()] == [("plan_line", "open")]


def test_alarm_email_commits_and_rolls_back_with_the_alarm(engine):
    _coord_id, case_id = _setup(engine)
    from db.models import Case

    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            outbox.alarm_queue(s, s.get(Case, case_id), alarms=["threats"], followup_id=1, on=TODAY)
            raise RuntimeError("the follow-up could not be saved")
    with session_scope(engine) as s:
        assert s.exec(select(EmailOutbox)).all() == []
        assert outbox.alarm_queue(s, s.get(Case, case_id), alarms=["threats"], followup_id=1, on=TODAY) == 1
    with session_scope(engine) as s:
        assert outbox.alarm_queue(s, s.get(Case, case_id), alarms=["threats"], followup_id=1, on=TODAY) == 0
        assert [r.kind for r in s.exec(select(EmailOutbox)).all()] == ["alarm"]


def test_digest_once_a_day_on_postgresql(engine):
    _setup(engine)
    with session_scope(engine) as s:
        assert [q.username for q in reminders.digest_queue(s, today=date(2014, 6, 20))] == ["pg.task.coord"]
    with session_scope(engine) as s:
        assert reminders.digest_queue(s, today=date(2014, 6, 20)) == []
        (row,) = s.exec(select(EmailOutbox)).all()
        assert row.key.startswith("digest:2014-06-20:") and "Tasks due: 1" in row.body
