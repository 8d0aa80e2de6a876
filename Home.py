"""Entrypoint: settings check, login, and the navigation built for the signed-in role."""

from pathlib import Path

import streamlit as st

from care.config import ConfigError, check_settings, settings
from care.ui.auth import login_gate
from care.ui.live import close_menu_after_navigation
from care.ui.nav import navigation_for, stop_before_navigation
from care.ui.phone import phone_style

# The icon is a file the app serves itself: a ":material/...:" icon is fetched by every browser from
# an outside font service, and no request may leave the server's origin. "auto": the sidebar starts
# closed on a phone and open on a wide screen.
st.set_page_config(page_title="CARE", page_icon=str(Path(__file__).parent / "care" / "ui" / "icon.png"), layout="wide",
                   initial_sidebar_state="auto")
phone_style()

try:
    check_settings(settings())
except ConfigError as err:
    st.error(str(err))
    stop_before_navigation()

actor = login_gate()
page = navigation_for(actor)
close_menu_after_navigation(page.url_path)
page.run()
