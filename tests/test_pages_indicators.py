"""The indicators and activities pages, driven headless with AppTest on the demo data.

Tests that write work on a private copy of the demo database, so the shared one stays as
the demo seeded it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date

import pyarrow as pa
import pytest
from sqlmodel import func, select

from care import config
from db.engine import engine_for, session_scope
from db.models import Activity, Case, Programme, Referral
from tests.form_keys import widget
from tests.test_pages import errors, signed_in
from tests.demo_copy import demo_source

CASE_CODE = re.compile(r"\b(CARE|CARE_PLUS|TACT|CH_VOT)-[A-Z]{2}-\d{4}-\d{4}\b")


def programme_ids(url: str) -> dict[str, int]:
    with session_scope(engine_for(url)) as s:
        return dict(s.exec(select(Programme.code, Programme.id)).all())


def chart_data(chart) -> dict[str, list]:
    """What a chart draws: streamlit sends its data apart from the spec, as Arrow."""
    return pa.ipc.open_stream(chart.proto.data.data).read_all().to_pydict()


def everything_shown(at) -> str:
    """All the text of the page: titles, messages, captions, tables, chart data."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error", "text")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(chart_data(chart)) for chart in at.get("vega_lite_chart")]
    return "\n".join(str(p) for p in parts)


def table_of(at, first_column: str) -> dict[str, list[str]]:
    """The dataframe whose first column is `first_column`, as {row label: [figures]}."""
    for df in at.dataframe:
        frame = df.value
        if frame.columns[0] == first_column:
            return {row[0]: list(row[1:]) for row in frame.itertuples(index=False)}
    raise AssertionError(f"no table starting with {first_column!r}")


def open_indicators(username: str, url: str, code: str):
    at = signed_in("../pages/indicators.py", username)
    at.run()
    at.selectbox(key="indicators_programme").select(programme_ids(url)[code]).run()
    assert not at.exception, at.exception
    return at


# --- indicators ---------------------------------------------------------------------


def test_manager_sees_care_plus_with_small_counts_hidden_and_no_case_code(demo_db_url):
    at = open_indicators("manager", demo_db_url, "CARE_PLUS")
    assert not errors(at)
    assert any("Small counts are hidden" in i.value for i in at.info)
    assert table_of(at, "Outcome") == {"Became a case": ["<5"], "Not eligible": ["<5"],
                                       "Declined by the person": ["<5"], "No consent to data processing": ["<5"],
                                       "Pending": ["0"], "Referrals received": ["6"]}
    assert table_of(at, "Kind of organisation")["Professionals trained"] == ["41"]
    assert table_of(at, "Kind of organisation")["Justice"] == ["<5"]
    assert table_of(at, " ")["People assisted"] == ["<5", "—", "hidden"]  # a share of a hidden count
    shown = everything_shown(at)
    assert not CASE_CODE.search(shown), "a manager never sees a case code"
    outcomes = next(chart_data(c) for c in at.get("vega_lite_chart") if "Pending" in chart_data(c).get("label", []))
    assert outcomes["text"] == ["<5", "<5", "<5", "<5", "0"], "the charts say <5 too"
    assert outcomes["value"] == [None, None, None, None, 0.0], "and draw no bar for a hidden figure"


def test_coordinator_sees_exact_figures_and_charts(demo_db_url):
    at = open_indicators("coord", demo_db_url, "CARE")
    assert any("exact figures" in i.value for i in at.info)
    assert table_of(at, " ") == {"People assisted": ["130", "130", "100%"], "of whom minors": ["10", "10", "100%"]}
    assert table_of(at, "Stage")["All cases"] == ["130", "10"]
    assert "<5" not in "".join(df.value.to_csv() for df in at.dataframe)
    assert len(at.get("vega_lite_chart")) >= 12
    assert [h.value for h in at.header] == ["People assisted", "The path of the cases", "Follow-up after return",
                                            "Reintegration", "Budget", "Activities"]


