"""Risk and needs assessment: the overall-level rule, versions, the gates to "assessed" and plan approval."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from care import assessment as a
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.i18n import use_language
from care.path import stage_move
from care.stage_rules import missing_for
from care.vocab import Stage
from db.models import AuditEvent, Case, Mitigation, NeedsAssessment, RiskAssessment
from tests.factories import make_actor, make_case
from tests.factories_path import approved_plan_row

TODAY = date(2014, 6, 1)
ON = date(2014, 4, 2)


def factors(**ratings: str) -> tuple[a.FactorInput, ...]:
    """Every factor rated "none" unless named; a rated factor gets a source and a note."""
    return tuple(
        a.FactorInput(code, ratings.get(code, "none"), "person" if ratings.get(code, "none") != "none" else None,
                      "Synthetic note." if ratings.get(code, "none") != "none" else "")
        for code in a.RISK_FACTORS
    )


def risk_input(*, on: date = ON, overall: str = "", justification: str = "", mitigations=(), **ratings) -> a.RiskInput:
    return a.RiskInput(assessed_on=on, factors=factors(**ratings), overall_level=overall,
                       justification=justification, mitigations=tuple(mitigations))


def needs_input(*, on: date = ON, aspirations: str = "Open a tailoring workshop", **priorities) -> a.NeedsInput:
    return a.NeedsInput(
        assessed_on=on,
        needs=tuple(a.NeedInput(area, priorities.get(area, "none")) for area in a.NEED_AREAS),
        education_level="primary", work_experience="Market trading", skills="Sewing", languages="English",
        aspirations=aspirations, opportunities="Market stalls available.")


MEASURE = a.MitigationInput("Return to another town; partner NGO briefed", "IOM return office", date(2014, 5, 1))


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


@pytest.fixture
def case(session):
    return make_case(session, stage="eligible", referral_date=date(2014, 3, 10))


def assess(session, actor, case, data=None, *, based_on=None):
    """Save as the form would: opened at the current version unless told otherwise."""
    if based_on is None:
        current = a._current_risk(session, case.id)
        based_on = current.version_no if current else 0
    return a.risk_assess(session, actor, case.id, data=data or risk_input(), based_on_version=based_on, today=TODAY)


def assess_needs(session, actor, case, data=None, *, based_on=None):
    if based_on is None:
        current = a._current_needs(session, case.id)
        based_on = current.version_no if current else 0
    return a.needs_assess(session, actor, case.id, data=data or needs_input(), based_on_version=based_on,
                          today=TODAY)


def field_errors(excinfo) -> dict[str, str]:
    return excinfo.value.errors


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(("ratings", "level"), [
    ([], "low"),
    (["none"] * 11, "low"),
    (["low"] * 11, "low"),
    (["medium"], "low"),
    (["medium", "low", "low"], "low"),
    (["medium", "medium"], "medium"),
    (["medium", "medium", "medium", "low"], "medium"),
    (["high"], "high"),
    (["none", "high", "none"], "high"),
    (["medium", "medium", "high"], "high"),
    (["low"] * 10 + ["high"], "high"),
])
def test_overall_level_rule(ratings, level):
    assert a.risk_level(ratings) == level


@pytest.mark.parametrize(("ratings", "overall", "justification", "computed", "stored", "ok"), [
    ({}, "", "", "low", "low", True),
    ({"debt": "medium", "stigma": "medium"}, "", "", "medium", "medium", True),
    ({"traffickers_threat": "high"}, "", "", "high", "high", True),
    ({}, "high", "", "low", "high", True),  # raising needs no justification
    ({"debt": "medium", "stigma": "medium"}, "high", "", "medium", "high", True),
    ({"traffickers_threat": "high"}, "high", "", "high", "high", True),  # same level: nothing to justify
    ({"traffickers_threat": "high"}, "medium", "", "high", None, False),  # lowering needs one
    ({"traffickers_threat": "high"}, "low", "   ", "high", None, False),
    ({"debt": "medium", "stigma": "medium"}, "low", "", "medium", None, False),
    ({"traffickers_threat": "high"}, "medium", "Recruiter convicted and in prison since May.", "high", "medium",
     True),
])
def test_level_stored_raised_or_lowered_with_justification(session, coord, case, ratings, overall, justification,
                                                             computed, stored, ok):
    data = risk_input(overall=overall, justification=justification, **ratings)
    if not ok:
        with pytest.raises(ValidationErrors) as exc:
            assess(session, coord, case, data)
        assert set(field_errors(exc)) == {"justification"}
        assert "write why the level is lower" in field_errors(exc)["justification"]
        assert session.exec(select(RiskAssessment)).first() is None
        assert case.risk_level is None
        return
    risk = assess(session, coord, case, data)
    assert (risk.computed_level, risk.overall_level) == (computed, stored)
    assert case.risk_level == stored  # every list sorts by it


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"assessed_on": None}, "assessed_on", "The date of the assessment is required."),
    ({"assessed_on": date(2014, 6, 2)}, "assessed_on", "future"),
    ({"assessed_on": date(2014, 3, 9)}, "assessed_on", "before the referral"),
    ({"factors": factors()[1:]}, "traffickers_threat.rating", "Rate this factor"),
    ({"factors": (a.FactorInput("traffickers_threat", None),) + factors()[1:]}, "traffickers_threat.rating",
     "Rate this factor"),
    ({"factors": (a.FactorInput("traffickers_threat", "low"),) + factors()[1:]}, "traffickers_threat.source",
     "who gave this information"),
    ({"factors": (a.FactorInput("traffickers_threat", "low", "rumour"),) + factors()[1:]},
     "traffickers_threat.source", "from the list"),
    ({"factors": (a.FactorInput("traffickers_threat", "high", "police", "  "),) + factors()[1:]},
     "traffickers_threat.note", "Explain a medium or high rating"),
    ({"factors": factors() + (a.FactorInput("weather", "low", "person"),)}, "_form", "Unknown risk factor"),
    ({"overall_level": "extreme"}, "overall_level", "from the list"),
    ({"mitigations": (a.MitigationInput("Safety plan", "", date(2014, 5, 1)),)}, "mitigations", "Mitigation 1"),
    ({"mitigations": (MEASURE, a.MitigationInput("Safety plan", "NGO", None))}, "mitigations", "Mitigation 2"),
    ({"mitigations": (a.MitigationInput("Safety plan", "NGO", date(2014, 3, 9)),)}, "mitigations",
     "cannot be before the referral"),
    ({"mitigations": (a.MitigationInput("Safety plan", "x" * 201, date(2014, 5, 1)),)}, "mitigations",
     "200 characters"),
])
def test_risk_input_is_checked_field_by_field(session, coord, case, change, field, words):
    data = risk_input()
    data = a.RiskInput(**{**data.__dict__, **change})
    with pytest.raises(ValidationErrors) as exc:
        assess(session, coord, case, data)
    assert words in field_errors(exc)[field]
    assert session.exec(select(RiskAssessment)).first() is None


def test_all_problems_are_reported_at_once(session, coord, case):
    data = a.RiskInput(assessed_on=None, factors=tuple(a.FactorInput(c, None) for c in a.RISK_FACTORS))
    with pytest.raises(ValidationErrors) as exc:
        assess(session, coord, case, data)
    assert set(field_errors(exc)) == {"assessed_on", *(f"{c}.rating" for c in a.RISK_FACTORS)}


def test_a_lowered_level_is_checked_even_with_other_mistakes(session, coord, case):
    data = risk_input(on=None, overall="low", traffickers_threat="high")
    with pytest.raises(ValidationErrors) as exc:
        assess(session, coord, case, data)
    assert set(field_errors(exc)) == {"assessed_on", "justification"}


# --- mitigation before plan approval -------------------------------------------------


@pytest.mark.parametrize(("ratings", "overall", "measures", "blocked"), [
    ({}, "", (), False),
    ({"debt": "medium", "stigma": "medium"}, "", (), True),
    ({"debt": "medium", "stigma": "medium"}, "", (MEASURE,), False),
    ({"traffickers_threat": "high"}, "", (), True),
    ({"traffickers_threat": "high"}, "", (MEASURE,), False),
    ({}, "medium", (), True),  # raised to medium: the measure is needed too
    ({"traffickers_threat": "high"}, "low", (), False),  # lowered with a justification
])
def test_medium_and_high_need_a_mitigation_before_plan_approval(session, coord, case, ratings, overall, measures,
                                                                 blocked):
    assess(session, coord, case, risk_input(overall=overall, justification="Synthetic reason.",
                                            mitigations=measures, **ratings))
    missing = a.plan_approval_missing(session, case)
    assert bool(missing) is blocked
    if blocked:
        assert "mitigation measure" in missing[0]
    assert set(missing) <= set(missing_for(session, case, Stage.PLAN_APPROVED))  # the path asks this rule
    approved_plan_row(session, coord, case)  # the plans' rule met: what the path still lists is this rule's
    assert missing_for(session, case, Stage.PLAN_APPROVED) == missing


def test_plan_approval_needs_a_risk_assessment(session, case):
    assert a.plan_approval_missing(session, case) == ["risk assessment"]


def test_plan_approval_refused_through_the_path_names_the_mitigation(session, coord, case):
    assess(session, coord, case, risk_input(traffickers_threat="high"))
    assess_needs(session, coord, case)
    a.assessment_mark_assessed(session, coord, case.id)
    approved_plan_row(session, coord, case)  # the plans' rule met: only the mitigation stops the move
    with pytest.raises(DomainError, match="Not yet: a mitigation measure .* for the high risk level$"):
        stage_move(session, coord, case, Stage.PLAN_APPROVED, missing=missing_for(session, case, Stage.PLAN_APPROVED))
    assert case.stage == "assessed"
    assess(session, coord, case, risk_input(traffickers_threat="high", mitigations=(MEASURE,)))
    assert missing_for(session, case, Stage.PLAN_APPROVED) == []
    stage_move(session, coord, case, Stage.PLAN_APPROVED, missing=missing_for(session, case, Stage.PLAN_APPROVED))
    assert case.stage == "plan_approved"


# --- versions ------------------------------------------------------------------------


def test_a_reassessment_is_a_new_version_and_the_old_one_stays(session, coord, case):
    other = make_actor(session, "coordinator", programmes=("CARE",), name="Second Coordinator")
    first = assess(session, coord, case, risk_input(debt="medium", stigma="medium", mitigations=(MEASURE,)))
    second = assess(session, other, case, risk_input(on=date(2014, 5, 20), traffickers_threat="high"))
    rows = session.exec(select(RiskAssessment).order_by(RiskAssessment.version_no)).all()
    assert [(r.version_no, r.is_current, r.overall_level) for r in rows] == [(1, False, "medium"), (2, True, "high")]
    assert (rows[0].id, rows[1].id) == (first.id, second.id)
    assert rows[1].author_id == other.id and rows[1].assessed_on == date(2014, 5, 20)
    assert case.risk_level == "high"
    # The first version keeps its own factors and measures.
    assert session.exec(select(Mitigation).where(Mitigation.assessment_id == first.id)).one().who == MEASURE.who
    assert session.exec(select(Mitigation).where(Mitigation.assessment_id == second.id)).first() is None

    file = a.assessment_file(session, coord, case.id)
    assert [v.version_no for v in file.risk_versions] == [2, 1]
    assert file.risk.version_no == 2 and file.risk.author == "Second Coordinator"
    assert file.risk.factor("traffickers_threat").rating == "high"
    assert file.risk_version(1).factor("debt").rating == "medium" and file.risk_version(1).mitigations
    assert a.risk_current(session, coord, case.id).version_no == 2
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "risk.assess")).all()
    assert [e.case_id for e in events] == [case.id, case.id]
    assert '"version": 2' in events[1].detail and "Synthetic note" not in events[1].detail  # no notes in the log


def test_a_reassessment_opened_before_another_save_is_refused(session, coord, case):
    other = make_actor(session, "coordinator", programmes=("CARE",), name="Second Coordinator")
    assess(session, coord, case)
    assess(session, other, case, risk_input(debt="high"), based_on=1)  # version 2
    with pytest.raises(StaleEdit, match="Second Coordinator saved version 2"):
        assess(session, coord, case, risk_input(stigma="high"), based_on=1)
    with pytest.raises(StaleEdit):  # a first assessment while someone already saved one
        assess(session, coord, case, risk_input(), based_on=0)
    assert len(session.exec(select(RiskAssessment)).all()) == 2


def test_a_reassessment_cannot_be_dated_before_the_current_one(session, coord, case):
    assess(session, coord, case, risk_input(on=date(2014, 5, 1)))
    with pytest.raises(ValidationErrors) as exc:
        assess(session, coord, case, risk_input(on=date(2014, 4, 30)))
    assert "before the current version" in field_errors(exc)["assessed_on"]


def test_needs_are_versioned_and_grouped_by_dimension(session, coord, case):
    assess_needs(session, coord, case, needs_input(employment="high", medical="urgent", housing_temporary="low"))
    assess_needs(session, coord, case, needs_input(on=date(2014, 5, 2), employment="medium", psychosocial="high"))
    rows = session.exec(select(NeedsAssessment).order_by(NeedsAssessment.version_no)).all()
    assert [(r.version_no, r.is_current) for r in rows] == [(1, False), (2, True)]
    needs = a.needs_current(session, coord, case.id)
    assert [n.dimension for n in needs] == ["economic"] * 3 + ["social"] * 7 + ["psychosocial"] * 2
    assert {n.area for n in needs} == set(a.NEED_AREAS)
    assert {n.area for n in needs if n.pressing} == {"psychosocial"}
    assert {n.area: n.priority for n in needs}["employment"] == "medium"
    old = a.assessment_file(session, coord, case.id).needs_version(1)
    assert {n.area for n in old.needs if n.pressing} == {"employment", "medical"}


@pytest.mark.parametrize(("change", "field"), [
    ({"aspirations": "  "}, "aspirations"),
    ({"education_level": "doctorate"}, "education_level"),
    ({"assessed_on": date(2014, 7, 1)}, "assessed_on"),
    ({"needs": tuple(a.NeedInput(area, "none") for area in a.NEED_AREAS)[:-1]}, "security.priority"),
    ({"needs": (a.NeedInput("medical", "very high"),) + tuple(a.NeedInput(x, "none") for x in a.NEED_AREAS)[1:]},
     "medical.priority"),
])
def test_needs_input_is_checked(session, coord, case, change, field):
    data = a.NeedsInput(**{**needs_input().__dict__, **change})
    with pytest.raises(ValidationErrors) as exc:
        assess_needs(session, coord, case, data)
    assert field in field_errors(exc)
    assert session.exec(select(NeedsAssessment)).first() is None


def test_needs_reassessment_opened_before_another_save_is_refused(session, coord, case):
    assess_needs(session, coord, case)
    assess_needs(session, coord, case, based_on=1)
    with pytest.raises(StaleEdit):
        assess_needs(session, coord, case, based_on=1)


# --- the gate to "assessed" ---------------------------------------------------------


@pytest.mark.parametrize(("risk", "needs", "missing"), [
    (False, False, ["risk assessment", "needs assessment"]),
    (True, False, ["needs assessment"]),
    (False, True, ["risk assessment"]),
    (True, True, []),
])
def test_assessed_needs_both_assessments(session, coord, case, risk, needs, missing):
    if risk:
        assess(session, coord, case)
    if needs:
        assess_needs(session, coord, case)
    assert a.assessed_missing(session, case) == missing
    assert missing_for(session, case, Stage.ASSESSED) == missing
    if missing:
        with pytest.raises(DomainError, match="Not yet: " + "; ".join(missing)):
            a.assessment_mark_assessed(session, coord, case.id)
        assert case.stage == "eligible"
    else:
        a.assessment_mark_assessed(session, coord, case.id)
        assert case.stage == "assessed"
        with pytest.raises(DomainError, match="already assessed"):
            a.assessment_mark_assessed(session, coord, case.id)


def test_missing_items_are_in_the_users_language(session, case):
    with use_language("fr"):
        assert a.assessed_missing(session, case) == ["évaluation des risques", "évaluation des besoins"]


def test_a_referred_case_cannot_be_marked_assessed(session, coord):
    case = make_case(session, stage="referred")
    with pytest.raises(DomainError, match="cannot move"):
        a.assessment_mark_assessed(session, coord, case.id)
    with pytest.raises(DomainError, match="cannot be assessed"):
        assess(session, coord, case)


def test_an_assessed_case_may_be_reassessed_until_it_is_closed(session, coord):
    case = make_case(session, stage="follow_up")
    assess(session, coord, case, risk_input(traffickers_threat="high"))
    assert case.risk_level == "high"
    closed = make_case(session, stage="closed")
    with pytest.raises(DomainError, match="cannot be assessed"):
        assess_needs(session, coord, closed)


# --- who may ------------------------------------------------------------------------


def test_only_coordinators_of_the_programme_write(session, case):
    fp = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",))
    other_programme = make_actor(session, "coordinator", programmes=("TACT",))
    admin = make_actor(session, "admin")
    with pytest.raises(NotPermitted, match="not permitted to work on this programme"):
        assess(session, fp, case)
    for actor in (other_programme, admin):
        with pytest.raises(NotPermitted, match="No such case"):
            assess(session, actor, case)
        with pytest.raises(NotPermitted, match="No such case"):
            a.needs_current(session, actor, case.id)
        with pytest.raises(NotPermitted):
            a.assessment_mark_assessed(session, actor, case.id)
    assert session.exec(select(RiskAssessment)).first() is None


def test_focal_points_in_scope_read_the_assessment(session, coord, case):
    assess(session, coord, case, risk_input(traffickers_threat="high"))
    fp_fr = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",))
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    assert a.risk_current(session, fp_fr, case.id).overall_level == "high"
    assert a.case_section(session, fp_fr, case) is not None
    with pytest.raises(NotPermitted):
        a.case_section(session, fp_es, case)


# --- the case file ------------------------------------------------------------------


def test_case_section_shows_current_and_history(session, coord, case):
    assert a.case_section(session, coord, case) is None
    assess(session, coord, case, risk_input(debt="medium", stigma="medium", mitigations=(MEASURE,)))
    assess(session, coord, case, risk_input(on=date(2014, 5, 2), traffickers_threat="high", overall="medium",
                                            justification="Recruiter in prison.", mitigations=(MEASURE,)))
    assess_needs(session, coord, case, needs_input(employment="urgent", childcare="low"))
    section = a.case_section(session, coord, case)
    rows = dict(section.rows)
    assert rows["Risk level"] == "Medium (lowered; the rule gives high)"
    assert rows["Justification"] == "Recruiter in prison."
    assert rows["High or urgent needs"] == "Employment or income-generating activity"
    assert rows["What the person wants to do after return"] == "Open a tailoring workshop"
    factors_table, measures, needs = section.tables
    assert factors_table.rows == [["Threat from the traffickers or their network in the return area", "High",
                                   "The person", "Synthetic note."]]
    assert measures.rows == [[MEASURE.what, MEASURE.who, "May 1, 2014"]]
    assert needs.rows == [["Economic", "Employment or income-generating activity", "Urgent", ""],
                          ["Social", "Childcare", "Low", ""]]
    assert len(section.history) == 1 and section.history[0].startswith("Risk assessment version 1, Apr 2, 2014")
    assert section.history[0].endswith(": Medium")


def test_case_section_says_what_is_not_done(session, coord, case):
    assess_needs(session, coord, case)
    rows = dict(a.case_section(session, coord, case).rows)
    assert rows["Risk assessment"] == "Not done yet"
    assert rows["High or urgent needs"] == "None"


def test_case_section_renders_in_the_case_pdf(session, coord, case):
    """The section goes into CareDocument as fields, tables and history lines; any script prints."""
    from io import BytesIO

    from pypdf import PdfReader

    from care.pdf.base import CareDocument

    assess(session, coord, case, risk_input(traffickers_threat="high", mitigations=(
        a.MitigationInput("Переезд в другой город", "Партнёрская НКО", date(2014, 5, 1)),)))
    assess_needs(session, coord, case, needs_input(aspirations="अपनी दुकान खोलना", employment="high"))
    section = a.case_section(session, coord, case)
    doc = CareDocument(section.title)
    doc.heading(section.title)
    doc.fields(section.rows)
    for table in section.tables:
        doc.table(table.headings, table.rows)
    for line in section.history:
        doc.paragraph(line)
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(doc.output_bytes())).pages)
    assert "Переезд в другой город" in text and "High or urgent needs" in text


def test_a_high_risk_case_comes_first_in_the_case_list(session, coord):
    """Saving the level is what puts a high-risk case first in every list."""
    from care.caselist import cases_list

    low = make_case(session, stage="eligible", referral_date=date(2014, 3, 20))
    high = make_case(session, stage="eligible", referral_date=date(2014, 3, 1))
    assess(session, coord, low)
    assess(session, coord, high, risk_input(earlier_retrafficking="high"))
    rows, _total = cases_list(session, coord)
    assert [r.id for r in rows][:2] == [high.id, low.id]
    assert session.get(Case, high.id).risk_level == "high"


def test_home_lists_high_risk_cases_first(session, coord):
    """Home's lists put high risk first, and list the open high-risk cases for the team."""
    from care.mywork import my_work
    from db.models import FollowUp

    low = make_case(session, stage="follow_up")
    high = make_case(session, stage="follow_up")
    closed_high = make_case(session, stage="closed", risk_level="high")
    assess(session, coord, low)
    assess(session, coord, high, risk_input(mental_health="high"))
    session.add_all([FollowUp(case_id=low.id, due_on=date(2015, 5, 30), months_after=3),
                     FollowUp(case_id=high.id, due_on=date(2015, 5, 1), months_after=3)])
    session.flush()
    work = my_work(session, coord, today=date(2015, 6, 1))
    assert [(f.case_id, f.risk_level) for f in work.followups_due] == [(high.id, "high"), (low.id, "low")]
    assert [c.case_id for c in work.high_risk] == [high.id]
    assert closed_high.id not in [c.case_id for c in work.high_risk]


