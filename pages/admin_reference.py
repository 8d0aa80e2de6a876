"""Administration: referring and partner organisations, and training modules (add, rename, retire)."""

import streamlit as st

from care import reference_lists as rl
from care.countries import all_country_codes, country_name
from care.i18n import _
from care.ui import admin_reference as forms
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import show_flash
from care.vocab import ORGANISATION_TYPES, label

actor = page_gate("admin_reference")
st.title(_("Reference lists"))
show_flash()
st.caption(_("A retired entry is no longer offered for new records; the records that use it keep it."))


countries = sorted(all_country_codes(), key=lambda c: country_name(c).casefold())
orgs_tab, modules_tab = st.tabs([_("Organisations"), _("Training modules")], key="reference_tab",
                                on_change="rerun")  # the open tab stays open after a save

with orgs_tab:
    country = st.selectbox(_("Country"), ["", *countries], key="org_country",
                           format_func=lambda c: country_name(c) if c else _("All countries"))
    with db_session() as session:
        orgs = rl.organisations_list(session, actor, country=country or None)
    st.dataframe([{_("Name"): o.name, _("Type"): label(ORGANISATION_TYPES, o.org_type),
                   _("Country"): country_name(o.country), _("Status"): forms.status(o.retired)} for o in orgs],
                 hide_index=True, width="stretch")

    forms.organisation_add_form(actor, countries, country)
    if orgs:
        orgs_by_id = {o.id: o for o in orgs}
        chosen = st.selectbox(_("Change an organisation"), list(orgs_by_id), key="org_pick",
                              format_func=lambda i: f"{orgs_by_id[i].name} ({orgs_by_id[i].country})")
        forms.organisation_edit_form(actor, orgs_by_id[chosen])

with modules_tab:
    with db_session() as session:
        modules = rl.training_modules_list(session, actor)
    st.dataframe([{_("Training module"): m.name, _("Status"): forms.status(m.retired)} for m in modules],
                 hide_index=True, width="stretch")

    forms.module_add_form(actor)
    if modules:
        modules_by_id = {m.id: m for m in modules}
        chosen = st.selectbox(_("Change a training module"), list(modules_by_id), key="module_pick",
                              format_func=lambda i: modules_by_id[i].name)
        forms.module_edit_form(actor, modules_by_id[chosen])
