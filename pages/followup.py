"""Follow-up log: the user's follow-ups overdue first, then one case's schedule and the log form."""

from datetime import date

import streamlit as st

from care import followups
from care.i18n import _, fmt_date
from care.ui import followup as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.journey import EARLIEST, date_format
from care.ui.messages import clear_errors, field_error, form_errors, show_flash
from care.ui.opened import opened, reopen, save
from care.vocab import CLOSING_REASONS, label

actor = page_gate("followup")
st.title(_("Follow-up log"))
show_flash()
today = date.today()

with db_session() as session:
    work, total = followups.followups_worklist(session, actor, today=today)
st.subheader(_("My follow-ups, overdue first"))
ui.worklist(work, total)

st.subheader(_("One case"))
case_id = ui.case_picker(actor)
if case_id is None:
    st.stop()
with db_session() as session:
    view = followups.case_followups(session, actor, case_id, today=today)

st.text(_("Arrived on {date}").format(date=fmt_date(view.arrival_date)))
if view.alarm_open:
    st.warning(_("Open alarm"), icon=":material/warning:")
    st.text(view.alarm_note)
if view.rows:
    ui.schedule_table(view)
if view.closable:
    st.success(_("This case can now be closed as: {reasons}. Close it from the case file.").format(
        reasons=", ".join(label(CLOSING_REASONS, r) for r in view.closable)))

if view.may_close_alarm:
    key = f"alarm_close_{case_id}"
    with st.expander(_("Close the alarm")), st.form(key):
        note = st.text_area(_("How the alarm was dealt with"), key=f"{key}_note")
        field_error(key, "close_note")
        form_errors(key)
        if st.form_submit_button(_("Close the alarm")):
            save(key, _("The alarm is closed."),
                 lambda s: followups.case_alarm_close(s, actor, case_id, note=note, today=today))

if view.closed_reason:
    st.info(view.closed_reason)
    st.stop()

if view.may_plan:
    key = f"plan_{case_id}"
    with st.form(key):
        st.caption(_("No follow-up is planned for this case yet."))
        form_errors(key)
        if st.form_submit_button(_("Plan the follow-ups")):
            save(key, _("The follow-ups are planned."), lambda s: followups.followups_plan(s, actor, case_id))

followup_id = ui.followup_choice(view)
if followup_id is not None:
    key = f"followup_log_{followup_id}"

    def load():
        with db_session() as session:
            return followups.followup_form(session, actor, followup_id)

    form, prefix = opened(key, load)
    with st.form(prefix):
        st.subheader(_("Log: {what}").format(what=form.label))
        entry = ui.log_fields(form, view.lines, prefix, key, today=today)
        form_errors(key)
        if st.form_submit_button(_("Log the follow-up"), type="primary", width="stretch"):
            save(key, _("Follow-up logged."), lambda s: followups.followup_log(
                s, actor, followup_id, entry=entry, expected_version=form.version, today=today),
                then=ui.move_on)
    if st.button(_("Reload this follow-up"), key=f"{prefix}_reload", icon=":material/refresh:"):
        clear_errors(key)
        reopen(key)
        st.rerun()

    if form.status != "done":
        miss = f"followup_miss_{followup_id}"
        with st.expander(_("It did not happen: record as missed")), st.form(miss):
            reason = st.text_area(_("Why"), key=f"{prefix}_missed_reason")
            field_error(miss, "missed_reason")
            form_errors(miss)
            if st.form_submit_button(_("Record as missed")):
                save(miss, _("Recorded as missed."), lambda s: followups.followup_miss(
                    s, actor, followup_id, reason=reason, expected_version=form.version, today=today),
                    reopen_also=(key,), then=ui.move_on)

key = f"withdraw_{case_id}"
with st.expander(_("The person withdrew consent to follow-up")), st.form(key):
    st.caption(_("The remaining follow-ups are cancelled and nobody contacts the person any more."))
    withdrawn_on = st.date_input(_("Consent withdrawn on"), value=None, min_value=EARLIEST, max_value=today,
                                 format=date_format(), key=f"{key}_date")
    field_error(key, "withdrawn_on")
    form_errors(key)
    if st.form_submit_button(_("Withdraw consent and cancel the follow-ups")):
        save(key, _("Consent withdrawn: the remaining follow-ups are cancelled."),
             lambda s: followups.followup_consent_withdraw(s, actor, case_id, withdrawn_on=withdrawn_on, today=today))
