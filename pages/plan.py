"""Plan and budget: the individual reintegration plan (IRP), its approval, its payments, the PDF to sign."""

import streamlit as st

from care.i18n import _
from care.plan_views import plan_overview
from care.plans import PLANNING_STAGES, PlanStatus
from care.ui import plan as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.messages import show_flash
from care.ui.widgets import case_picker

actor = page_gate("plan")
st.title(_("Plan and budget"))
show_flash()

case_id = case_picker(actor, key="plan", stages=tuple(PLANNING_STAGES))
if case_id is None:
    st.stop()
with db_session() as session:
    overview = plan_overview(session, actor, case_id=case_id)

if overview.latest is None:
    ui.start_form(actor, overview)
    st.stop()

ui.summary(overview)
# The open tab is kept across reruns (a save, a flash message), and only it is drawn.
plan_tab, payments_tab, history_tab = st.tabs([_("Plan"), _("Payments"), _("History")], key="plan_tab",
                                              on_change="rerun")
if plan_tab.open:
    with plan_tab:
        ui.budget(overview)
        ui.needs(overview)
        ui.dimensions(actor, overview)
        ui.lines_table(overview)
        status = overview.latest.status
        if status == PlanStatus.DRAFT:
            ui.line_add_form(actor, overview)
            ui.line_edit_form(actor, overview)
            ui.submit_form(actor, overview)
        elif status == PlanStatus.SUBMITTED:
            ui.decision_form(actor, overview)
        if overview.may_revise:
            ui.revise_form(actor, overview)
        ui.pdf_download(actor, overview)
if payments_tab.open:
    with payments_tab:
        ui.payments_tab(actor, overview)
if history_tab.open:
    with history_tab:
        ui.history_tab(overview)
