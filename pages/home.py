"""Home: "my work" for the signed-in user."""

from datetime import date

import streamlit as st

from care.assessment import level_label
from care.countries import country_name
from care.followups import alarm_labels
from care.i18n import _, fmt_date
from care.journey import journey_status
from care.mywork import my_work
from care.ui import referrals as referrals_ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.vocab import stage_label

actor = page_gate("home")
st.title(_("My work"))

with db_session() as session:
    work = my_work(session, actor, today=date.today())

if work.is_partner:
    referrals_ui.partner_home(work)
    st.stop()

if not work.sees_cases:
    st.info(_("Your role works with programme figures and administration, not with case files. "
              "Use the pages in the sidebar."))
    st.stop()

if work.alarms:
    st.subheader(_("Open alarms"))
    st.dataframe(
        [{_("Case"): a.case_code, _("Alarm signs"): alarm_labels(a.alarms), _("Note"): a.note} for a in work.alarms],
        hide_index=True, width="stretch",
    )

st.subheader(_("Open cases by stage"))
cols = st.columns(len(work.open_by_stage))
for col, (stage, count) in zip(cols, work.open_by_stage.items()):
    col.metric(stage_label(stage), count)

st.subheader(_("High-risk cases"))
if work.high_risk:
    st.dataframe(
        [{_("Case"): c.case_code, _("Stage"): stage_label(c.stage), _("Alarm"): "⚠" if c.alarm_open else ""}
         for c in work.high_risk],
        hide_index=True, width="stretch",
    )
else:
    st.caption(_("No open case is assessed at high risk."))

st.subheader(_("Follow-ups due or overdue"))
if work.followups_due:
    st.dataframe(
        [{_("Case"): f.case_code, _("Due"): fmt_date(f.due_on),
          _("Status"): _("Overdue") if f.overdue else _("Due"), _("Risk"): level_label(f.risk_level)}
         for f in work.followups_due],
        hide_index=True, width="stretch",
    )
else:
    st.caption(_("No follow-up due in the next 7 days."))

st.subheader(_("Departures and arrivals: the next 14 days, and those still to record"))
if work.journeys:
    st.dataframe(
        [{_("Case"): j.case_code, _("Flight"): fmt_date(j.on), _("From"): country_name(j.host_country),
          _("To"): country_name(j.return_country), _("Route"): j.route, _("Minor"): _("Yes") if j.is_minor else "",
          _("Status"): journey_status(j)} for j in work.journeys],
        hide_index=True, width="stretch",
    )
    if work.journeys_total > len(work.journeys):
        st.caption(_("The {shown} most urgent of {total}. The Cases page lists every case at the stages "
                     "\"Plan approved\" and \"Departed\".")
                   .format(shown=len(work.journeys), total=work.journeys_total))
else:
    st.caption(_("No departure or arrival in the next 14 days."))

referrals_ui.attention_table(work.referrals_attention)

st.subheader(_("Plans waiting for approval"))
if work.plans_pending:
    st.dataframe(
        [{_("Case"): p.case_code, _("Revision"): p.revision_no, _("Risk"): level_label(p.risk_level),
          _("Note"): _("Written by you: another coordinator approves it") if p.own else ""}
         for p in work.plans_pending],
        hide_index=True, width="stretch",
    )
else:
    st.caption(_("No plan is waiting for approval."))
