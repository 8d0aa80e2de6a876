"""Minors: guardian and the child's views, best interests, family assessment, coordination, escort."""

from datetime import date

import streamlit as st

from care import minors
from care import minors_write as record
from care.i18n import _, fmt_date
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui import minors_forms as forms
from care.ui.form import Form
from care.ui.messages import show_flash
from care.ui.minors import fields_table, key_for, names_key
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
    opening = Form(key_for(case_id, "open"))
    if not f.closed and st.button(_("Open the minors' procedure"), type="primary"):
        opening.submit(lambda s: record.minor_procedure_open(s, actor, case_id=case_id),
                       _("The minors' procedure is open. Next: the guardian and the child's views."))
    opening.messages()
    st.stop()

HIDDEN = _("Names are hidden: turn on “Show names” to see or change them.")
tabs = st.tabs([_("Guardian and child's views"), _("Best interests"), _("Family assessment"),
                _("Coordination"), _("Escort and handover")], key="minors_tab")

with tabs[0]:
    st.subheader(_("Guardian"))
    if not f.names_shown:
        fields_table([(_("Guardian"), _("recorded (hidden)") if f.guardian_recorded else "—"),
                      (_("Organisation"), f.guardian_organisation or "—")])
        st.caption(HIDDEN)
    else:
        forms.guardian_form(actor, case_id, f, today)
    st.subheader(_("The child's views"))
    if f.views:
        st.dataframe([{_("Date"): fmt_date(w.recorded_on), _("Step"): label(minors.CHILD_VIEW_STEPS, w.step),
                       _("The child's words"): w.words, _("Recorded by"): w.recorded_by} for w in f.views],
                     hide_index=True, width="stretch")
    else:
        st.caption(_("No views recorded yet."))
    if not f.closed:
        forms.child_view_form(actor, case_id, today)

with tabs[1]:
    forms.decision_form(actor, case_id, f, today) if f.before_departure else forms.decision_table(f)

with tabs[2]:
    st.caption(_("Requested from the IOM office in the return country."))
    forms.family_form(actor, case_id, f, today) if f.before_departure else forms.family_table(f)

with tabs[3]:
    forms.actor_lines(actor, case_id, f, today)

with tabs[4]:
    st.subheader(_("Escort"))
    if f.before_departure and f.names_shown:
        forms.escort_form(actor, case_id, f, today)
    else:
        fields_table([(_("Escort"), label(minors.ESCORT_KINDS, f.escort_kind)),
                      (_("Name"), f.escort_name if f.names_shown else
                       (_("recorded (hidden)") if f.escort_kind else "—"))])
        if f.before_departure:
            st.caption(HIDDEN)
    st.subheader(_("Handover at arrival"))
    if not f.handover_allowed or not f.names_shown:
        fields_table([(_("Handed over on"), fmt_date(f.handover_on)),
                      (_("Handed over to"), (f.handover_to or "—") if f.names_shown else
                       (_("recorded (hidden)") if f.handover_on else "—"))])
        if not f.handover_allowed and not f.closed:
            st.caption(_("The handover is recorded once the child has departed."))
        elif f.handover_allowed:
            st.caption(HIDDEN)
    else:
        forms.handover_form(actor, case_id, f, today)

with st.expander(_("Changes to this procedure")):
    st.text("\n".join(f.history) or _("No change recorded yet."))
