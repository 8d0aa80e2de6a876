"""Administration: users, their roles, countries and programmes; lock, deactivate, new password."""

import streamlit as st

from care import partners as directory
from care import users
from care.i18n import _, fmt_date
from care.programme_admin import programmes_all
from care.ui import admin as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui import admin_users as forms
from care.ui.messages import show_flash
from care.vocab import ROLE_LABELS, label

actor = page_gate("admin_users")
st.title(_("Users"))
show_flash()
ui.show_one_time_password()

with db_session() as session:
    rows = users.users_list(session, actor=actor)
    programmes = {p.code: p.name for p in programmes_all(session, actor)}
    orgs = {p.id: f"{p.name} ({p.country})" for p in directory.partners_list(session, actor)}


def status(r: users.UserRow) -> str:
    if not r.is_active:
        return _("Deactivated")
    if r.locked:
        return _("Locked")
    return _("Must change password") if r.must_change_password else _("Active")


st.dataframe([{
    _("Username"): r.username, _("Name"): r.name, _("Status"): status(r),
    _("Roles"): ", ".join(label(ROLE_LABELS, x) for x in r.roles), _("Countries"): ", ".join(r.countries),
    _("Programmes"): ", ".join(r.programmes), _("Partner organisation"): orgs.get(r.partner_id, ""),
    _("Last login"): fmt_date(r.last_login_at, "short")} for r in rows],
    hide_index=True, width="stretch")

add_tab, edit_tab = st.tabs([_("Add a user"), _("Change a user")], key="users_tab",
                            on_change="rerun")  # the open tab stays open after a save

with add_tab:
    forms.add_form(actor, programmes, orgs)

with edit_tab:
    by_name = {r.username: r for r in rows}
    chosen = st.selectbox(_("User"), list(by_name), format_func=lambda u: f"{u} · {by_name[u].name}", key="user_pick")
    row = by_name[chosen]
    edit = forms.edit_form(actor, row, programmes, orgs)
    st.subheader(_("Access"))
    forms.access_buttons(actor, row, edit)
    forms.password_form(actor, row, edit)
