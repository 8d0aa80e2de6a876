"""Two people save the same record at the same moment: one wins, the other is told, nothing is lost.

Real connections and real transactions, on a SQLite file and on PostgreSQL. Each user has
opened the record at the same version (as two open forms have) and the two threads start
their save together (a barrier). On PostgreSQL both transactions are open and have read
the record before either writes (the barrier is inside them): the loser's conditional
UPDATE waits on the winner's row lock, then finds the version moved on. On SQLite a
writer takes the database's write lock at BEGIN (see db/engine.py), so the barrier is
just before BEGIN: the second save queues behind the first, then sees the new version.
Either way exactly one save is stored and the other gets `StaleEdit`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, SQLModel, select

import db.models  # noqa: F401
from care import journey, plans, programme_admin
from care.errors import StaleEdit
from care.identity import IdentityInput, identity_edit, identity_read
from care.programmes import programme_settings
from db.engine import make_engine, session_scope
from db.models import ChecklistItem, PlanLine, Programme
from seeds.reference import seed_reference
from tests import pg
from tests.factories import make_actor, make_case
from tests.factories_journey import approved_case
from tests.factories_plan import assessed_case, draft_plan, line

Save = Callable[[Session, object, str], object]


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.db'}")
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        seed_reference(s)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgresql_engine(pg_url):
    schema_url = pg.create_schema(pg.test_url()[0])
    engine = make_engine(schema_url)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        seed_reference(s)
    yield engine
    engine.dispose()
    pg.drop_schema(schema_url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def race_engine(request):
    return request.getfixturevalue(f"{request.param}_engine")


def _race(engine, users: dict[str, object], read: Callable[[Session], object], save: Save) -> tuple[str, str]:
    """Both users save at once; returns (winner, loser) and checks the loser got StaleEdit."""
    overlap = engine.dialect.name == "postgresql"
    barrier = threading.Barrier(len(users))
    outcome: dict[str, object] = {}

    def one(name: str, actor) -> None:
        try:
            if not overlap:
                barrier.wait(timeout=30)
            with session_scope(engine) as s:
                read(s)  # the transaction is open and has read the record
                if overlap:
                    barrier.wait(timeout=30)
                save(s, actor, name)
            outcome[name] = "saved"
        except StaleEdit as err:
            outcome[name] = err
        except Exception as err:  # anything else is a failure, reported below
            outcome[name] = repr(err)

    threads = [threading.Thread(target=one, args=item) for item in users.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [n for n, o in outcome.items() if o == "saved"]
    losers = [n for n, o in outcome.items() if isinstance(o, StaleEdit)]
    assert len(winners) == 1 and len(losers) == 1, outcome
    assert "after you opened it" in str(outcome[losers[0]].message)
    return winners[0], losers[0]


def _coordinators(engine) -> dict[str, object]:
    with session_scope(engine) as s:
        return {name: make_actor(s, "coordinator", username=f"{name}{uuid.uuid4().hex[:6]}")
                for name in ("alice", "bruno")}


def test_two_identity_edits(race_engine):
    users = _coordinators(race_engine)
    with session_scope(race_engine) as s:
        case_id = make_case(s).id
        version = identity_read(s, users["alice"], case_id).version

    def save(s, actor, name):
        identity_edit(s, actor, case_id, IdentityInput(given_names=f"Given {name}", family_names="Test"),
                      expected_version=version)

    winner, _ = _race(race_engine, users, lambda s: identity_read(s, users["alice"], case_id), save)
    with session_scope(race_engine) as s:
        stored = identity_read(s, users["alice"], case_id)
    assert (stored.given_names, stored.version) == (f"Given {winner}", version + 1)


def test_two_plan_line_edits(race_engine):
    users = _coordinators(race_engine)
    with session_scope(race_engine) as s:
        case = assessed_case(s, users["alice"])
        plan = draft_plan(s, users["alice"], case, [line(amount="300")])
        row = s.exec(select(PlanLine).where(PlanLine.plan_id == plan.id)).one()
        line_id, version = row.id, row.version
    amounts = {"alice": "250", "bruno": "280"}

    def save(s, actor, name):
        plans.plan_line_edit(s, actor, line_id=line_id, expected_version=version,
                             line=line(amount=amounts[name], description=f"Edited by {name}"))

    winner, _ = _race(race_engine, users, lambda s: s.get(PlanLine, line_id), save)
    with session_scope(race_engine) as s:
        stored = s.get(PlanLine, line_id)
    assert (stored.description, str(stored.amount), stored.version) == (
        f"Edited by {winner}", f"{amounts[winner]}.00", version + 1)


def test_two_checklist_saves_of_the_same_item(race_engine):
    users = _coordinators(race_engine)
    day = date(2014, 5, 20)
    with session_scope(race_engine) as s:
        case = approved_case(s, users["alice"])
        journey.checklist_save(s, users["alice"], case.id, side="departure", today=day,
                               entries=[journey.ChecklistEntry(item="fit_to_travel", note="opened")])
        row = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id)).one()
        case_id, row_id, version = case.id, row.id, row.version

    def save(s, actor, name):
        journey.checklist_save(s, actor, case_id, side="departure", today=day, entries=[journey.ChecklistEntry(
            item="fit_to_travel", done_on=day, note=f"Checked by {name}", version=version)])

    winner, _ = _race(race_engine, users, lambda s: s.get(ChecklistItem, row_id), save)
    with session_scope(race_engine) as s:
        stored = s.get(ChecklistItem, row_id)
    assert (stored.note, stored.done_on, stored.version) == (f"Checked by {winner}", day, version + 1)


def test_two_programme_settings_saves(race_engine):
    with session_scope(race_engine) as s:
        users = {name: make_actor(s, "admin", username=f"{name}{uuid.uuid4().hex[:6]}", programmes=())
                 for name in ("alice", "bruno")}
        source = s.exec(select(Programme.id).where(Programme.code == "CARE")).one()
        code = f"R{uuid.uuid4().hex[:6].upper()}"
        programme_id = programme_admin.programme_copy(s, users["alice"], source_id=source, code=code,
                                                      name=f"Race {code}").id
    with session_scope(race_engine) as s:
        settings = programme_settings(s, programme_id)
    targets = {"alice": settings.target_people + 10, "bruno": settings.target_people + 20}

    def save(s, actor, name):
        data = replace(programme_admin.programme_input_of(settings), target_people=targets[name])
        assert programme_admin.programme_update(s, actor, programme_id=programme_id, data=data,
                                                version=settings.version)

    winner, _ = _race(race_engine, users, lambda s: programme_settings(s, programme_id), save)
    with session_scope(race_engine) as s:
        stored = programme_settings(s, programme_id)
    assert (stored.target_people, stored.version) == (targets[winner], settings.version + 1)


def test_accepting_and_revoking_a_referral_at_once(race_engine):
    """The partner accepts while the coordinator revokes: one wins, the other is told what the referral is now."""
    from datetime import timedelta

    from care import referrals
    from db.models.partner import PartnerReferral
    from tests.factories_referrals import make_partner, make_partner_user, sent_referral

    today = date.today()
    with session_scope(race_engine) as s:
        coord = make_actor(s, "coordinator", username=f"coord{uuid.uuid4().hex[:6]}")
        org = make_partner(s, country="NG")
        partner = make_partner_user(s, org, username=f"partner{uuid.uuid4().hex[:6]}")
        case_id = make_case(s, ret="NG", referral_date=today - timedelta(days=30)).id
        ref = sent_referral(s, coord, case_id, org.id, today=today)
        ref_id, version = ref.id, ref.version
    users = {"partner": partner, "coord": coord}

    def save(s, actor, name):
        if name == "partner":
            referrals.referral_accept(s, actor, ref_id, expected_version=version)
        else:
            referrals.referral_revoke(s, actor, ref_id, reason="Another partner is closer.", expected_version=version)

    winner, loser = _race(race_engine, users, lambda s: s.get(PartnerReferral, ref_id), save)
    with session_scope(race_engine) as s:
        stored = s.get(PartnerReferral, ref_id)
    assert (stored.state, stored.version) == ({"partner": "accepted", "coord": "revoked"}[winner], version + 1)
