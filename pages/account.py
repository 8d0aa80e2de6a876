"""My account: language, time zone, password and second factor."""

import streamlit as st

from care import users
from care.i18n import LANGUAGES, _
from care.passwords import MIN_LENGTH
from care.ui.auth import page_gate
from care.ui.dates import time_zone_picker
from care.ui.db import db_session
from care.ui.form import Form
from care.ui.messages import field_error, show_flash
from care.ui.second_factor import account_section
from care.ui.tasks import reminders_choice

actor = page_gate("account")
st.title(_("My account"))
show_flash()

if actor.must_change_password:
    st.warning(_("Please choose a new password before you continue."))

st.subheader(_("Language"))
languages = list(LANGUAGES)
choice = st.selectbox(_("Language"), languages, index=languages.index(actor.language),
                      format_func=LANGUAGES.get, key="account_language")
if choice != actor.language:
    with db_session() as session:
        users.own_language_set(session, actor, choice)
    st.rerun()
time_zone_picker(actor)

st.subheader(_("Change my password"))
# Cleared after each try: passwords are not kept in the session, even after a refusal.
with st.form("password_form", clear_on_submit=True):
    current = st.text_input(_("Current password"), type="password")
    field_error("password", "current")
    new = st.text_input(_("New password"), type="password", help=_(
        "At least {n} characters; not your name or username, and not a common password.").format(n=MIN_LENGTH))
    field_error("password", "new")
    repeat = st.text_input(_("New password again"), type="password")
    field_error("password", "repeat")
    if st.form_submit_button(_("Change password")):
        Form("password").submit(lambda s: users.own_password_change(s, actor, current, new, repeat),
                                _("Your password was changed."))

account_section(actor)
reminders_choice(actor)
