"""The reference lists page's forms, through the one form lifecycle: add, rename or retire an
organisation or a training module (an edit form is held at the version it was opened at)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from care import reference_lists as rl
from care.access import Actor
from care.countries import country_name
from care.i18n import _
from care.ui.form import Form
from care.vocab import ORGANISATION_TYPES, label

ORG_TYPES = list(ORGANISATION_TYPES)


def status(retired: bool) -> str:
    return _("Retired") if retired else _("In use")


def _retire_buttons(form: Form, retired: bool, save_label: str, save: Callable, retire: Callable) -> None:
    st.caption(_("Status: {status}").format(status=status(retired)))
    left, right = st.columns(2)
    if left.form_submit_button(save_label, type="primary"):
        form.submit(save, _("Saved."))
    if right.form_submit_button(_("Bring back") if retired else _("Retire")):
        form.submit(retire, _("Brought back into use.") if retired
                    else _("Retired: no longer offered for new records."))


def _org_type(form: Form, current: str | None = None) -> str:
    value = st.selectbox(_("Type (HTCDS)"), ORG_TYPES, format_func=lambda t: label(ORGANISATION_TYPES, t),
                         index=ORG_TYPES.index(current) if current in ORG_TYPES else 0, key=form.key("type"))
    form.error("org_type")
    return value


def organisation_add_form(actor: Actor, countries: list[str], country: str) -> None:
    form = Form("org_add")
    with st.form(form.id):
        st.markdown(_("**Add an organisation**"))
        form.messages()
        name = st.text_input(_("Name"), key=form.key("name"))
        form.error("name")
        org_type = _org_type(form)
        org_country = st.selectbox(_("Country"), countries, format_func=country_name, key=form.key("country"),
                                   index=countries.index(country) if country else None, placeholder=_("Choose"))
        form.error("country")
        if st.form_submit_button(_("Add")):
            form.submit(lambda s: rl.organisation_add(s, actor, name=name, org_type=org_type, country=org_country or ""),
                        _("Organisation added."))


def organisation_edit_form(actor: Actor, org) -> None:
    form = Form(f"org_edit_{org.id}", version=org.version, slot="org_edit")
    with st.form(form.id):
        form.messages()
        name = form.text(_("Name"), org.name, "name")
        org_type = _org_type(form, org.org_type)
        _retire_buttons(form, org.retired, _("Save"),
                        lambda s: rl.organisation_update(s, actor, organisation_id=org.id, name=name,
                                                         org_type=org_type, version=form.version),
                        lambda s: rl.organisation_retire(s, actor, organisation_id=org.id, retired=not org.retired,
                                                         version=form.version))
    form.reload_button()


def module_add_form(actor: Actor) -> None:
    form = Form("module_add")
    with st.form(form.id):
        st.markdown(_("**Add a training module**"))
        form.messages()
        name = st.text_input(_("Name"), key=form.key("name"))
        form.error("name")
        if st.form_submit_button(_("Add")):
            form.submit(lambda s: rl.training_module_add(s, actor, name=name), _("Training module added."))


def module_edit_form(actor: Actor, module) -> None:
    form = Form(f"module_edit_{module.id}", version=module.version, slot="module_edit")
    with st.form(form.id):
        form.messages()
        name = form.text(_("Name"), module.name, "name")
        _retire_buttons(form, module.retired, _("Rename"),
                        lambda s: rl.training_module_rename(s, actor, module_id=module.id, name=name,
                                                            version=form.version),
                        lambda s: rl.training_module_retire(s, actor, module_id=module.id, retired=not module.retired,
                                                            version=form.version))
    form.reload_button()
