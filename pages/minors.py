"""Minors: guardian and the child's views, best interests, family assessment, coordination, escort."""

from datetime import date

import streamlit as st

from care import minors
from care import minors_write as record
from care.i18n import _, fmt_date
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.minors import (
    day_input, fields_table, fresh_key, key_for, names_key, reload_offer, submit,
)
from care.ui.opened import opened_version
from care.ui.widgets import case_picker
from care.vocab import label, stage_label

actor = page_gate("minors")
st.title(_("Minors"))
show_flash()
case_id = case_picker(actor, key="minors", minor=True)
if case_id is None:
    st.stop()
today = date.today()
head, names = st.columns([4, 1], vertical_alignment="center")
show_names = names.toggle(_("Show names"), key=names_key(case_id),
                          help=_("Guardian, escort and contact names are shown only on request; each time is logged."))
with db_session() as session:
    f = minors.minor_file(session, actor, case_id=case_id, today=today, show_names=show_names)

head.markdown(_("**{stage}** · age at referral: {at_referral} · age today: {today}").format(
    stage=stage_label(f.stage), at_referral=f.age_at_referral if f.age_at_referral is not None else "—",
    today=f.age_today if f.age_today is not None else "—"))
notes = [_("Follow-ups for a minor (programme setting): {minor} months after return; for an adult: {adult}.").format(
    minor=", ".join(map(str, f.followup_months_minor)), adult=", ".join(map(str, f.followup_months)))]
if f.now_adult:
    notes.insert(0, _("Now an adult: keeps the minors' procedure started at referral."))
st.caption(" ".join(notes))

if f.return_stopped:
    st.error(_("Return stopped by the best-interests decision. The case may stay open in the host country, "
               "or be closed."), icon=":material/block:")
elif f.before_departure and f.departure_missing:
    st.warning(_("Still missing before departure:") + "\n" + "\n".join(f"- {m[:1].upper()}{m[1:]}"
                                                                       for m in f.departure_missing))
elif f.before_departure:
    st.success(_("Nothing is missing for the departure."))
elif f.departure_date:
    st.info(_("Departed on {date}.").format(date=fmt_date(f.departure_date)))

if not f.opened:
    st.info(_("The minors' procedure is not opened for this case yet."))
    if not f.closed and st.button(_("Open the minors' procedure"), type="primary"):
        submit(key_for(case_id, "open"), lambda s: record.minor_procedure_open(s, actor, case_id=case_id),
               _("The minors' procedure is open."))
    form_errors(key_for(case_id, "open"))
    st.stop()

HIDDEN = _("Names are hidden: turn on “Show names” to see or change them.")
proc = key_for(case_id, "procedure")  # the procedure's forms share its version
tabs = st.tabs([_("Guardian and child's views"), _("Best interests"), _("Family assessment"),
                _("Coordination"), _("Escort and handover")], key="minors_tab")

with tabs[0]:
    st.subheader(_("Guardian"))
    if not f.names_shown:
        fields_table([(_("Guardian"), _("recorded (hidden)") if f.guardian_recorded else "—"),
                      (_("Organisation"), f.guardian_organisation or "—")])
        st.caption(HIDDEN)
    else:
        k, v = key_for(case_id, "guardian"), opened_version(proc, f.version)
        with st.form(k):
            form_errors(k)
            name = st.text_input(_("Name"), value=f.guardian_name, key=f"{k}_name")
            field_error(k, "name")
            organisation = st.text_input(_("Organisation"), value=f.guardian_organisation, key=f"{k}_organisation")
            field_error(k, "organisation")
            contact = st.text_input(_("Contact (phone with country code, or e-mail)"), value=f.guardian_contact,
                                    key=f"{k}_contact")
            field_error(k, "contact")
            if st.form_submit_button(_("Save the guardian"), disabled=f.closed):
                submit(k, lambda s: record.minor_guardian_set(s, actor, case_id=case_id, version=v, name=name,
                                                             organisation=organisation, contact=contact),
                       _("Guardian saved."), version_key=proc)
        reload_offer(k, case_id)

    st.subheader(_("The child's views"))
    if f.views:
        st.dataframe([{_("Date"): fmt_date(w.recorded_on), _("Step"): label(minors.CHILD_VIEW_STEPS, w.step),
                       _("The child's words"): w.words, _("Recorded by"): w.recorded_by} for w in f.views],
                     hide_index=True, width="stretch")
    else:
        st.caption(_("No views recorded yet."))
    if not f.closed:
        k = fresh_key(key_for(case_id, "view"))
        with st.form(k):
            form_errors(k)
            step = st.selectbox(_("Step"), list(minors.CHILD_VIEW_STEPS), index=None, key=f"{k}_step",
                                format_func=lambda c: label(minors.CHILD_VIEW_STEPS, c), placeholder=_("Choose"))
            field_error(k, "step")
            recorded_on = day_input(_("Recorded on"), today, f"{k}_recorded_on", today=today)
            field_error(k, "recorded_on")
            words = st.text_area(_("The child's views, in their own words where possible"), key=f"{k}_words")
            field_error(k, "words")
            if st.form_submit_button(_("Add the child's views")):
                submit(k, lambda s: record.child_view_add(s, actor, case_id=case_id, step=step,
                                                          recorded_on=recorded_on, words=words),
                       _("The child's views are recorded."), renew=key_for(case_id, "view"))

