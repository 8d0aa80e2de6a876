"""The minors' page's forms, each through the one form lifecycle (`care.ui.form.Form`).

The procedure's forms (guardian, decision, family assessment, escort, handover) edit one row and
share the version it was opened at (`group`): a save made after someone else's is refused with who
and when, and the user's own save moves every procedure form on to the new version. An actor line
has a version of its own. After each save the toast says what is still missing before departure.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import minors
from care import minors_write as record
from care.access import Actor
from care.i18n import _, fmt_date
from care.ui.form import Form
from care.ui.dates import day_input as _day_input
from care.ui.minors import fields_table, key_for
from care.vocab import label


def _next(case_id: int, actor: Actor, today: date):
    """A save's confirmation, with what comes next: what is still missing before the departure."""
    def message(saved: str):
        def made(_result) -> str:
            from care.ui.db import db_session

            with db_session() as session:
                f = minors.minor_file(session, actor, case_id=case_id, today=today, show_names=False)
            if f.return_stopped:
                return saved + " " + _("Return stopped by the best-interests decision.")
            if f.before_departure and f.departure_missing:
                return saved + " " + _("Still missing before departure: {items}.").format(
                    items="; ".join(f.departure_missing))
            if f.before_departure:
                return saved + " " + _("Nothing is missing for the departure.")
            return saved
        return made
    return message


def day_input(form: Form, text: str, value: date | None, field: str, today: date, *, visible: bool = True):
    """A day of a past step, its error under it (not after today, not before 2000)."""
    return _day_input(text, value, key=form.key(field), form=form.name, field=field, today=today,
                      label_visibility="visible" if visible else "collapsed")


def _procedure_form(case_id: int, name: str, f: minors.MinorFile) -> Form:
    return Form(key_for(case_id, name), version=f.version, group=key_for(case_id, "procedure"))


def guardian_form(actor: Actor, case_id: int, f, today: date) -> None:
    form, done = _procedure_form(case_id, "guardian", f), _next(case_id, actor, today)
    with st.form(form.id):
        form.messages()
        name = form.text(_("Name"), f.guardian_name, "name")
        organisation = form.text(_("Organisation"), f.guardian_organisation, "organisation")
        contact = st.text_input(_("Contact (phone with country code, or e-mail)"), value=f.guardian_contact,
                                key=form.key("contact"))
        form.error("contact")
        if st.form_submit_button(_("Save the guardian"), disabled=f.closed):
            form.submit(lambda s: record.minor_guardian_set(s, actor, case_id=case_id, version=form.version, name=name,
                                                            organisation=organisation, contact=contact),
                        done(_("Guardian saved.")))
    form.reload_button()


def child_view_form(actor: Actor, case_id: int, today: date) -> None:
    form = Form(key_for(case_id, "view"))
    with st.form(form.id):
        form.messages()
        step = st.selectbox(_("Step"), list(minors.CHILD_VIEW_STEPS), index=None, key=form.key("step"),
                            format_func=lambda c: label(minors.CHILD_VIEW_STEPS, c), placeholder=_("Choose"))
        form.error("step")
        recorded_on = day_input(form, _("Recorded on"), today, "recorded_on", today)
        words = st.text_area(_("The child's views, in their own words where possible"), key=form.key("words"))
        form.error("words")
        if st.form_submit_button(_("Add the child's views")):
            form.submit(lambda s: record.child_view_add(s, actor, case_id=case_id, step=step,
                                                        recorded_on=recorded_on, words=words),
                        _("The child's views are recorded."))


def decision_form(actor: Actor, case_id: int, f, today: date) -> None:
    form, done = _procedure_form(case_id, "bid", f), _next(case_id, actor, today)
    with st.form(form.id):
        form.messages()
        c1, c2, c3 = st.columns([1, 2, 2])
        with c1:
            decided_on = day_input(form, _("Date of the decision"), f.bid_on, "decided_on", today)
        with c2:
            body = form.text(_("Body that decided"), f.bid_body, "body")
        with c3:
            person = form.text(_("Person who decided"), f.bid_person, "person")
        outcomes = list(minors.BID_OUTCOMES)
        outcome = st.radio(_("Outcome"), outcomes, key=form.key("outcome"),
                           index=outcomes.index(f.bid_outcome) if f.bid_outcome else None,
                           format_func=lambda c: label(minors.BID_OUTCOMES, c))
        form.error("outcome")
        reasons = form.text(_("Reasons"), f.bid_reasons, "reasons", area=True)
        if st.form_submit_button(_("Save the decision")):
            form.submit(lambda s: record.minor_bid_record(
                s, actor, case_id=case_id, version=form.version, decided_on=decided_on, body=body, person=person,
                outcome=outcome, reasons=reasons), done(_("Best-interests decision saved.")))
    form.reload_button()


def decision_table(f) -> None:
    fields_table([(_("Date of the decision"), fmt_date(f.bid_on)), (_("Body that decided"), f.bid_body),
                  (_("Person who decided"), f.bid_person),
                  (_("Outcome"), label(minors.BID_OUTCOMES, f.bid_outcome)), (_("Reasons"), f.bid_reasons)])


