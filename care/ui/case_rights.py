"""The case file's coordinator panels: moving a case, and the person's rights (export, erasure).

Each change is asked for in a form, then confirmed in a second step that says what will
happen: a move changes who sees the case, and an erasure cannot be undone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from sqlmodel import Session

from care import casemove, subject_rights, users
from care.access import Actor
from care.casefile import CaseFile
from care.countries import country_name
from care.errors import DomainError
from care.i18n import _, use_language
from care.pdf.subject_access import subject_access_pdf
from care.ui.dates import day_input
from care.ui.casefile import case_forms_reset
from care.ui.db import db_session
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error

PENDING = "_pending_change"


Change = Callable[[Session, Actor], object]  # the domain call, made with the actor of the confirming click


def _ask(form: str, question: str, call: Change) -> None:
    """Hold a change until it is confirmed (see `confirm_pending`)."""
    clear_errors(form)
    st.session_state[PENDING] = (form, question, call)
    st.rerun()


def confirm_pending(actor: Actor, form: str, done: str, case_id: int) -> None:
    """The second step: the change in words, and the buttons that make or drop it."""
    pending = st.session_state.get(PENDING)
    if not pending or pending[0] != form:
        return
    _form, question, call = pending
    st.warning(_("Confirm this change:"), icon=":material/warning:")
    st.text(question)  # it holds typed text (a region, a name): never markdown
    yes, no = st.columns(2)
    if no.button(_("Cancel"), key=f"{form}_cancel"):
        st.session_state.pop(PENDING, None)
        st.rerun()
    if yes.button(_("Confirm"), key=f"{form}_confirm", type="primary"):
        st.session_state.pop(PENDING, None)
        try:
            with db_session() as session:
                call(session, actor)
        except DomainError as err:
            remember_error(form, err)
        else:
            clear_errors(form)
            case_forms_reset(case_id)
            flash(done)
        st.rerun()


def move_panel(actor: Actor, cf: CaseFile) -> None:
    """Give the case to another focal point, another return country or region, another programme."""
    with db_session() as session:
        opts = casemove.move_options(session, actor, cf.case_id)
    with st.expander(_("Move the case")):
        st.caption(_("Access follows at once: the focal points of the new country or programme see the case, "
                     "those of the old one no longer do. The reason is on the timeline and in the audit log: "
                     "do not name the person in it."))
        kinds = {"focal_point": _("To another focal point"), "return": _("To another return country or region"),
                 "programme": _("To another programme")}
        kind = st.radio(_("Move"), list(kinds), format_func=kinds.get, horizontal=True, key=f"move_kind_{cf.case_id}")
        form = f"move_{kind}_{cf.case_id}"
        with st.form(f"{form}_{opts.version}"):
            form_errors(form)
            if kind == "focal_point":
                fps = [None, *opts.focal_points]
                fp = st.selectbox(_("Focal point"), fps, key=f"{form}_fp",
                                  format_func=lambda i: opts.focal_points[i] if i else _("Choose"))
                field_error(form, "focal_point_id")
            elif kind == "return":
                countries = sorted(opts.return_countries, key=lambda c: country_name(c).casefold())
                country = st.selectbox(_("Return country"), countries, format_func=country_name, key=f"{form}_country",
                                       index=countries.index(opts.return_country)
                                       if opts.return_country in countries else 0)
                field_error(form, "return_country")
                region = st.text_input(_("Region or town of return"), value=opts.return_region, key=f"{form}_region")
                field_error(form, "return_region")
            else:
                pids = [None, *opts.programmes]
                pid = st.selectbox(_("Programme"), pids, key=f"{form}_programme",
                                   format_func=lambda i: opts.programmes[i] if i else _("Choose"))
                field_error(form, "programme_id")
            reason = st.text_area(_("Reason"), max_chars=2000, key=f"{form}_reason")
            field_error(form, "reason")
            if st.form_submit_button(_("Move the case")):
                common = {"case_id": cf.case_id, "reason": reason, "expected_version": opts.version}
                if kind == "focal_point":
                    _ask(form, _("Give case {code} to {name}?").format(code=cf.code, name=opts.focal_points.get(
                        fp, "—")), lambda s, a: casemove.case_reassign(s, a, focal_point_id=fp, **common))
                elif kind == "return":
                    _ask(form, _("Move case {code} to {country} ({region})? Open referrals to partners of another "
                                 "country are revoked.").format(code=cf.code, country=country_name(country),
                                                                region=region.strip() or "—"),
                         lambda s, a: casemove.case_move_return(s, a, return_country=country, return_region=region,
                                                             **common))
                else:
                    _ask(form, _("Move case {code} to the programme {programme}? The case code stays.").format(
                        code=cf.code, programme=opts.programmes.get(pid, "—")),
                         lambda s, a: casemove.case_move_programme(s, a, programme_id=pid or 0, **common))
        confirm_pending(actor, form, _("Case moved."), cf.case_id)


def rights_panel(actor: Actor, cf: CaseFile, *, today: date) -> None:
    """On the person's request: all their data (JSON, PDF), and erasure."""
    st.caption(_("On the person's request. Each download is recorded in the audit log, and the file holds their "
                 "name: give it to them only, by a safe channel."))

    def make(kind: str) -> Callable[[], bytes]:
        def build() -> bytes:
            with use_language(actor.language), db_session() as session:
                current = users.actor_load(session, actor.username)  # locked since the page was drawn: refused
                if kind == "pdf":
                    return subject_access_pdf(session, current, cf.case_id)
                return subject_rights.subject_access_json(session, current, cf.case_id)
        return build

    left, right = st.columns(2)
    left.download_button(_("All their data (JSON)"), data=make("json"), file_name=f"{cf.code}-personal-data.json",
                         mime="application/json", on_click="ignore", key=f"sar_json_{cf.case_id}",
                         icon=":material/data_object:")
    right.download_button(_("All their data (PDF)"), data=make("pdf"), file_name=f"{cf.code}-personal-data.pdf",
                          mime="application/pdf", on_click="ignore", key=f"sar_pdf_{cf.case_id}",
                          icon=":material/picture_as_pdf:")
    form = f"erase_{cf.case_id}"
    with st.form(f"{form}_{cf.version}"):
        st.subheader(_("Erase the person's data"))
        st.caption(_("Their identity and every note about them are removed now, as at the end of the retention "
                     "period; the figures stay. An open case is closed (“withdrew consent”) and its referrals to "
                     "partners are revoked. There is no way back."))
        form_errors(form)
        requested_on = day_input(_("Date of the request"), today, key=f"{form}_on", form=form, field="requested_on",
                                 today=today)
        reason = st.text_area(_("How the person asked, and what for"), max_chars=2000, key=f"{form}_reason")
        field_error(form, "reason")
        if st.form_submit_button(_("Erase…")):
            _ask(form, _("Erase the person's identity and notes from case {code}? This cannot be undone.").format(
                code=cf.code), lambda s, a: subject_rights.erasure_request(
                s, a, cf.case_id, requested_on=requested_on, reason=reason, expected_version=cf.version,
                today=today))
    confirm_pending(actor, form, _("The person's data was erased."), cf.case_id)
