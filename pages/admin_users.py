"""Administration: users, their roles, countries and programmes; lock, deactivate, new password."""

import streamlit as st

from care import partners as directory
from care import users
from care.errors import DomainError
from care.i18n import LANGUAGES, _, fmt_date
from care.programme_admin import programmes_all
from care.ui import admin as ui
from care.ui import confirm
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error, show_flash
from care.ui.opened import forget_opened, opened_version
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

role_codes = list(ROLE_LABELS)
add_tab, edit_tab = st.tabs([_("Add a user"), _("Change a user")], key="users_tab",
                            on_change="rerun")  # the open tab stays open after a save

with add_tab:
    form = "user_add"
    k = f"{form}_{ui.form_round(form)}"
    with st.form(k):
        form_errors(form)
        username = st.text_input(_("Username"), key=f"{k}_username",
                                 help=_("Letters, digits, dot, dash or underscore."))
        field_error(form, "username")
        name = st.text_input(_("Name"), key=f"{k}_name")
        field_error(form, "name")
        email = st.text_input(_("E-mail (optional)"), key=f"{k}_email")
        field_error(form, "email")
        roles = st.multiselect(_("Roles"), role_codes, format_func=lambda r: label(ROLE_LABELS, r),
                               key=f"{k}_roles", placeholder=_("Choose"))
        field_error(form, "roles")
        countries = ui.countries_picker(
            _("Countries (focal points)"), key=f"{k}_countries",
            help=_("A focal point sees the cases whose host or return country is one of these."))
        field_error(form, "countries")
        codes = st.multiselect(_("Programmes"), list(programmes), format_func=programmes.get, key=f"{k}_programmes",
                               placeholder=_("Choose"))
        field_error(form, "programmes")
        partner_id = ui.partner_picker(orgs, key=f"{k}_partner")
        field_error(form, "partner_id")
        language = st.selectbox(_("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=f"{k}_language")
        generate = st.checkbox(_("Generate a strong one-time password"), value=True, key=f"{k}_generate")
        password = st.text_input(
            _("Or type a one-time password"), type="password", key=f"{k}_password",
            help=_("Used only if no password is generated. The user must change it at first login."))
        field_error(form, "password")
        if st.form_submit_button(_("Add the user"), type="primary"):
            data = users.NewUser(username=username, name=name, email=email, password=password, roles=tuple(roles),
                                 countries=tuple(countries), programme_codes=tuple(codes), language=language,
                                 partner_id=partner_id)
            try:
                with db_session() as session:
                    once = users.user_add(session, actor, data=data, generate=generate)
            except DomainError as err:
                remember_error(form, err)
            else:
                clear_errors(form)
                ui.next_round(form)
                flash(_("User {username} added.").format(username=username.strip().lower()))
                if once:
                    ui.keep_one_time_password(username.strip().lower(), once)
            st.rerun()

with edit_tab:
    by_name = {r.username: r for r in rows}
    chosen = st.selectbox(_("User"), list(by_name), format_func=lambda u: f"{u} · {by_name[u].name}", key="user_pick")
    row = by_name[chosen]
    form = f"user_edit_{row.id}"
    opened = opened_version(form, row.version, slot="user_edit")
    ui.stale_notice(form, opened, row.version)
    k = f"{form}_v{opened}"
    with st.form(k):
        form_errors(form)
        name = st.text_input(_("Name"), value=row.name, key=f"{k}_name")
        field_error(form, "name")
        email = st.text_input(_("E-mail (optional)"), value=row.email, key=f"{k}_email")
        field_error(form, "email")
        roles = st.multiselect(_("Roles"), role_codes, default=row.roles, format_func=lambda r: label(ROLE_LABELS, r),
                               key=f"{k}_roles", placeholder=_("Choose"))
        field_error(form, "roles")
        countries = ui.countries_picker(_("Countries (focal points)"), default=row.countries, key=f"{k}_countries")
        field_error(form, "countries")
        codes = st.multiselect(_("Programmes"), list(programmes), default=row.programmes, format_func=programmes.get,
                               key=f"{k}_programmes", placeholder=_("Choose"))
        field_error(form, "programmes")
        partner_id = ui.partner_picker(orgs, default=row.partner_id, key=f"{k}_partner")
        field_error(form, "partner_id")
        st.caption(_("Changes apply at the user's next click."))
        if st.form_submit_button(_("Save changes"), type="primary"):
            change = users.ProfileChange(name=name, email=email, roles=tuple(roles), countries=tuple(countries),
                                         programme_codes=tuple(codes), partner_id=partner_id)
            try:
                with db_session() as session:
                    users.user_update(session, actor, username=row.username, change=change, version=opened)
            except DomainError as err:
                remember_error(form, err)
            else:
                clear_errors(form)
                forget_opened(form)
                flash(_("Changes to {username} saved.").format(username=row.username))
            st.rerun()

    st.subheader(_("Access"))
    access = f"user_access_{row.id}"
    form_errors(access)
    lock, active = st.columns(2)

    def toggle_lock() -> None:
        try:
            with db_session() as session:
                users.user_set_locked(session, row.username, not row.locked, actor=actor)
        except DomainError as err:
            remember_error(access, err)
        else:
            clear_errors(access)
            forget_opened(form)
            flash(_("{username} is unlocked.").format(username=row.username) if row.locked
                  else _("{username} is locked: they are out at their next click.").format(username=row.username))
        st.rerun()

    def toggle_active() -> None:
        try:
            with db_session() as session:
                users.user_set_active(session, row.username, not row.is_active, actor=actor)
        except DomainError as err:
            remember_error(access, err)
        else:
            clear_errors(access)
            forget_opened(form)
            flash(_("{username} is active again.").format(username=row.username) if not row.is_active
                  else _("{username} is deactivated.").format(username=row.username))
        st.rerun()

    if lock.button(_("Unlock") if row.locked else _("Lock"), key=f"{access}_lock",
                   icon=":material/lock_open:" if row.locked else ":material/lock:"):
        if row.locked:
            toggle_lock()  # undoing a lock needs no confirmation
        confirm.ask(f"{access}_lock")
    confirm.confirm(f"{access}_lock", title=_("Lock {username}").format(username=row.username),
                    confirm_label=_("Lock"), action=toggle_lock,
                    what_happens=_("{username} is signed out at their next click and cannot log in until an "
                                   "administrator unlocks the account.").format(username=row.username))
    if active.button(_("Reactivate") if not row.is_active else _("Deactivate"), key=f"{access}_active",
                     icon=":material/person_add:" if not row.is_active else ":material/person_off:",
                     help=_("A deactivated user cannot log in; they stay in the audit log.")):
        if not row.is_active:
            toggle_active()
        confirm.ask(f"{access}_active")
    confirm.confirm(f"{access}_active", title=_("Deactivate {username}").format(username=row.username),
                    confirm_label=_("Deactivate"), action=toggle_active,
                    what_happens=_("{username} is signed out at their next click and cannot log in any more; "
                                   "their name stays in the audit log.").format(username=row.username))

    reset = f"user_reset_{row.id}"
    k = f"{reset}_{ui.form_round(reset)}"
    with st.form(k):
        st.markdown(_("**New one-time password**"))
        generate = st.checkbox(_("Generate a strong one-time password"), value=True, key=f"{k}_generate")
        password = st.text_input(_("Or type a one-time password"), type="password", key=f"{k}_password")
        field_error(reset, "password")
        if st.form_submit_button(_("Set the new password")):
            try:
                with db_session() as session:
                    once = users.user_password_reset(session, actor, username=row.username, password=password,
                                                     generate=generate)
            except DomainError as err:
                remember_error(reset, err)
            else:
                clear_errors(reset)
                ui.next_round(reset)
                forget_opened(form)
                flash(_("New password set for {username}; they choose their own at next login.").format(
                    username=row.username))
                if once:
                    ui.keep_one_time_password(row.username, once)
            st.rerun()
