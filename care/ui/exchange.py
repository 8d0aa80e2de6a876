"""Widgets of the data exchange page: the files, built only when their button is clicked."""

from __future__ import annotations

from datetime import date

import streamlit as st

from care import users
from care.anon_dataset import anonymised_export
from care.bulk_import import ImportResult, cases_import
from care.htcds_export import deidentified_extract, htcds_export
from care.i18n import _, fmt_number, use_language
from care.indicators_xlsx import indicators_xlsx
from care.ui.db import db_session
from care.ui.markdown import md_escape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as(username: str, build):
    """Run `build(session, actor)` for the user read again now (a user locked since gets nothing)."""
    with db_session() as session:
        actor = users.actor_load(session, username)
        with use_language(actor.language):
            return build(session, actor)


def htcds_file(username: str, programme_id: int, fmt: str, include_identity: bool) -> bytes:
    return _as(username, lambda s, a: htcds_export(s, a, programme_id=programme_id, fmt=fmt,
                                                   include_identity=include_identity, today=date.today()).data)


def extract_file(username: str, programme_id: int) -> bytes:
    return _as(username, lambda s, a: deidentified_extract(s, a, programme_id=programme_id, today=date.today()).data)


def anonymised_file(username: str, programme_id: int, k: int, fmt: str) -> bytes:
    return _as(username, lambda s, a: anonymised_export(s, a, programme_id=programme_id, k=k, fmt=fmt,
                                                        today=date.today())[0])


def indicators_workbook(username: str, programme_id: int, date_from: date, date_to: date) -> bytes:
    """The indicators workbook in the user's language (audited by `indicators_xlsx`)."""
    return _as(username, lambda s, a: indicators_xlsx(s, a, programme_id=programme_id, date_from=date_from,
                                                      date_to=date_to, today=date.today(), language=a.language))


def run_import(username: str, programme_id: int, data: bytes, file_name: str, dry_run: bool) -> ImportResult:
    """One transaction: committed only when the import wrote every case (`db_session` rolls back on error)."""
    return _as(username, lambda s, a: cases_import(s, a, data=data, file_name=file_name, today=date.today(),
                                                   programme_id=programme_id, dry_run=dry_run))


def show_import(result: ImportResult) -> None:
    if result.errors:
        st.error(_("{n} error(s): nothing was imported. Correct the file and check it again.").format(
            n=len(result.errors)), icon=":material/error:")
        st.dataframe([{_("Row"): e.row or "", _("Column"): e.column, _("Problem"): e.message} for e in result.errors],
                     hide_index=True, use_container_width=True)
    elif result.dry_run:
        st.success(_("{n} row(s) checked, no error. You can import the file.").format(n=fmt_number(result.rows)),
                   icon=":material/check:")
    else:
        st.success(_("{n} case(s) imported.").format(n=len(result.created)), icon=":material/check:")
    for row, code, similar in result.possible_duplicates:
        st.warning(_("Row {row} ({code}) may be the same person as {others}: check before going on.").format(
            row=fmt_number(row), code=md_escape(str(code)), others=md_escape(", ".join(similar))), icon=":material/warning:")