def test_a_period_that_ends_before_it_starts_is_said_next_to_its_field(demo_db_url):
    at = open_indicators("manager", demo_db_url, "CARE")
    pid = programme_ids(demo_db_url)["CARE"]
    at.date_input(key=f"indicators_from_{pid}").set_value(date(2015, 6, 1))
    at.date_input(key=f"indicators_to_{pid}").set_value(date(2014, 6, 1))
    at.button[0].click().run()
    assert errors(at) == ["The end of the period comes before its start."]
    assert at.date_input(key=f"indicators_from_{pid}").value == date(2015, 6, 1)
    assert at.date_input(key=f"indicators_to_{pid}").value == date(2014, 6, 1)
    assert not at.dataframe
    at.date_input(key=f"indicators_to_{pid}").set_value(date(2015, 12, 31))
    at.button[0].click().run()
    assert not errors(at)
    with session_scope(engine_for(demo_db_url)) as s:
        referred = s.exec(select(func.count()).select_from(Case).where(
            Case.programme_id == pid, Case.referral_date >= date(2015, 6, 1), Case.stage != "ineligible")).one()
    assert 5 <= referred < 130
    assert table_of(at, " ")["People assisted"][0] == str(referred)


def test_french_manager_gets_french_indicators(demo_db_url):
    from care import users

    with session_scope(engine_for(demo_db_url)) as s:
        users.own_language_set(s, users.actor_load(s, "manager"), "fr")
    try:
        at = open_indicators("manager", demo_db_url, "CARE")
        assert [t.value for t in at.title] == ["Indicateurs"]
        assert "Personnes assistées par sexe" in [s.value for s in at.subheader]
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            users.own_language_set(s, users.actor_load(s, "manager"), "en")


# --- activities ---------------------------------------------------------------------


@pytest.fixture
def private_demo(demo_db_url, tmp_path):
    """A copy of the demo database (SQLite's backup: consistent even in WAL mode)."""
    source, copy = sqlite3.connect(demo_source(demo_db_url)), sqlite3.connect(tmp_path / "care.db")
    source.backup(copy)
    source.close()
    copy.close()
    url = f"sqlite:///{tmp_path / 'care.db'}"
    previous = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = url
    config.settings.cache_clear()
    yield url
    os.environ["DATABASE_URL"] = previous
    config.settings.cache_clear()
    engine_for(url).dispose()


def open_activities(url: str, code: str):
    at = signed_in("../pages/activities.py", "coord")
    at.run()
    at.selectbox(key="activities_programme").select(programme_ids(url)[code]).run()
    assert not at.exception, at.exception
    return at


def test_coordinator_records_an_information_meeting(private_demo):
    at = open_activities(private_demo, "TACT")
    key = f"activity_meeting_new_{programme_ids(private_demo)['TACT']}_0"
    at.date_input(key=f"{key}_held_on").set_value(date(2016, 9, 15))
    at.text_input(key=f"{key}_place").input("Nicosia, Cyprus")
    at.text_input(key=f"{key}_audience").input("Police and shelters")
    at.number_input(key=f"{key}_participants").set_value(14)
    at.tabs[0].button[0].click().run()
    assert not at.exception and not errors(at)
    assert [s.value for s in at.success] == ["Recorded."]
    assert "Nicosia, Cyprus" in at.tabs[0].dataframe[0].value.to_csv()
    assert at.text_input(key=key.replace("_0", "_1") + "_place").value == "", "a fresh form after a save"
    with session_scope(engine_for(private_demo)) as s:
        meeting = s.exec(select(Activity).where(Activity.place == "Nicosia, Cyprus")).one()
        assert (meeting.kind, meeting.participants, meeting.held_on) == ("meeting", 14, date(2016, 9, 15))


