"""The referral and person fields, shared by the intake form and the case file's edit form.

Every widget has a key `<prefix>_<field>` so that what the user typed survives a refused
save, and its error is shown right under it (`field_error(form_key, field)`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

import streamlit as st

from care.countries import all_country_codes, country_name, is_eu_member, language_name
from care.identity import IdentityInput
from care.i18n import _
from care.persontext import PERSON_LANGUAGES
from care.intake import (
    CONTROL_METHODS, RECRUITMENT_METHODS, VULNERABILITIES, ConsentInput, Criterion, OrganisationChoice,
    PersonInput, ReferralDetails, language_codes,
)
from care.ui.dates import day_input
from care.ui.markdown import md_escape  # noqa: F401  (pages import it from here too)
from care.ui.messages import ERRORS_KEY, field_error
from care.vocab import (
    CONSENT_METHODS, EXPLOITATION_FORMS, IDENTIFIED_BY, LABOUR_SECTORS, ORGANISATION_TYPES, SEX, label,
)

OLDEST_BIRTH = date(1900, 1, 1)


def _sort_key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def by_name(codes, name=country_name) -> list[str]:
    return sorted(codes, key=lambda c: _sort_key(name(c)))


def return_country_options(programme_returns: tuple[str, ...], on: date | None
                           ) -> tuple[list[str], Callable[[str], str]]:
    """The programme's return countries first, then every other country marked as such."""
    listed = by_name(programme_returns)
    others = by_name(c for c in all_country_codes() if c not in programme_returns)

    def fmt(code: str) -> str:
        if code in programme_returns:
            return country_name(code)
        if on is not None and is_eu_member(code, on=on):
            return _("{country} (EU member state)").format(country=country_name(code))
        return _("{country} (not in the programme's list)").format(country=country_name(code))
    return listed + others, fmt


def criteria(items: list[Criterion] | tuple[Criterion, ...]) -> None:
    """Eligibility criteria, met or not, one per line, with a coloured mark."""
    for c in items:
        mark = ":green[:material/check_circle:]" if c.met else ":red[:material/cancel:]"
        st.markdown(f"{mark} {md_escape(c.text)}")


def _index(options: list, value) -> int | None:
    return options.index(value) if value in options else None


def referral_fields(form: str, prefix: str, current: ReferralDetails, organisations: list[OrganisationChoice], *,
                    with_date: bool, today: date) -> ReferralDetails:
    """Referring organisation (known, or typed to add it), who identified the person, and the date."""
    day = current.referral_date
    if with_date:
        day = day_input(_("Referral date"), current.referral_date, key=f"{prefix}_referral_date", form=form,
                        field="referral_date", today=today)
    names = {o.id: o.name for o in organisations}
    left, right = st.columns(2)
    with left:
        org = st.selectbox(
            _("Referring organisation"), list(names), index=_index(list(names), current.organisation_id),
            format_func=lambda i: names.get(i, str(i)), accept_new_options=True, key=f"{prefix}_organisation",
            placeholder=_("Choose, or type the name of a new one"),
            help=_("Not in the list? Type its name and choose its type on the right."))
        field_error(form, "organisation")
    with right:
        org_type = st.selectbox(_("Type, for a new organisation"), list(ORGANISATION_TYPES), index=None,
                                format_func=lambda c: label(ORGANISATION_TYPES, c), key=f"{prefix}_organisation_type")
        field_error(form, "organisation_type")
    identified_by = st.selectbox(_("Who identified the person"), list(IDENTIFIED_BY),
                                 index=_index(list(IDENTIFIED_BY), current.identified_by),
                                 format_func=lambda c: label(IDENTIFIED_BY, c), key=f"{prefix}_identified_by")
    field_error(form, "identified_by")
    known = org if isinstance(org, int) else None
    return ReferralDetails(referral_date=day, identified_by=identified_by or "", organisation_id=known,
                           new_organisation=org if isinstance(org, str) else "", new_organisation_type=org_type or "")


