"""The case file's "Documents for the person": the language, then one button per document.

Each document is made only when its button is pressed, in the user's language of that
moment and as that user re-read from the database: every download is an audited export.
"""

from __future__ import annotations

import streamlit as st

from care import users
from care.access import Actor
from care.countries import language_name
from care.i18n import _, use_language
from care.persondocs import DOCUMENTS, person_documents_offer
from care.persontext import PERSON_LANGUAGES, person_catalog
from care.ui.db import db_session
from care.vocab import label
from care.ui.markdown import md_escape


def _language_label(code: str) -> str:
    return f"{language_name(code)} · {person_catalog(code).name()}"


def person_documents(actor: Actor, case_id: int, code: str) -> None:
    with db_session() as session:
        offer = person_documents_offer(session, actor, case_id)
    if not offer.may_print:
        st.info(offer.reason)
        return
    if offer.interpreter_needed:
        st.warning(_("The person needs an interpreter: read the documents with them through an interpreter."))
    languages = list(PERSON_LANGUAGES)
    if offer.language is None:
        st.caption(_("None of the person's preferred languages has a translation yet: choose the language "
                     "of the documents."))
    language = st.selectbox(_("Language of the documents"), languages, format_func=_language_label,
                            index=languages.index(offer.language) if offer.language else None,
                            key=f"person_docs_language_{case_id}")
    if language is None:
        return
    catalog = person_catalog(language)
    if not catalog.reviewed:
        st.caption(_("Translation not yet reviewed by a native speaker ({language}).").format(
            language=md_escape(catalog.name())) + " " + _("Translated by: {who}.").format(who=md_escape(catalog.translator)))
    for document in DOCUMENTS:
        if document == "plan" and not offer.has_plan:
            continue
        _button(actor.username, actor.language, case_id, code, document, language)


def _button(username: str, staff_language: str, case_id: int, code: str, document: str, language: str) -> None:
    def make() -> bytes:
        with use_language(staff_language), db_session() as session:
            actor = users.actor_load(session, username)  # locked since the page was drawn: refused
            from care.pdf.person import person_document_pdf  # fpdf2 and the fonts load only when a document is made

            return person_document_pdf(session, actor, case_id, document, language=language)

    st.download_button(label(DOCUMENTS, document), data=make, file_name=f"{code}-{document}-{language}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore",
                       key=f"person_doc_{document}_{case_id}")
