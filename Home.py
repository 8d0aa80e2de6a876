"""Entrypoint: settings check, login, and the navigation built for the signed-in role."""

import streamlit as st

from care.config import ConfigError, check_settings, settings
from care.ui.auth import login_gate
from care.ui.nav import navigation_for
from care.ui.phone import phone_style

# "auto": the sidebar starts closed on a phone and open on a wide screen.
st.set_page_config(page_title="CARE", page_icon=":material/handshake:", layout="wide", initial_sidebar_state="auto")
phone_style()

try:
    check_settings(settings())
except ConfigError as err:
    st.error(str(err))
    st.stop()

actor = login_gate()
navigation_for(actor).run()
