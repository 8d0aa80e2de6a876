"""Sustainability survey: the baseline and the survey at each follow-up, scored between 0 and 1."""

from datetime import date

import streamlit as st

from care.i18n import _
from care.ui import rss as ui
from care.ui.auth import page_gate
from care.ui.widgets import case_picker
from care.vocab import Stage

actor = page_gate("survey")
st.title(_("Sustainability survey"))
st.caption(_("Economic, social and psychosocial reintegration, scored from 0 (poor) to 1 (good) with the "
             "programme's weights. The questions follow the areas of IOM's Reintegration Sustainability Survey; "
             "its exact wording and weights are to be confirmed."))

case_id = case_picker(actor, key="survey", stages=(Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED,
                                                    Stage.DEPARTED, Stage.ARRIVED, Stage.FOLLOW_UP, Stage.CLOSED))
if case_id is None:
    st.stop()

today = date.today()
take, history = st.tabs([_("Take the survey"), _("Surveys and scores")])
with take:
    ui.survey_form(actor, case_id, today=today)
with history:
    ui.survey_history(actor, case_id)
