"""The follow-up log: states over time, logging, alarms, consent withdrawn, and strict country scoping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from care import followups
from care.caselist import cases_list
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.followups import FollowUpEntry, closable_as, followup_consent_withdraw, followup_log, followup_miss
from care.mywork import my_work
from care.schedule import followup_state
from db.models import AuditEvent, Case, FollowUp, FollowUpLineProgress, FollowUpScore, Plan, PlanLine
from tests.factories import make_actor, make_case
from tests.factories_path import arrived_case

ARRIVED = date(2014, 6, 3)  # follow-ups due 3 Jul, 3 Sep, 3 Dec 2014 and 3 Jun 2015
FIRST = date(2014, 7, 3)
SCORES = {"income_source": 2, "debt_managed": 3, "housing_stable": 4, "social_support": 4, "documents_ok": 5,
          "wellbeing": 3, "safety_feeling": 4, "stress_coping": 3}


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",), name="Claire Coordinator")


@pytest.fixture
def case(session, coord):
    return arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)


def _rows(session, case) -> list[FollowUp]:
    return list(session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).all())


def _entry(session, case, **changes) -> FollowUpEntry:
    """A good entry for the first follow-up: every question answered, every plan line ongoing."""
    lines = session.exec(select(PlanLine.id).join(Plan).where(Plan.case_id == case.id)).all()
    values = dict(done_on=FIRST, mode="phone", reached=True, living_where="With her aunt, Benin City",
                  living_with="Aunt and cousins", wellbeing="Sleeping better.", scores=dict(SCORES),
                  progress={line_id: "ongoing" for line_id in lines})
    values.update(changes)
    return FollowUpEntry(**values)


# --- states over time -------------------------------------------------------------------


@pytest.mark.parametrize(("status", "today", "state"), [
    ("planned", FIRST - timedelta(days=30), "planned"),
    ("planned", FIRST - timedelta(days=8), "planned"),
    ("planned", FIRST - timedelta(days=7), "due"),
    ("planned", FIRST, "due"),
    ("planned", FIRST + timedelta(days=1), "overdue"),
    ("planned", FIRST + timedelta(days=300), "overdue"),
    ("done", FIRST + timedelta(days=1), "done"),
    ("missed", FIRST + timedelta(days=1), "missed"),
    ("cancelled", FIRST - timedelta(days=30), "cancelled"),
])
def test_a_follow_up_state_depends_on_the_day(status, today, state):
    assert followup_state(status, FIRST, today) == state


def test_the_schedule_moves_through_its_states_over_the_year(session, coord, case):
    def states(today):
        return [r.state for r in followups.case_followups(session, coord, case.id, today=today).rows]

    assert states(ARRIVED) == ["planned", "planned", "planned", "planned"]
    assert states(date(2014, 6, 28)) == ["due", "planned", "planned", "planned"]
    assert states(date(2014, 7, 10)) == ["overdue", "planned", "planned", "planned"]
    first = _rows(session, case)[0]
    followup_log(session, coord, first.id, entry=_entry(session, case), expected_version=first.version,
                 today=date(2014, 7, 10))
    assert states(date(2014, 7, 10)) == ["done", "planned", "planned", "planned"]
    assert states(date(2014, 9, 1)) == ["done", "due", "planned", "planned"]
    second = _rows(session, case)[1]
    followup_miss(session, coord, second.id, reason="Phone switched off for weeks.", expected_version=second.version,
                  today=date(2014, 9, 20))
    assert states(date(2014, 12, 10)) == ["done", "missed", "overdue", "planned"]
    assert followups.case_followups(session, coord, case.id, today=date(2014, 12, 10)).rows[1].missed_reason == \
        "Phone switched off for weeks."


def test_the_worklist_puts_overdue_first(session, coord):
    a = arrived_case(session, coord, arrived=date(2014, 6, 3), departed=date(2014, 6, 3))
    b = arrived_case(session, coord, arrived=date(2014, 5, 10), departed=date(2014, 5, 10))
    items, total = followups.followups_worklist(session, coord, today=date(2014, 7, 5))
    assert total == 8
    assert [(i.case_id, i.due_on, i.state) for i in items[:4]] == [
        (a.id, date(2014, 7, 3), "overdue"), (b.id, date(2014, 6, 10), "overdue"),
        (b.id, date(2014, 8, 10), "planned"), (a.id, date(2014, 9, 3), "planned")]
    assert items[0].label == "1 month after return"


# --- logging ----------------------------------------------------------------------------


def test_a_follow_up_is_logged_item_by_item(session, coord, case):
    first = _rows(session, case)[0]
    entry = _entry(session, case)
    followup_log(session, coord, first.id, entry=entry, expected_version=first.version, today=FIRST)
    session.refresh(first)
    assert (first.status, first.done_on, first.mode, first.reached, first.logged_by_id) == (
        "done", FIRST, "phone", True, coord.id)
    scores = session.exec(select(FollowUpScore).where(FollowUpScore.followup_id == first.id)).all()
    assert {(s.dimension, s.item, s.score) for s in scores} == {
        (followups.ITEM_DIMENSION[i], i, v) for i, v in SCORES.items()}
    progress = session.exec(select(FollowUpLineProgress).where(FollowUpLineProgress.followup_id == first.id)).all()
    assert len(progress) == 2 and {p.progress for p in progress} == {"ongoing"}
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "followup.log")).one()
    assert event.case_id == case.id and "Benin" not in event.detail  # no personal text in the log
    view = followups.case_followups(session, coord, case.id, today=FIRST)
    assert view.last_scored_on == FIRST and len(view.last_scores) == 8
    assert {line.last_progress for line in view.lines} == {"ongoing"}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"done_on": ARRIVED - timedelta(days=1)}, "done_on", "before the arrival (Jun 3, 2014)"),
    ({"done_on": FIRST + timedelta(days=1)}, "done_on", "in the future"),
    ({"done_on": None}, "done_on", "The date of the follow-up is required."),
    ({"mode": None}, "mode", "Choose how"),
    ({"mode": "pigeon"}, "mode", "Choose how"),
    ({"scores": {**SCORES, "wellbeing": 6}}, "score_wellbeing", "from 1 to 5"),
    ({"scores": {**SCORES, "debt_managed": 0}}, "score_debt_managed", "from 1 to 5"),
    ({"scores": {"happiness": 3}}, "score_happiness", "not a question"),
    ({"reached": False}, "score_income_source", "not reached"),
    ({"progress": {999999: "ongoing"}}, "progress_999999", "not a line of the approved plan"),
    ({"alarms": ("contacted_by_traffickers",)}, "alarm_note", "Say what happened"),
    ({"alarms": ("bad_luck",), "alarm_note": "x"}, "alarms", "from the list"),
    ({"wellbeing": "x" * 2001}, "wellbeing", "At most 2000 characters"),
])
def test_a_bad_entry_is_refused_by_its_field(session, coord, case, changes, field, message):
    first = _rows(session, case)[0]
    with pytest.raises(ValidationErrors) as err:
        followup_log(session, coord, first.id, entry=_entry(session, case, **changes), expected_version=first.version,
                     today=FIRST)
    assert message in err.value.errors[field]
    session.refresh(first)
    assert first.status == "planned" and first.version == 1


def test_a_progress_code_must_be_known(session, coord, case):
    first = _rows(session, case)[0]
    entry = _entry(session, case)
    line_id = next(iter(entry.progress))
    with pytest.raises(ValidationErrors) as err:
        followup_log(session, coord, first.id, entry=_entry(session, case, progress={line_id: "finished"}),
                     expected_version=first.version, today=FIRST)
    assert "from the list" in err.value.errors[f"progress_{line_id}"]


def test_a_stale_form_does_not_overwrite_a_log(session, coord, case):
    first = _rows(session, case)[0]
    followup_log(session, coord, first.id, entry=_entry(session, case), expected_version=1, today=FIRST)
    with pytest.raises(StaleEdit, match="Claire Coordinator saved this record"):
        followup_log(session, coord, first.id, entry=_entry(session, case, mode="visit"), expected_version=1,
                     today=FIRST)


def test_the_form_starts_from_the_last_follow_up_and_the_read_is_audited(session, coord, case):
    first, second = _rows(session, case)[:2]
    followup_log(session, coord, first.id, entry=_entry(session, case), expected_version=1, today=FIRST)
    form = followups.followup_form(session, coord, second.id)
    assert form.from_previous == FIRST and form.entry.done_on is None and form.entry.scores == {}
    assert (form.entry.mode, form.entry.living_where) == ("phone", "With her aunt, Benin City")
    assert set(form.entry.progress.values()) == {"ongoing"}
    reads = session.exec(select(AuditEvent).where(AuditEvent.action == "followup.read")).all()
    assert len(reads) == 1 and reads[0].case_id == case.id


@pytest.mark.parametrize(("due_in", "reason", "message"), [
    (30, "Not reachable", "not due yet"), (0, "  ", "Say why"),
])
def test_a_missed_follow_up_needs_a_reason_and_to_be_due(session, coord, case, due_in, reason, message):
    first = _rows(session, case)[0]
    with pytest.raises(DomainError, match=message) as err:
        followup_miss(session, coord, first.id, reason=reason, expected_version=1, today=FIRST - timedelta(days=due_in))
    assert "missed_reason" in (getattr(err.value, "errors", None) or {err.value.field: 1})


# --- alarms -----------------------------------------------------------------------------


def test_an_alarm_escalates_the_case_to_the_top(session, coord, case):
    calm = arrived_case(session, coord, arrived=ARRIVED, departed=ARRIVED)
    case.risk_level, calm.risk_level = "low", "high"
    first = _rows(session, case)[0]
    followup_log(session, coord, first.id, expected_version=1, today=FIRST, entry=_entry(
        session, case, alarms=("contacted_by_traffickers",), alarm_note="Calls about the 'debt'\nsince last week."))
    session.refresh(case)
    assert case.alarm_open and case.risk_level == "high"
    assert case.alarm_note == "2014-07-03: Calls about the 'debt' since last week."
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "followup.alarm")).one()
    assert event.case_id == case.id and "contacted_by_traffickers" in event.detail and '"risk_before": "low"' in event.detail
    rows, _total = cases_list(session, coord)
    assert rows[0].id == case.id  # alarms before high risk
    alarms = my_work(session, coord, today=FIRST).alarms
    assert [(a.case_id, a.alarms, a.note) for a in alarms] == [
        (case.id, ("contacted_by_traffickers",), "2014-07-03: Calls about the 'debt' since last week.")]
    # Saving the same follow-up again does not raise the same alarm twice.
    followup_log(session, coord, first.id, expected_version=2, today=FIRST, entry=_entry(
        session, case, alarms=("contacted_by_traffickers",), alarm_note="Calls about the 'debt' since last week.",
        wellbeing="Worried."))
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "followup.alarm")).all()) == 1


def test_a_coordinator_closes_an_alarm_with_a_note(session, coord, case):
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    first = _rows(session, case)[0]
    followup_log(session, fp_ng, first.id, expected_version=1, today=FIRST, entry=_entry(
        session, case, alarms=("wants_irregular_migration",), alarm_note="Talks of leaving again."))
    assert followups.case_followups(session, fp_ng, case.id, today=FIRST).may_close_alarm is False
    with pytest.raises(NotPermitted):
        followups.case_alarm_close(session, fp_ng, case.id, note="Seen", today=FIRST)
    with pytest.raises(DomainError, match="how the alarm was dealt with") as err:
        followups.case_alarm_close(session, coord, case.id, note=" ", today=FIRST)
    assert err.value.field == "close_note"
    followups.case_alarm_close(session, coord, case.id, note="Counselling session held.", today=date(2014, 7, 8))
    assert not case.alarm_open and case.risk_level == "high"
    assert case.alarm_note.endswith("2014-07-08: alarm closed: Counselling session held.")
    assert my_work(session, coord, today=FIRST).alarms == []
    with pytest.raises(DomainError, match="no open alarm"):
        followups.case_alarm_close(session, coord, case.id, note="Again", today=FIRST)


# --- consent withdrawn, closing ---------------------------------------------------------


def test_consent_withdrawn_cancels_what_is_left_and_stops_contact(session, coord, case):
    first = _rows(session, case)[0]
    followup_log(session, coord, first.id, entry=_entry(session, case), expected_version=1, today=FIRST)
    assert closable_as(session, case) == []
    with pytest.raises(ValidationErrors) as err:
        followup_consent_withdraw(session, coord, case.id, withdrawn_on=ARRIVED - timedelta(days=1), today=FIRST)
    assert "before the arrival" in err.value.errors["withdrawn_on"]
    assert followup_consent_withdraw(session, coord, case.id, withdrawn_on=date(2014, 8, 1),
                                     today=date(2014, 8, 2)) == 3
    assert [f.status for f in _rows(session, case)] == ["done", "cancelled", "cancelled", "cancelled"]
    assert case.followup_consent_withdrawn_on == date(2014, 8, 1)
    second = _rows(session, case)[1]
    for attempt in (
        lambda: followup_log(session, coord, second.id, entry=_entry(session, case), expected_version=second.version,
                             today=date(2014, 9, 3)),
        lambda: followup_miss(session, coord, second.id, reason="x", expected_version=second.version,
                              today=date(2014, 9, 3)),
        lambda: followup_consent_withdraw(session, coord, case.id, withdrawn_on=date(2014, 8, 1),
                                          today=date(2014, 8, 2)),
    ):
        with pytest.raises(DomainError, match="withdrew consent to follow-up on Aug 1, 2014"):
            attempt()
    assert followups.followups_worklist(session, coord, today=date(2014, 9, 3)) == ([], 0)
    assert closable_as(session, case) == ["withdrew_consent"]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "followup.consent_withdraw")).one()
    assert '"cancelled": 3' in event.detail


def test_the_case_closes_as_completed_after_the_last_follow_up(session, coord, case):
    rows = _rows(session, case)
    for f in rows[:-1]:
        followup_log(session, coord, f.id, entry=_entry(session, case, done_on=f.due_on), expected_version=1,
                     today=f.due_on)
        assert closable_as(session, case) == []
    followup_miss(session, coord, rows[-1].id, reason="Moved abroad, no contact.", expected_version=1,
                  today=rows[-1].due_on)
    assert closable_as(session, case) == ["completed"]
    # A monitoring visit after the last payment, still to do, holds the completion back.
    session.add(FollowUp(case_id=case.id, kind="monitoring", due_on=date(2015, 7, 1)))
    session.flush()
    assert closable_as(session, case) == []
    labels = [r.label for r in followups.case_followups(session, coord, case.id, today=date(2015, 6, 3)).rows]
    assert labels[-1] == "Monitoring visit after the last payment"


def test_no_consent_no_contact_and_a_schedule_once_it_is_given(session, coord):
    case = arrived_case(session, coord, consent_followup=False)
    view = followups.case_followups(session, coord, case.id, today=FIRST)
    assert view.rows == () and "did not agree" in view.closed_reason and not view.may_plan
    case.consent_followup = True
    session.add(case)
    assert followups.case_followups(session, coord, case.id, today=FIRST).may_plan
    assert followups.followups_plan(session, coord, case.id) == 4
    assert followups.followups_plan(session, coord, case.id) == 0


# --- strict country scoping: a focal point of each side on one case --------------------


def test_follow_ups_are_the_return_sides_only(session, coord, case):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))  # host of this case
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))  # its return country
    fp_ng_tact = make_actor(session, "focal_point", countries=("NG",), programmes=("TACT",))
    other_return = arrived_case(session, coord, host="ES", ret="MA", arrived=ARRIVED, departed=ARRIVED)
    first = _rows(session, case)[0]

    assert followups.case_followups(session, fp_ng, case.id, today=FIRST).code == case.code
    assert [i.case_id for i in followups.followups_worklist(session, fp_ng, today=FIRST)[0]] == [case.id] * 4
    assert [r.id for r in followups.followup_cases(session, fp_ng)[0]] == [case.id]
    followup_log(session, fp_ng, first.id, entry=_entry(session, case), expected_version=1, today=FIRST)

    for outsider in (fp_es, fp_ng_tact):
        with pytest.raises(NotPermitted):
            followups.case_followups(session, outsider, case.id, today=FIRST)
        with pytest.raises(NotPermitted, match="No such follow-up"):
            followups.followup_form(session, outsider, first.id)
        with pytest.raises(NotPermitted, match="No such follow-up"):
            followup_log(session, outsider, first.id, entry=_entry(session, case), expected_version=2, today=FIRST)
        with pytest.raises(NotPermitted):
            followup_consent_withdraw(session, outsider, case.id, withdrawn_on=FIRST, today=FIRST)
        assert followups.followups_worklist(session, outsider, today=FIRST) == ([], 0)
        assert followups.followup_cases(session, outsider) == ([], 0)
        assert my_work(session, outsider, today=FIRST).followups_due == []
    # The host focal point still sees the case itself, and its checklists, but not how the person is doing.
    assert followups.case_section(session, fp_es, case) is None
    with pytest.raises(NotPermitted):
        followups.case_section(session, fp_ng, other_return)
    with pytest.raises(NotPermitted, match="No such follow-up"):
        followups.followup_form(session, fp_ng, 999999)
    section = followups.case_section(session, fp_ng, case)
    assert section.title == "Follow-up after return"
    assert section.tables[0].rows[0][:3] == ["1 month after return", "Jul 3, 2014", "Done"]
    assert ("Last sustainability check", "Jul 3, 2014") in section.rows


def test_mywork_follow_ups_follow_the_return_side(session, coord, case):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    assert [f.due_on for f in my_work(session, fp_ng, today=FIRST).followups_due] == [FIRST]
    assert my_work(session, fp_es, today=FIRST).followups_due == []
    assert my_work(session, fp_es, today=FIRST).open_by_stage["arrived"] == 1


def test_a_case_of_another_stage_has_no_follow_up_to_log(session, coord):
    case = make_case(session, stage="departed", host="ES", ret="NG")
    view = followups.case_followups(session, coord, case.id, today=FIRST)
    assert view.closed_reason == "Follow-ups start once the arrival is recorded." and view.loggable == ()
    assert session.get(Case, case.id).alarm_open is False


def test_the_codes_are_those_the_demo_data_writes():
    """This module is the home of the follow-up codes; the demo data uses the same values."""
    from seeds import demo

    assert set(demo.ALARM_NOTES) == set(followups.ALARMS)
    assert set(followups.QUESTIONS) == set(followups.ITEM_DIMENSION)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2015, 1, 15), 1, date(2015, 2, 15)),
    (date(2015, 1, 31), 1, date(2015, 2, 28)),  # a shorter month: its last day
    (date(2016, 1, 31), 1, date(2016, 2, 29)),  # a leap year
    (date(2015, 3, 31), 3, date(2015, 6, 30)),
    (date(2015, 8, 31), 6, date(2016, 2, 29)),
    (date(2015, 11, 30), 3, date(2016, 2, 29)),
    (date(2015, 12, 1), 12, date(2016, 12, 1)),
    (date(2015, 10, 10), 9, date(2016, 7, 10)),
])
def test_a_follow_up_falls_the_same_day_months_later_or_on_the_month_end(day, months, expected):
    from care.schedule import add_months

    assert add_months(day, months) == expected