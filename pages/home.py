"""Home: "my work" for the signed-in user. On a phone the follow-ups to do come first, one tap each."""

from datetime import date

import streamlit as st

from care.assessment import RISK_LEVELS, level_label
from care.contacts import days_since
from care.countries import country_name
from care.flags import flag_labels
from care.followups import alarm_labels
from care.i18n import _, fmt_date
from care.journey import COMING_DAYS, journey_status
from care.mywork import my_work
from care.schedule import DUE_WITHIN_DAYS
from care.ui import referrals as referrals_ui
from care.ui import tasks as tasks_ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.early_warning import early_warning_panel
from care.ui.followup import worklist_links
from care.ui.home_overview import home_for
from care.ui.phone import responsive_table
from care.ui.tables import typed_table
from care.vocab import stage_label

actor = page_gate("home")
st.title(_("My work"))
today = date.today()

with db_session() as session:
    work = my_work(session, actor, today=today)

if work.is_partner:
    referrals_ui.partner_home(work)
    st.stop()

tasks_ui.home_section(actor, today=today)  # failed reminder e-mails (admin); my tasks, overdue first

if not work.sees_cases and home_for(actor, today):
    st.stop()
if not work.sees_cases:
    st.info(_("Your role works with programme figures and administration, not with case files. "
              "Use the pages in the sidebar."))
    st.stop()


def flagged(case_id: int, code: str) -> str:
    marks = flag_labels(work.flags.get(case_id, ()))
    return f"{code} {marks}" if marks else code


def since(case_id: int) -> str:
    last = work.last_contact.get(case_id)
    return _("never") if last is None else _("{date} ({days} days ago)").format(
        date=fmt_date(last), days=days_since(last, today))


st.subheader(_("Follow-ups to do, overdue first"))
if work.followups_due:
    worklist_links(work.followups_due, work.flags, work.last_contact, today=today)
else:
    st.caption(_("No follow-up due in the next {n} days.").format(n=DUE_WITHIN_DAYS))

early_warning_panel(actor, today=today)

if work.alarms:
    st.subheader(_("Open alarms"))
    responsive_table([{_("Case"): flagged(a.case_id, a.case_code), _("Alarm signs"): alarm_labels(a.alarms),
                       _("Note"): a.note} for a in work.alarms], "home_alarms")

if work.unreached:
    st.subheader(_("Not reached twice in a row"))
    typed_table([{_("Case"): flagged(u.case_id, u.case_code), _("Last attempt"): u.last_attempt,
                  _("Last contact"): since(u.case_id)}
                 for u in work.unreached], key="home_unreached", cards=True, dates=(_("Last attempt"),))

st.subheader(_("High-risk cases"))
if work.high_risk:
    responsive_table([{_("Case"): flagged(c.case_id, c.case_code), _("Stage"): stage_label(c.stage),
                       _("Alarm"): "⚠" if c.alarm_open else ""} for c in work.high_risk], "home_high_risk")
else:
    st.caption(_("No open case is assessed at high risk."))

st.subheader(_("Departures and arrivals: the next {n} days, and those still to record").format(n=COMING_DAYS))
if work.journeys:
    typed_table(
        [{_("Case"): flagged(j.case_id, j.case_code), _("Flight"): j.on,
          _("From"): country_name(j.host_country), _("To"): country_name(j.return_country), _("Route"): j.route,
          _("Minor"): _("Yes") if j.is_minor else "", _("Status"): journey_status(j)} for j in work.journeys],
        key="home_journeys", cards=True, dates=(_("Flight"),))
    if work.journeys_total > len(work.journeys):
        st.caption(_("The {shown} most urgent of {total}. The Cases page lists every case at the stages "
                     "\"Plan approved\" and \"Departed\".")
                   .format(shown=len(work.journeys), total=work.journeys_total))
else:
    st.caption(_("No departure or arrival in the next {n} days.").format(n=COMING_DAYS))

referrals_ui.attention_table(work.referrals_attention)

st.subheader(_("Plans waiting for approval"))
if work.plans_pending:
    typed_table(
        [{_("Case"): flagged(p.case_id, p.case_code), _("Revision"): p.revision_no,
          _("Risk"): level_label(p.risk_level),
          _("Note"): _("Written by you: another coordinator approves it") if p.own else ""}
         for p in work.plans_pending], key="home_plans", cards=True,
        levels={_("Risk"): [level_label(k) for k in RISK_LEVELS]})
else:
    st.caption(_("No plan is waiting for approval."))

st.subheader(_("Open cases by stage"))
responsive_table([{_("Stage"): stage_label(stage), _("Cases"): count} for stage, count in work.open_by_stage.items()],
                 "home_stages")
