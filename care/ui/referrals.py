"""The referrals page's widgets: the case's referrals and their actions for the sender side, and
the partner's side (the offers to answer, an accepted case's shared view, its follow-ups)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import followups, referrals
from care.access import Actor
from care.assessment import level_label
from care.i18n import _, fmt_date
from care.identity import identity_read
from care.referrals import OUTCOMES, PURPOSES, purposes_text, state_label
from care.schedule import DUE_WITHIN_DAYS, state_label as followup_state_label
from care.ui.dates import day_input
from care.ui import confirm, field
from care.ui.casefile import show_rows
from care.ui.db import db_session
from care.ui.followup import log_fields
from care.ui.markdown import md_escape
from care.ui.messages import field_error, form_errors
from care.ui.opened import opened, save
from care.vocab import label

IDENTITY_OPEN = "referral_identity_open"


def _day(value: date | None) -> str:
    return fmt_date(value) if value else ""


def referral_table(rows: list[referrals.ReferralRow]) -> None:
    if not rows:
        st.caption(_("This case has not been referred to a partner yet."))
        return
    st.dataframe([{_("Partner"): r.partner, _("State"): state_label(r.state), _("Purposes"): purposes_text(r.purposes),
                   _("Sent on"): _day(r.sent_on), _("Answer by"): _day(r.answer_by), _("Answer"): r.answer}
                  for r in rows], hide_index=True, width="stretch")


def referral_actions(actor: Actor, row: referrals.ReferralRow, *, today: date) -> None:
    """Send a draft, complete an accepted referral, revoke an open one: each a small form."""
    with st.expander(_("{partner}: {state}").format(partner=md_escape(row.partner), state=state_label(row.state))):
        if row.state == "draft":
            key = f"ref_send_{row.id}"
            with st.form(key):
                for field in ("consent", "partner_id", "purposes", "answer_by", "plan_line_ids", "followup_months"):
                    field_error(key, field)
                form_errors(key)
                if st.form_submit_button(_("Send to the partner"), type="primary"):
                    save(key, _("The referral is sent."), lambda s: referrals.referral_send(
                        s, actor, row.id, expected_version=row.version, today=today))
        if row.state == "accepted":
            complete_form(actor, row.id, row.version, today=today)
        key = f"ref_revoke_{row.id}"
        with st.form(key):
            reason = st.text_area(_("Why the referral is revoked"), key=f"{key}_reason", height=68)
            field_error(key, "revoke_reason")
            form_errors(key)
            if st.form_submit_button(_("Revoke the referral")):
                save(key, _("The referral is revoked."), lambda s: referrals.referral_revoke(
                    s, actor, row.id, reason=reason, expected_version=row.version))


def complete_form(actor: Actor, referral_id: int, version: int, *, today: date) -> None:
    key = f"ref_complete_{referral_id}"
    with st.form(key):
        outcome = st.radio(_("Outcome"), list(OUTCOMES), format_func=lambda c: label(OUTCOMES, c), index=None,
                           horizontal=True, key=f"{key}_outcome")
        field_error(key, "outcome")
        reason = st.text_area(_("Why it was not successful"), key=f"{key}_reason", height=68)
        field_error(key, "outcome_reason")
        on = day_input(_("Completed on"), today, key=f"{key}_on", form=key, field="completed_on", today=today, width=180)
        form_errors(key)
        if st.form_submit_button(_("Record as completed")):
            save(key, _("The referral is completed."), lambda s: referrals.referral_complete(
                s, actor, referral_id, outcome=outcome, reason=reason, on=on, expected_version=version, today=today))


def new_referral_form(actor: Actor, options: referrals.ReferralOptions, *, today: date) -> None:
    """A draft referral of the case; it is sent from the list above once checked."""
    if not options.partners:
        st.info(_("No active partner organisation in the case's return country. An administrator adds them."))
        return
    if not options.consent_sharing:
        st.warning(_("The person has not consented to sharing with the partner in the return country: a referral "
                     "can be drafted but not sent."))
    key = f"ref_new_{options.case_id}"
    with st.form(key, clear_on_submit=False):
        st.subheader(_("New referral"))
        partner = st.selectbox(_("Partner organisation"), list(options.partners), format_func=options.partners.get,
                               key=f"{key}_partner")
        field_error(key, "partner_id")
        purposes = st.multiselect(_("Purposes"), list(PURPOSES), format_func=lambda c: label(PURPOSES, c),
                                  key=f"{key}_purposes")
        field_error(key, "purposes")
        lines = st.multiselect(_("Plan lines the partner delivers"), list(options.plan_lines),
                               format_func=options.plan_lines.get, key=f"{key}_lines")
        field_error(key, "plan_line_ids")
        months = st.multiselect(_("Follow-ups the partner carries out (months after return)"),
                                list(options.followup_months), key=f"{key}_months")
        field_error(key, "followup_months")
        st.markdown("**" + _("Shared with the partner") + "**")
        shares = {name: st.checkbox(text, key=f"{key}_{name}") for name, text in (
            ("shares_identity", _("Name and contact (only if the person consented to sharing)")),
            ("shares_assessment", _("Risk level and pressing needs")),
            ("shares_plan", _("The plan lines named above")),
            ("shares_safety", _("The safety note below")))}
        message = st.text_area(_("Message to the partner"), key=f"{key}_message", height=90)
        field_error(key, "message")
        safety = st.text_area(_("Safety note"), key=f"{key}_safety", height=68)
        field_error(key, "safety_note")
        answer_by = day_input(_("Answer wished by"), None, key=f"{key}_answer_by", form=key, field="answer_by",
                              today=today, planned=True, earliest=today, after=_("today"), width=180)
        form_errors(key)
        if st.form_submit_button(_("Save as draft")):
            data = referrals.ReferralInput(partner_id=partner, purposes=tuple(purposes), plan_line_ids=tuple(lines),
                                           followup_months=tuple(months), message=message, safety_note=safety,
                                           answer_by=answer_by, **shares)
            save(key, _("Draft saved: send it from the list above."),
                 lambda s: referrals.referral_create(s, actor, options.case_id, data))


def withdraw_consent_form(actor: Actor, case_id: int, *, today: date) -> None:
    key = f"ref_withdraw_{case_id}"
    with st.expander(_("Withdraw consent to sharing")), st.form(key):
        st.caption(_("Every open referral of the case is revoked: the partner loses the case at once, and no "
                     "referral can be sent any more."))
        on = day_input(_("Consent withdrawn on"), today, key=f"{key}_on", form=key, field="withdrawn_on", today=today,
                       width=180)
        reason = st.text_area(_("How the person withdrew it"), key=f"{key}_reason", height=68)
        field_error(key, "withdraw_reason")
        sure = st.checkbox(_("I confirm: the person withdrew consent to sharing"), key=f"{key}_sure")
        form_errors(key)
        if st.form_submit_button(_("Withdraw consent to sharing")):
            if not sure:
                st.error(_("Tick the confirmation first."), icon=":material/error:")
                return
            confirm.ask(key)
    confirm.confirm(key, title=_("Withdraw consent to sharing"), confirm_label=_("Withdraw consent to sharing"),
                    what_happens=_("Every open referral of the case is revoked: the partner loses the case at once, "
                                   "and no referral can be sent any more."),
                    action=lambda: save(
                        key, lambda n: _("Consent to sharing withdrawn; referrals revoked: {n}.").format(n=n),
                        lambda s: referrals.consent_sharing_withdraw(s, actor, case_id, on, reason, today=today)))


# --- the partner's side ---------------------------------------------------------------


def offer(actor: Actor, item: referrals.ReferralOffer) -> None:
    """One referral waiting for the partner's answer: what it is for, accept or decline."""
    with st.container(border=True):
        st.text(f"{item.case_code} · {item.return_region or '—'}")
        show_rows([(_("Purposes"), purposes_text(item.purposes)), (_("Message"), item.message or "—"),
                   (_("Sent on"), _day(item.sent_on)), (_("Answer wished by"), _day(item.answer_by) or "—")])
        key = f"ref_answer_{item.id}"
        with st.form(key):
            reason = st.text_area(_("Reason, if you decline"), key=f"{key}_reason", height=68)
            field_error(key, "decline_reason")
            form_errors(key)
            left, right = st.columns(2)
            if left.form_submit_button(_("Accept"), type="primary"):
                save(key, _("Referral accepted: the case is in your list."), lambda s: referrals.referral_accept(
                    s, actor, item.id, expected_version=item.version))
            if right.form_submit_button(_("Decline")):
                save(key, _("Referral declined."), lambda s: referrals.referral_decline(
                    s, actor, item.id, reason=reason, expected_version=item.version))


