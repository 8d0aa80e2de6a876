"""Administration: referring and partner organisations, and training modules (add, rename, retire)."""

import streamlit as st

from care import reference_lists as rl
from care.countries import all_country_codes, country_name
from care.i18n import _
from care.ui import admin as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.opened import opened_version
from care.vocab import ORGANISATION_TYPES, label

actor = page_gate("admin_reference")
st.title(_("Reference lists"))
show_flash()
st.caption(_("A retired entry is no longer offered for new records; the records that use it keep it."))


def status(retired: bool) -> str:
    return _("Retired") if retired else _("In use")


def retire_label(retired: bool) -> str:
    return _("Bring back") if retired else _("Retire")


def retired_message(retired: bool) -> str:
    return _("Brought back into use.") if retired else _("Retired: no longer offered for new records.")


countries = sorted(all_country_codes(), key=lambda c: country_name(c).casefold())
org_types = list(ORGANISATION_TYPES)
orgs_tab, modules_tab = st.tabs([_("Organisations"), _("Training modules")], key="reference_tab",
                                on_change="rerun")  # the open tab stays open after a save

with orgs_tab:
    country = st.selectbox(_("Country"), ["", *countries], key="org_country",
                           format_func=lambda c: country_name(c) if c else _("All countries"))
    with db_session() as session:
        orgs = rl.organisations_list(session, actor, country=country or None)
    st.dataframe([{_("Name"): o.name, _("Type"): label(ORGANISATION_TYPES, o.org_type),
                   _("Country"): country_name(o.country), _("Status"): status(o.retired)} for o in orgs],
                 hide_index=True, width="stretch")

    form = "org_add"
    k = f"{form}_{ui.form_round(form)}"
    with st.form(k):
        st.markdown(_("**Add an organisation**"))
        form_errors(form)
        name = st.text_input(_("Name"), key=f"{k}_name")
        field_error(form, "name")
        org_type = st.selectbox(_("Type (HTCDS)"), org_types, format_func=lambda t: label(ORGANISATION_TYPES, t),
                                key=f"{k}_type")
        field_error(form, "org_type")
        org_country = st.selectbox(_("Country"), countries, format_func=country_name, key=f"{k}_country",
                                   index=countries.index(country) if country else None, placeholder=_("Choose"))
        field_error(form, "country")
        if st.form_submit_button(_("Add")):
            ui.save_and_rerun(form, _("Organisation added."), lambda session: rl.organisation_add(
                session, actor, name=name, org_type=org_type, country=org_country or ""))

    if orgs:
        orgs_by_id = {o.id: o for o in orgs}
        chosen = st.selectbox(_("Change an organisation"), list(orgs_by_id), key="org_pick",
                              format_func=lambda i: f"{orgs_by_id[i].name} ({orgs_by_id[i].country})")
        org = orgs_by_id[chosen]
        form = f"org_edit_{org.id}"
        opened = opened_version(form, org.version, slot="org_edit")
        ui.stale_notice(form, opened, org.version)
        k = f"{form}_v{opened}"
        with st.form(k):
            form_errors(form)
            name = st.text_input(_("Name"), value=org.name, key=f"{k}_name")
            field_error(form, "name")
            org_type = st.selectbox(_("Type (HTCDS)"), org_types, key=f"{k}_type",
                                    index=org_types.index(org.org_type) if org.org_type in org_types else 0,
                                    format_func=lambda t: label(ORGANISATION_TYPES, t))
            field_error(form, "org_type")
            st.caption(_("Status: {status}").format(status=status(org.retired)))
            left, right = st.columns(2)
            if left.form_submit_button(_("Save"), type="primary"):
                ui.save_and_rerun(form, _("Saved."), lambda session: rl.organisation_update(
                    session, actor, organisation_id=org.id, name=name, org_type=org_type, version=opened))
            if right.form_submit_button(retire_label(org.retired)):
                ui.save_and_rerun(form, retired_message(org.retired), lambda session: rl.organisation_retire(
                    session, actor, organisation_id=org.id, retired=not org.retired, version=opened))

with modules_tab:
    with db_session() as session:
        modules = rl.training_modules_list(session, actor)
    st.dataframe([{_("Training module"): m.name, _("Status"): status(m.retired)} for m in modules],
                 hide_index=True, width="stretch")

    form = "module_add"
    k = f"{form}_{ui.form_round(form)}"
    with st.form(k):
        st.markdown(_("**Add a training module**"))
        form_errors(form)
        name = st.text_input(_("Name"), key=f"{k}_name")
        field_error(form, "name")
        if st.form_submit_button(_("Add")):
            ui.save_and_rerun(form, _("Training module added."),
                              lambda session: rl.training_module_add(session, actor, name=name))

    if modules:
        modules_by_id = {m.id: m for m in modules}
        chosen = st.selectbox(_("Change a training module"), list(modules_by_id), key="module_pick",
                              format_func=lambda i: modules_by_id[i].name)
        module = modules_by_id[chosen]
        form = f"module_edit_{module.id}"
        opened = opened_version(form, module.version, slot="module_edit")
        ui.stale_notice(form, opened, module.version)
        k = f"{form}_v{opened}"
        with st.form(k):
            form_errors(form)
            name = st.text_input(_("Name"), value=module.name, key=f"{k}_name")
            field_error(form, "name")
            st.caption(_("Status: {status}").format(status=status(module.retired)))
            left, right = st.columns(2)
            if left.form_submit_button(_("Rename"), type="primary"):
                ui.save_and_rerun(form, _("Saved."), lambda session: rl.training_module_rename(
                    session, actor, module_id=module.id, name=name, version=opened))
            if right.form_submit_button(retire_label(module.retired)):
                ui.save_and_rerun(form, retired_message(module.retired), lambda session: rl.training_module_retire(
                    session, actor, module_id=module.id, retired=not module.retired, version=opened))
