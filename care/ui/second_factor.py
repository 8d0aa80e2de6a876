"""The second factor on screen: enrolment with a QR code, the code asked at sign-in, recovery codes.

Used by the login gate (a role that needs it and has not enrolled yet) and by My account.
The QR code is drawn here (segno, a PNG served by the app itself: nothing leaves the server).
"""

from __future__ import annotations

import io

import segno
import streamlit as st

from care import login, second_factor
from care.access import Actor
from care.errors import DomainError
from care.i18n import _
from care.ui.client import client
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, remember_error

SECRET = "_second_factor_secret"
CODES = "_recovery_codes"


def qr_png(text: str) -> bytes:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=5, border=2)
    return buf.getvalue()


def enrol_panel(actor: Actor, sign_in: int | None) -> None:
    """Scan, type the code the app shows, get the recovery codes (shown once)."""
    secret = st.session_state.setdefault(SECRET, second_factor.new_secret())
    st.markdown(_("1. Open an authenticator app on your phone (for example FreeOTP, Aegis, Google "
                  "Authenticator) and scan this code."))
    st.image(qr_png(second_factor.provisioning_uri(secret, actor.username)), width=220)
    st.caption(_("Cannot scan it? Type this key into the app instead:"))
    st.code(" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), language=None)
    with st.form("second_factor_enrol", clear_on_submit=True):
        code = st.text_input(_("2. The 6-digit code the app shows now"), autocomplete="one-time-code")
        field_error("second_factor_enrol", "code")
        if st.form_submit_button(_("Turn on the second factor")):
            try:
                with db_session() as session:
                    codes = second_factor.enrol(session, actor, secret=secret, code=code)
                    if sign_in:
                        login.sign_in_second_factor_done(session, sign_in)
            except DomainError as err:
                remember_error("second_factor_enrol", err)
            else:
                clear_errors("second_factor_enrol")
                st.session_state.pop(SECRET, None)
                st.session_state[CODES] = codes
            st.rerun()


def recovery_codes_pending() -> bool:
    """Right after enrolment (or renewal): the recovery codes, once, until the user confirms."""
    codes = st.session_state.get(CODES)
    if not codes:
        return False
    st.title(_("Your recovery codes"))
    st.warning(_("Write these codes down and keep them apart from your phone. Each one signs you in once if "
                 "you lose the phone. They are shown only now."))
    st.code("\n".join(codes), language=None)
    if st.button(_("I have written them down"), key="recovery_codes_done"):
        st.session_state.pop(CODES, None)
        st.rerun()
    return True


def code_form(actor: Actor, sign_in: int) -> None:
    """The code asked after the password."""
    st.title(_("Second factor"))
    with st.form("second_factor_code", clear_on_submit=True):
        code = st.text_input(_("Code from your authenticator app, or a recovery code"), autocomplete="one-time-code")
        submitted = st.form_submit_button(_("Continue"))
    if not submitted:
        return
    refusal = None
    with db_session() as session:  # a wrong code is written too: it counts as a failed login
        try:
            login.second_factor_attempt(session, user_id=actor.id, sign_in_id=sign_in, code=code, client=client())
        except login.LoginRefused as err:
            refusal = err.message
    if refusal:
        st.error(refusal)
    else:
        st.rerun()


def account_section(actor: Actor) -> None:
    """My account: the second factor's state, enrolment, new recovery codes."""
    st.subheader(_("Second factor"))
    if recovery_codes_pending():
        return
    with db_session() as session:
        enrolled = second_factor.is_enrolled(session, actor.id)
        left = second_factor.recovery_codes_left(session, actor.id) if enrolled else 0
    if not enrolled:
        st.caption(_("A code from an authenticator app at each sign-in, as well as your password."))
        enrol_panel(actor, st.session_state.get("_sign_in"))
        return
    st.success(_("On. Recovery codes left: {n}.").format(n=left))
    with st.form("recovery_renew", clear_on_submit=True):
        code = st.text_input(_("Code from your authenticator app"), autocomplete="one-time-code")
        field_error("recovery_renew", "code")
        if st.form_submit_button(_("New recovery codes")):
            try:
                with db_session() as session:
                    st.session_state[CODES] = second_factor.recovery_codes_renew(session, actor, code=code)
            except DomainError as err:
                remember_error("recovery_renew", err)
            else:
                clear_errors("recovery_renew")
            st.rerun()
