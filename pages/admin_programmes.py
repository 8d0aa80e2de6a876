"""Administration: a programme's settings (versioned), its history, and a new programme by copy."""

from datetime import date

import streamlit as st

from care import programme_admin as pa
from care.errors import DomainError
from care.i18n import _, fmt_date, fmt_money
from care.ui import admin as ui
from care.ui import rss as rss_ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error, show_flash
from care.ui.opened import forget_opened, opened_version

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
form = f"programme_{current.id}"
opened = opened_version(form, current.version, slot="programme_edit")
ui.stale_notice(form, opened, current.version)
start = pa.programme_input_of(current)
k = f"{form}_v{opened}"
DAYS = {"min_value": date(2000, 1, 1), "max_value": date(2100, 12, 31)}

with st.form(k):
    form_errors(form)
    name = st.text_input(_("Name"), value=start.name, key=f"{k}_name")
    field_error(form, "name")
    funder = st.text_input(_("Funder"), value=start.funder, key=f"{k}_funder")
    field_error(form, "funder")
    left, right = st.columns(2)
    start_date = left.date_input(_("Start"), value=start.start_date, key=f"{k}_start", **DAYS)
    end_date = right.date_input(_("End"), value=start.end_date, key=f"{k}_end", **DAYS)
    field_error(form, "end_date")
    hosts = ui.countries_picker(_("Host countries"), default=start.host_countries, key=f"{k}_hosts")
    field_error(form, "host_countries")
    returns = ui.countries_picker(_("Eligible return countries"), default=start.return_countries, key=f"{k}_returns")
    field_error(form, "return_countries")
    left, right = st.columns(2)
    target_people = left.number_input(_("Target: people assisted"), value=start.target_people, min_value=0, step=1,
                                      key=f"{k}_target_people")
    target_minors = right.number_input(_("Target: minors"), value=start.target_minors, min_value=0, step=1,
                                       key=f"{k}_target_minors")
    field_error(form, "target_people")
    field_error(form, "target_minors")
    currencies = sorted(set(pa.currencies_in_use()) | {start.currency})
    left, right = st.columns(2)
    currency = left.selectbox(_("Currency"), currencies, index=currencies.index(start.currency), key=f"{k}_currency")
    cap_per_person = right.text_input(_("Cap per person"), value=start.cap_per_person, key=f"{k}_cap_per_person",
                                      help=_("Empty: no overall cap."))
    field_error(form, "currency")
    field_error(form, "cap_per_person")
    st.caption(_("Caps by budget line: an amount, a number of months, or both. Empty: no cap. "
                 "Plans approved earlier keep the caps they were approved under."))
    caps = ui.caps_editor(start.caps, key=f"{k}_caps")
    field_error(form, "caps")
    left, right = st.columns(2)
    followup = left.text_input(_("Follow-up months after return"), value=start.followup_months, key=f"{k}_followup",
                               help=_("For example 1, 3, 6, 12."))
    followup_minor = right.text_input(_("Follow-up months after return, minors"), value=start.followup_months_minor,
                                      key=f"{k}_followup_minor", help=_("Empty: the same as for adults."))
    field_error(form, "followup_months")
    field_error(form, "followup_months_minor")
    retention = st.number_input(_("Retention period (months)"), value=start.retention_months, min_value=1, step=1,
                                key=f"{k}_retention", help=_("How long case files are kept after closing."))
    field_error(form, "retention_months")
    if st.form_submit_button(_("Save the settings"), type="primary"):
        data = pa.ProgrammeInput(
            name=name, funder=funder, start_date=start_date, end_date=end_date, host_countries=tuple(hosts),
            return_countries=tuple(returns), target_people=int(target_people), target_minors=int(target_minors),
            currency=currency, cap_per_person=cap_per_person, caps=caps, followup_months=followup,
            followup_months_minor=followup_minor, retention_months=int(retention))
        try:
            with db_session() as session:
                changes = pa.programme_update(session, actor, programme_id=current.id, data=data, version=opened)
        except DomainError as err:
            remember_error(form, err)
        else:
            clear_errors(form)
            forget_opened(form)
            flash(_("Settings saved as version {n}.").format(n=current.version + 1) if changes
                  else _("Nothing changed."))
        st.rerun()

rss_ui.weights_form(actor, current)

with st.expander(_("History of the settings")):
    with db_session() as session:
        history = pa.programme_history(session, actor, programme_id=current.id)
    st.dataframe([{
        _("Version"): h.version, _("Date"): fmt_date(h.changed_at, "short"), _("By"): h.changed_by,
        _("Changes"): "\n".join(ui.describe_change(key, *pair) for key, pair in h.changes.items())
        or _("First version")} for h in history], hide_index=True, width="stretch")

st.subheader(_("Start a new programme from this one"))
copy = "programme_copy"
k = f"{copy}_{ui.form_round(copy)}"
with st.form(k):
    st.caption(_("Every setting of {code} is copied; change them afterwards.").format(code=current.code))
    form_errors(copy)
    code = st.text_input(_("Code of the new programme"), key=f"{k}_code", placeholder="CARE_2027")
    field_error(copy, "code")
    new_name = st.text_input(_("Name of the new programme"), key=f"{k}_name")
    field_error(copy, "name")
    if st.form_submit_button(_("Create the programme")):
        try:
            with db_session() as session:
                created = pa.programme_copy(session, actor, source_id=current.id, code=code, name=new_name)
        except DomainError as err:
            remember_error(copy, err)
        else:
            clear_errors(copy)
            ui.next_round(copy)
            st.session_state["_programme_pick_next"] = created.id
            flash(_("Programme {code} created. Give users access to it on the Users page.").format(code=created.code))
        st.rerun()