def test_a_meeting_with_missing_details_is_refused_field_by_field_and_keeps_what_was_typed(private_demo):
    at = open_activities(private_demo, "TACT")
    key = f"activity_meeting_new_{programme_ids(private_demo)['TACT']}_0"
    at.date_input(key=f"{key}_held_on").set_value(date(2016, 9, 15))
    at.text_input(key=f"{key}_audience").input("Police and shelters")
    at.tabs[0].button[0].click().run()
    assert errors(at) == ["Say where the meeting was held.", "Enter a whole number from 1 to 10000."]
    assert at.text_input(key=f"{key}_audience").value == "Police and shelters"
    assert at.date_input(key=f"{key}_held_on").value == date(2016, 9, 15)
    with session_scope(engine_for(private_demo)) as s:
        assert not s.exec(select(Activity).where(Activity.audience == "Police and shelters")).all()


def test_coordinator_records_a_training_by_kind_of_organisation(private_demo):
    at = open_activities(private_demo, "CARE_PLUS")
    key = f"activity_training_new_{programme_ids(private_demo)['CARE_PLUS']}_0"
    at.date_input(key=f"{key}_held_on").set_value(date(2018, 10, 4))
    at.text_input(key=f"{key}_place").input("Marseille")
    at.number_input(key=f"{key}_count_police").set_value(6)
    at.number_input(key=f"{key}_count_child_welfare").set_value(3)
    at.tabs[1].button[0].click().run()
    assert [s.value for s in at.success] == ["Recorded."]
    listed = at.tabs[1].dataframe[0].value
    assert listed.iloc[0]["Place"] == "Marseille" and listed.iloc[0]["Professionals trained"] == "9"


def test_coordinator_registers_a_referral_that_could_not_become_a_case(private_demo):
    at = open_activities(private_demo, "CARE_PLUS")
    key = f"referral_new_{programme_ids(private_demo)['CARE_PLUS']}_0"
    at.date_input(key=f"{key}_date").set_value(date(2019, 1, 10))
    at.selectbox(key=f"{key}_outcome").select("no_consent")
    at.text_area(key=f"{key}_note").input("Told about other support services.")
    at.tabs[3].button[0].click().run()
    assert [s.value for s in at.success] == ["The referral was registered."]
    with session_scope(engine_for(private_demo)) as s:
        referral = s.exec(select(Referral).order_by(Referral.id.desc())).first()  # the note is encrypted: no SQL on it
        assert (referral.note, referral.outcome, referral.host_country) == (
            "Told about other support services.", "no_consent", "FR")


def test_a_new_record_starts_within_the_programme_chosen(demo_db_url):
    ids = programme_ids(demo_db_url)
    at = signed_in("../pages/activities.py", "coord")
    at.run()  # the programme still running comes first
    at.selectbox(key="activities_programme").select(ids["CARE"]).run()
    assert widget(at, "date_input", f"activity_meeting_new_{ids['CARE']}", "held_on").value == date(2015, 12, 31)
    assert widget(at, "date_input", f"referral_new_{ids['CARE']}", "date").value == date(2015, 12, 31)


def test_a_change_saved_elsewhere_shows_at_the_next_click_despite_the_cache(private_demo):
    """The report is cached per process; a team runs several. A referral registered through
    another process (here: the domain, on its own engine, which this page's cache never sees)
    shows at the next rerun, well within the cache's two minutes."""
    from care import activities, users
    from db.engine import make_engine

    at = open_indicators("coord", private_demo, "CARE_PLUS")
    before = int(table_of(at, "Activity")["Referrals received"][0])
    programme_id = programme_ids(private_demo)["CARE_PLUS"]
    other_process = make_engine(private_demo)
    with session_scope(other_process) as s:
        coord = users.actor_load(s, "coord")
        activities.referral_record(s, coord, programme_id=programme_id,
                                   today=date.today(), host_country="FR", referral_date=date(2018, 6, 1),
                                   outcome="no_consent", organisation_id=None)
    other_process.dispose()
    at.run()
    assert int(table_of(at, "Activity")["Referrals received"][0]) == before + 1
