"""The audit log: the administrator filters it, pages through it, exports it; nobody edits it."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from care import audit
from care.errors import NotPermitted, ValidationErrors
from db.models import AuditEvent
from tests.factories import make_actor, make_case

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Events the fixtures write are dated long before the test's own: the log cannot be
    back-dated afterwards (the database refuses UPDATE on it), so the clock is set first."""
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2013, 1, 1, tzinfo=UTC))


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", programmes=())


@pytest.fixture
def log(session, admin):
    """Five events on known days; the fixtures' own user.create events are dated 2013."""
    coord = make_actor(session, "coordinator", username="claire")
    case = make_case(session)
    other = make_case(session)
    rows = [
        (coord, "identity.read", case.id, datetime(2014, 3, 10, 0, 0, tzinfo=UTC), {"fields": ["names"]}),
        (coord, "plan.approve", case.id, datetime(2014, 3, 10, 23, 59, 59, tzinfo=UTC), {"revision": 1}),
        (coord, "identity.read", other.id, datetime(2014, 3, 11, 8, 0, tzinfo=UTC), "=HYPERLINK(\"http://x\")"),
        (admin, "user.lock", None, datetime(2014, 3, 12, 9, 0, tzinfo=UTC), {"username": "fp.x"}),
        (admin, "login", None, datetime(2014, 3, 13, 9, 0, tzinfo=UTC), ""),
    ]
    for actor, action, case_id, at, detail in rows:
        audit.audit_record(session, actor, action, case_id=case_id, detail=detail).at = at
    session.flush()
    return {"case": case, "other": other}


def ids_of(session, admin, flt):
    rows, total = audit.audit_events(session, admin, flt, limit=100)
    return [r.action for r in rows], total


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"username": "CLAIRE"}, ["identity.read", "plan.approve", "identity.read"]),
        ({"action": "identity.read"}, ["identity.read", "identity.read"]),
        ({"case_code": "case"}, ["plan.approve", "identity.read"]),
        ({"date_from": date(2014, 3, 10), "date_to": date(2014, 3, 10)}, ["plan.approve", "identity.read"]),
        ({"date_from": date(2014, 3, 12)}, ["login", "user.lock"]),
        ({"date_to": date(2014, 3, 9)}, None),
        ({"username": "claire", "action": "plan.approve", "date_from": date(2014, 3, 10)}, ["plan.approve"]),
    ],
)
def test_the_log_is_filtered_by_user_case_action_and_utc_day(session, admin, log, filters, expected):
    if filters.get("case_code") == "case":
        filters = {**filters, "case_code": log["case"].code.lower()}
    flt = audit.audit_filter(session, admin, **filters)
    actions, total = ids_of(session, admin, flt)
    if expected is None:  # only the events dated 2013 by the fixture
        assert actions and set(actions) <= {"user.create"}
    else:
        assert (actions, total) == (expected, len(expected))


def test_newest_first_with_the_case_code_and_paging(session, admin, log):
    flt = audit.audit_filter(session, admin, date_from=date(2014, 1, 1))
    first, total = audit.audit_events(session, admin, flt, limit=2)
    second, _ = audit.audit_events(session, admin, flt, limit=2, offset=2)
    assert total == 5
    assert [r.action for r in first + second] == ["login", "user.lock", "identity.read", "plan.approve"]
    assert second[0].case_code == log["other"].code and first[0].case_code == ""
    assert first[0].at.tzinfo is not None


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"case_code": "CARE-XX-1999-0001"}, "case_code"),
     ({"case_code": "CARE\x00-ES"}, "case_code"),
     ({"date_from": date(2014, 3, 12), "date_to": date(2014, 3, 11)}, "date_to")],
)
def test_a_filter_that_cannot_match_says_why(session, admin, log, filters, field):
    with pytest.raises(ValidationErrors) as err:
        audit.audit_filter(session, admin, **filters)
    assert list(err.value.errors) == [field]


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "manager"])
def test_only_an_administrator_reads_or_exports_the_log(session, role):
    other = make_actor(session, role, countries=("FR",))
    for call in (lambda: audit.audit_filter(session, other), lambda: audit.audit_choices(session, other),
                 lambda: audit.audit_events(session, other, audit.AuditFilter()),
                 lambda: audit.audit_csv(session, other, audit.AuditFilter())):
        with pytest.raises(NotPermitted):
            call()


