"""The users page's forms, each through the one form lifecycle (`care.ui.form.Form`): add a user,
change one (held at the version it was opened at), lock or deactivate, set a new one-time password."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from care import users
from care.access import Actor
from care.i18n import LANGUAGES, _
from care.ui import confirm
from care.ui import admin as ui
from care.ui.form import Form
from care.vocab import ROLE_LABELS, label

ROLES = list(ROLE_LABELS)


def _profile_fields(form: Form, programmes: Mapping[str, str], orgs: Mapping[int, str],
                    row: users.UserRow | None) -> dict:
    values = {}
    values["name"] = st.text_input(_("Name"), value=row.name if row else "", key=form.key("name"))
    form.error("name")
    values["email"] = st.text_input(_("E-mail (optional)"), value=row.email if row else "", key=form.key("email"))
    form.error("email")
    values["roles"] = tuple(st.multiselect(_("Roles"), ROLES, default=row.roles if row else None,
                                           format_func=lambda r: label(ROLE_LABELS, r), key=form.key("roles"),
                                           placeholder=_("Choose")))
    form.error("roles")
    values["countries"] = tuple(ui.countries_picker(
        _("Countries (focal points)"), default=row.countries if row else (), key=form.key("countries"),
        help=_("A focal point sees the cases whose host or return country is one of these.")))
    form.error("countries")
    values["programme_codes"] = tuple(st.multiselect(
        _("Programmes"), list(programmes), default=row.programmes if row else None, format_func=programmes.get,
        key=form.key("programmes"), placeholder=_("Choose")))
    form.error("programmes")
    values["partner_id"] = ui.partner_picker(orgs, default=row.partner_id if row else None, key=form.key("partner"))
    form.error("partner_id")
    return values


def _password_fields(form: Form, help: str | None = None) -> tuple[bool, str]:
    generate = st.checkbox(_("Generate a strong one-time password"), value=True, key=form.key("generate"))
    password = st.text_input(_("Or type a one-time password"), type="password", key=form.key("password"), help=help)
    form.error("password")
    return generate, password


def add_form(actor: Actor, programmes: Mapping[str, str], orgs: Mapping[int, str]) -> None:
    form = Form("user_add")
    with st.form(form.id):
        form.messages()
        username = st.text_input(_("Username"), key=form.key("username"), help=_("Letters, digits, dot, dash or underscore."))
        form.error("username")
        values = _profile_fields(form, programmes, orgs, None)
        language = st.selectbox(_("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=form.key("language"))
        generate, password = _password_fields(form, _("Used only if no password is generated. The user must change "
                                                      "it at first login."))
        if st.form_submit_button(_("Add the user"), type="primary"):
            data = users.NewUser(username=username, password=password, language=language, **values)
            name = username.strip().lower()
            form.submit(lambda s: users.user_add(s, actor, data=data, generate=generate),
                        _("User {username} added.").format(username=name),
                        then=lambda once: ui.keep_one_time_password(name, once) if once else None)


def edit_form(actor: Actor, row: users.UserRow, programmes: Mapping[str, str], orgs: Mapping[int, str]) -> Form:
    form = Form(f"user_edit_{row.id}", version=row.version, slot="user_edit")
    with st.form(form.id):
        form.messages()
        values = _profile_fields(form, programmes, orgs, row)
        st.caption(_("Changes apply at the user's next click."))
        if st.form_submit_button(_("Save changes"), type="primary"):
            change = users.ProfileChange(**values)
            form.submit(lambda s: users.user_update(s, actor, username=row.username, change=change,
                                                    version=form.version),
                        _("Changes to {username} saved.").format(username=row.username))
    form.reload_button()
    return form


def access_buttons(actor: Actor, row: users.UserRow, edit: Form) -> None:
    """Lock and deactivate ask for confirmation in a dialog; undoing them does not."""
    access = Form(f"user_access_{row.id}")
    access.messages()
    lock, active = st.columns(2)

    def toggle_lock() -> None:
        access.submit(lambda s: users.user_set_locked(s, row.username, not row.locked, actor=actor),
                      _("{username} is unlocked.").format(username=row.username) if row.locked
                      else _("{username} is locked: they are out at their next click.").format(username=row.username),
                      also=(edit.name,))

    def toggle_active() -> None:
        access.submit(lambda s: users.user_set_active(s, row.username, not row.is_active, actor=actor),
                      _("{username} is active again.").format(username=row.username) if not row.is_active
                      else _("{username} is deactivated.").format(username=row.username), also=(edit.name,))

    if lock.button(_("Unlock") if row.locked else _("Lock"), key=f"{access.name}_lock",
                   icon=":material/lock_open:" if row.locked else ":material/lock:"):
        if row.locked:
            toggle_lock()  # undoing a lock needs no confirmation
        confirm.ask(f"{access.name}_lock")
    confirm.confirm(f"{access.name}_lock", title=_("Lock {username}").format(username=row.username),
                    confirm_label=_("Lock"), action=toggle_lock,
                    what_happens=_("{username} is signed out at their next click and cannot log in until an "
                                   "administrator unlocks the account.").format(username=row.username))
    if active.button(_("Reactivate") if not row.is_active else _("Deactivate"), key=f"{access.name}_active",
                     icon=":material/person_add:" if not row.is_active else ":material/person_off:",
                     help=_("A deactivated user cannot log in; they stay in the audit log.")):
        if not row.is_active:
            toggle_active()
        confirm.ask(f"{access.name}_active")
    confirm.confirm(f"{access.name}_active", title=_("Deactivate {username}").format(username=row.username),
                    confirm_label=_("Deactivate"), action=toggle_active,
                    what_happens=_("{username} is signed out at their next click and cannot log in any more; "
                                   "their name stays in the audit log.").format(username=row.username))


def password_form(actor: Actor, row: users.UserRow, edit: Form) -> None:
    form = Form(f"user_reset_{row.id}")
    with st.form(form.id):
        st.markdown(_("**New one-time password**"))
        generate, password = _password_fields(form)
        if st.form_submit_button(_("Set the new password")):
            form.submit(lambda s: users.user_password_reset(s, actor, username=row.username, password=password,
                                                            generate=generate),
                        _("New password set for {username}; they choose their own at next login.").format(
                            username=row.username), also=(edit.name,),
                        then=lambda once: ui.keep_one_time_password(row.username, once) if once else None)