def shared_view(actor: Actor, view: referrals.SharedView) -> None:
    rows = [(_("Case code"), view.code), (_("Region or town of return"), view.return_region or "—"),
            (_("Purposes"), purposes_text(view.purposes))]
    rows += [(_("Message"), m) for m in view.messages]
    rows += [(_("Safety note"), n) for n in view.safety_notes]
    if view.shares_assessment:
        rows += [(_("Risk level"), level_label(view.risk_level)), (_("Pressing needs"), ", ".join(view.needs) or "—")]
    show_rows(rows)
    if view.lines:
        st.markdown("**" + _("Plan lines you deliver") + "**")
        st.dataframe([{_("Line"): line.description, _("Category"): line.category,
                       _("Planned on"): _day(line.planned_on)} for line in view.lines], hide_index=True,
                     width="stretch")
    _identity(actor, view)


def _identity(actor: Actor, view: referrals.SharedView) -> None:
    if not view.may_see_identity:
        st.info(view.identity_hidden)
        return
    if st.session_state.get(IDENTITY_OPEN) != view.case_id:
        st.caption(_("Opening the identity is recorded in the audit log."))
        if st.button(_("Show identity"), icon=":material/visibility:", key=f"ref_identity_{view.case_id}"):
            st.session_state[IDENTITY_OPEN] = view.case_id
            st.rerun()
        return
    with db_session() as session:
        person = identity_read(session, actor, view.case_id)
    show_rows([(_("Given names"), person.given_names), (_("Family names"), person.family_names),
               (_("Phone"), person.phone or "—"), (_("Address or contact in the return country"),
                                                  person.contact_return or "—")])