def family_form(actor: Actor, case_id: int, f, today: date) -> None:
    form, done = _procedure_form(case_id, "family", f), _next(case_id, actor, today)
    with st.form(form.id):
        form.messages()
        c1, c2, c3 = st.columns([1, 1, 3])
        with c1:
            requested_on = day_input(form, _("Requested on"), f.family_requested_on, "requested_on", today)
        with c2:
            done_on = day_input(form, _("Done on"), f.family_done_on, "done_on", today)
        with c3:
            done_by = form.text(_("Done by"), f.family_done_by, "done_by")
        outcomes = list(minors.FAMILY_OUTCOMES)
        outcome = st.radio(_("Outcome"), outcomes, key=form.key("outcome"),
                           index=outcomes.index(f.family_outcome) if f.family_outcome else None,
                           format_func=lambda c: label(minors.FAMILY_OUTCOMES, c))
        form.error("outcome")
        documents = form.text(_("Documents received"), f.family_documents, "documents", area=True)
        if st.form_submit_button(_("Save the family assessment")):
            form.submit(lambda s: record.minor_family_assessment_record(
                s, actor, case_id=case_id, version=form.version, requested_on=requested_on, done_on=done_on,
                done_by=done_by, outcome=outcome, documents=documents), done(_("Family assessment saved.")))
    form.reload_button()


def family_table(f) -> None:
    fields_table([(_("Requested on"), fmt_date(f.family_requested_on)), (_("Done on"), fmt_date(f.family_done_on)),
                  (_("Done by"), f.family_done_by), (_("Outcome"), label(minors.FAMILY_OUTCOMES, f.family_outcome)),
                  (_("Documents received"), f.family_documents)])


WIDTHS = [2.2, 0.8, 1.8, 1.7, 3, 0.8]


def actor_lines(actor: Actor, case_id: int, f, today: date) -> None:
    """Coordination: one line per actor, each a form on its own row (its own version)."""
    for col, text in zip(st.columns(WIDTHS), [_("Actor"), _("Required"), _("Contact"), _("Contacted on"),
                                             _("What was agreed"), ""]):
        col.caption(text)
    done = _next(case_id, actor, today)
    for row in f.actors:
        form = Form(key_for(case_id, f"actor{row.id}"), version=row.version)
        with st.form(form.id, border=False):
            form.messages()
            cols = st.columns(WIDTHS, vertical_alignment="center")
            icon = (":green[:material/check_circle:]" if row.coordinated else
                    ":orange[:material/pending:]" if row.required else ":gray[:material/remove_circle_outline:]")
            cols[0].markdown(f"{icon} {label(minors.MINOR_ACTORS, row.actor)}")
            required = cols[1].checkbox(_("Required"), value=row.required, key=form.key("required"),
                                        disabled=row.always_required or not f.before_departure,
                                        label_visibility="collapsed")
            with cols[2]:
                if f.names_shown:
                    contact_name = st.text_input(_("Contact"), value=row.contact_name, key=form.key("contact_name"),
                                                 label_visibility="collapsed")
                else:
                    contact_name = None
                    st.text(_("recorded (hidden)") if row.contact_recorded else "—")
            with cols[3]:
                contacted_on = day_input(form, _("Contacted on"), row.contacted_on, "contacted_on", today, visible=False)
            agreed = cols[4].text_input(_("What was agreed"), value=row.agreed, key=form.key("agreed"),
                                        label_visibility="collapsed")
            saved = cols[5].form_submit_button(_("Save"), disabled=not f.before_departure)
            for name in ("required", "contact_name", "agreed"):
                form.error(name)
            if saved:
                form.submit(lambda s, row=row, form=form: record.minor_actor_update(
                    s, actor, minor_actor_id=row.id, version=form.version, required=required,
                    contacted_on=contacted_on, agreed=agreed, contact_name=contact_name),
                    done(_("Saved: {actor}.").format(actor=label(minors.MINOR_ACTORS, row.actor))))
        form.reload_button()
    st.caption(_(":green[:material/check_circle:] coordinated: contacted, and what was agreed is recorded · "
                 ":orange[:material/pending:] not yet · :gray[:material/remove_circle_outline:] not involved"))


def escort_form(actor: Actor, case_id: int, f, today: date) -> None:
    form, done = _procedure_form(case_id, "escort", f), _next(case_id, actor, today)
    with st.form(form.id):
        form.messages()
        kinds = list(minors.ESCORT_KINDS)
        kind = st.radio(_("Who travels with the child"), kinds, key=form.key("kind"),
                        index=kinds.index(f.escort_kind) if f.escort_kind else None,
                        format_func=lambda c: label(minors.ESCORT_KINDS, c))
        form.error("kind")
        name = st.text_input(_("Name of the escort (empty: the guardian's name)"), value=f.escort_name,
                             key=form.key("name"))
        form.error("name")
        if st.form_submit_button(_("Save the escort")):
            form.submit(lambda s: record.minor_escort_set(s, actor, case_id=case_id, version=form.version, kind=kind,
                                                          name=name), done(_("Escort saved.")))
    form.reload_button()


def handover_form(actor: Actor, case_id: int, f, today: date) -> None:
    form = _procedure_form(case_id, "handover", f)
    with st.form(form.id):
        form.messages()
        handed_over_on = day_input(form, _("Handed over on"), f.handover_on, "handed_over_on", today)
        handed_to = st.text_input(_("Handed over to (family member or child-protection service)"),
                                  value=f.handover_to, key=form.key("handed_to"))
        form.error("handed_to")
        if st.form_submit_button(_("Save the handover")):
            form.submit(lambda s: record.minor_handover_record(s, actor, case_id=case_id, version=form.version,
                                                              handed_over_on=handed_over_on, handed_to=handed_to),
                        _("Handover saved. Next: the follow-ups after the return."))
    form.reload_button()
