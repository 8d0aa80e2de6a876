"""Tasks: derived from their sources once, following them, closed with them; typed by hand; access and scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from care import tasks
from care.errors import NotPermitted, ValidationErrors
from db.models import (
    AuditEvent, MinorProcedure, Mitigation, PartnerReferral, Payment, Plan, PlanLine, RiskAssessment, Task,
)
from tests.factories import make_actor, make_case, make_partner

TODAY = date(2014, 6, 10)


def _mitigation(session, case, author, by_when=date(2014, 6, 1), current=True):
    ra = RiskAssessment(case_id=case.id, version_no=1, assessed_on=date(2014, 5, 1), author_id=author.id,
                        computed_level="high", overall_level="high", is_current=current)
    session.add(ra)
    session.flush()
    m = Mitigation(assessment_id=ra.id, what="Safe house in Benin City", who="Focal point", by_when=by_when)
    session.add(m)
    session.flush()
    return ra, m


def _plan_line(session, case, author, planned_on=date(2014, 7, 1), status="approved"):
    plan = Plan(case_id=case.id, revision_no=1, status=status, author_id=author.id)
    session.add(plan)
    session.flush()
    line = PlanLine(plan_id=plan.id, category="economic", subcategory="income_generating", description="Sewing machine",
                    amount=Decimal(300), currency="EUR", amount_programme=Decimal(300), planned_on=planned_on)
    session.add(line)
    session.flush()
    return line


def _tasks(session):
    return session.exec(select(Task).order_by(Task.id)).all()


@pytest.fixture
def team(session):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    focal_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    focal_ua = make_actor(session, "focal_point", countries=("UA",), programmes=("CARE",))
    other_coord = make_actor(session, "coordinator", programmes=("TACT",))
    case = make_case(session, stage="assessed", ret="NG")
    return coord, focal_ng, focal_ua, other_coord, case


def test_each_origin_gives_one_task_with_its_due_day_and_holder(session, team):
    coord, focal_ng, _ua, _other, case = team
    _ra, m = _mitigation(session, case, focal_ng)
    line = _plan_line(session, case, coord)
    session.add(MinorProcedure(case_id=case.id, family_requested_on=date(2014, 5, 20), updated_by_id=coord.id))
    org = make_partner(session)
    ref = PartnerReferral(case_id=case.id, partner_id=org.id, state="sent", answer_by=date(2014, 6, 20),
                          sent_by_id=coord.id, created_by_id=coord.id)
    session.add(ref)
    session.flush()

    assert tasks.tasks_derive(session, today=TODAY) == 4
    got = {(t.origin, t.source_id): (t.due_on, t.assignee_id, t.state) for t in _tasks(session)}
    assert got == {
        ("mitigation", m.id): (date(2014, 6, 1), focal_ng.id, "open"),
        ("plan_line", line.id): (date(2014, 7, 1), coord.id, "open"),
        ("minor_step", case.id): (date(2014, 6, 19), coord.id, "open"),  # 20 May + 30 days
        ("referral", ref.id): (date(2014, 6, 20), coord.id, "open"),
    }
    # Again, and again through a user's view: nothing is created twice.
    assert tasks.tasks_derive(session, today=TODAY) == 0
    tasks.my_tasks(session, coord, today=TODAY)
    assert len(_tasks(session)) == 4
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "task.derive")).all().__len__() == 4


def test_derived_task_follows_its_source_and_closes_with_it(session, team):
    coord, _ng, _ua, _other, case = team
    line = _plan_line(session, case, coord)
    ra, m = _mitigation(session, case, coord)
    tasks.tasks_derive(session, today=TODAY)
    line.planned_on = date(2014, 8, 15)  # the date moves: the open task follows
    session.add(line)
    session.add(Payment(plan_line_id=line.id, paid_on=TODAY, amount=Decimal(300), method="cash",
                        recorded_by_id=coord.id))  # paid: the line needs no reminder any more
    ra.is_current = False  # a reassessment replaced it
    session.add(ra)
    session.flush()
    tasks.tasks_derive(session, today=TODAY)
    by_origin = {t.origin: t for t in _tasks(session)}
    assert (by_origin["plan_line"].state, by_origin["plan_line"].done_on, by_origin["plan_line"].done_by_id) == \
        ("done", TODAY, None)
    assert by_origin["mitigation"].state == "done"


def test_a_done_derived_task_is_not_reopened_and_its_due_day_stays(session, team):
    coord, _ng, _ua, _other, case = team
    line = _plan_line(session, case, coord)
    tasks.tasks_derive(session, today=TODAY)
    task = _tasks(session)[0]
    tasks.task_complete(session, coord, task.id, today=TODAY)
    line.planned_on = date(2014, 9, 1)
    session.add(line)
    tasks.tasks_derive(session, today=TODAY)
    assert [(t.state, t.due_on, t.done_by_id) for t in _tasks(session)] == [("done", date(2014, 7, 1), coord.id)]


def test_holder_out_of_scope_falls_back_to_a_coordinator_of_the_programme(session, team):
    coord, _ng, focal_ua, _other, case = team  # focal_ua does not see a case returning to Nigeria
    _mitigation(session, case, focal_ua)
    tasks.tasks_derive(session, today=TODAY)
    assert [t.assignee_id for t in _tasks(session)] == [coord.id]


def test_sources_of_unapproved_plans_and_closed_cases_give_no_task(session, team):
    coord, *_rest, case = team
    _plan_line(session, case, coord, status="draft")
    closed = make_case(session, stage="closed")
    _mitigation(session, closed, coord)
    assert tasks.tasks_derive(session, today=TODAY) == 0


def test_my_tasks_overdue_first_and_states(session, team):
    coord, focal_ng, *_rest, case = team
    later = tasks.task_add(session, coord, case_id=case.id, assignee_id=coord.id, due_on=date(2014, 6, 30),
                           text="Call the shelter", today=TODAY)
    _mitigation(session, case, coord, by_when=date(2014, 6, 1))  # overdue on TODAY
    tasks.tasks_derive(session, today=TODAY)
    rows = tasks.my_tasks(session, coord, today=TODAY)
    assert [(r.origin, r.overdue) for r in rows] == [("mitigation", True), ("manual", False)]
    assert rows[0].what == "Risk mitigation: Safe house in Benin City"
    tasks.task_cancel(session, coord, later.id, reason="Done by phone already", today=TODAY)
    assert [r.origin for r in tasks.my_tasks(session, coord, today=TODAY)] == ["mitigation"]
    listed = tasks.case_tasks(session, focal_ng, case.id, today=TODAY)  # the team sees the case's tasks
    assert [(r.origin, r.state, r.cancel_reason) for r in listed] == [
        ("mitigation", "open", ""), ("manual", "cancelled", "Done by phone already")]
    assert [r.may_change for r in listed] == [False, False]  # not hers, and the other is closed


def test_coordinator_assigns_within_scope_only(session, team):
    coord, focal_ng, focal_ua, other_coord, case = team
    task = tasks.task_add(session, coord, case_id=case.id, assignee_id=focal_ng.id, due_on=TODAY, text="Visit",
                          today=TODAY)
    assert task.assignee_id == focal_ng.id
    with pytest.raises(ValidationErrors) as err:  # the case is not in the Ukraine focal point's scope
        tasks.task_add(session, coord, case_id=case.id, assignee_id=focal_ua.id, due_on=TODAY, text="Visit",
                       today=TODAY)
    assert "assignee" in err.value.errors
    with pytest.raises(ValidationErrors):  # another programme's coordinator does not see the case
        tasks.task_add(session, coord, case_id=case.id, assignee_id=other_coord.id, due_on=TODAY, text="x",
                       today=TODAY)
    with pytest.raises(NotPermitted):  # a coordinator of another programme cannot reach the case at all
        tasks.task_add(session, other_coord, case_id=case.id, assignee_id=other_coord.id, due_on=TODAY, text="x",
                       today=TODAY)
    assert [(i, n) for i, n in tasks.task_assignees(session, coord, case.id)] == [
        (coord.id, coord.name), (focal_ng.id, focal_ng.name)]


def test_focal_point_gives_tasks_to_self_only(session, team):
    coord, focal_ng, *_rest, case = team
    own = tasks.task_add(session, focal_ng, case_id=case.id, assignee_id=focal_ng.id, due_on=TODAY, text="Call",
                         today=TODAY)
    assert own.created_by_id == focal_ng.id
    with pytest.raises(ValidationErrors):
        tasks.task_add(session, focal_ng, case_id=case.id, assignee_id=coord.id, due_on=TODAY, text="Call",
                       today=TODAY)
    assert tasks.task_assignees(session, focal_ng, case.id) == [(focal_ng.id, focal_ng.name)]


def test_task_without_case_is_seen_by_assignee_and_author_only(session, team):
    coord, focal_ng, focal_ua, other_coord, _case = team
    task = tasks.task_add(session, coord, case_id=None, assignee_id=focal_ua.id, due_on=TODAY, text="Training slides",
                          today=TODAY)
    assert [r.id for r in tasks.my_tasks(session, focal_ua, today=TODAY)] == [task.id]
    with pytest.raises(NotPermitted):
        tasks.task_complete(session, focal_ng, task.id, today=TODAY)
    with pytest.raises(ValidationErrors):  # no shared programme
        tasks.task_add(session, coord, case_id=None, assignee_id=other_coord.id, due_on=TODAY, text="x", today=TODAY)
    tasks.task_complete(session, focal_ua, task.id, today=TODAY)
    done = session.get(Task, task.id)
    assert (done.state, done.done_on, done.done_by_id) == ("done", TODAY, focal_ua.id)
    with pytest.raises(Exception, match="closed already"):
        tasks.task_cancel(session, coord, task.id, reason="x", today=TODAY)


def test_out_of_scope_user_cannot_change_or_see_a_case_task(session, team):
    coord, focal_ng, focal_ua, _other, case = team
    task = tasks.task_add(session, coord, case_id=case.id, assignee_id=focal_ng.id, due_on=TODAY, text="Visit",
                          today=TODAY)
    with pytest.raises(NotPermitted):
        tasks.task_cancel(session, focal_ua, task.id, reason="not mine", today=TODAY)
    with pytest.raises(NotPermitted):
        tasks.case_tasks(session, focal_ua, case.id, today=TODAY)
    tasks.task_cancel(session, coord, task.id, reason="Visit by the partner instead", today=TODAY)  # the coordinator may
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "task")).all()
    assert actions == ["task.add", "task.cancel"]


@pytest.mark.parametrize("text, due, field", [
    ("", TODAY, "text"),
    ("x" * 201, TODAY, "text"),
    ("Call", None, "due_on"),
    ("Call", date(2014, 6, 9), "due_on"),
    ("bad\x00text", TODAY, "text"),
])
def test_bad_input_is_refused_by_field(session, team, text, due, field):
    coord, *_rest, case = team
    with pytest.raises(ValidationErrors) as err:
        tasks.task_add(session, coord, case_id=case.id, assignee_id=coord.id, due_on=due, text=text, today=TODAY)
    assert field in err.value.errors


def test_cancel_needs_a_reason_and_a_stale_version_is_refused(session, team):
    coord, *_rest, case = team
    task = tasks.task_add(session, coord, case_id=case.id, assignee_id=coord.id, due_on=TODAY, text="Call",
                          today=TODAY)
    with pytest.raises(ValidationErrors) as err:
        tasks.task_cancel(session, coord, task.id, reason=" ", today=TODAY)
    assert "reason" in err.value.errors
    with pytest.raises(Exception, match="changed this task"):
        tasks.task_complete(session, coord, task.id, today=TODAY, expected_version=task.version + 5)


def test_task_text_is_encrypted_at_rest(session, team):
    coord, *_rest, case = team
    tasks.task_add(session, coord, case_id=case.id, assignee_id=coord.id, due_on=TODAY, text="Meet Ada at the station",
                   today=TODAY)
    session.flush()
    raw = session.connection().exec_driver_sql("SELECT text FROM task").scalar()
    assert "Ada" not in raw


def test_a_source_long_past_gets_no_new_task_but_an_existing_one_stays(session, team):
    coord, *_rest, case = team
    _ra, old = _mitigation(session, case, coord, by_when=date(2014, 4, 10))  # 61 days before TODAY
    _ra2, recent = _mitigation(session, case, coord, by_when=date(2014, 4, 11))  # 60 days: still given
    assert tasks.tasks_derive(session, today=TODAY) == 1
    assert [t.source_id for t in _tasks(session)] == [recent.id]
    assert tasks.tasks_derive(session, today=date(2014, 12, 1)) == 0
    assert [t.state for t in _tasks(session)] == ["open"]


def test_anonymising_the_case_blanks_its_tasks_texts(session, team):
    from care import lifecycle

    coord, *_rest, case = team
    task = tasks.task_add(session, coord, case_id=case.id, assignee_id=coord.id, due_on=TODAY,
                          text="Meet Ada at the station", today=TODAY)
    tasks.task_cancel(session, coord, task.id, reason="Ada moved to Lagos", today=TODAY)
    lifecycle.case_anonymise(session, case.id, username="cli:test")
    row = session.get(Task, task.id, populate_existing=True)
    assert (row.text, row.cancel_reason, row.state) == ("", "", "cancelled")
