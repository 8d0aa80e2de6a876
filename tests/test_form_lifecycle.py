"""The one form lifecycle (`care.ui.form.Form`) and the one date input (`care.ui.dates.day_input`),
on a small app: typed values survive a rerun, a field error shows next to its field, a stale
version is refused with a clear message, the toast says what comes next, the form resets after a save;
an out-of-range typed day is refused next to the field and never replaced; French dates are DD/MM/YYYY."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from care import config


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'form.db'}")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def app():
    """A record {name, version} kept in the session stands for a row of the database."""
    import streamlit as st

    from care.errors import StaleEdit, ValidationErrors
    from care.ui.form import Form
    from care.ui.messages import show_flash

    record = st.session_state.setdefault("record", {"name": "Ada", "version": 1})

    def save(_session, version, name):
        if version != record["version"]:
            raise StaleEdit("Someone else saved this record first.")
        if not name.strip():
            raise ValidationErrors(errors={"name": "Give a name."})
        record.update(name=name, version=record["version"] + 1)
        return 3

    show_flash()
    form = Form("person", version=record["version"])
    with st.form(form.id):
        form.messages()
        name = st.text_input("Name", value=record["name"], key=form.key("name"))
        form.error("name")
        note = st.text_input("Note", key=form.key("note"))
        if st.form_submit_button("Save"):
            form.submit(lambda s: save(s, form.version, name),
                        lambda months: f"Saved. Next follow-up: {months} months ({note}).")
    form.reload_button()


def dates_app():
    from datetime import date

    import streamlit as st

    from care.i18n import set_language
    from care.ui.dates import date_format, day_input

    set_language(st.session_state.get("lang", "en"))
    st.text(date_format())
    day = day_input("Referral date", date(2015, 6, 1), key="referral", today=date(2015, 6, 1),
                    earliest=date(2014, 3, 10), after="the referral")
    st.text(f"preview for {day.isoformat()}")


def _walk(node):
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for child in children.values():
        yield from _walk(child)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_field_error_shows_next_to_the_field_and_what_was_typed_stays():
    at = run(AppTest.from_function(app))
    at.text_input[0].input("  ")
    at.text_input[1].input("typed note")
    at.button[0].click()
    run(at)
    assert [e.value for e in at.error] == ["Give a name."]
    # the error is drawn in the form, right after the name field and before the note
    order = [n.type for n in _walk(at.main) if n.type in ("text_input", "error")]
    assert order == ["text_input", "error", "text_input"]
    assert at.text_input[1].value == "typed note"
    run(at)  # another rerun: still there
    assert at.text_input[1].value == "typed note"
    assert [e.value for e in at.error] == ["Give a name."]


def test_a_save_shows_a_toast_that_says_what_comes_next_and_resets_the_form():
    at = run(AppTest.from_function(app))
    at.text_input[0].input("Grace")
    at.text_input[1].input("call first")
    at.button[0].click()
    run(at)
    assert [t.value for t in at.toast] == ["Saved. Next follow-up: 3 months (call first)."]
    assert at.session_state["record"] == {"name": "Grace", "version": 2}
    assert at.text_input[0].value == "Grace"  # opened again on the saved record
    assert at.text_input[1].value == ""  # under fresh keys: the note starts empty
    assert not at.error


def test_a_stale_version_is_refused_with_a_clear_message_and_reload_drops_the_typing():
    at = run(AppTest.from_function(app))
    at.session_state["record"] = {"name": "Changed by someone", "version": 5}
    run(at)
    assert any("Someone saved this record after you opened it" in w.value for w in at.warning)
    at.text_input[0].input("Mine")
    at.button[0].click()
    run(at)
    assert [e.value for e in at.error] == ["Someone else saved this record first."]
    assert at.text_input[0].value == "Mine"  # nothing typed is lost
    reload = next(b for b in at.button if b.label == "Load the current values")
    reload.click()
    run(at)
    assert at.text_input[0].value == "Changed by someone"
    assert not at.error and not at.warning


def test_a_refusal_about_an_old_version_disappears_once_the_record_changes():
    at = run(AppTest.from_function(app))
    at.text_input[0].input(" ")
    at.button[0].click()
    run(at)
    assert [e.value for e in at.error] == ["Give a name."]
    at.session_state["record"] = {"name": "Fixed elsewhere", "version": 2}
    run(at)
    assert "Give a name." not in [e.value for e in at.error]


def test_an_out_of_range_day_is_refused_next_to_the_field_and_kept_as_typed():
    from datetime import date

    at = run(AppTest.from_function(dates_app))
    assert not at.error
    at.date_input[0].set_value(date(2015, 6, 9))
    run(at)
    assert [e.value for e in at.error] == ["Referral date cannot be in the future."]
    assert at.date_input[0].value == date(2015, 6, 9)
    assert "preview for 2015-06-09" in [t.value for t in at.text]  # never silently the previous day
    at.date_input[0].set_value(date(2014, 1, 2))
    run(at)
    assert [e.value for e in at.error] == ["Referral date cannot come before the referral (Mar 10, 2014)."]


@pytest.mark.parametrize(("lang", "expected"), [("fr", "DD/MM/YYYY"), ("en", "YYYY-MM-DD")])
def test_one_date_format_per_language(lang, expected):
    at = AppTest.from_function(dates_app)
    at.session_state["lang"] = lang
    run(at)
    assert at.text[0].value == expected
    assert at.date_input[0].proto.format == expected
