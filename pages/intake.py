"""Intake: register a referral and, with the person's consent, open the case."""

from dataclasses import replace
from datetime import date

import streamlit as st

from care import intake
from care.countries import country_name
from care.errors import DomainError
from care.i18n import _, fmt_date
from care.ui.dates import day_input
from care.ui.auth import page_gate
from care.ui.casefile import form_key, form_reset
from care.ui.db import db_session
from care.ui.intake import (
    consent_fields, criteria, identity_fields, md_escape, not_saved_notice, person_fields, referral_fields,
    return_country_options,
)
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error, show_flash

DUPLICATES, OPENED = "intake_duplicates_found", "intake_opened"

actor = page_gate("intake")
st.title(_("Intake"))
show_flash()
if opened := st.session_state.get(OPENED):
    st.page_link("pages/case_file.py", label=_("Open the case file {code}").format(code=opened[1]),
                 icon=":material/folder_open:", query_params={"case": str(opened[0])})
today = date.today()
FORM = form_key("intake_")  # a new one after each save: the next referral starts from an empty form

with db_session() as session:
    programmes = intake.intake_programmes(session, actor)
if not programmes:
    st.info(_("You register referrals for the host countries of your programmes, and you have none."))
    st.stop()

st.subheader(_("Referral"))
by_id = {p.id: p for p in programmes}
col1, col2 = st.columns(2)
programme = by_id[col1.selectbox(_("Programme"), list(by_id), format_func=lambda i: by_id[i].code,
                                 key="intake_programme")]
col1.caption(md_escape(_("{name}: {start} to {end}").format(
    name=programme.name, start=fmt_date(programme.start_date), end=fmt_date(programme.end_date))))
host = col2.selectbox(_("Host country"), programme.host_countries, format_func=country_name, key="intake_host")
field_error(FORM, "host_country")
col1, col2 = st.columns(2)
with col1:
    referral_date = day_input(_("Referral date"), today, key=f"{FORM}_referral_date", form=FORM, field="referral_date",
                              today=today)
options, label_of = return_country_options(programme.return_countries, referral_date)
return_country = col2.selectbox(_("Return country"), options, index=None, format_func=label_of,
                                key=f"{FORM}_return_country", placeholder=_("Choose the country of return"))
field_error(FORM, "return_country")
if return_country and referral_date:
    with db_session() as session:
        criteria(intake.eligibility_preview(session, actor, programme_id=programme.id,
                                            return_country=return_country, referral_date=referral_date))
    st.caption(_("Consent to data processing, asked below, is the last criterion."))

with db_session() as session:
    organisations = intake.organisations_for(session, actor, country=host)

with st.form(FORM):
    form_errors(FORM)
    details = referral_fields(FORM, FORM, intake.ReferralDetails(referral_date, ""), organisations,
                              with_date=False, today=today)
    st.subheader(_("The person"))
    person = person_fields(FORM, FORM, None, return_countries=programme.return_countries,
                           referral_date=referral_date, today=today, with_return_country=False)
    st.subheader(_("Identity"))
    st.caption(_("Kept apart from the case and shown only to the users allowed to see it. Names in any script."))
    identity = identity_fields(FORM, FORM)
    st.subheader(_("Consent"))
    consent = consent_fields(FORM, FORM, None, today=today)
    seen, confirmed = st.session_state.get(DUPLICATES, []), False
    if seen:
        st.warning(_("A case with the same or a very similar name and birth date exists: the person may have "
                     "been referred before. Check it before saving."), icon=":material/content_copy:")
        for case_id, code in seen:
            st.page_link("pages/case_file.py", label=code, query_params={"case": str(case_id)},
                         icon=":material/folder_open:")
        confirmed = st.checkbox(_("I checked: save this referral as a new case"), key=f"{FORM}_duplicates_ok")
    not_saved_notice(FORM)
    submitted = st.form_submit_button(_("Register the referral"), type="primary")

if submitted:
    try:
        with db_session() as session:
            result = intake.referral_register(
                session, actor, programme_id=programme.id, host_country=host, details=details,
                person=replace(person, return_country=return_country or ""), identity=identity,
                consent=consent, today=today,
                duplicates_seen=frozenset(i for i, _code in seen) if confirmed else frozenset())
    except DomainError as err:
        remember_error(FORM, err)
        st.rerun()
    clear_errors(FORM)
    if result.outcome == "possible_duplicate":
        st.session_state[DUPLICATES] = [(d.case_id, d.code) for d in result.duplicates]
        st.rerun()
    form_reset("intake_")
    st.session_state.pop(DUPLICATES, None)
    if result.outcome == "no_consent":
        flash(_("The referral was recorded. Without consent to data processing nothing about the person "
                "was saved."))
    else:
        st.session_state[OPENED] = (result.case_id, result.code)
        flash(" ".join([_("Case {code} opened.").format(code=result.code)]
                       + ([_("The person is a minor: the minors' procedure applies.")] if result.is_minor else [])
                       + [_("It meets the eligibility criteria; a coordinator confirms it in the case file.")
                          if result.meets_criteria else
                          _("It does not meet every eligibility criterion: see the case file.")]))
    st.rerun()
