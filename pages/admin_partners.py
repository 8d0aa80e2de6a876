"""Administration: the service directory (partner organisations in the return countries, their services)."""

import streamlit as st

from care import partners as directory
from care.countries import all_country_codes, country_name, language_name
from care.i18n import _
from care.intake import language_codes
from care.plans import subcategory_label
from care.ui import admin as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.opened import opened_version
from care.vocab import PARTNER_KINDS, PLAN_SUBCATEGORIES, label
from care.ui.markdown import md_escape

actor = page_gate("admin_partners")
st.title(_("Partner organisations"))
show_flash()
st.caption(_("The organisations that receive people in the return countries, and the services each offers. "
             "Plan lines and referrals pick them from here; a retired one is no longer offered."))

countries = sorted(all_country_codes(), key=lambda c: country_name(c).casefold())
kinds, languages, services = list(PARTNER_KINDS), list(language_codes()), list(PLAN_SUBCATEGORIES)


def status(active: bool) -> str:
    return _("In use") if active else _("Retired")


def kind_label(code: str) -> str:
    return label(PARTNER_KINDS, code)


def org_fields(form: str, k: str, row: directory.PartnerRow | None = None) -> directory.PartnerInput:
    name = st.text_input(_("Name"), value=row.name if row else "", key=f"{k}_name")
    field_error(form, "name")
    kind = st.selectbox(_("Kind"), kinds, format_func=kind_label, key=f"{k}_kind",
                        index=kinds.index(row.kind) if row and row.kind in kinds else 0)
    field_error(form, "kind")
    spoken = st.multiselect(_("Languages spoken"), languages, default=list(row.languages) if row else [],
                            format_func=language_name, key=f"{k}_languages", placeholder=_("Choose"))
    field_error(form, "languages")
    contact = st.text_area(_("Contact (the organisation's address, phone, e-mail)"), key=f"{k}_contact",
                           value=row.contact if row else "")
    field_error(form, "contact")
    return directory.PartnerInput(name=name, kind=kind, contact=contact, languages=tuple(spoken))


country = st.selectbox(_("Country"), ["", *countries], key="partner_country",
                       format_func=lambda c: country_name(c) if c else _("All countries"))
with db_session() as session:
    rows = directory.partners_list(session, actor, country=country or None)
st.dataframe([{_("Name"): p.name, _("Country"): country_name(p.country), _("Kind"): kind_label(p.kind),
               _("Languages spoken"): ", ".join(language_name(x) for x in p.languages),
               _("Services"): ", ".join(subcategory_label(s.kind) for s in p.services if s.active),
               _("Status"): status(p.active)} for p in rows], hide_index=True, width="stretch")

form = "partner_add"
k = f"{form}_{ui.form_round(form)}"
with st.form(k):
    st.markdown(_("**Add a partner organisation**"))
    form_errors(form)
    where = st.selectbox(_("Return country"), countries, format_func=country_name, key=f"{k}_country",
                         index=countries.index(country) if country else None, placeholder=_("Choose"))
    field_error(form, "country")
    data = org_fields(form, k)
    if st.form_submit_button(_("Add")):
        ui.save_and_rerun(form, _("Partner organisation added."), lambda session: directory.partner_create(
            session, actor, data=directory.PartnerInput(**{**data.__dict__, "country": where or ""})))

if rows:
    by_id = {p.id: p for p in rows}
    chosen = st.selectbox(_("Change a partner organisation"), list(by_id), key="partner_pick",
                          format_func=lambda i: f"{by_id[i].name} ({by_id[i].country})")
    row = by_id[chosen]
    form = f"partner_edit_{row.id}"
    opened = opened_version(form, row.version, slot="partner_edit")
    ui.stale_notice(form, opened, row.version)
    k = f"{form}_v{opened}"
    with st.form(k):
        form_errors(form)
        data = org_fields(form, k, row)
        st.caption(_("Status: {status}").format(status=status(row.active)))
        left, right = st.columns(2)
        if left.form_submit_button(_("Save"), type="primary"):
            ui.save_and_rerun(form, _("Saved."), lambda session: directory.partner_edit(
                session, actor, partner_id=row.id, data=data, version=opened))
        if right.form_submit_button(_("Bring back") if not row.active else _("Retire")):
            ui.save_and_rerun(form, _("Saved."), lambda session: directory.partner_set_active(
                session, actor, partner_id=row.id, active=not row.active, version=opened))

    st.subheader(_("Services of {name}").format(name=md_escape(row.name)))
    form = f"service_add_{row.id}"
    k = f"{form}_{ui.form_round(form)}"
    with st.form(k):
        form_errors(form)
        kind = st.selectbox(_("Service"), services, format_func=subcategory_label, key=f"{k}_kind")
        field_error(form, "kind")
        note = st.text_input(_("Note (optional)"), key=f"{k}_note")
        field_error(form, "note")
        if st.form_submit_button(_("Add the service")):
            ui.save_and_rerun(form, _("Service added."), lambda session: directory.service_add(
                session, actor, partner_id=row.id, kind=kind, note=note))
    offered = {s.id: s for s in row.services if s.active}
    if offered:
        form = f"service_retire_{row.id}"
        form_errors(form)
        gone = st.selectbox(_("Retire a service"), list(offered), key=f"{form}_pick",
                            format_func=lambda i: subcategory_label(offered[i].kind))
        if st.button(_("Retire the service"), key=f"{form}_go"):
            ui.save_and_rerun(form, _("Service retired."), lambda session: directory.service_retire(
                session, actor, service_id=gone, version=offered[gone].version))