def person_fields(form: str, prefix: str, current: PersonInput | None, *, return_countries: tuple[str, ...],
                  referral_date: date | None, today: date, with_return_country: bool = True) -> PersonInput:
    """The person, without anything that names them."""
    c = current or PersonInput(sex="", nationality="", return_country="", return_region="")
    col1, col2, col3 = st.columns(3)
    with col1:
        sex = st.selectbox(_("Sex"), list(SEX), index=_index(list(SEX), c.sex),
                           format_func=lambda s: label(SEX, s), key=f"{prefix}_sex")
        field_error(form, "sex")
    with col2:
        birth = day_input(_("Date of birth"), c.birth_date, key=f"{prefix}_birth_date", form=form, field="birth_date",
                          today=today, earliest=OLDEST_BIRTH)
    with col3:
        age = st.number_input(_("Estimated age, if the date of birth is not known"), min_value=0, max_value=100,
                              value=c.estimated_age, step=1, key=f"{prefix}_estimated_age")
        field_error(form, "estimated_age")
    countries = by_name(all_country_codes())
    col1, col2 = st.columns(2)
    with col1:
        nationality = st.selectbox(_("Nationality"), countries, index=_index(countries, c.nationality),
                                   format_func=country_name, key=f"{prefix}_nationality")
        field_error(form, "nationality")
    with col2:
        languages = st.multiselect(_("Languages spoken"), by_name(language_codes(), language_name),
                                   default=list(c.languages), format_func=language_name, key=f"{prefix}_languages")
        field_error(form, "languages")
    col1, col2 = st.columns([2, 1])
    with col1:
        preferred = st.multiselect(
            _("Preferred languages, in order"), by_name(language_codes(), language_name),
            default=list(c.preferred_languages), format_func=language_name, key=f"{prefix}_preferred_languages",
            help=_("The language the person reads best first. Their documents are written in the first one that "
                   "has a translation: {languages}.").format(
                languages=", ".join(language_name(code) for code in PERSON_LANGUAGES)))
        field_error(form, "preferred_languages")
    with col2:
        interpreter_needed = st.checkbox(_("Needs an interpreter"), value=c.interpreter_needed,
                                         key=f"{prefix}_interpreter_needed")
    forms = st.multiselect(_("Forms of exploitation"), list(EXPLOITATION_FORMS), default=list(c.exploitation_forms),
                           format_func=lambda f: label(EXPLOITATION_FORMS, f), key=f"{prefix}_exploitation_forms")
    field_error(form, "exploitation_forms")
    sector = st.selectbox(_("Sector, for labour exploitation"), list(LABOUR_SECTORS),
                          index=_index(list(LABOUR_SECTORS), c.labour_sector),
                          format_func=lambda s: label(LABOUR_SECTORS, s), key=f"{prefix}_labour_sector")
    field_error(form, "labour_sector")
    with st.expander(_("How the person was recruited and controlled (optional)")):
        control = st.multiselect(_("Methods of control"), list(CONTROL_METHODS), default=list(c.control_methods),
                                 format_func=lambda m: label(CONTROL_METHODS, m), key=f"{prefix}_control_methods")
        field_error(form, "control_methods")
        recruitment = st.selectbox(_("Method of recruitment"), list(RECRUITMENT_METHODS),
                                   index=_index(list(RECRUITMENT_METHODS), c.recruitment_method),
                                   format_func=lambda m: label(RECRUITMENT_METHODS, m),
                                   key=f"{prefix}_recruitment_method")
        field_error(form, "recruitment_method")
        vulnerabilities = st.multiselect(_("Vulnerabilities"), list(VULNERABILITIES), default=list(c.vulnerabilities),
                                         format_func=lambda v: label(VULNERABILITIES, v),
                                         key=f"{prefix}_vulnerabilities")
        field_error(form, "vulnerabilities")
    return_country = c.return_country
    col1, col2 = st.columns(2)
    if with_return_country:
        with col1:
            options, fmt = return_country_options(return_countries, referral_date)
            return_country = st.selectbox(_("Return country"), options, index=_index(options, c.return_country),
                                          format_func=fmt, key=f"{prefix}_return_country")
            field_error(form, "return_country")
    with col2 if with_return_country else col1:
        region = st.text_input(_("Region or town of return"), value=c.return_region, max_chars=200,
                               key=f"{prefix}_return_region")
        field_error(form, "return_region")
    return PersonInput(sex=sex or "", nationality=nationality or "", return_country=return_country or "",
                       return_region=region, birth_date=birth, estimated_age=int(age) if age is not None else None,
                       languages=tuple(languages), preferred_languages=tuple(preferred),
                       interpreter_needed=bool(interpreter_needed), exploitation_forms=tuple(forms), labour_sector=sector,
                       control_methods=tuple(control), recruitment_method=recruitment,
                       vulnerabilities=tuple(vulnerabilities))


