"""The indicators' tables as CSV files, one per table, in one zip.

The same disclosed report as the page and the PDF (small counts hidden for managers),
with a stable code column for machine use and plain numbers (dot decimals, money with
two decimals, shares in per cent). Every export is audited.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from sqlmodel import Session

from care.access import Actor
from care.audit import audit_record
from care.i18n import _, use_language
from care.indicators import Report, indicators_report, small_cells_rule
from care.smallcells import Kind, Table, cell_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """A text a spreadsheet will not run as a formula (names typed by users reach these files)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([[_safe(str(v)) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def _heading(table: Table, column: int, currency: str) -> str:
    kinds = {c.kind for row in table.rows for c in row.cells[column:column + 1]}
    if Kind.MONEY in kinds:
        return f"{table.headings[column]} ({table.currency or currency})"
    if Kind.SHARE in kinds:
        return f"{table.headings[column]} (%)"
    return table.headings[column]


def table_csv(table: Table, currency: str) -> bytes:
    header = [_("Code"), table.label_heading or _("Figure"),
              *(_heading(table, c, currency) for c in range(len(table.headings)))]
    return _csv([header, *([row.key, row.label, *(cell_csv(c) for c in row.cells)] for row in table.rows)])


def render(report: Report) -> bytes:
    """The report as a zip of CSV files (call inside the report's language)."""
    about = [
        [_("Programme"), report.programme_name],
        [_("Period from"), report.date_from.isoformat()],
        [_("Period to"), report.date_to.isoformat()],
        [_("Report date"), report.as_of.isoformat()],
        [_("Figures"), _("Exact") if report.exact else _("Small counts hidden")],
        [_("Rule"), small_cells_rule()],
        # each table's note, by its file: what a figure means, and which weights produced a score
        *([f"{number:02d}_{table.key}", table.note]
          for number, table in enumerate(report.tables, start=1) if table.note),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("00_report.csv", _csv(about))
        for number, table in enumerate(report.tables, start=1):
            archive.writestr(f"{number:02d}_{table.key}.csv", table_csv(table, report.currency))
    return buf.getvalue()


def indicators_csv(session: Session, actor: Actor, *, programme_id: int, date_from: date | None,
                   date_to: date | None, today: date, language: str) -> bytes:
    """The indicators' tables as a zip of CSV files, headings in `language`; the export is audited."""
    with use_language(language):
        report = indicators_report(session, actor, programme_id=programme_id, date_from=date_from,
                                   date_to=date_to, today=today)
        data = render(report)
    audit_record(session, actor, "export.indicators_csv", entity="programme", entity_id=programme_id, detail={
        "date_from": report.date_from, "date_to": report.date_to, "language": language,
        "small_counts_hidden": not report.exact})
    return data
