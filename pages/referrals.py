"""Referrals to partners: the sender side refers a case and follows its referrals; a partner answers
the referrals sent to its organisation and works on the cases it accepted, as far as each shares."""

from datetime import date

import streamlit as st

from care import referrals
from care.access import Role
from care.i18n import _
from care.ui import referrals as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import show_flash
from care.ui.widgets import case_picker

actor = page_gate("referrals")
st.title(_("Referrals to partners"))
show_flash()
today = date.today()

if actor.has(Role.PARTNER) and not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
    with db_session() as session:
        offers = referrals.referrals_for_partner(session, actor)
        accepted = referrals.accepted_for_partner(session, actor)
    st.subheader(_("Waiting for your answer, the oldest first"))
    if not offers:
        st.caption(_("No referral is waiting for your answer."))
    for item in offers:
        ui.offer(actor, item)

    st.subheader(_("Cases you accepted"))
    codes = {a.case_id: a.case_code for a in accepted}
    if not codes:
        st.caption(_("Your organisation has no accepted case at the moment."))
        st.stop()
    case_id = st.selectbox(_("Case"), list(codes), format_func=codes.get, key="ref_partner_case")
    with db_session() as session:
        view = referrals.referral_shared_view(session, actor, case_id, today=today)
    ui.shared_view(actor, view)
    st.subheader(_("Follow-ups assigned to your organisation"))
    ui.assigned_followups(actor, view, today=today)
    for referral_id in view.referral_ids:
        with st.expander(_("The work is over: record the outcome")):
            version = next(a.version for a in accepted if a.referral_id == referral_id)
            ui.complete_form(actor, referral_id, version, today=today)
    st.stop()

case_id = case_picker(actor, key="referrals")
if case_id is None:
    st.stop()
with db_session() as session:
    options = referrals.referral_options(session, actor, case_id)
    rows = referrals.case_referrals(session, actor, case_id)

st.subheader(_("Referrals of {code}").format(code=options.code))
ui.referral_table(rows)
if options.may_refer:
    for row in rows:
        if row.is_open:
            ui.referral_actions(actor, row, today=today)
    ui.new_referral_form(actor, options, today=today)
else:
    st.caption(_("The coordinators and the focal points of the host country refer a case to partners."))
if options.consent_sharing:
    ui.withdraw_consent_form(actor, case_id, today=today)
