"""The assessment page as a coordinator uses it: fill, save, come back, reassess, mark as assessed.

Runs on a private copy of the demo database, so that the cases it assesses stay eligible
for every other test that shares the demo data.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from care import config
from care.assessment import NEED_AREAS, RISK_FACTORS
from db.engine import engine_for, session_scope
from db.models import Case, RiskAssessment
from tests.test_pages import errors, signed_in
from tests.demo_copy import demo_source

PAGE = "../pages/assessment.py"


@pytest.fixture
def db_url(demo_db_url, tmp_path, monkeypatch):
    source = sqlite3.connect(demo_source(demo_db_url))
    target = sqlite3.connect(tmp_path / "care.db")
    source.backup(target)
    source.close()
    target.close()
    url = f"sqlite:///{tmp_path / 'care.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    yield url
    config.settings.cache_clear()


def eligible_cases(url: str) -> list[tuple[int, str]]:
    with session_scope(engine_for(url)) as s:
        return [(c.id, c.code) for c in s.exec(select(Case).where(Case.stage == "eligible").order_by(Case.id))]


def open_case(code: str):
    at = signed_in(PAGE, "coord")
    at.run()
    at.text_input(key="assessment_code").input(code).run()
    assert not at.exception, at.exception
    return at


def save(at, form: str, label: str):
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def successes(at) -> list[str]:
    return [s.value for s in at.success]


def test_fill_save_come_back_reassess_and_mark_assessed(db_url):
    case_id, code = eligible_cases(db_url)[0]
    at = open_case(code)
    assert [m.value for m in at.metric] == ["Not assessed", "Not assessed", "Eligible"]

    # Not yet: the button says what is missing.
    at.button(key=f"mark_{case_id}").click().run()
    assert "Not yet: risk assessment; needs assessment" in errors(at)

    # A first risk assessment: every factor rated; a high one without source or note is refused.
    form = f"risk_{case_id}_v0"
    for factor in RISK_FACTORS:
        at.selectbox(key=f"{form}_{factor}_rating").select("none")
    at.selectbox(key=f"{form}_traffickers_threat_rating").select("high")
    at.text_input(key=f"{form}_debt_note").input("Family repaid the travel debt")
    save(at, form, "Save the risk assessment")
    assert "Say who gave this information." in errors(at)
    assert "Explain a medium or high rating in a note." in errors(at)
    assert at.selectbox(key=f"{form}_traffickers_threat_rating").value == "high"  # what was typed stays
    assert at.text_input(key=f"{form}_debt_note").value == "Family repaid the travel debt"

    at.selectbox(key=f"{form}_traffickers_threat_source").select("police")
    at.text_input(key=f"{form}_traffickers_threat_note").input("Recruiter's network active in the home town")
    save(at, form, "Save the risk assessment")
    assert successes(at) == ["Risk assessment version 1 saved: the level is high. Next: the needs assessment."]
    assert at.metric[0].value == "High"
    assert any("no mitigation measure is recorded" in w.value for w in at.warning)

    # Come back later (a new session): the form opens at version 1, filled in.
    at = open_case(code)
    form = f"risk_{case_id}_v1"
    assert at.selectbox(key=f"{form}_traffickers_threat_rating").value == "high"
    assert at.text_input(key=f"{form}_traffickers_threat_note").value == "Recruiter's network active in the home town"

    # Reassess: lowered without a justification is refused, next to the field.
    at.selectbox(key=f"{form}_overall").select("medium")
    at.session_state[f"{form}_mitigations"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"what": "Return to another town; new phone number", "who": "IOM return office", "by_when": "2030-01-15"}]}
    save(at, form, "Save as a new version")
    assert errors(at) == ["The rule gives “High”: write why the level is lower."]
    assert at.selectbox(key=f"{form}_overall").value == "medium"
    at.text_area(key=f"{form}_justification").input("Recruiter convicted; network dismantled (police report).")
    at.session_state[f"{form}_mitigations"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"what": "Return to another town; new phone number", "who": "IOM return office", "by_when": "2030-01-15"}]}
    save(at, form, "Save as a new version")
    assert successes(at) == ["Risk assessment version 2 saved: the level is medium. Next: the needs assessment."]
    assert not any("no mitigation measure" in w.value for w in at.warning)

    # Needs, skills and motivation.
    form = f"needs_{case_id}_v0"
    for area in NEED_AREAS:
        at.selectbox(key=f"{form}_{area}_priority").select("low")
    at.selectbox(key=f"{form}_employment_priority").select("urgent")
    save(at, form, "Save the needs assessment")
    assert errors(at) == ["Write what the person wants to do after return, in their words."]
    at.text_area(key=f"{form}_aspirations").input("Open a tailoring workshop")
    save(at, form, "Save the needs assessment")
    assert successes(at) == ["Needs assessment version 1 saved. Next: mark the case as assessed."]
    assert at.metric[1].value == "1"

    at.button(key=f"mark_{case_id}").click().run()
    assert successes(at) == ["The case is now assessed. Next: the return plan."]
    assert at.metric[2].value == "Assessed"

    with session_scope(engine_for(db_url)) as s:
        case = s.get(Case, case_id)
        versions = s.exec(select(RiskAssessment).where(RiskAssessment.case_id == case_id)
                          .order_by(RiskAssessment.version_no)).all()
        assert case.stage == "assessed" and case.risk_level == "medium"
        assert [(v.version_no, v.is_current, v.computed_level, v.overall_level) for v in versions] == [
            (1, False, "high", "high"), (2, True, "high", "medium")]
    # The earlier version is on the page, in full.
    assert any(e.label.startswith("Risk assessment, version 1 of") for e in at.expander)


def test_a_save_after_someone_elses_is_refused_and_keeps_the_typing(db_url):
    from care import assessment as a
    from care import users

    case_id, code = eligible_cases(db_url)[1]
    at = open_case(code)
    form = f"needs_{case_id}_v0"
    for area in NEED_AREAS:
        at.selectbox(key=f"{form}_{area}_priority").select("medium")
    at.text_area(key=f"{form}_aspirations").input("Train as a hairdresser")

    # Meanwhile, another coordinator saves a first version.
    with session_scope(engine_for(db_url)) as s:
        other = users.actor_load(s, "coord2")
        a.needs_assess(s, other, case_id, based_on_version=0, data=a.NeedsInput(
            assessed_on=date.today(), needs=tuple(a.NeedInput(x, "low") for x in a.NEED_AREAS),
            aspirations="Go back to school"))

    save(at, form, "Save the needs assessment")
    assert any(e.startswith("Matthieu Arnaud-Roy saved version 1 on") for e in errors(at))
    assert any("saved version 1 after you opened this form" in w.value for w in at.warning)
    assert at.text_area(key=f"{form}_aspirations").value == "Train as a hairdresser"
    at.button(key=f"{form}_reload").click().run()
    assert at.text_area(key=f"needs_{case_id}_v1_aspirations").value == "Go back to school"