with tabs[1]:
    if f.before_departure:
        k, v = key_for(case_id, "bid"), opened_version(proc, f.version)
        with st.form(k):
            form_errors(k)
            c1, c2, c3 = st.columns([1, 2, 2])
            with c1:
                decided_on = day_input(_("Date of the decision"), f.bid_on, f"{k}_decided_on", today=today)
                field_error(k, "decided_on")
            with c2:
                body = st.text_input(_("Body that decided"), value=f.bid_body, key=f"{k}_body")
                field_error(k, "body")
            with c3:
                person = st.text_input(_("Person who decided"), value=f.bid_person, key=f"{k}_person")
                field_error(k, "person")
            outcomes = list(minors.BID_OUTCOMES)
            outcome = st.radio(_("Outcome"), outcomes, key=f"{k}_outcome",
                               index=outcomes.index(f.bid_outcome) if f.bid_outcome else None,
                               format_func=lambda c: label(minors.BID_OUTCOMES, c))
            field_error(k, "outcome")
            reasons = st.text_area(_("Reasons"), value=f.bid_reasons, key=f"{k}_reasons")
            field_error(k, "reasons")
            if st.form_submit_button(_("Save the decision")):
                submit(k, lambda s: record.minor_bid_record(
                    s, actor, case_id=case_id, version=v, decided_on=decided_on, body=body, person=person,
                    outcome=outcome, reasons=reasons), _("Best-interests decision saved."), version_key=proc)
        reload_offer(k, case_id)
    else:
        fields_table([(_("Date of the decision"), fmt_date(f.bid_on)), (_("Body that decided"), f.bid_body),
                      (_("Person who decided"), f.bid_person),
                      (_("Outcome"), label(minors.BID_OUTCOMES, f.bid_outcome)), (_("Reasons"), f.bid_reasons)])

with tabs[2]:
    st.caption(_("Requested from the IOM office in the return country."))
    if f.before_departure:
        k, v = key_for(case_id, "family"), opened_version(proc, f.version)
        with st.form(k):
            form_errors(k)
            c1, c2, c3 = st.columns([1, 1, 3])
            with c1:
                requested_on = day_input(_("Requested on"), f.family_requested_on, f"{k}_requested_on", today=today)
                field_error(k, "requested_on")
            with c2:
                done_on = day_input(_("Done on"), f.family_done_on, f"{k}_done_on", today=today)
                field_error(k, "done_on")
            with c3:
                done_by = st.text_input(_("Done by"), value=f.family_done_by, key=f"{k}_done_by")
                field_error(k, "done_by")
            outcomes = list(minors.FAMILY_OUTCOMES)
            family_outcome = st.radio(_("Outcome"), outcomes, key=f"{k}_outcome",
                                      index=outcomes.index(f.family_outcome) if f.family_outcome else None,
                                      format_func=lambda c: label(minors.FAMILY_OUTCOMES, c))
            field_error(k, "outcome")
            documents = st.text_area(_("Documents received"), value=f.family_documents, key=f"{k}_documents")
            field_error(k, "documents")
            if st.form_submit_button(_("Save the family assessment")):
                submit(k, lambda s: record.minor_family_assessment_record(
                    s, actor, case_id=case_id, version=v, requested_on=requested_on, done_on=done_on,
                    done_by=done_by, outcome=family_outcome, documents=documents),
                    _("Family assessment saved."), version_key=proc)
        reload_offer(k, case_id)
    else:
        fields_table([(_("Requested on"), fmt_date(f.family_requested_on)), (_("Done on"), fmt_date(f.family_done_on)),
                      (_("Done by"), f.family_done_by), (_("Outcome"), label(minors.FAMILY_OUTCOMES, f.family_outcome)),
                      (_("Documents received"), f.family_documents)])