# --- two coordinators at once, on real databases -------------------------------------


def _two_reassessments_at_once(url: str) -> None:
    """A holds its save open while B saves from the same version: B waits, then is refused."""
    import threading
    import time

    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from seeds.reference import seed_reference

    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            seed_reference(s)
            first = make_actor(s, "coordinator", programmes=("CARE",), name="First Coordinator")
            second = make_actor(s, "coordinator", programmes=("CARE",))
            case_id = make_case(s, stage="eligible", referral_date=date(2014, 3, 10)).id
            a.risk_assess(s, first, case_id, data=risk_input(), based_on_version=0, today=TODAY)
        outcome: dict[str, object] = {}

        def other_save():
            try:
                with session_scope(engine) as s2:
                    outcome["b"] = a.risk_assess(s2, second, case_id, data=risk_input(debt="high"),
                                                 based_on_version=1, today=TODAY).version_no
            except StaleEdit as err:
                outcome["b"] = err.message

        with session_scope(engine) as s1:
            a.risk_assess(s1, first, case_id, data=risk_input(stigma="high"), based_on_version=1, today=TODAY)
            thread = threading.Thread(target=other_save)
            thread.start()
            time.sleep(0.5)  # B reaches its read while A's save is still open
        thread.join(timeout=30)
        assert str(outcome["b"]).startswith("First Coordinator saved version 2")
        with session_scope(engine) as s:
            rows = s.exec(select(RiskAssessment).where(RiskAssessment.case_id == case_id)).all()
            assert sorted((r.version_no, r.is_current) for r in rows) == [(1, False), (2, True)]
            assert s.get(Case, case_id).risk_level == "high"
    finally:
        engine.dispose()


