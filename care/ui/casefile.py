"""Showing a case file, and the edit forms that must not lose what the user typed.

User text (names, notes, the region) is shown with `st.text` or in dataframes, never as
markdown or HTML.
"""

from __future__ import annotations

import zlib
from datetime import date

import streamlit as st

from care import intake, users
from care.access import Actor
from care.casefile import CaseFile
from care.countries import country_name
from care.i18n import _, fmt_date, use_language
from care.identity import identity_edit, identity_read
from care.pdf.case_summary import case_summary_pdf
from care.sections import Section
from care.ui.db import db_session
from care.ui.intake import consent_fields, identity_fields, person_fields, referral_fields
from care.ui.messages import ERRORS_KEY, clear_errors, form_errors
from care.ui.form import Form, forget
from care.ui.opened import opened_version
from care.ui.phone import responsive_table



def form_key(name: str) -> str:
    """The key of a form and the prefix of its widgets' keys: `<name><generation>`.

    A widget keeps what the user typed for as long as its key lives, which is what a
    refused save needs. After a successful save `form_reset` moves to the next generation,
    so every widget of the form starts again from the saved data.
    """
    return f"{name}{Form(name).round}"


def form_reset(name: str) -> None:
    forget(name)


def show_rows(rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        left, right = st.columns([1, 3])
        left.caption(label)
        right.text(value or "—")


def show_section(section: Section) -> None:
    st.subheader(section.title)
    show_rows(section.rows)
    for n, table in enumerate(section.tables):
        responsive_table([dict(zip(table.headings, row)) for row in table.rows],
                         f"section_{zlib.crc32(section.title.encode())}_{n}")
    for line in section.history:
        st.text(line)


def show_timeline(cf: CaseFile) -> None:
    if not cf.timeline:
        st.caption(_("No change recorded yet."))
        return
    responsive_table(
        [{_("When"): fmt_date(e.at, "short"), _("Who"): e.who, _("What"): e.what, _("Detail"): e.detail}
         for e in cf.timeline], "timeline")


def pdf_download(actor_username: str, language: str, cf: CaseFile) -> None:
    """The case summary PDF, made only when the button is pressed (it is an audited export)."""
    def make() -> bytes:
        with use_language(language), db_session() as session:
            actor = users.actor_load(session, actor_username)  # locked since the page was drawn: refused
            return case_summary_pdf(session, actor, cf.case_id)

    st.download_button(_("Case summary (PDF)"), data=make, file_name=f"{cf.code}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", on_click="ignore", key=f"pdf_{cf.case_id}")


IDENTITY_OPEN = "identity_open_case"


def case_forms_reset(case_id: int) -> None:
    """After a save, every form of the case starts again from the saved data and its new version."""
    for name in ("identity", "case_edit", "eligibility", "close"):
        form_reset(f"{name}_{case_id}_")


def stale_reload(form: str, case_id: int) -> None:
    """After a save refused because someone else saved first: a way to start again from their data."""
    errors = st.session_state.get(ERRORS_KEY, {}).get(form, {})
    if "_form" in errors and st.button(_("Discard my changes and load the saved data"), key=f"{form}_reload",
                                       icon=":material/refresh:"):
        clear_errors(form)
        case_forms_reset(case_id)
        st.rerun()


def identity_panel(actor: Actor, cf: CaseFile) -> None:
    """Names and contacts behind a button: each showing is an audited read."""
    if not cf.may_see_identity:
        st.info(cf.identity_hidden)
        return
    if st.session_state.get(IDENTITY_OPEN) != cf.case_id:
        st.caption(_("Opening the identity is recorded in the audit log."))
        if st.button(_("Show identity"), icon=":material/visibility:", key=f"show_identity_{cf.case_id}"):
            st.session_state[IDENTITY_OPEN] = cf.case_id
            st.rerun()
        return
    if st.button(_("Hide identity"), icon=":material/visibility_off:", key=f"hide_identity_{cf.case_id}"):
        st.session_state.pop(IDENTITY_OPEN, None)
        form_reset(f"identity_{cf.case_id}_")
        st.rerun()
    with db_session() as session:
        person = identity_read(session, actor, cf.case_id)
    form = form_key(f"identity_{cf.case_id}_")
    version = opened_version(form, person.version)
    stale_reload(form, cf.case_id)
    with st.form(form):
        form_errors(form)
        data = identity_fields(form, form, person)
        if st.form_submit_button(_("Save the identity"), disabled=not cf.is_open):
            Form(form).submit(lambda s: identity_edit(s, actor, cf.case_id, data, expected_version=version),
                              _("Identity saved."), then=lambda _r: form_reset(f"identity_{cf.case_id}_"))


def case_edit_form(actor: Actor, cf: CaseFile, *, today: date) -> None:
    """Correct the referral and person data; programme and host country stay (they make the code)."""
    if not cf.is_open:
        st.caption(_("This case is closed: its data can no longer be changed."))
        return
    form = form_key(f"case_edit_{cf.case_id}_")
    with db_session() as session:
        current = intake.case_form(session, actor, cf.case_id)
        organisations = intake.organisations_for(session, actor, country=current.host_country)
    version = opened_version(form, current.version)
    stale_reload(form, cf.case_id)
    with st.form(form):
        form_errors(form)
        st.caption(_("Programme {programme}, host country {host}: these make the case code and cannot change.")
                   .format(programme=current.programme_code, host=country_name(current.host_country)))
        details = referral_fields(form, form, current.details, organisations, with_date=True, today=today)
        person = person_fields(form, form, current.person, return_countries=current.return_countries,
                               referral_date=current.details.referral_date, today=today)
        consent = consent_fields(form, form, current.consent, today=today, ask_processing=False)
        if st.form_submit_button(_("Save the corrections")):
            Form(form).submit(lambda s: intake.case_edit(s, actor, cf.case_id, details=details, person=person,
                                                         consent=consent, today=today, expected_version=version),
                              _("Corrections saved."), then=lambda _r: case_forms_reset(cf.case_id))
