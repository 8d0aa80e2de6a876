"""The programmes page's forms, through the one form lifecycle: a programme's settings (held at the
version they were opened at; a save makes a new version of the settings) and a new programme by copy."""

from __future__ import annotations

import streamlit as st

from care import programme_admin as pa
from care.access import Actor
from care.i18n import _
from care.ui import admin as ui
from care.ui.dates import day_input
from care.ui.form import Form


def settings_form(actor: Actor, current) -> None:
    form = Form(f"programme_{current.id}", version=current.version, slot="programme_edit")
    start = pa.programme_input_of(current)
    with st.form(form.id):
        form.messages()
        name = form.text(_("Name"), start.name, "name")
        funder = form.text(_("Funder"), start.funder, "funder")
        left, right = st.columns(2)
        with left:
            start_date = day_input(_("Start"), start.start_date, key=form.key("start"), form=form.name,
                                   field="start_date")
        with right:
            end_date = day_input(_("End"), start.end_date, key=form.key("end"), form=form.name, field="end_date")
        hosts = ui.countries_picker(_("Host countries"), default=start.host_countries, key=form.key("hosts"))
        form.error("host_countries")
        returns = ui.countries_picker(_("Eligible return countries"), default=start.return_countries, key=form.key("returns"))
        form.error("return_countries")
        left, right = st.columns(2)
        target_people = left.number_input(_("Target: people assisted"), value=start.target_people, min_value=0, step=1,
                                          key=form.key("target_people"))
        target_minors = right.number_input(_("Target: minors"), value=start.target_minors, min_value=0, step=1,
                                           key=form.key("target_minors"))
        form.error("target_people")
        form.error("target_minors")
        currencies = sorted(set(pa.currencies_in_use()) | {start.currency})
        left, right = st.columns(2)
        currency = left.selectbox(_("Currency"), currencies, index=currencies.index(start.currency), key=form.key("currency"))
        cap_per_person = right.text_input(_("Cap per person"), value=start.cap_per_person, key=form.key("cap_per_person"),
                                          help=_("Empty: no overall cap."))
        form.error("currency")
        form.error("cap_per_person")
        st.caption(_("Caps by budget line: an amount, a number of months, or both. Empty: no cap. "
                     "Plans approved earlier keep the caps they were approved under."))
        caps = ui.caps_editor(start.caps, key=form.key("caps"))
        form.error("caps")
        left, right = st.columns(2)
        followup = left.text_input(_("Follow-up months after return"), value=start.followup_months, key=form.key("followup"),
                                   help=_("For example 1, 3, 6, 12."))
        followup_minor = right.text_input(_("Follow-up months after return, minors"), value=start.followup_months_minor,
                                          key=form.key("followup_minor"), help=_("Empty: the same as for adults."))
        form.error("followup_months")
        form.error("followup_months_minor")
        retention = st.number_input(_("Retention period (months)"), value=start.retention_months, min_value=1, step=1,
                                    key=form.key("retention"), help=_("How long case files are kept after closing."))
        form.error("retention_months")
        if st.form_submit_button(_("Save the settings"), type="primary"):
            data = pa.ProgrammeInput(
                name=name, funder=funder, start_date=start_date, end_date=end_date, host_countries=tuple(hosts),
                return_countries=tuple(returns), target_people=int(target_people), target_minors=int(target_minors),
                currency=currency, cap_per_person=cap_per_person, caps=caps, followup_months=followup,
                followup_months_minor=followup_minor, retention_months=int(retention))
            form.submit(lambda s: pa.programme_update(s, actor, programme_id=current.id, data=data,
                                                      version=form.version),
                        lambda changes: _("Settings saved as version {n}.").format(n=current.version + 1) if changes
                        else _("Nothing changed."))
    form.reload_button()


def copy_form(actor: Actor, current) -> None:
    st.subheader(_("Start a new programme from this one"))
    form = Form("programme_copy")
    with st.form(form.id):
        st.caption(_("Every setting of {code} is copied; change them afterwards.").format(code=current.code))
        form.messages()
        code = st.text_input(_("Code of the new programme"), key=form.key("code"), placeholder="CARE_2027")
        form.error("code")
        new_name = st.text_input(_("Name of the new programme"), key=form.key("name"))
        form.error("name")
        if st.form_submit_button(_("Create the programme")):
            form.submit(lambda s: pa.programme_copy(s, actor, source_id=current.id, code=code, name=new_name),
                        lambda created: _("Programme {code} created. Give users access to it on the Users page.").format(
                            code=created.code),
                        then=lambda created: st.session_state.update(_programme_pick_next=created.id))
