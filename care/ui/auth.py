"""The login gate: streamlit-authenticator in front, the database behind it.

Users live in the database (bcrypt hashes). Failed logins are counted there and lock the
account; a locked, deactivated or changed user is re-read at every action. The session
also ends after an idle time.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime, timedelta

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from care import users
from care.access import Actor
from care.config import settings
from care.errors import DomainError
from care.i18n import LANGUAGES, _, set_language
from care.ui.db import db_session

LAST_SEEN = "_last_seen"
LOGIN_LANGUAGE = "_login_language"


def _authenticator(credentials: dict) -> stauth.Authenticate:
    s = settings()
    return stauth.Authenticate(
        copy.deepcopy(credentials), s.cookie_name, s.cookie_key, s.cookie_expiry_days,
        auto_hash=False, login_sleep_time=0,
    )


def _on_login(event: dict) -> None:
    with db_session() as session:
        users.login_succeeded(session, event["username"])
    st.session_state[LAST_SEEN] = time.time()


def _end_session(auth: stauth.Authenticate | None, reason: str, actor: Actor | None = None) -> None:
    if actor is not None:
        with db_session() as session:
            users.logout_record(session, actor, reason)
    if auth is not None:
        # The library's logout sets its "logout" flag, so the cookie cannot sign the session
        # back in before the browser has dropped it.
        auth.authentication_controller.logout()
        auth.cookie_controller.delete_cookie()
    st.session_state[LAST_SEEN] = None


def _language_picker_before_login() -> None:
    lang = st.session_state.get(LOGIN_LANGUAGE, "en")
    choice = st.selectbox("Language / Langue", list(LANGUAGES), index=list(LANGUAGES).index(lang),
                          format_func=LANGUAGES.get, key="login_language_select")
    st.session_state[LOGIN_LANGUAGE] = choice
    set_language(choice)


def _login_form(auth: stauth.Authenticate) -> None:
    _language_picker_before_login()
    st.title(_("CARE case management"))
    if settings().demo:
        st.info(_("Demo mode: synthetic data only. The demo logins are listed in the README."))
    try:
        auth.login(location="main", key="login_form", callback=_on_login, fields={
            "Form name": _("Log in"), "Username": _("Username"), "Password": _("Password"),
            "Login": _("Log in")})
    except LoginError:
        _end_session(auth, "cookie refused")
    if st.session_state.get("authentication_status") is False:
        model = auth.authentication_controller.authentication_model
        failed = [u for u, c in model.credentials["usernames"].items() if c.get("failed_login_attempts", 0) > 0]
        with db_session() as session:
            locked = users.login_failed(session, failed[0] if failed else "")
        st.error(_("This account is now locked after too many failed logins. Ask an administrator.")
                 if locked else _("Username or password is incorrect."))


def _set_cookie_again(auth: stauth.Authenticate) -> None:
    model = auth.cookie_controller.cookie_model
    if not model.cookie_expiry_days or model.exp_date is None:
        return  # signed in by the cookie itself: nothing to set
    model.cookie_manager.set(model.cookie_name, model._token_encode(),
                             expires_at=datetime.fromtimestamp(model.exp_date), key="set_after_login")


def _refuse_revoked_cookie(auth: stauth.Authenticate) -> None:
    """Before the library signs a browser in by its cookie, check the cookie is still good.

    The cookie names the user and its expiry; it was issued `cookie_expiry_days` before
    that. A cookie issued before the user's last logout or lock is refused here, so logging
    out works even if the browser kept the cookie.
    """
    token = auth.cookie_controller.get_cookie()
    if not token:
        return
    issued = datetime.fromtimestamp(token["exp_date"], UTC) - timedelta(days=settings().cookie_expiry_days)
    with db_session() as session:
        allowed = users.cookie_login_allowed(session, token["username"], issued)
    if not allowed:
        _end_session(auth, "cookie refused")


def login_gate() -> Actor:
    """Return the signed-in actor, or draw the login form and stop the run."""
    with db_session() as session:
        credentials = users.login_credentials(session)
    auth = _authenticator(credentials)
    if not st.session_state.get("authentication_status"):
        _refuse_revoked_cookie(auth)
        slot = st.empty()
        with slot.container():
            _login_form(auth)
        if not st.session_state.get("authentication_status"):
            st.stop()
        # Signed in during this run: take the form away and set the cookie again outside it
        # (the library set it inside the form's container, which is now gone).
        slot.empty()
        _set_cookie_again(auth)

    return _signed_in(auth)


def _signed_in(auth: stauth.Authenticate) -> Actor:
    now = time.time()
    last = st.session_state.get(LAST_SEEN) or now
    actor = _load_actor()
    if actor is None:
        _end_session(auth, "locked")
        st.error(_("Your account is locked or inactive. Ask an administrator."))
        st.stop()
    if now - last > settings().idle_minutes * 60:
        _end_session(auth, "idle", actor)
        st.warning(_("Your session ended after {n} minutes without activity. Please log in again.").format(
            n=settings().idle_minutes))
        st.stop()
    st.session_state[LAST_SEEN] = now
    set_language(actor.language)
    st.sidebar.caption(_("Signed in as {name}").format(name=actor.name))
    if st.sidebar.button(_("Log out"), key="logout_button", icon=":material/logout:"):
        # No st.rerun() here: the cookie is deleted by a component that must reach the browser.
        _end_session(auth, "user", actor)
        st.success(_("You are logged out."))
        _login_form(auth)
        st.stop()
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
    from care.access import may_open

    actor = _load_actor()
    if actor is None:
        if st.session_state.get("authentication_status"):
            st.session_state["logout"] = True  # the library's flag: no cookie re-login
            for key in ("name", "username", "authentication_status", "email", "roles", LAST_SEEN):
                st.session_state[key] = None
            st.error(_("Your account is locked or inactive. Ask an administrator."))
        else:
            st.error(_("Please log in."))
        st.stop()
    set_language(actor.language)
    if not may_open(actor, page):
        st.error(_("You are not permitted to open this page."), icon=":material/block:")
        st.stop()
    return actor
