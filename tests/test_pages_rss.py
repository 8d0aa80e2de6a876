"""The sustainability survey's pages as people use them: taking a survey, the administrator's weights,
and the early warnings on the coordinators' Home (on a private copy of the demo database)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from db.engine import engine_for, session_scope
from db.models import Case, EarlyWarning, Programme, ProgrammeRss, RssAnswer, RssSurvey
from tests.test_pages import errors, signed_in
from tests.demo_copy import private_demo


@pytest.fixture(scope="module")
def rss_db(demo_db_url, tmp_path_factory):
    with private_demo(demo_db_url, tmp_path_factory.mktemp("rss")) as url:
        yield url


def db(url):
    return session_scope(engine_for(url))


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_coordinator_takes_a_baseline_during_the_assessment(rss_db):
    with db(rss_db) as s:
        case_id = s.exec(select(Case.id).where(Case.stage == "assessed", col(Case.id).not_in(
            select(RssSurvey.case_id))).order_by(Case.id)).first()
    at = signed_in("../pages/survey.py", "coord")
    at.query_params["case"] = str(case_id)
    at.run()
    assert not at.exception, at.exception
    key = f"rss_{case_id}_baseline"
    at.selectbox(key=f"{key}_safety").set_value("safe")
    at.selectbox(key=f"{key}_debt").set_value("less")
    button(at, "Save the survey").click()
    at.run()
    assert not at.exception and not errors(at), errors(at)
    assert any("Composite score 0.63" in s.value and "partial: 2 of 19" in s.value for s in at.success)
    with db(rss_db) as s:
        survey = s.exec(select(RssSurvey).where(RssSurvey.case_id == case_id)).one()
        # safety 0.75 alone in psychosocial; debt 0.5 alone in economic: composite (0.5 + 0.75) / 2 = 0.625
        assert (survey.occasion, survey.baseline_when, survey.partial) == ("baseline", "assessment", True)
        assert survey.composite == pytest.approx(0.625)
        assert {a.item: a.answer for a in s.exec(select(RssAnswer).where(RssAnswer.survey_id == survey.id))} == {
            "safety": "safe", "debt": "less"}
    # the surveys tab names the weights and says the survey is partial
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "programme settings version 1" in texts and "partial: 2 of 19 questions answered" in texts


def test_a_survey_with_nothing_answered_says_so_next_to_the_form(rss_db):
    with db(rss_db) as s:
        case_id = s.exec(select(Case.id).where(Case.stage == "assessed", col(Case.id).not_in(
            select(RssSurvey.case_id))).order_by(Case.id)).first()
    at = signed_in("../pages/survey.py", "coord")
    at.query_params["case"] = str(case_id)
    at.run()
    button(at, "Save the survey").click()
    at.run()
    assert "Answer at least one question." in errors(at)


def test_the_administrator_sets_the_weights_with_their_source(rss_db):
    at = signed_in("../pages/admin_programmes.py", "admin")
    at.run()
    assert not at.exception, at.exception
    with db(rss_db) as s:
        pid = s.exec(select(Programme.id).order_by(Programme.start_date)).first()
    key = f"rss_weights_{pid}"
    at.text_input(key=f"{key}_dim_economic").set_value("-2")
    button(at, "Save the weights").click()
    at.run()
    assert "A weight is a number of 0 or more." in errors(at)
    at.text_input(key=f"{key}_dim_economic").set_value("2")
    at.text_input(key=f"{key}_source").set_value("Workshop of 3 March, to replace with IOM's table")
    button(at, "Save the weights").click()
    at.run()
    assert not errors(at), errors(at)
    with db(rss_db) as s:
        p, stored = s.get(Programme, pid), s.get(ProgrammeRss, pid).settings
        assert stored["weights"]["dimensions"]["economic"] == 2.0
        assert stored["weights"]["source"].startswith("Workshop of 3 March")
        assert stored["version"] == p.version


def test_home_shows_early_warnings_with_their_reason_and_closes_one_with_a_note(rss_db):
    at = signed_in("../pages/home.py", "coord")
    at.run()
    assert not at.exception, at.exception
    raised = [w.value for w in at.warning if "fell from" in w.value]
    assert raised and " between " in raised[0]
    chosen = at.selectbox(key="early_warning_close_id").value
    at.text_area(key="early_warning_close_note").set_value("Called her; the focal point visits tomorrow.")
    button(at, "Close it").click()
    at.run()
    assert not at.exception and not errors(at), errors(at)
    with db(rss_db) as s:
        w = s.get(EarlyWarning, chosen)
        assert w.closed_on is not None and w.close_note.startswith("Called her")
        assert json.loads(w.detail)


def test_a_manager_sees_no_early_warning_panel(rss_db):
    at = signed_in("../pages/home.py", "manager")
    at.run()
    assert not at.exception
    assert not any("fell from" in w.value for w in at.warning)
