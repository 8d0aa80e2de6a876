"""The administration rules on PostgreSQL: row locks, time zones and JSON behave as on SQLite.

Everything runs in one transaction that is rolled back, so the run's schema stays empty.
"""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session

from care import audit, programme_admin as pa, reference_lists as rl, users
from care.access import case_get
from care.errors import NotPermitted, StaleEdit
from care.programmes import programme_settings
from db.engine import make_engine
from db.migrate import upgrade
from db.models import Plan
from seeds.reference import seed_reference
from tests.factories import make_actor, make_case, programme_id

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_session(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    conn = engine.connect()
    outer = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    seed_reference(session)
    yield session
    session.close()
    outer.rollback()
    conn.close()
    engine.dispose()


def test_administration_on_postgres(pg_session):
    s = pg_session
    admin = make_actor(s, "admin", name="Noor Admin", programmes=())

    # A focal point moved to another country loses the old case at the next action.
    case = make_case(s, host="ES", ret="MA")
    fp = make_actor(s, "focal_point", countries=("ES",), programmes=("CARE",))
    assert case_get(s, fp, case.id)
    row = next(r for r in users.users_list(s, actor=admin) if r.username == fp.username)
    change = users.ProfileChange(name=row.name, email="", roles=("focal_point",), countries=("PT",),
                                 programme_codes=("CARE",))
    users.user_update(s, admin, username=fp.username, change=change, version=row.version)
    with pytest.raises(NotPermitted):
        case_get(s, users.actor_load(s, fp.username), case.id)
    with pytest.raises(StaleEdit):  # a second form opened at the same version
        users.user_update(s, admin, username=fp.username, change=replace(change, countries=("IT",)),
                          version=row.version)

    # A cap edit leaves an approved plan as it was approved.
    care = programme_settings(s, programme_id(s, "CARE"))
    plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=admin.id, caps_snapshot=care.snapshot())
    s.add(plan)
    s.flush()
    caps = dict(pa.programme_input_of(care).caps) | {"economic": ("1000.00", "")}
    pa.programme_update(s, admin, programme_id=care.id, version=care.version,
                        data=replace(pa.programme_input_of(care), caps=caps))
    s.expire_all()
    assert s.get(Plan, plan.id).caps_snapshot["caps"]["economic"]["amount"] == "2500.00"
    assert {c.category: c.amount for c in programme_settings(s, care.id).caps}["economic"] == Decimal("1000.00")

    # Reference lists and the audit log, filtered by UTC day and exported.
    org = rl.organisation_add(s, admin, name="Refuge Aurore (demo)", org_type="NGO", country="FR")
    rl.organisation_retire(s, admin, organisation_id=org.id, retired=True, version=org.version)
    assert org.id not in {o.id for o in rl.organisations_for_choice(s, admin, country="FR")}
    today = datetime.now(UTC).date()
    flt = audit.audit_filter(s, admin, username=admin.username, date_from=today, date_to=today,
                             case_code=case.code.lower())
    assert audit.audit_events(s, admin, flt)[1] == 0  # the admin's events name no case
    flt = audit.audit_filter(s, admin, username=admin.username, date_from=today, date_to=today)
    rows, total = audit.audit_events(s, admin, flt)
    assert total >= 4 and {"user.update", "programme.update", "organisation.retire"} <= {r.action for r in rows}
    assert audit.audit_events(s, admin, audit.audit_filter(s, admin, date_to=date(2000, 1, 1)))[1] == 0
    assert audit.audit_csv(s, admin, flt).decode("utf-8-sig").startswith("at_utc,")
