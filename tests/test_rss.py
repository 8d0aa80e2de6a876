"""The sustainability survey at work: weights as programme settings, recording surveys, the earlier
check as history, early warnings, and the indicators with small cells hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from care import early_warning as ew
from care import rss
from care.contacts import contact_log
from care.errors import DomainError, NotPermitted, ValidationErrors
from care.indicators import indicators_report
from care.rss_items import ITEMS
from care.rss_scores import baseline_scores
from db.models import AuditEvent, EarlyWarning, FollowUp, FollowUpScore, ProgrammeHistory, RssAnswer, RssSurvey
from tests.factories import make_actor, make_case, programme_id
from tests.factories_path import arrived_case

ARRIVED = date(2014, 6, 3)
BEST = {i.code: max((o for o in i.options if o.value is not None), key=lambda o: o.value).code for i in ITEMS}


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


@pytest.fixture
def admin(session):
    return make_actor(session, "admin")


@pytest.fixture
def case(session, coord):
    return arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)


def _followups(session, case):
    return list(session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.kind == "scheduled")
                             .order_by(FollowUp.due_on)).all())


def _record(session, actor, case, occasion, answers, on, **kw):
    return rss.rss_survey_record(session, actor, case.id, occasion=occasion, answers=answers, taken_on=on,
                                 today=date(2016, 1, 1), **kw)


def test_a_baseline_is_stored_answer_by_answer_encrypted_with_its_weights(session, coord, case):
    s = _record(session, coord, case, "baseline", BEST, ARRIVED, baseline_when="arrival")
    assert (s.composite, s.partial, s.answered, s.asked, s.weights_version) == (1.0, False, 19, 19, 1)
    raw = session.execute(text("SELECT answer FROM rss_answer WHERE survey_id = :i AND item = 'safety'"),
                          {"i": s.id}).scalar_one()
    assert raw != "very_safe" and "very_safe" not in raw  # encrypted at rest
    assert session.exec(select(RssAnswer).where(RssAnswer.survey_id == s.id, RssAnswer.item == "safety")
                        ).one().answer == "very_safe"
    b = baseline_scores(session, case.id)
    assert (b.composite, b.partial, b.when, b.weights_version) == (1.0, False, "arrival", 1)
    assert "equal weights" in rss.weights_label(b.weights_version, b.weights_source).lower()
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "rss.record")).one()
    assert "very_safe" not in str(event.detail)


def test_a_partial_survey_is_flagged_and_a_bad_answer_refused_by_its_field(session, coord, case):
    s = _record(session, coord, case, "baseline", {"safety": "safe"}, ARRIVED, baseline_when="arrival")
    assert s.partial and s.answered == 1 and s.composite == 0.75
    with pytest.raises(ValidationErrors) as err:
        _record(session, coord, case, "baseline", {"safety": "great"}, ARRIVED, baseline_when="arrival")
    assert err.value.errors == {"rss_safety": "Choose an answer from the list."}
    with pytest.raises(ValidationErrors) as err:
        _record(session, coord, case, "baseline", {}, ARRIVED + timedelta(days=9999), baseline_when="")
    assert set(err.value.errors) == {"baseline_when", "taken_on", "answers"}


def test_a_focal_point_of_the_host_country_takes_no_survey(session, case):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    with pytest.raises(NotPermitted):
        _record(session, fp_es, case, "baseline", BEST, ARRIVED, baseline_when="arrival")
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    with pytest.raises(ValidationErrors) as err:  # the baseline at assessment is the coordination team's
        _record(session, fp_ng, case, "baseline", BEST, ARRIVED, baseline_when="assessment")
    assert "baseline_when" in err.value.errors
    assert _record(session, fp_ng, case, "baseline", BEST, ARRIVED, baseline_when="arrival").composite == 1.0


def test_weights_are_a_versioned_programme_setting_with_their_source(session, admin, coord, case):
    pid = case.programme_id
    before = rss.rss_settings(session, pid)
    assert before.threshold == 0.5 and before.margin == 0.2
    new = rss.rss_settings_update(session, admin, programme_id=pid, dimensions={"economic": "2", "social": 1,
                                                                                  "psychosocial": 1},
                                  items={}, source="Test weights, workshop 2024", threshold="0.6", margin="0.25",
                                  version=before.version)
    after = rss.rss_settings(session, pid)
    assert after.version == before.version + 1 == new["version"]
    assert after.weights.dimensions["economic"] == 2.0 and after.weights.source == "Test weights, workshop 2024"
    assert session.exec(select(ProgrammeHistory).where(ProgrammeHistory.programme_id == pid,
                                                       ProgrammeHistory.version == after.version)).one().snapshot["rss"]
    # economic best (1), social and psychosocial worst (0): (2*1 + 0 + 0) / 4 = 0.5
    answers = dict(BEST) | {i.code: min((o for o in i.options if o.value is not None), key=lambda o: o.value).code
                            for i in ITEMS if i.dimension != "economic"}
    s = _record(session, coord, case, "baseline", answers, ARRIVED, baseline_when="arrival")
    assert s.composite == 0.5 and s.weights_version == after.version and s.weights_source.startswith("Test weights")
    with pytest.raises(ValidationErrors) as err:
        rss.rss_settings_update(session, admin, programme_id=pid, dimensions={"economic": "-1"}, items={}, source="",
                                threshold="2", margin="x", version=after.version)
    assert set(err.value.errors) == {"dim_economic", "source", "threshold", "margin"}
    with pytest.raises(NotPermitted):
        rss.rss_settings_update(session, coord, programme_id=pid, dimensions={}, items={}, source="x",
                                threshold=0.5, margin=0.2, version=after.version)
    # a programme copied from this one starts with the same weights, at its own version 1
    from care.programme_admin import programme_copy

    copy = programme_copy(session, admin, source_id=pid, code="CARE_COPY", name="Copy")
    copied = rss.rss_settings(session, copy.id)
    assert (copied.weights.dimensions["economic"], copied.weights.version, copied.threshold) == (2.0, 1, 0.6)


def test_the_earlier_check_stays_readable_beside_the_surveys(session, coord, case):
    first = _followups(session, case)[0]
    first.status, first.done_on = "done", date(2014, 7, 3)
    session.add(first)
    session.add_all([FollowUpScore(followup_id=first.id, dimension="psychosocial", item="safety_feeling", score=4),
                     FollowUpScore(followup_id=first.id, dimension="economic", item="debt_managed", score=2)])
    session.flush()
    view = rss.case_surveys(session, coord, case.id)
    assert view.surveys == ()
    (check,) = view.earlier
    assert sorted(check.rows) == [("economic", "debt_managed", 2, ""), ("psychosocial", "safety_feeling", 4, "safety")]


# --- early warning -----------------------------------------------------------------------------


def test_a_fall_in_safety_raises_an_early_warning_that_says_why(session, coord, case):
    f3, f6 = _followups(session, case)[1:3]
    _record(session, coord, case, f"followup:{f3.id}", BEST, f3.due_on)
    _record(session, coord, case, f"followup:{f6.id}", BEST | {"safety": "unsafe"}, f6.due_on)
    (w,) = ew.early_warnings_open(session, coord)
    # safety: very safe 1.00 -> unsafe 0.25 (a fall of 0.75 > 0.2); composite: 1 -> (1 + 1 + 6.25/7)/3 = 0.96 (0.04)
    assert w.reason == "Safety fell from 1.00 to 0.25 between month 3 and month 6"
    assert w.case_id == case.id and w.rule == "score_drop"
    # the same pair recorded again (a correction) raises nothing more
    _record(session, coord, case, f"followup:{f6.id}", BEST | {"safety": "very_unsafe"}, f6.due_on)
    assert len(ew.early_warnings_open(session, coord)) == 1


def test_a_fall_within_the_margin_raises_nothing(session, coord, case):
    f3, f6 = _followups(session, case)[1:3]
    _record(session, coord, case, f"followup:{f3.id}", BEST, f3.due_on)
    # water "sometimes" (0.5): social (5 + 0.5)/6 = 0.9167, composite (1 + 0.9167 + 1)/3 = 0.9722: a fall of 0.03
    _record(session, coord, case, f"followup:{f6.id}", BEST | {"water": "sometimes"}, f6.due_on)
    assert ew.early_warnings_open(session, coord) == []


@pytest.mark.parametrize(("before", "after", "margin", "expected"), [
    ({"composite": 0.8, "debt": 1.0}, {"composite": 0.5, "debt": 0.5}, 0.2,
     [{"what": "composite", "before": 0.8, "after": 0.5}, {"what": "debt", "before": 1.0, "after": 0.5}]),
    ({"composite": 0.8}, {"composite": 0.6}, 0.2, []),  # exactly the margin: not more than it
    ({"intention_to_migrate": 1.0}, {"intention_to_migrate": 0.0}, 0.5,
     [{"what": "intention_to_migrate", "before": 1.0, "after": 0.0}]),
    ({"safety": None}, {"safety": 0.0}, 0.1, []),  # unanswered before: nothing to compare
    ({"composite": 0.4}, {"composite": 0.9}, 0.1, []),  # a rise
])
def test_score_falls(before, after, margin, expected):
    assert ew.score_falls(before, after, margin) == expected


def test_a_missed_follow_up_and_two_failed_contacts_raise_the_case_once(session, coord, case):
    first = _followups(session, case)[0]
    today = first.due_on + timedelta(days=ew.MISSED_AFTER_DAYS + 1)
    assert ew.early_warning_sweep(session, coord, today=first.due_on) == 0  # not missed yet
    assert ew.early_warning_sweep(session, coord, today=today) == 1
    assert ew.early_warning_sweep(session, coord, today=today) == 0  # raised once
    for day in (date(2014, 7, 10), date(2014, 7, 11)):
        contact_log(session, coord, case.id, kind="call", on=day, reached=False, note="", acknowledged=True,
                    today=today)
    assert ew.early_warning_sweep(session, coord, today=today) == 1
    reasons = sorted(w.reason for w in ew.early_warnings_open(session, coord))
    assert reasons == ["The follow-up 1 month after return due on Jul 3, 2014 did not happen",
                       "The last two attempts to reach the person failed (the latest on Jul 11, 2014)"]
    new = ew.early_warnings_new(session, coord, since=datetime.now(UTC) - timedelta(hours=1))
    assert len(new) == 2
    assert ew.early_warnings_new(session, coord, since=datetime.now(UTC) + timedelta(hours=1)) == []
    other = make_actor(session, "coordinator", programmes=("TACT",))
    assert ew.early_warnings_open(session, other) == [] and ew.early_warning_sweep(session, other, today=today) == 0


def test_a_coordinator_closes_an_early_warning_with_a_note(session, coord, case):
    first = _followups(session, case)[0]
    ew.early_warning_sweep(session, coord, today=first.due_on + timedelta(days=30))
    (w,) = ew.early_warnings_open(session, coord)
    with pytest.raises(ValidationErrors) as err:
        ew.early_warning_close(session, coord, w.id, note="  ")
    assert "close_note" in err.value.errors
    manager = make_actor(session, "manager", programmes=("CARE",))
    with pytest.raises(NotPermitted):
        ew.early_warning_close(session, manager, w.id, note="x")
    ew.early_warning_close(session, coord, w.id, note="Visited at home; she is safe.", today=date(2014, 8, 5))
    assert ew.early_warnings_open(session, coord) == []
    row = session.get(EarlyWarning, w.id)
    assert (row.closed_on, row.closed_by_id) == (date(2014, 8, 5), coord.id)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "early_warning.close")).one().case_id == case.id
    with pytest.raises(DomainError):
        ew.early_warning_close(session, coord, w.id, note="again")


# --- indicators -----------------------------------------------------------------------------


def _surveyed_cases(session, coord, n):
    cases = []
    for _i in range(n):
        c = arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)
        f3 = _followups(session, c)[1]
        _record(session, coord, c, "baseline", BEST | {"safety": "mixed"}, ARRIVED, baseline_when="arrival")
        _record(session, coord, c, f"followup:{f3.id}", BEST, f3.due_on)
        cases.append(c)
    return cases


def test_indicators_show_scores_by_month_change_and_groups(session, coord):
    _surveyed_cases(session, coord, 5)
    report = indicators_report(session, coord, programme_id=programme_id(session), today=date(2016, 1, 1))
    months = report.table("rss_months")
    base, m3 = months.rows
    # baseline: psychosocial (6 + 0.5)/7 = 0.93, composite (1 + 1 + 0.9286)/3 = 0.98
    assert base.label == "Baseline" and base.cells[0].value == 5
    assert (base.cells[1].value, base.cells[4].value) == (0.98, 0.93)
    assert m3.label == "Month 3 after return" and m3.cells[1].value == 1.0
    assert m3.cells[5].value == 1.0  # every one at or above 0.5
    change = report.table("rss_change")
    (row,) = change.rows
    # composite 1.0 - 0.9762 = 0.0238 -> 0.02; psychosocial 1 - 0.9286 = 0.0714 -> 0.07
    assert (row.cells[0].value, row.cells[1].value, row.cells[4].value) == (5, 0.02, 0.07)
    groups = report.table("rss_groups")
    # the factory's cases are women born in 1994 (19 at referral in 2014), returned to Nigeria; latest survey: month 3
    assert [(r.key, r.label, r.cells[0].value, r.cells[1].value) for r in groups.rows] == [
        ("sex:Female", "Female", 5, 1.0), ("age:18-24", "18 to 24", 5, 1.0), ("country:NG", "Nigeria", 5, 1.0)]
    assert "programme's weights, not IOM's" in months.note and "version 1" in months.note
    assert report.table("rss_quarters").rows


def test_indicators_hide_small_cells_from_managers(session, coord):
    _surveyed_cases(session, coord, 2)
    manager = make_actor(session, "manager", programmes=("CARE",))
    report = indicators_report(session, manager, programme_id=programme_id(session), today=date(2016, 1, 1))
    base = report.table("rss_months").rows[0]
    assert base.cells[0].hidden and base.cells[0].small  # 2 people: "<5"
    assert all(c.hidden for c in base.cells[1:6])  # their averages and shares too
    exact = indicators_report(session, coord, programme_id=programme_id(session), today=date(2016, 1, 1))
    assert exact.table("rss_months").rows[0].cells[0].value == 2


def test_early_warnings_count_in_the_indicators(session, coord, case):
    ew.early_warning_sweep(session, coord, today=_followups(session, case)[0].due_on + timedelta(days=30))
    (w,) = ew.early_warnings_open(session, coord)
    report = indicators_report(session, coord, programme_id=programme_id(session), today=date(2016, 1, 1))
    rows = {r.key: r.cells for r in report.table("early_warnings").rows}
    assert (rows["missed"][0].value, rows["missed"][1].value, rows["total"][0].value) == (1, 0, 1)
    ew.early_warning_close(session, coord, w.id, note="Called the aunt.")
    report = indicators_report(session, coord, programme_id=programme_id(session), today=date(2016, 1, 1))
    rows = {r.key: r.cells for r in report.table("early_warnings").rows}
    assert rows["missed"][1].value == 1


def test_a_case_outside_the_programme_is_not_counted(session, coord):
    make_case(session, stage="eligible")
    report = indicators_report(session, coord, programme_id=programme_id(session), today=date(2016, 1, 1))
    assert report.table("rss_months").rows == ()
    assert session.exec(select(RssSurvey)).all() == []


def test_the_case_file_shows_scores_with_their_weights_not_the_answers(session, coord, case):
    f3 = _followups(session, case)[1]
    _record(session, coord, case, "baseline", {"safety": "safe"}, ARRIVED, baseline_when="arrival")
    _record(session, coord, case, f"followup:{f3.id}", BEST, f3.due_on)
    section = rss.case_section(session, coord, case)
    surveys = section.tables[0]
    assert [r[:3] for r in surveys.rows] == [["Baseline", "Jun 3, 2014", "0.75"],
                                            ["3 months after return", "Sep 3, 2014", "1.00"]]
    assert surveys.rows[0][6] == "1/19 (partial)" and len(surveys.headings) == 7
    assert section.rows == [("Weights", "Weights: programme settings version 1, Equal weights (the programme's "
                                        "default, not IOM's)")]
    assert "safe" not in str(section)
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    assert rss.case_section(session, fp_es, case) is None


def test_a_survey_at_a_monitoring_visit_counts_in_whole_months_after_return(session, coord, case):
    visit = FollowUp(case_id=case.id, kind="monitoring", months_after=None, due_on=date(2014, 11, 20))
    session.add(visit)
    session.flush()
    # arrived 3 June 2014, surveyed 20 November 2014: 5 whole months (3 Nov) and 17 days
    s = _record(session, coord, case, f"followup:{visit.id}", BEST, date(2014, 11, 20))
    assert s.months_after == 5
    s = _record(session, coord, case, f"followup:{visit.id}", BEST, date(2014, 11, 2))  # a day short of 5 months
    assert s.months_after == 4


def test_a_baseline_during_the_assessment_comes_before_the_plan(session, coord, case):
    with pytest.raises(ValidationErrors) as err:  # the case has arrived: its plan was approved long ago
        _record(session, coord, case, "baseline", BEST, ARRIVED, baseline_when="assessment")
    assert err.value.errors == {"baseline_when": "The plan is approved: the assessment is over. Take the baseline "
                                                 "at arrival."}
    assessed = make_case(session, stage="assessed")
    s = _record(session, coord, assessed, "baseline", BEST, date(2014, 4, 1), baseline_when="assessment")
    assert (s.baseline_when, s.months_after) == ("assessment", None)
