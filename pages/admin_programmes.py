"""Administration: a programme's settings (versioned), its history, and a new programme by copy."""

import streamlit as st

from care import programme_admin as pa
from care.i18n import _, fmt_date, fmt_money
from care.ui import admin as ui
from care.ui import rss as rss_ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui import admin_programmes as forms
from care.ui.messages import show_flash

actor = page_gate("admin_programmes")
st.title(_("Programmes"))
show_flash()

with db_session() as session:
    programmes = pa.programmes_all(session, actor)
st.dataframe([{
    _("Code"): p.code, _("Name"): p.name, _("Period"): f"{fmt_date(p.start_date)} – {fmt_date(p.end_date)}",
    _("Cap per person"): fmt_money(p.cap_per_person, p.currency), _("Version"): p.version} for p in programmes],
    hide_index=True, width="stretch")

by_id = {p.id: p for p in programmes}
if "_programme_pick_next" in st.session_state:  # a programme just created opens next
    st.session_state["programme_pick"] = st.session_state.pop("_programme_pick_next")
chosen = st.selectbox(_("Programme"), list(by_id), format_func=lambda i: f"{by_id[i].code} · {by_id[i].name}",
                      key="programme_pick")
current = by_id[chosen]
forms.settings_form(actor, current)

rss_ui.weights_form(actor, current)

with st.expander(_("History of the settings")):
    with db_session() as session:
        history = pa.programme_history(session, actor, programme_id=current.id)
    st.dataframe([{
        _("Version"): h.version, _("Date"): fmt_date(h.changed_at, "short"), _("By"): h.changed_by,
        _("Changes"): "\n".join(ui.describe_change(key, *pair) for key, pair in h.changes.items())
        or _("First version")} for h in history], hide_index=True, width="stretch")

forms.copy_form(actor, current)