def assigned_followups(actor: Actor, view: referrals.SharedView, *, today: date) -> None:
    """The follow-ups assigned to the partner, and the log form of the one chosen."""
    if not view.followups:
        st.caption(_("No follow-up is assigned to your organisation for this case."))
        return
    st.dataframe([{_("Follow-up"): f.label, _("Due on"): fmt_date(f.due_on), _("State"): followup_state_label(f.state),
                   _("Done on"): _day(f.done_on)} for f in view.followups], hide_index=True, width="stretch")
    choices = {f.id: f"{f.label} · {fmt_date(f.due_on)}" for f in view.followups if f.state != "cancelled"}
    if not choices:
        return
    followup_id = st.selectbox(_("Follow-up to log"), list(choices), format_func=choices.get,
                               key=f"ref_followup_{view.case_id}")
    key = f"ref_followup_log_{followup_id}"

    def load():
        with db_session() as session:
            return followups.followup_form(session, actor, followup_id)

    form, prefix = opened(key, load)
    safe = field.safe_contact(actor, view.case_id)  # only where the referral shares the identity
    field.safe_contact_box(safe)
    with st.form(prefix):
        acknowledged = field.acknowledge(safe, key, prefix)
        entry = log_fields(form, view.line_refs, prefix, key, today=today)
        form_errors(key)
        if st.form_submit_button(_("Log the follow-up"), type="primary"):
            save(key, _("Follow-up logged."), lambda s: followups.followup_log(
                s, actor, followup_id, entry=entry, expected_version=form.version, today=today,
                acknowledged=acknowledged))


# --- Home -----------------------------------------------------------------------------


def partner_home(work) -> None:
    """A partner's Home: referrals to answer, follow-ups due, plan lines to deliver."""
    st.subheader(_("Referrals waiting for your answer"))
    if work.referrals_waiting:
        st.dataframe([{_("Case"): r.case_code, _("Region or town of return"): r.return_region,
                       _("Purposes"): purposes_text(r.purposes), _("Sent on"): _day(r.sent_on),
                       _("Answer wished by"): _day(r.answer_by)} for r in work.referrals_waiting],
                     hide_index=True, width="stretch")
        st.caption(_("Answer them on the page “Referrals to partners”."))
    else:
        st.caption(_("No referral is waiting for your answer."))
    st.subheader(_("Follow-ups due or overdue"))
    if work.partner_followups:
        st.dataframe([{_("Case"): code, _("Follow-up"): f.label, _("Due"): fmt_date(f.due_on),
                       _("Status"): followup_state_label(f.state)} for code, f in work.partner_followups],
                     hide_index=True, width="stretch")
    else:
        st.caption(_("No follow-up due in the next {n} days.").format(n=DUE_WITHIN_DAYS))
    st.subheader(_("Plan lines to deliver"))
    if work.partner_lines:
        st.dataframe([{_("Case"): code, _("Line"): line.description, _("Category"): line.category,
                       _("Planned on"): _day(line.planned_on)} for code, line in work.partner_lines],
                     hide_index=True, width="stretch")
    else:
        st.caption(_("No plan line is assigned to your organisation."))


def attention_table(rows: list[referrals.ReferralAttention]) -> None:
    """The sender side's Home: referrals declined, or unanswered past their date."""
    st.subheader(_("Referrals to partners: declined or unanswered"))
    if not rows:
        st.caption(_("No referral is declined or waiting past its answer date."))
        return
    st.dataframe([{_("Case"): r.case_code, _("Partner"): r.partner, _("State"): state_label(r.state),
                   _("Answer by"): _day(r.answer_by), _("Reason"): r.reason} for r in rows],
                 hide_index=True, width="stretch")