def identity_fields(form: str, prefix: str, current: IdentityInput | None = None) -> IdentityInput:
    """Names in any script, and contacts. Shown only to users allowed to see them."""
    c = current or IdentityInput()
    col1, col2 = st.columns(2)
    with col1:
        given = st.text_input(_("Given names"), value=c.given_names, max_chars=200, key=f"{prefix}_given_names")
        field_error(form, "given_names")
    with col2:
        family = st.text_input(_("Family names"), value=c.family_names, max_chars=200, key=f"{prefix}_family_names")
        field_error(form, "family_names")
    aliases = st.text_input(_("Aliases (other names, spellings or transliterations; separate them with ;)"),
                            value=c.aliases, max_chars=500, key=f"{prefix}_aliases")
    field_error(form, "aliases")
    phone = st.text_input(_("Phone"), value=c.phone, max_chars=40, key=f"{prefix}_phone",
                          help=_("With its country code; a number without one is read as a number of the return "
                                 "country."))
    field_error(form, "phone")
    col1, col2 = st.columns(2)
    with col1:
        contact = st.text_area(_("Address or contact in the return country"), value=c.contact_return, max_chars=500,
                               key=f"{prefix}_contact_return", height=80)
        field_error(form, "contact_return")
    with col2:
        emergency = st.text_area(_("Emergency contact"), value=c.emergency_contact, max_chars=500,
                                 key=f"{prefix}_emergency_contact", height=80)
        field_error(form, "emergency_contact")
    return IdentityInput(given_names=given, family_names=family, aliases=aliases, phone=phone,
                         contact_return=contact, emergency_contact=emergency)


def consent_fields(form: str, prefix: str, current: ConsentInput | None, *, today: date,
                   ask_processing: bool = True) -> ConsentInput:
    """The three consents; the first (data processing) with its date, how, language and interpreter."""
    c = current or ConsentInput(processing=None)
    processing = c.processing
    if ask_processing:
        answers = {True: _("Yes, the person consents"), False: _("No: record only that a referral arrived")}
        processing = st.radio(_("Consent to the processing of their data"), list(answers),
                              index=_index(list(answers), c.processing), format_func=answers.get, horizontal=True,
                              key=f"{prefix}_consent_processing")
        field_error(form, "consent_processing")
    col1, col2, col3 = st.columns(3)
    with col1:
        on = day_input(_("Date consent was obtained"), c.on, key=f"{prefix}_consent_on", form=form, field="consent_on",
                       today=today)
    with col2:
        method = st.selectbox(_("How consent was obtained"), list(CONSENT_METHODS),
                              index=_index(list(CONSENT_METHODS), c.method),
                              format_func=lambda m: label(CONSENT_METHODS, m), key=f"{prefix}_consent_method")
        field_error(form, "consent_method")
    with col3:
        languages = by_name(language_codes(), language_name)
        language = st.selectbox(_("Language used"), languages, index=_index(languages, c.language),
                                format_func=language_name, key=f"{prefix}_consent_language")
        field_error(form, "consent_language")
    interpreter = st.checkbox(_("With an interpreter"), value=c.interpreter, key=f"{prefix}_consent_interpreter")
    followup = st.checkbox(_("Consents to being contacted for follow-up"), value=c.followup,
                           key=f"{prefix}_consent_followup")
    sharing = st.checkbox(_("Consents to sharing their data with the partner organisation in the return country"),
                          value=c.sharing, key=f"{prefix}_consent_sharing")
    return ConsentInput(processing=processing, on=on, method=method or "", language=language or "",
                        interpreter=interpreter, followup=followup, sharing=sharing)


def not_saved_notice(form_key: str) -> None:
    """Next to a long form's submit button: the last save was refused, and why (the details are above)."""
    errors = st.session_state.get(ERRORS_KEY, {}).get(form_key, {})
    if len(errors) == 1 and "_form" in errors:
        st.error(errors["_form"], icon=":material/error:")
    elif errors:
        st.error(_("Not saved: check the fields marked above."), icon=":material/error:")
