"""Looking is audited (issue 27, point 8): opening a case file, its assessments, its plan, and the
audit log itself; once per ten minutes per user and thing, not once per click."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from care import assessment, audit, casefile, plan_views
from db.models import AuditEvent
from tests.factories import make_actor, make_case


def views(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_opening_a_case_file_its_assessments_and_its_plan_is_audited_once_per_window(session, monkeypatch):
    coord = make_actor(session, "coordinator")
    other = make_actor(session, "coordinator")
    case = make_case(session, stage="assessed")
    for _ in range(3):  # three clicks on the same page
        casefile.case_file(session, coord, case.id)
        assessment.assessment_file(session, coord, case.id)
        plan_views.plan_overview(session, coord, case_id=case.id)
    casefile.case_file(session, other, case.id)
    opened = views(session, "case.open")
    assert [(e.username, e.case_id) for e in opened] == [(coord.username, case.id), (other.username, case.id)]
    assert [(e.username, e.case_id) for e in views(session, "assessment.open")] == [(coord.username, case.id)]
    assert [(e.username, e.case_id) for e in views(session, "plan.open")] == [(coord.username, case.id)]
    # Eleven minutes later the same look is written again.
    later = audit.utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(audit, "utcnow", lambda: later)
    casefile.case_file(session, coord, case.id)
    assert len(views(session, "case.open")) == 3


def test_viewing_the_audit_log_is_audited_with_its_filter(session):
    admin = make_actor(session, "admin")
    audit.audit_events(session, admin, audit.AuditFilter())
    audit.audit_events(session, admin, audit.AuditFilter())
    audit.audit_events(session, admin, audit.AuditFilter(action="login.failed"))
    seen = views(session, "audit.view")
    assert len(seen) == 2
    assert '"action": "login.failed"' in seen[1].detail


def test_a_look_is_not_part_of_the_cases_story(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage="assessed")
    casefile.case_file(session, coord, case.id)
    assessment.assessment_file(session, coord, case.id)
    assert views(session, "case.open") and views(session, "assessment.open")
    assert casefile.timeline(session, coord, case.id) == []
