"""The benchmark's floor (`python -m care bench`): a page that only passes the login gate,
which is what every page pays before its own work. Not in the navigation."""

import streamlit as st

from care.ui.auth import page_gate

page_gate("account")
st.title("CARE")
