"""Sessions: the idle time is the configured one, and a user locked or deactivated by an
administrator is out at their next action, seeing nothing of the page they were on.

(An administrator cannot delete a user, only deactivate one: the audit log keeps naming them.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from care import config, users
from db.engine import engine_for, session_scope
from db.models import SignIn
from tests.test_pages import errors, signed_in

REFUSED = "Your account is locked or inactive. Ask an administrator."


def _after_idle(url: str, seconds: float) -> AppTest:
    """A signed-in session whose last action (as the server recorded it) was `seconds` ago, at
    its next action.

    A fresh AppTest per case: on a second `run()` AppTest re-runs only the current page,
    not the entrypoint where the idle check lives (the real server runs the entrypoint at
    every action).
    """
    with session_scope(engine_for(url)) as s:
        row = SignIn(user_id=users.actor_load(s, "coord").id,
                     last_seen_at=datetime.now(UTC) - timedelta(seconds=seconds))
        s.add(row)
        s.flush()
        sign_in = row.id
    at = signed_in("../Home.py", "coord")
    at.session_state["_sign_in"] = sign_in
    at.run()
    assert not at.exception
    return at


def test_the_idle_time_is_the_configured_number_of_minutes(demo_db_url, monkeypatch):
    monkeypatch.setenv("CARE_IDLE_MINUTES", "2")
    config.settings.cache_clear()
    try:
        still_in = _after_idle(demo_db_url, 100)
        assert any(t.value == "My work" for t in still_in.title)
        assert not any("session" in w.value for w in still_in.warning)  # Home's own warnings (alarms) may show
        out = _after_idle(demo_db_url, 125)
        assert [w.value for w in out.warning] == [
            "Your session ended after 2 minutes without activity. Please log in again."]
        assert not out.session_state["authentication_status"]
        assert not out.title and not out.dataframe
    finally:
        monkeypatch.delenv("CARE_IDLE_MINUTES")
        config.settings.cache_clear()
    assert any(t.value == "My work" for t in _after_idle(demo_db_url, 125).title)  # the default is 30 minutes


def _set(url: str, username: str, how: str, on: bool) -> None:
    with session_scope(engine_for(url)) as s:
        if how == "locked":
            users.user_set_locked(s, username, on, actor=None)
        else:
            users.user_set_active(s, username, not on, actor=None)


@pytest.mark.parametrize("how", ["locked", "deactivated"])
def test_a_user_locked_or_deactivated_meanwhile_is_out_at_the_next_action(demo_db_url, how):
    at = signed_in("../Home.py", "coord2")
    at.run()
    at.switch_page("pages/cases.py")
    at.run()
    assert [t.value for t in at.title] == ["Cases"] and at.dataframe
    _set(demo_db_url, "coord2", how, True)
    try:
        at.run()
        assert not at.exception
        assert errors(at) == [REFUSED]
        assert not at.title and not at.dataframe and not at.text_input and not at.button
        assert not at.session_state["authentication_status"]
    finally:
        _set(demo_db_url, "coord2", how, False)


@pytest.mark.parametrize("how", ["locked", "deactivated"])
def test_the_entrypoint_refuses_a_signed_in_user_locked_or_deactivated_since(demo_db_url, how):
    _set(demo_db_url, "coord2", how, True)
    try:
        at = signed_in("../Home.py", "coord2")
        at.run()
        assert not at.exception
        assert errors(at) == [REFUSED]
        assert not at.title and not at.dataframe and not at.button
    finally:
        _set(demo_db_url, "coord2", how, False)


@pytest.mark.parametrize("how", ["locked", "deactivated"])
def test_a_page_opened_on_its_own_refuses_a_user_locked_or_deactivated_meanwhile(demo_db_url, how):
    at = signed_in("../pages/cases.py", "coord2")
    at.run()
    assert [t.value for t in at.title] == ["Cases"]
    _set(demo_db_url, "coord2", how, True)
    try:
        at.run()
        assert errors(at) == [REFUSED]
        assert not at.title and not at.dataframe and not at.text_input
        assert not at.session_state["authentication_status"]
    finally:
        _set(demo_db_url, "coord2", how, False)


def test_no_user_can_be_deleted():
    assert not [name for name in dir(users) if name.startswith("user_") and ("delete" in name or "remove" in name)]
