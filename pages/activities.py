"""Activities: what the programme does besides cases, and the referrals it received."""

from datetime import date

import streamlit as st

from care import activities
from care.activities import OUTCOMES_RECORDED_HERE, REFERRAL_OUTCOMES
from care.i18n import _, fmt_date
from care.ui.activities import (
    activities_table, activity_choice, activity_fields, generation, referral_fields, referrals_table,
)
from care.ui.auth import page_gate
from care.ui.db import db_session
from care.ui.indicators import programme_picker
from care.ui.form import Form
from care.ui.messages import field_error, form_errors, show_flash
from care.vocab import label

actor = page_gate("activities")
st.title(_("Activities"))
show_flash()
programme = programme_picker(actor, key="activities_programme")
if programme is None:
    st.stop()


def saved(form_key: str, message: str, call) -> None:
    """One save through the form lifecycle (`Form.submit`): errors by field, or a fresh form and a toast."""
    Form(form_key).submit(call, message)


KINDS = {"meeting": _("Information meetings"), "training": _("Trainings"), "brochures": _("Brochures")}
tabs = st.tabs([*KINDS.values(), _("Referrals received")])

for tab, kind in zip(tabs, KINDS):
    with tab:
        with db_session() as session:
            rows = activities.activities_list(session, actor, programme_id=programme.id, kind=kind)
            kept = tuple(m.id for r in rows for m in r.modules)
            modules = activities.training_modules(session, actor, keep_ids=kept) if kind == "training" else []
        activities_table(rows, kind)
        existing = activity_choice(rows, kind, programme.id)
        form_key = f"activity_{kind}_{existing.id if existing else f'new_{programme.id}'}"
        prefix = f"{form_key}_v{existing.version}" if existing else f"{form_key}_{generation(form_key)}"
        with st.form(prefix):
            form_errors(form_key)
            values = activity_fields(kind, form_key, prefix, programme=programme, modules=modules, existing=existing)
            submitted = st.form_submit_button(_("Save the changes") if existing else _("Record"), type="primary")
        if submitted and existing:
            saved(form_key, _("The changes were saved."), lambda s: activities.activity_update(
                s, actor, activity_id=existing.id, expected_version=existing.version, today=date.today(), **values))
        elif submitted:
            saved(form_key, _("Recorded."), lambda s: activities.activity_record(
                s, actor, programme_id=programme.id, kind=kind, today=date.today(), **values))
        if existing:
            with st.popover(_("Delete this record"), icon=":material/delete:"):
                st.write(_("Only for a record entered by mistake: it leaves the figures. The audit log keeps it."))
                if st.button(_("Delete for good"), key=f"delete_{prefix}"):
                    saved(form_key, _("Deleted."), lambda s: activities.activity_delete(
                        s, actor, activity_id=existing.id, expected_version=existing.version))

with tabs[3]:
    with db_session() as session:
        referrals, referral_count = activities.referrals_list(session, actor, programme_id=programme.id)
        organisations = activities.organisations_for_referral(session, actor, programme_id=programme.id)
    referrals_table(referrals, referral_count)
    st.subheader(_("Register a referral received"))
    form_key = f"referral_new_{programme.id}"
    prefix = f"{form_key}_{generation(form_key)}"
    with st.form(prefix):
        form_errors(form_key)
        values = referral_fields(form_key, prefix, programme=programme, organisations=organisations)
        if st.form_submit_button(_("Register"), type="primary"):
            saved(form_key, _("The referral was registered."), lambda s: activities.referral_record(
                s, actor, programme_id=programme.id, today=date.today(), **values))

    open_ones = {r.id: r for r in referrals if not r.case_code}
    if open_ones:
        st.subheader(_("What became of a referral"))
        form_key = f"referral_outcome_{programme.id}"
        with st.form(f"{form_key}_{generation(form_key)}"):
            form_errors(form_key)
            chosen = st.selectbox(_("Referral"), list(open_ones), format_func=lambda i: " · ".join(
                [fmt_date(open_ones[i].referral_date), open_ones[i].organisation or "—",
                 label(REFERRAL_OUTCOMES, open_ones[i].outcome)]), key=f"{form_key}_{generation(form_key)}_which")
            outcome = st.selectbox(_("Outcome"), list(OUTCOMES_RECORDED_HERE),
                                   format_func=lambda c: label(REFERRAL_OUTCOMES, c),
                                   key=f"{form_key}_{generation(form_key)}_outcome")
            field_error(form_key, "outcome")
            if st.form_submit_button(_("Save the outcome")):
                saved(form_key, _("The outcome was saved."), lambda s: activities.referral_outcome_set(
                    s, actor, referral_id=chosen, outcome=outcome, expected_outcome=open_ones[chosen].outcome))
