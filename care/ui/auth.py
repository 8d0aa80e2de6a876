"""The login gate: our own form and rules (care/login.py), our own signed cookie (care/ui/cookie.py).

The password is checked by `login.login_attempt` (one message and one cost for every
refusal, client throttling, temporary locks); the login cookie is a JWT signed with
CARE_COOKIE_KEY through PyJWT's public API. Every sign-in is a row on the server: its idle time is measured
there, so a browser reopened with the cookie after `CARE_IDLE_MINUTES` is signed out,
and the second factor is asked once per sign-in. The user is re-read at every action.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import streamlit as st

from care import login, users
from care.access import Actor, may_open
from care.config import settings
from care.errors import DomainError
from care.i18n import LANGUAGES, _, set_language, set_time_zone
from care.login import LoginRefused
from care.second_factor import is_enrolled, second_factor_required
from care.ui.client import client
from care.ui.cookie import LoginCookie
from care.ui.db import db_session
from care.ui.second_factor import code_form, enrol_panel, recovery_codes_pending
from care.ui.markdown import md_escape
from care.ui.nav import stop_before_navigation

SIGN_IN = "_sign_in"
LOGIN_LANGUAGE = "_login_language"
SESSION_KEYS = ("name", "username", "authentication_status", "email", "roles", SIGN_IN)


def _authenticator() -> LoginCookie:
    for key in (*SESSION_KEYS, "logout"):  # a new browser session: nobody signed in yet
        st.session_state.setdefault(key, None)
    s = settings()
    return LoginCookie(s.cookie_name, s.cookie_key, s.cookie_expiry_days)


def _end_session(auth: LoginCookie | None, reason: str, actor: Actor | None = None) -> None:
    with db_session() as session:
        if actor is not None and reason == "user":  # "Log out" ends every sign-in, on every browser
            users.logout_record(session, actor, reason)
        elif actor is not None:
            login.sign_in_close(session, actor, st.session_state.get(SIGN_IN), reason)
        else:
            login.sign_in_end(session, st.session_state.get(SIGN_IN), reason)
    if auth is not None:
        auth.delete()
    # The "logout" flag: the cookie cannot sign the session back in before the browser has dropped it.
    st.session_state["logout"] = True
    for key in SESSION_KEYS:
        st.session_state[key] = None


def _language_picker_before_login() -> None:
    lang = st.session_state.get(LOGIN_LANGUAGE, "en")
    choice = st.selectbox("Language / Langue", list(LANGUAGES), index=list(LANGUAGES).index(lang),
                          format_func=LANGUAGES.get, key="login_language_select")
    st.session_state[LOGIN_LANGUAGE] = choice
    set_language(choice)


def _signed_in_now(auth: LoginCookie, username: str, name: str) -> str:
    """Mark the session signed in and return the cookie token to set."""
    st.session_state.update({"authentication_status": True, "username": username, "name": name, "logout": None})
    return auth.token_for(username)


def _login_form(auth: LoginCookie) -> None:
    _language_picker_before_login()
    st.title(_("CARE case management"))
    if settings().demo:
        st.info(_("Demo mode: synthetic data only. The demo logins are listed in the README."))
    with st.form("login_form"):
        st.subheader(_("Log in"))
        username = st.text_input(_("Username"), autocomplete="username")
        password = st.text_input(_("Password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(_("Log in"))
    if not submitted:
        return
    refusal, where = None, client()
    with db_session() as session:  # a refusal is written too: the failure counts must stay
        try:
            user = login.login_attempt(session, username=username, password=password, client=where)
        except LoginRefused as err:
            refusal = err.message
        else:
            token = _signed_in_now(auth, user.username, user.name)
            actor = users.actor_load(session, user.username)
            st.session_state[SIGN_IN] = login.sign_in_start(session, actor, cookie_token=token, client=where)
    if refusal:
        st.error(refusal)


def _resume_from_cookie(auth: LoginCookie) -> None:
    """A browser that comes back with its login cookie resumes its sign-in, if the server still
    has it alive: not logged out, locked or reset since, and not idle past the limit."""
    raw = st.context.cookies.get(settings().cookie_name)
    token = auth.read() if raw else None  # signature and expiry checked
    if not token:
        return
    issued = datetime.fromtimestamp(token["exp_date"], UTC) - timedelta(days=settings().cookie_expiry_days)
    with db_session() as session:
        resumed = (login.sign_in_resume(session, token["username"], raw)
                   if users.cookie_login_allowed(session, token["username"], issued) else None)
        actor = users.actor_load(session, token["username"]) if resumed else None
    if resumed is None:
        _end_session(auth, "cookie refused")
        return
    st.session_state.update({"authentication_status": True, "username": actor.username, "name": actor.name,
                             SIGN_IN: resumed.sign_in_id})


def login_gate() -> Actor:
    """Return the signed-in actor, or draw the login form and stop the run."""
    auth = _authenticator()
    if not st.session_state.get("authentication_status"):
        _resume_from_cookie(auth)
    if not st.session_state.get("authentication_status"):
        slot = st.empty()
        with slot.container():
            _login_form(auth)
        if not st.session_state.get("authentication_status"):
            stop_before_navigation()
        # Signed in during this run: take the form away and set the cookie outside it.
        slot.empty()
        auth.set_pending()
    return _signed_in(auth)


def _signed_in(auth: LoginCookie) -> Actor:
    actor = _load_actor()
    if actor is None:
        _end_session(auth, "locked")
        st.error(_("Your account is locked or inactive. Ask an administrator."))
        stop_before_navigation()
    with db_session() as session:
        sign_in = st.session_state.get(SIGN_IN)
        if sign_in is None:  # signed in by a test harness setting the session keys: give it a sign-in
            sign_in = st.session_state[SIGN_IN] = login.sign_in_start(
                session, actor, cookie_token="", client=client(), how="session")
            ended = None
        else:
            ended = login.sign_in_touch(session, sign_in)
        enrolled = is_enrolled(session, actor.id)
        factor_given = login.sign_in_second_factor_given(session, sign_in)
    if ended is not None:
        # Idle: this browser's sign-in ends now (audited). Otherwise it was ended elsewhere (a logout
        # on another browser, a lock), already audited there.
        _end_session(auth, ended, actor if ended == "idle" else None)
        if ended == "idle":
            st.warning(_("Your session ended after {n} minutes without activity. Please log in again.").format(
                n=f"{settings().idle_minutes:g}"))
        else:
            st.warning(_("Your session has ended. Please log in again."))
        stop_before_navigation()
    set_language(actor.language)
    set_time_zone(actor.time_zone)
    st.sidebar.caption(_("Signed in as {name}").format(name=md_escape(actor.name)))
    if st.sidebar.button(_("Log out"), key="logout_button", icon=":material/logout:"):
        # No st.rerun() here: the cookie is deleted by a component that must reach the browser.
        _end_session(auth, "user", actor)
        st.success(_("You are logged out."))
        _login_form(auth)
        stop_before_navigation()
    if not factor_given and second_factor_required(actor, enrolled=enrolled):
        if enrolled:
            code_form(actor, sign_in)
        else:
            st.title(_("Set up your second factor"))
            st.info(_("Your role can read the names of the people in the programme: each sign-in needs a code "
                      "from an authenticator app on your phone as well as your password."))
            enrol_panel(actor, sign_in)
        stop_before_navigation()
    if recovery_codes_pending():
        stop_before_navigation()
    return actor


def _load_actor() -> Actor | None:
    username = st.session_state.get("username")
    if not username:
        return None
    try:
        with db_session() as session:
            return users.actor_load(session, username)
    except DomainError:
        return None


def page_gate(page: str) -> Actor:
    """First line of every page: the actor, or "not permitted" and nothing else.

    The actor is read again here, so a user locked since the entrypoint's check (or a page
    run on its own) is out at once.
    """
    actor = _load_actor()
    if actor is None:
        if st.session_state.get("authentication_status"):
            st.session_state["logout"] = True  # the library's flag: no cookie re-login
            for key in SESSION_KEYS:
                st.session_state[key] = None
            st.error(_("Your account is locked or inactive. Ask an administrator."))
        else:
            st.error(_("Please log in."))
        st.stop()
    set_language(actor.language)
    set_time_zone(actor.time_zone)
    if not may_open(actor, page):
        st.error(_("You are not permitted to open this page."), icon=":material/block:")
        st.stop()
    return actor
