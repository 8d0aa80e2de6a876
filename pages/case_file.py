"""Case file: one case on one screen; identity on request; corrections; eligibility and closing."""

from datetime import date

import streamlit as st

from care import decisions
from care.casefile import case_file
from care.i18n import _
from care.ui.dates import day_input
from care.ui.auth import page_gate
from care.ui.case_documents import case_documents_panel
from care.ui.case_rights import move_panel, rights_panel
from care.ui import confirm
from care.ui.casefile import (
    case_edit_form, case_forms_reset, form_key, identity_panel, pdf_download, show_section, show_timeline,
    stale_reload,
)
from care.ui.db import db_session
from care.ui.intake import criteria
from care.ui.persondocs import person_documents
from care.ui.form import Form
from care.ui.messages import field_error, form_errors, show_flash
from care.ui.tasks import case_tasks_panel
from care.ui.opened import opened_version
from care.ui.widgets import case_picker
from care.vocab import CLOSING_REASONS, label, stage_label

actor = page_gate("case_file")
st.title(_("Case file"))
show_flash()
case_id = case_picker(actor, key="case_file")
if case_id is None:
    st.stop()
with db_session() as session:
    cf = case_file(session, actor, case_id)
today = date.today()

head, side = st.columns([3, 1])
head.subheader(f"{cf.code} · {stage_label(cf.stage)}")
with side:
    pdf_download(actor.username, actor.language, cf)

decide = cf.may_decide and cf.is_open
tabs = st.tabs([_("Summary"), _("Identity"), _("Timeline"), _("Correct the data"), _("Documents for the person"),
                _("Case documents")]
               + ([_("The person's rights")] if cf.may_decide else []) + ([_("Decisions")] if decide else []))
with tabs[0]:
    show_section(cf.summary)
    if cf.next_stage:
        st.subheader(_("Before “{stage}”").format(stage=stage_label(cf.next_stage)))
        criteria(cf.eligibility)  # at intake: every criterion, met or not
        for item in cf.missing_beyond_eligibility:
            st.text("• " + item)
        if not cf.missing and not cf.eligibility:
            st.caption(_("Nothing is missing."))
    for section in cf.sections:
        show_section(section)
    case_tasks_panel(actor, cf.case_id, today=today)
with tabs[1]:
    identity_panel(actor, cf)
with tabs[2]:
    show_timeline(cf)
with tabs[3]:
    case_edit_form(actor, cf, today=today)
with tabs[4]:
    person_documents(actor, cf.case_id, cf.code)
with tabs[5]:
    case_documents_panel(actor, cf.case_id)
if cf.may_decide:
    with tabs[6]:
        rights_panel(actor, cf, today=today)

if decide:
    with tabs[-1]:
        move_panel(actor, cf)
        if cf.decides_eligibility:
            form = form_key(f"eligibility_{cf.case_id}_")
            version = opened_version(form, cf.version)
            stale_reload(form, cf.case_id)
            with st.form(form):
                st.subheader(_("Eligibility decision"))
                form_errors(form)
                answers = {True: _("Eligible"), False: _("Not eligible")}
                eligible = st.radio(_("Decision"), list(answers), format_func=answers.get, horizontal=True,
                                    key=f"{form}_eligible")
                field_error(form, "stage")
                reason = st.text_area(_("Reason, if not eligible"), max_chars=2000, key=f"{form}_reason")
                field_error(form, "reason")
                if st.form_submit_button(_("Record the decision")):
                    Form(form).submit(lambda s: decisions.eligibility_decide(
                        s, actor, cf.case_id, eligible=eligible, reason=reason, expected_version=version),
                        _("Decision recorded."), then=lambda _r: case_forms_reset(cf.case_id))
        form = form_key(f"close_{cf.case_id}_")
        version = opened_version(form, cf.version)
        stale_reload(form, cf.case_id)
        with st.form(form):
            st.subheader(_("Close the case"))
            form_errors(form)
            reason = st.selectbox(_("Closing reason"), list(CLOSING_REASONS), index=None,
                                  format_func=lambda r: label(CLOSING_REASONS, r), key=f"{form}_reason")
            field_error(form, "reason")
            note = st.text_area(_("Note"), max_chars=2000, key=f"{form}_note")
            field_error(form, "note")
            on = day_input(_("Closing date"), today, key=f"{form}_on", form=form, field="on", today=today)
            if st.form_submit_button(_("Close the case")):
                confirm.ask(form)

        def close_case() -> None:
            Form(form).submit(lambda s: decisions.case_close(s, actor, cf.case_id, reason=reason or "", note=note,
                                                             on=on, expected_version=version, today=today),
                              _("Case closed."), then=lambda _r: case_forms_reset(cf.case_id))

        confirm.confirm(form, title=_("Close the case"), confirm_label=_("Close the case"), action=close_case,
                        what_happens=_("The case is closed on the date you gave: no follow-up can be logged on "
                                       "it any more, and its retention period starts (at its end the person's "
                                       "data is anonymised)."))
