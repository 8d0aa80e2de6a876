"""Case documents on screen: the list with its downloads, the upload form, and a receipt on a payment.

A download reads the file only when its button is pressed (a callable for `data`), so every
download is one audited `document_read` and drawing the page reads no file. Names and notes
come from users: shown with `st.text` and in dataframes, never as markdown.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import case_documents as docs
from care import users
from care.access import Actor
from care.config import settings
from care.errors import DomainError
from care.i18n import _, fmt_date, fmt_number, use_language
from care.ui.db import db_session
from care.ui.markdown import md_escape
from care.ui.messages import clear_errors, field_error, flash, form_errors, remember_error

UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png"]


def _generation(form_key: str) -> int:
    return st.session_state.get(f"_{form_key}_saved", 0)


def _size(n: int) -> str:
    return _("{n} KB").format(n=fmt_number(max(1, round(n / 1024))))


def _download(actor: Actor, row: docs.DocumentRow, *, key: str) -> None:
    """A download button that fetches (and audits) the file only when pressed."""
    username, language = actor.username, actor.language

    def fetch() -> bytes:
        with use_language(language), db_session() as session:
            current = users.actor_load(session, username)  # locked or changed since the page was drawn: refused
            try:
                return docs.document_read(session, current, row.id).data
            except DomainError:
                return b""

    st.download_button(_("Download"), data=fetch, file_name=row.file_name, mime=row.media_type,
                       on_click="ignore", key=key, icon=":material/download:")


def _documents_list(actor: Actor, rows: list[docs.DocumentRow], *, key: str) -> None:
    for row in rows:
        with st.container(border=True):
            left, right = st.columns([4, 1])
            with left:
                st.text(f"{row.kind_label} · {fmt_date(row.document_date)} · {row.file_name} · {_size(row.size)}")
                if row.attached_to:
                    st.text(row.attached_to)
                if row.note:
                    st.text(row.note)
                st.caption(_("Added by {name} on {day}").format(name=md_escape(row.uploaded_by),
                                                                day=fmt_date(row.uploaded_at, "short")))
            with right:
                _download(actor, row, key=f"{key}_dl_{row.id}")


def _save(form: str, call, success: str) -> None:
    try:
        with db_session() as session:
            call(session)
    except DomainError as err:
        remember_error(form, err)
    else:
        clear_errors(form)
        flash(success)
        st.session_state[f"_{form}_saved"] = _generation(form) + 1
    st.rerun()


def _file_field(gen: str):
    limit = settings().document_max_mb
    upload = st.file_uploader(_("File (PDF, JPEG or PNG, at most {n} MB)").format(n=limit), type=UPLOAD_TYPES,
                              key=f"{gen}_file", max_upload_size=limit)
    return (upload.getvalue(), upload.name) if upload is not None else (None, None)


def case_documents_panel(actor: Actor, case_id: int) -> None:
    """The case file's documents: what this user may see, and the form to add one."""
    with db_session() as session:
        rows = docs.documents_list(session, actor, case_id)
        kinds = docs.document_kinds_addable(session, actor, case_id)
        lines, paid = docs.document_attachments(session, actor, case_id)
    st.caption(_("Signed consent and plan, copies of documents, receipts: kept encrypted with the case. "
                 "Each download is recorded."))
    if rows:
        _documents_list(actor, rows, key=f"case_docs_{case_id}")
    else:
        st.caption(_("No document yet."))
    if not kinds:
        return
    form = f"case_document_{case_id}"
    gen = f"{form}_{_generation(form)}"
    with st.form(form):
        st.markdown("#### " + _("Add a document"))
        form_errors(form)
        data, name = _file_field(gen)
        field_error(form, "file")
        kind = st.selectbox(_("Kind of document"), kinds, index=None, key=f"{gen}_kind",
                            format_func=lambda k: _(docs.DOCUMENT_KINDS[k]))
        field_error(form, "kind")
        on = st.date_input(_("Date of the document"), value=None, max_value=date.today(), key=f"{gen}_date",
                           format="DD/MM/YYYY")
        field_error(form, "document_date")
        targets = {None: _("The case")} | {("line", i): _("Plan line: {what}").format(what=t) for i, t in lines.items()} \
            | {("payment", i): _("Payment: {what}").format(what=t) for i, t in paid.items()}
        target = st.selectbox(_("Attached to"), list(targets), format_func=targets.get, key=f"{gen}_target") \
            if len(targets) > 1 else None
        field_error(form, "plan_line")
        field_error(form, "payment")
        note = st.text_area(_("Note"), max_chars=2000, key=f"{gen}_note")
        field_error(form, "note")
        if st.form_submit_button(_("Add the document"), type="primary"):
            line_id = target[1] if target and target[0] == "line" else None
            payment_id = target[1] if target and target[0] == "payment" else None
            _save(form, lambda s: docs.document_add(
                s, actor, case_id=case_id, kind=kind or "", document_date=on, note=note, file_name=name, data=data,
                plan_line_id=line_id, payment_id=payment_id), _("Document added."))


def payment_receipts(actor: Actor, case_id: int) -> None:
    """On the plan's payments: the receipts kept, and a form to add the scan of one to a payment."""
    with db_session() as session:
        rows = [r for r in docs.documents_list(session, actor, case_id) if r.payment_id is not None]
        _lines, paid = docs.document_attachments(session, actor, case_id)
    if not paid and not rows:
        return
    st.markdown("#### " + _("Receipts"))
    if rows:
        _documents_list(actor, rows, key=f"receipts_{case_id}")
    if not paid:
        return
    form = f"payment_receipt_{case_id}"
    gen = f"{form}_{_generation(form)}"
    with st.expander(_("Add the receipt of a payment")), st.form(form):
        form_errors(form)
        payment_id = st.selectbox(_("Payment"), list(paid), format_func=paid.get, key=f"{gen}_payment")
        field_error(form, "payment")
        data, name = _file_field(gen)
        field_error(form, "file")
        on = st.date_input(_("Date of the receipt"), value=date.today(), max_value=date.today(), key=f"{gen}_date",
                           format="DD/MM/YYYY")
        field_error(form, "document_date")
        note = st.text_input(_("Note"), max_chars=200, key=f"{gen}_note")
        field_error(form, "note")
        if st.form_submit_button(_("Add the receipt"), type="primary"):
            _save(form, lambda s: docs.document_add(
                s, actor, case_id=case_id, kind="receipt", document_date=on, note=note, file_name=name, data=data,
                payment_id=payment_id), _("Receipt added."))
