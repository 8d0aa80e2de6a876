"""Risk and needs assessment: before anyone books a flight, rate the risks of return and the needs."""

from datetime import date

import streamlit as st

from care import assessment as a
from care.i18n import _
from care.ui.dates import day_input
from care.ui import assessment as ui
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.form import Form
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.widgets import case_picker
from care.vocab import Stage, label, stage_label

actor = page_gate("assessment")
st.title(_("Risk and needs assessment"))
show_flash()
case_id = case_picker(actor, key="assessment", stages=a.ASSESSABLE_STAGES)
if case_id is None:
    st.stop()
with db_session() as session:
    file = a.assessment_file(session, actor, case_id)
today = date.today()
risk, needs = file.risk, file.needs

c1, c2, c3 = st.columns(3)
c1.metric(_("Risk level"), a.level_label(risk.overall_level) if risk else _("Not assessed"))
c2.metric(_("High or urgent needs"), sum(n.pressing for n in needs.needs) if needs else _("Not assessed"))
c3.metric(_("Stage"), stage_label(file.stage))
if risk and risk.lacks_mitigation:
    st.warning(_("The risk level is {level} and no mitigation measure is recorded: the plan cannot be approved "
                 "until one is.").format(level=a.level_label(risk.overall_level).lower()), icon=":material/warning:")
if file.stage == Stage.ELIGIBLE:
    ui.mark_assessed(actor, case_id, file)

NOW = _("Current assessment")
tab_now, tab_risk, tab_needs, tab_history = ui.tabs(
    [NOW, _("Risk assessment"), _("Needs, skills and motivation"), _("All versions")])

with tab_now:
    if file.section is None:
        st.info(_("No assessment yet: start with the risk assessment."))
    else:
        ui.show_section(file.section)

with tab_risk:
    form_key = f"risk_{case_id}"
    opened = ui.opened_version("risk", case_id, risk.version_no if risk else 0)
    base, key = file.risk_version(opened), ui.prefix("risk", case_id, opened)
    ui.stale_notice("risk", case_id, opened, risk, form_key)
    if base:
        st.caption(_("Reassessment: the form starts from version {n}. Saving makes a new version; version {n} "
                     "is kept.").format(n=base.version_no))
    with st.form(key):
        form_errors(form_key)
        assessed_on = day_input(_("Date of the assessment"), today, key=ui.probe_key("risk", case_id, opened),
                                form=form_key, field="assessed_on", today=today, earliest=file.referral_date,
                                after=_("the referral"))
        factors = ui.factor_rows(form_key, key, base)
        st.subheader(_("Overall level"))
        st.caption(_(a.LEVEL_RULE))
        levels = ["", *a.RISK_LEVELS]
        overall = st.selectbox(_("Overall level"), levels,
                               index=levels.index(base.overall_level if base and base.adjusted else ""),
                               format_func=lambda v: a.level_label(v) if v else _("As the rule gives"),
                               key=f"{key}_overall")
        field_error(form_key, "overall_level")
        justification = st.text_area(_("Justification (required to lower the level)"),
                                     value=base.justification if base else "", key=f"{key}_justification")
        field_error(form_key, "justification")
        st.subheader(_("Mitigation measures"))
        st.caption(_("What will be done, who does it, by when. Add a row for each measure."))
        measures = ui.mitigations_editor(key, base)
        field_error(form_key, "mitigations")
        if st.form_submit_button(_("Save as a new version") if base else _("Save the risk assessment"),
                                 type="primary"):
            data = a.RiskInput(assessed_on=assessed_on, factors=factors, overall_level=overall,
                               justification=justification, mitigations=measures)
            Form(form_key).submit(
                lambda s: a.risk_assess(s, actor, case_id, data=data, based_on_version=opened),
                lambda saved: ui.done_message(_("Risk assessment version {n} saved: the level is {level}.").format(
                    n=saved.version_no, level=a.level_label(saved.overall_level).lower()), file, "risk"),
                then=lambda _saved: (ui.forget_opened("risk", case_id), ui.open_tab_next(NOW)))

with tab_needs:
    form_key = f"needs_{case_id}"
    opened = ui.opened_version("needs", case_id, needs.version_no if needs else 0)
    base, key = file.needs_version(opened), ui.prefix("needs", case_id, opened)
    ui.stale_notice("needs", case_id, opened, needs, form_key)
    with st.form(key):
        form_errors(form_key)
        assessed_on = day_input(_("Date of the assessment"), today, key=ui.probe_key("needs", case_id, opened),
                                form=form_key, field="assessed_on", today=today, earliest=file.referral_date,
                                after=_("the referral"))
        st.subheader(_("Needs"))
        need_inputs = ui.need_rows(form_key, key, base)
        st.subheader(_("Skills and motivation"))
        levels = list(a.EDUCATION_LEVELS)
        education = st.selectbox(_("Education level"), levels,
                                 index=levels.index(base.education_level) if base and base.education_level in levels
                                 else None, format_func=lambda v: label(a.EDUCATION_LEVELS, v),
                                 placeholder=_("Not known"), key=f"{key}_education")
        field_error(form_key, "education_level")
        texts = ui.skills_fields(form_key, key, base, file.languages_hint)
        if st.form_submit_button(_("Save as a new version") if base else _("Save the needs assessment"),
                                 type="primary"):
            data = a.NeedsInput(assessed_on=assessed_on, needs=need_inputs, education_level=education, **texts)
            Form(form_key).submit(
                lambda s: a.needs_assess(s, actor, case_id, data=data, based_on_version=opened),
                lambda saved: ui.done_message(_("Needs assessment version {n} saved.").format(n=saved.version_no),
                                              file, "needs"),
                then=lambda _saved: (ui.forget_opened("needs", case_id), ui.open_tab_next(NOW)))

with tab_history:
    ui.show_history(file)
