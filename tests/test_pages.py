"""Every page, for every role: it opens without an exception, or says "not permitted".

Pages run headless with streamlit's AppTest; the login is the library's session state,
the user is a demo user of that role.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from care.access import PAGE_ROLES, Role
from care.ui.nav import PAGES

USER_OF_ROLE = {Role.ADMIN: "admin", Role.COORDINATOR: "coord", Role.FOCAL_POINT: "fp.es", Role.MANAGER: "manager",
                Role.PARTNER: "partner.ng"}
TIMEOUT = 60


def signed_in(script: str, username: str) -> AppTest:
    at = AppTest.from_file(script, default_timeout=TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.session_state["logout"] = None
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_page_for_role(demo_db_url, page, role):
    # The focal point here (Spain) is on the host side only: no follow-up after return to log.
    allowed = role in PAGE_ROLES[page.key] and (role, page.key) != (Role.FOCAL_POINT, "followup")
    at = signed_in("../Home.py", USER_OF_ROLE[role])
    at.run()
    assert not at.exception, at.exception
    if allowed:
        at.switch_page(page.path)
        at.run()
        assert not at.exception, at.exception
        assert not errors(at), errors(at)
        assert at.title, "a page starts with its title"
    else:
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(page.path)
        # Opened directly (a bookmarked address): "not permitted" and nothing else.
        direct = signed_in(f"../{page.path}", USER_OF_ROLE[role])
        direct.run()
        assert not direct.exception
        assert errors(direct) == ["You are not permitted to open this page."]
        assert not direct.title and not direct.dataframe and not direct.text_input


def test_login_form_then_home(demo_db_url):
    at = AppTest.from_file("../Home.py", default_timeout=TIMEOUT)
    at.run()
    assert [t.label for t in at.text_input][:2] == ["Username", "Password"]
    at.text_input[0].input("coord")
    at.text_input[1].input("wrong password!")
    at.button[0].click().run()
    assert "Username or password is incorrect, or the account must wait a few minutes after too many failed logins." in errors(at)
    at.text_input[0].input("coord")
    at.text_input[1].input("Demo-only-2026!")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert any(t.value == "My work" for t in at.title)


def test_not_logged_in_page_asks_to_log_in(demo_db_url):
    at = AppTest.from_file("../pages/home.py", default_timeout=TIMEOUT)
    at.run()
    assert errors(at) == ["Please log in."]


def test_locked_user_is_out_at_next_action(demo_db_url):
    from care import users
    from db.engine import engine_for, session_scope

    at = signed_in("../Home.py", "fp.fr")
    at.run()
    assert at.session_state["authentication_status"] is True
    with session_scope(engine_for(demo_db_url)) as s:
        users.user_set_locked(s, "fp.fr", True, actor=None)
    try:
        at.run()
        assert "Your account is locked or inactive. Ask an administrator." in errors(at)
        assert not at.session_state["authentication_status"]
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            users.user_set_locked(s, "fp.fr", False, actor=None)


def test_french_user_gets_french_home(demo_db_url):
    from care import users
    from db.engine import engine_for, session_scope

    with session_scope(engine_for(demo_db_url)) as s:
        actor = users.actor_load(s, "manager")
        users.own_language_set(s, actor, "fr")
    try:
        at = signed_in("../Home.py", "manager")
        at.run()
        assert any(t.value == "Mon travail" for t in at.title)
    finally:
        with session_scope(engine_for(demo_db_url)) as s:
            users.own_language_set(s, users.actor_load(s, "manager"), "en")


def test_idle_session_ends(demo_db_url):
    from datetime import UTC, datetime, timedelta

    from care import users
    from care.config import settings
    from db.engine import engine_for, session_scope
    from db.models import SignIn

    with session_scope(engine_for(demo_db_url)) as s:  # a sign-in whose last action, on the server, is too old
        row = SignIn(user_id=users.actor_load(s, "coord").id,
                     last_seen_at=datetime.now(UTC) - timedelta(minutes=settings().idle_minutes, seconds=5))
        s.add(row)
        s.flush()
        sign_in = row.id
    at = signed_in("../Home.py", "coord")
    at.session_state["_sign_in"] = sign_in
    at.run()
    assert not at.exception
    assert any("without activity" in w.value for w in at.warning)
    assert not at.session_state["authentication_status"]