with tabs[3]:
    widths = [2.2, 0.8, 1.8, 1.7, 3, 0.8]
    for col, text in zip(st.columns(widths), [_("Actor"), _("Required"), _("Contact"), _("Contacted on"),
                                             _("What was agreed"), ""]):
        col.caption(text)
    for row in f.actors:
        k, v = key_for(case_id, f"actor{row.id}"), opened_version(key_for(case_id, f"actor{row.id}"), row.version)
        with st.form(k, border=False):
            form_errors(k)
            cols = st.columns(widths, vertical_alignment="center")
            icon = (":green[:material/check_circle:]" if row.coordinated else
                    ":orange[:material/pending:]" if row.required else ":gray[:material/remove_circle_outline:]")
            cols[0].markdown(f"{icon} {label(minors.MINOR_ACTORS, row.actor)}")
            required = cols[1].checkbox(_("Required"), value=row.required, key=f"{k}_required",
                                        disabled=row.always_required or not f.before_departure,
                                        label_visibility="collapsed")
            with cols[2]:
                if f.names_shown:
                    contact_name = st.text_input(_("Contact"), value=row.contact_name, key=f"{k}_contact_name",
                                                 label_visibility="collapsed")
                else:
                    contact_name = None
                    st.text(_("recorded (hidden)") if row.contact_recorded else "—")
            with cols[3]:
                contacted_on = day_input(_("Contacted on"), row.contacted_on, f"{k}_contacted_on", today=today,
                                         visible=False)
            agreed = cols[4].text_input(_("What was agreed"), value=row.agreed, key=f"{k}_agreed",
                                        label_visibility="collapsed")
            saved = cols[5].form_submit_button(_("Save"), disabled=not f.before_departure)
            for name in ("required", "contact_name", "contacted_on", "agreed"):
                field_error(k, name)
            if saved:
                submit(k, lambda s: record.minor_actor_update(
                    s, actor, minor_actor_id=row.id, version=v, required=required, contacted_on=contacted_on,
                    agreed=agreed, contact_name=contact_name),
                    _("Saved: {actor}.").format(actor=label(minors.MINOR_ACTORS, row.actor)), version_key=k)
        reload_offer(k, case_id)
    st.caption(_(":green[:material/check_circle:] coordinated: contacted, and what was agreed is recorded · "
                 ":orange[:material/pending:] not yet · :gray[:material/remove_circle_outline:] not involved"))

with tabs[4]:
    st.subheader(_("Escort"))
    if f.before_departure and f.names_shown:
        k, v = key_for(case_id, "escort"), opened_version(proc, f.version)
        with st.form(k):
            form_errors(k)
            kinds = list(minors.ESCORT_KINDS)
            kind = st.radio(_("Who travels with the child"), kinds, key=f"{k}_kind",
                            index=kinds.index(f.escort_kind) if f.escort_kind else None,
                            format_func=lambda c: label(minors.ESCORT_KINDS, c))
            field_error(k, "kind")
            escort_name = st.text_input(_("Name of the escort (empty: the guardian's name)"), value=f.escort_name,
                                        key=f"{k}_name")
            field_error(k, "name")
            if st.form_submit_button(_("Save the escort")):
                submit(k, lambda s: record.minor_escort_set(s, actor, case_id=case_id, version=v, kind=kind,
                                                           name=escort_name), _("Escort saved."), version_key=proc)
        reload_offer(k, case_id)
    else:
        fields_table([(_("Escort"), label(minors.ESCORT_KINDS, f.escort_kind)),
                      (_("Name"), f.escort_name if f.names_shown else
                       (_("recorded (hidden)") if f.escort_kind else "—"))])
        if f.before_departure:
            st.caption(HIDDEN)

    st.subheader(_("Handover at arrival"))
    if not f.handover_allowed:
        fields_table([(_("Handed over on"), fmt_date(f.handover_on)),
                      (_("Handed over to"), (f.handover_to or "—") if f.names_shown else
                       (_("recorded (hidden)") if f.handover_on else "—"))])
        if not f.closed:
            st.caption(_("The handover is recorded once the child has departed."))
    elif not f.names_shown:
        fields_table([(_("Handed over on"), fmt_date(f.handover_on)),
                      (_("Handed over to"), _("recorded (hidden)") if f.handover_on else "—")])
        st.caption(HIDDEN)
    else:
        k, v = key_for(case_id, "handover"), opened_version(proc, f.version)
        with st.form(k):
            form_errors(k)
            handed_over_on = day_input(_("Handed over on"), f.handover_on, f"{k}_handed_over_on", today=today)
            field_error(k, "handed_over_on")
            handed_to = st.text_input(_("Handed over to (family member or child-protection service)"),
                                      value=f.handover_to, key=f"{k}_handed_to")
            field_error(k, "handed_to")
            if st.form_submit_button(_("Save the handover")):
                submit(k, lambda s: record.minor_handover_record(s, actor, case_id=case_id, version=v,
                                                                handed_over_on=handed_over_on, handed_to=handed_to),
                       _("Handover saved."), version_key=proc)
        reload_offer(k, case_id)

with st.expander(_("Changes to this procedure")):
    st.text("\n".join(f.history) or _("No change recorded yet."))
