"""Departure and arrival: the checklist both sides of a return fill in, and the two dates."""

from datetime import date

import streamlit as st

from care import journey
from care.countries import country_name
from care.i18n import _, fmt_date
from care.access import Side
from care.ui.dates import day_input
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui import field
from care.ui.journey import checklist_fields, checklist_lines, entries_values, rows_from_draft
from care.ui.messages import clear_errors, field_error, form_errors, show_flash
from care.ui.opened import opened, reopen, save
from care.ui.widgets import case_picker
from care.vocab import stage_label

actor = page_gate("journey")
st.title(_("Departure and arrival"))
show_flash()
case_id = case_picker(actor, key="journey", stages=journey.JOURNEY_STAGES)
if case_id is None:
    st.stop()
today = date.today()
with db_session() as session:
    view = journey.checklists(session, actor, case_id)

st.text(_("{host} → {ret} · {stage} · departed {departed} · arrived {arrived}").format(
    host=country_name(view.host_country), ret=country_name(view.return_country), stage=stage_label(view.stage),
    departed=fmt_date(view.departure_date), arrived=fmt_date(view.arrival_date)))
if view.departure_missing:
    st.warning(_("Before departure, still missing:") + "\n\n" + "\n".join(f"- {m}" for m in view.departure_missing))
if view.is_minor:
    st.info(_("Minors' procedure complete and escort named: {state}").format(
        state="; ".join(view.minors_missing) if view.minors_missing else _("yes")))
if view.follow_up_missing:
    st.info(_("The case goes into follow-up once these are done:") + "\n\n"
            + "\n".join(f"- {m}" for m in view.follow_up_missing))


def checklist_side(side: Side, title: str, rows) -> None:
    st.subheader(title)
    if side not in view.editable:
        checklist_lines(rows)
        return
    form = f"checklist_{side}"
    if not field.draft_offer(actor, view.case_id, form):  # typed earlier and not saved: resume or discard
        return
    key = f"checklist_{side}_{view.case_id}"
    draft = field.resumed(view.case_id, form)
    if draft is not None:
        reopen(key)
    snapshot, prefix = opened(key, lambda: rows_from_draft(rows, draft) if draft else rows)
    with st.container(key=prefix):  # no st.form: every change is kept as a draft at once
        entries = checklist_fields(snapshot, prefix, key, today=today)
        field.keep_draft(actor, view.case_id, form, prefix, entries_values(entries))
        form_errors(key)
        if st.button(_("Save the checklist"), type="primary", width="stretch", key=f"{prefix}_save"):
            save(key, lambda case: _("Saved. The case is now in follow-up.") if case.stage != view.stage
                 else _("Saved."),
                 lambda s: journey.checklist_save(s, actor, view.case_id, side=side, entries=entries, today=today))
    if st.button(_("Reload the checklist"), key=f"{prefix}_reload", icon=":material/refresh:"):
        clear_errors(key)
        reopen(key)
        st.rerun()


def date_form(name: str, title: str, label: str, field: str, move, done: str) -> None:
    key = f"{name}_{view.case_id}"
    with st.form(key):
        st.subheader(title)
        day = day_input(label, None, key=f"{key}_date", form=key, field=field, today=today)
        field_error(key, "stage")
        form_errors(key)
        if st.form_submit_button(title, type="primary"):
            save(key, done, lambda s: move(s, actor, view.case_id, **{field: day}, today=today))


checklist_side(Side.DEPARTURE, _("Before departure (host country)"), view.departure)
if view.may_depart:
    date_form("depart", _("Record the departure"), _("Departure date"), "departure_date", journey.case_depart,
              _("Departure recorded."))
checklist_side(Side.ARRIVAL, _("On arrival (return country)"), view.arrival)
if view.may_arrive:
    date_form("arrive", _("Record the arrival"), _("Arrival date"), "arrival_date", journey.case_arrive,
              _("Arrival recorded."))
    st.caption(_("Recording the arrival plans the follow-ups from the programme's settings, if the person "
                 "agreed to follow-up."))