def test_the_pickers_offer_the_users_and_actions_in_the_log(session, admin, log):
    usernames, actions = audit.audit_choices(session, admin)
    assert {"claire", "root", "system"} <= set(usernames) and "" not in usernames
    assert {"identity.read", "plan.approve", "user.lock", "login"} <= set(actions)


def test_the_csv_export_has_the_filtered_events_and_is_itself_audited(session, admin, log):
    flt = audit.audit_filter(session, admin, username="claire")
    data = audit.audit_csv(session, admin, flt)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert [r[2] for r in rows[1:]] == ["identity.read", "plan.approve", "identity.read"]
    assert rows[1][0] == "2014-03-11T08:00:00+00:00" and rows[1][3] == log["other"].code
    assert rows[1][6] == "'=HYPERLINK(\"http://x\")", "a spreadsheet must not run a cell"
    assert json.loads(rows[2][6]) == {"revision": 1}
    export = session.exec(select(AuditEvent).where(AuditEvent.action == "export.audit_csv")).one()
    assert export.username == "root"
    assert json.loads(export.detail) == {"filter": {"username": "claire", "case_id": None, "action": None,
                                                    "date_from": None, "date_to": None}, "rows": 3}


def test_nothing_in_the_app_changes_or_deletes_an_audit_event():
    """The log is append-only: no code path updates or deletes its rows."""
    pattern = re.compile(r"(update|delete)\(\s*AuditEvent|session\.delete\(\s*event|AuditEvent\)\.(update|delete)")
    offenders = [str(p.relative_to(ROOT)) for folder in ("care", "pages", "db", "seeds")
                 for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert not [name for name in dir(audit) if re.search(r"update|delete|remove|purge", name)]


def test_keyset_pages_follow_each_other_and_the_count_stops_at_the_cap(session, admin, log, monkeypatch):
    flt = audit.audit_filter(session, admin, date_from=date(2014, 1, 1))
    first, total = audit.audit_events(session, admin, flt, limit=2)
    second, _ = audit.audit_events(session, admin, flt, limit=2, after=audit.AuditCursor(first[-1].at, first[-1].id))
    third, _ = audit.audit_events(session, admin, flt, limit=2,
                                  after=audit.AuditCursor(second[-1].at, second[-1].id))
    assert [r.action for r in first + second + third] == ["login", "user.lock", "identity.read", "plan.approve",
                                                          "identity.read"]
    monkeypatch.setattr(audit, "COUNT_CAP", 3)
    assert audit.audit_events(session, admin, flt, limit=2)[1] == 4, "counted up to the cap and one more"


def test_the_users_and_actions_to_filter_by(session, admin, log):
    users, actions = audit.audit_choices(session, admin)
    assert users == ["claire", "root", "system"]  # the factories write as "system"
    assert actions == ["identity.read", "login", "plan.approve", "user.create", "user.lock"]


def test_the_newest_change_ignores_reads_and_logins(session, admin, log):
    change = audit.audit_latest_change_id(session)
    assert session.get(AuditEvent, change).action == "user.lock"
    audit.audit_record(session, admin, "case.open")
    audit.audit_record(session, admin, "login")
    session.flush()
    assert audit.audit_latest_change_id(session) == change, "reads do not drop the caches"
    audit.audit_record(session, admin, "user.unlock")
    session.flush()
    assert audit.audit_latest_change_id(session) > change
