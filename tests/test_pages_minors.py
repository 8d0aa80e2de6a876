"""The minors' page as a coordinator uses it: record a decision, see the stop, names on request.

Each test works on its own copy of the demo database, so what it saves stays out of the
other page tests.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from sqlmodel import select

from care import config
from db.engine import make_engine, session_scope
from db.models import AuditEvent, Case, ChildView, MinorProcedure
from tests.test_pages import errors, signed_in
from tests.demo_copy import demo_source


@pytest.fixture
def db_url(demo_db_url, tmp_path, monkeypatch):
    copy = tmp_path / "minors.db"
    with sqlite3.connect(demo_source(demo_db_url)) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    yield url
    config.settings.cache_clear()


def query(url, fn):
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            return fn(s)
    finally:
        engine.dispose()


def swiss_minor(url) -> Case:
    """The Swiss programme's minor: assessed, the decision and family assessment still to come."""
    return query(url, lambda s: s.exec(select(Case).where(Case.is_minor == True,  # noqa: E712
                                                          Case.code.like("CH_VOT-%"))).one())


def open_case(code: str):
    at = signed_in("../pages/minors.py", "coord")
    at.run()
    at.text_input(key="minors_code").input(code).run()
    assert not at.exception, at.exception
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def widget(at, kind: str, base: str, name: str):
    """The widget `name` of the form `base` (its keys carry the form's round: `<base>_<n>_<name>`)."""
    found = [w for w in at.get(kind) if re.fullmatch(rf"{re.escape(base)}_\d+_{name}", w.key or "")]
    assert len(found) == 1, [w.key for w in at.get(kind)]
    return found[0]


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "text", "caption", "error", "warning", "success", "info")
             for e in at.get(kind)]
    parts += [str(w.value) for w in at.text_input] + [str(w.value) for w in at.text_area]
    return "\n".join(parts)


def test_record_the_best_interests_decision(db_url):
    case = swiss_minor(db_url)
    at = open_case(case.code)
    assert at.selectbox(key="minors_select").value == case.id
    assert "Best-interests decision not recorded" in at.warning[0].value
    k = f"minors_{case.id}_bid"
    widget(at, "date_input", k, "decided_on").set_value(date.today())
    widget(at, "text_input", k, "person").input("Dr Example Panel")
    widget(at, "radio", k, "outcome").set_value("return")
    widget(at, "text_area", k, "reasons").input("Family able to care; the child wishes to return.")
    button(at, "Save the decision").click().run()
    assert "This field is required." in errors(at)  # the body that decided is missing
    assert widget(at, "text_input", k, "person").value == "Dr Example Panel"  # what was typed is kept
    assert widget(at, "text_area", k, "reasons").value == "Family able to care; the child wishes to return."
    widget(at, "text_input", k, "body").input("KESB best-interests panel")
    button(at, "Save the decision").click().run()
    assert not errors(at), errors(at)
    assert at.success[0].value.startswith("Best-interests decision saved. Still missing before departure: ")
    assert "Best-interests decision not recorded" not in at.warning[0].value
    proc = query(db_url, lambda s: s.get(MinorProcedure, case.id))
    assert (proc.bid_outcome, proc.bid_body, proc.bid_on) == ("return", "KESB best-interests panel", date.today())


def test_a_decision_against_return_stops_it_on_the_page(db_url):
    case = swiss_minor(db_url)
    at = open_case(case.code)
    k = f"minors_{case.id}_bid"
    widget(at, "date_input", k, "decided_on").set_value(date.today())
    widget(at, "text_input", k, "body").input("KESB best-interests panel")
    widget(at, "text_input", k, "person").input("Dr Example Panel")
    widget(at, "radio", k, "outcome").set_value("no_return")
    widget(at, "text_area", k, "reasons").input("No safe carer in the return country.")
    button(at, "Save the decision").click().run()
    assert errors(at) == ["Return stopped by the best-interests decision. The case may stay open in the host "
                          "country, or be closed."]
    assert not at.warning


def test_names_only_on_request_and_logged(db_url):
    case = swiss_minor(db_url)
    guardian = query(db_url, lambda s: s.get(MinorProcedure, case.id).guardian_name)
    at = open_case(case.code)
    assert guardian not in texts(at)
    at.toggle(key=f"minors_{case.id}_names").set_value(True).run()
    assert widget(at, "text_input", f"minors_{case.id}_guardian", "name").value == guardian
    reads = query(db_url, lambda s: s.exec(select(AuditEvent).where(AuditEvent.case_id == case.id,
                                                                    AuditEvent.action == "minor.read")).all())
    assert len(reads) == 1 and reads[0].username == "coord"


def test_add_the_childs_views_then_the_form_is_empty(db_url):
    case = swiss_minor(db_url)
    at = open_case(case.code)
    k = f"minors_{case.id}_view"
    widget(at, "selectbox", k, "step").set_value("best_interests")
    widget(at, "text_area", k, "words").input("I want to live with my aunt.")
    button(at, "Add the child's views").click().run()
    assert [s.value for s in at.success] == ["The child's views are recorded."]
    assert widget(at, "text_area", k, "words").value == ""
    views = query(db_url, lambda s: s.exec(select(ChildView.words).where(ChildView.case_id == case.id)).all())
    assert "I want to live with my aunt." in views


def test_a_save_after_someone_elses_is_refused_then_reloaded(db_url):
    from care import minors_write, users

    case = swiss_minor(db_url)
    at = open_case(case.code)  # the form is opened at the current version

    def other_saves(s):
        other = users.actor_load(s, "coord2")
        minors_write.minor_bid_record(s, other, case_id=case.id, version=s.get(MinorProcedure, case.id).version,
                                      decided_on=date.today(), body="Panel of coord2", person="Chair",
                                      outcome="return", reasons="Saved first.")
    query(db_url, other_saves)
    k = f"minors_{case.id}_bid"
    widget(at, "date_input", k, "decided_on").set_value(date.today())
    widget(at, "text_input", k, "body").input("Panel of coord")
    widget(at, "text_input", k, "person").input("Chair")
    widget(at, "radio", k, "outcome").set_value("no_return")
    widget(at, "text_area", k, "reasons").input("Saved second.")
    button(at, "Save the decision").click().run()
    assert any("Matthieu Arnaud-Roy saved this record" in e for e in errors(at)), errors(at)
    assert widget(at, "text_input", k, "body").value == "Panel of coord"  # nothing typed is lost
    assert query(db_url, lambda s: s.get(MinorProcedure, case.id).bid_reasons) == "Saved first."
    button(at, "Load the current values").click().run()
    assert not errors(at), errors(at)
    assert widget(at, "text_input", k, "body").value == "Panel of coord2"


def test_open_the_procedure_of_a_new_minors_case(db_url):
    from tests.factories import make_case

    case = query(db_url, lambda s: make_case(s, programme="CH_VOT", host="CH", ret="BR", stage="eligible",
                                             referral_date=date(2009, 4, 2), birth_date=date(1993, 1, 5),
                                             is_minor=True))
    at = open_case(case.code)
    assert [i.value for i in at.info] == ["The minors' procedure is not opened for this case yet."]
    assert not at.tabs
    button(at, "Open the minors' procedure").click().run()
    assert [s.value for s in at.success] == ["The minors' procedure is open. Next: the guardian and the child's views."]
    assert len(at.tabs) == 5
    assert "Guardian not yet coordinated" in at.warning[0].value