def test_two_reassessments_at_once_on_sqlite(tmp_path):
    _two_reassessments_at_once(f"sqlite:///{tmp_path / 'care.db'}")


@pytest.mark.postgres
def test_two_reassessments_at_once_on_postgresql():
    from tests import pg

    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    schema_url = pg.create_schema(url)
    try:
        _two_reassessments_at_once(schema_url)
    finally:
        pg.drop_schema(schema_url)


def test_a_long_label_in_the_pdf_does_not_run_into_the_next_row():
    """The case PDF prints the section's rows with labels that wrap (CareDocument.fields)."""
    from io import BytesIO

    from pypdf import PdfReader

    from care.pdf.base import CareDocument

    long_label = "Opportunities identified with the IOM office or peers in the return country"
    doc = CareDocument("Test")
    doc.fields([(long_label, "Market"), ("Next label", "value")])
    lines: dict[str, float] = {}

    def visit(text, _cm, tm, _font, _size):
        if text.strip():
            lines.setdefault(text.strip(), tm[5])

    PdfReader(BytesIO(doc.output_bytes())).pages[0].extract_text(visitor_text=visit)
    label_lines = [y for text, y in lines.items() if text in long_label]
    assert len(label_lines) >= 2  # the label wraps
    last_label_line = min(label_lines)
    assert lines["Next label"] < last_label_line  # PDF y grows upwards: the next row is below
