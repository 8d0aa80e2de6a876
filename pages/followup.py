"""Follow-up log: my follow-ups overdue first, then one case: safe contact, the log form, contacts, flags."""

from datetime import date

import streamlit as st

from care import contacts, flags, followups
from care.i18n import _, fmt_date
from care.ui import confirm, field
from care.ui import followup as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.opened import opened, reopen, save
from care.ui.widgets import CASE_PARAM
from care.vocab import CLOSING_REASONS, label
from care.ui.markdown import md_escape

actor = page_gate("followup")
st.title(_("Follow-up log"))
show_flash()
today = date.today()

with db_session() as session:
    work, total = followups.followups_worklist(session, actor, today=today)
with st.expander(_("My follow-ups, overdue first ({n})").format(n=total), expanded=CASE_PARAM not in st.query_params):
    ui.worklist(work, total)

case_id = ui.case_picker(actor)
if case_id is None:
    st.stop()
with db_session() as session:
    view = followups.case_followups(session, actor, case_id, today=today)
    flag_rows = flags.case_flags(session, actor, case_id, today=today)
    last = contacts.last_contact_of(session, actor, case_id)

for row in flag_rows:
    st.warning(f"{label(flags.KINDS, row.kind)}: {md_escape(row.reason)}", icon=":material/flag:")
if view.alarm_open:
    st.warning(_("Open alarm") + ": " + md_escape(view.alarm_note.splitlines()[-1]), icon=":material/warning:")
st.caption(_("Arrived on {date}").format(date=fmt_date(view.arrival_date)) + " · " + (
    _("last contact {date} ({days} days ago)").format(date=fmt_date(last), days=contacts.days_since(last, today))
    if last else _("no contact yet")))
safe = field.safe_contact(actor, case_id)
log_tab, contact_tab, safe_tab, schedule_tab = st.tabs(
    [_("Log"), _("Contacts"), _("Safe contact and flags"), _("Schedule")])

with log_tab:
    field.safe_contact_box(safe)
    followup_id = None
    if view.closed_reason:
        st.info(view.closed_reason)
    elif field.draft_offer(actor, case_id, "followup"):
        field.on_resume(case_id, "followup", lambda v: st.session_state.update(_resume_followup=v))
        draft = st.session_state.get("_resume_followup")
        if draft and draft.get("followup_id") in [r.id for r in view.loggable]:
            st.query_params[ui.FOLLOWUP_PARAM] = str(draft["followup_id"])
        followup_id = ui.followup_choice(view)
    if followup_id is not None:
        key = f"followup_log_{followup_id}"
        if draft := st.session_state.pop("_resume_followup", None):
            reopen(key)

        def load():
            with db_session() as session:
                form = followups.followup_form(session, actor, followup_id)
            return ui.from_draft(form, draft) if draft and draft.get("followup_id") == followup_id else form

        form, prefix = opened(key, load)
        entry = ui.log_fields(form, view.lines, prefix, key, today=today)
        field.keep_draft(actor, case_id, "followup", prefix, ui.entry_values(followup_id, entry), ui.TEXT_FIELDS)
        ack = field.acknowledge(safe, key, prefix)
        form_errors(key)

        def log(s):
            followups.followup_log(s, actor, followup_id, entry=entry, expected_version=form.version, today=today,
                                   acknowledged=ack)
            return followups.next_message(followups.followup_next(s, case_id), today=today)

        if st.button(_("Log the follow-up"), key=f"{prefix}_log", type="primary", width="stretch"):
            save(key, lambda nxt: _("Follow-up logged.") + " " + nxt, log, then=ui.move_on)
        if st.button(_("Reload this follow-up"), key=f"{prefix}_reload", icon=":material/refresh:"):
            reopen(key)
            st.rerun()
        if form.status != "done":
            miss = f"followup_miss_{followup_id}"
            with st.expander(_("It did not happen: record as missed")), st.form(miss):
                reason = st.text_area(_("Why"), key=f"{prefix}_missed_reason")
                field_error(miss, "missed_reason")
                form_errors(miss)
                if st.form_submit_button(_("Record as missed")):
                    confirm.ask(miss)
            confirm.confirm(miss, title=_("Record as missed"), confirm_label=_("Record as missed"),
                            what_happens=_("This follow-up is recorded as missed, with the reason you gave, and "
                                           "counts as missed in the indicators."),
                            action=lambda: save(miss, _("Recorded as missed."), lambda s: followups.followup_miss(
                                s, actor, followup_id, reason=reason, expected_version=form.version, today=today),
                                reopen_also=(key,), then=ui.move_on))

with contact_tab:
    if not view.closed_reason:
        field.contact_form(actor, case_id, safe, today=today)
    field.contact_list(actor, case_id)

with safe_tab:
    if safe is not None:
        field.safe_contact_form(actor, case_id, safe)
    field.flags_panel(actor, case_id, flag_rows, today=today)

with schedule_tab:
    field.sheet_downloads(actor, case_id, view.code)
    if view.rows:
        ui.schedule_table(view)
    if view.closable:
        st.success(_("This case can now be closed as: {reasons}. Close it from the case file.").format(
            reasons=", ".join(label(CLOSING_REASONS, r) for r in view.closable)))
    ui.case_actions(actor, view, today=today)
