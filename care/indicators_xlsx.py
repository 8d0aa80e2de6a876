"""The indicators as one Excel workbook: a cover sheet, then one sheet per table.

The figures are the disclosed report (`indicators.indicators_report`, through
`smallcells.disclose`), the same as the page, the PDF and the CSV: nothing is computed
again here, and a figure hidden for a manager is the text "<5" here too. Numbers are
numbers, money and shares carry their number formats, headings are in the language asked
for. Every export is audited.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from care import xlsx
from care.access import Actor
from care.audit import audit_record
from care.export import _heading
from care.i18n import _, use_language
from care.indicators import Report, indicators_report, small_cells_rule
from care.smallcells import HIDDEN, Cell, Kind, Table

FORMATS = {Kind.PEOPLE: "#,##0", Kind.NUMBER: "#,##0", Kind.MONEY: "#,##0.00", Kind.DAYS: "#,##0",
           Kind.SCORE: "0.00", Kind.INDEX: "0.00", Kind.SHARE: "0.0%"}


def cell_value(cell: Cell):
    """A figure as a spreadsheet value: "<5" where hidden, empty where there is none, else a number."""
    if cell.hidden:
        return HIDDEN
    if cell.value is None:
        return None
    if cell.kind in (Kind.PEOPLE, Kind.NUMBER, Kind.DAYS):
        return int(cell.value)
    return float(cell.value)


def _cover(wb, report: Report) -> None:
    ws = wb.create_sheet(xlsx.sheet_title(_("Report")))
    rows = [
        (_("Programme"), f"{report.programme_code}: {report.programme_name}"),
        (_("Period from"), report.date_from), (_("Period to"), report.date_to),
        (_("Report date"), report.as_of),
        (_("Figures"), _("Exact") if report.exact else _("Small counts hidden")),
        (_("Rule"), small_cells_rule()),
    ]
    xlsx.put(ws, 1, 1, _("Indicators")).font = xlsx.Font(bold=True, size=14)
    for r, (name, value) in enumerate(rows, 3):
        xlsx.put(ws, r, 1, name).font = xlsx.Font(bold=True)
        xlsx.wrap(xlsx.put(ws, r, 2, value))
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90


def _table(wb, number: int, table: Table, currency: str) -> None:
    ws = wb.create_sheet(xlsx.sheet_title(f"{number:02d} {table.title}"))
    xlsx.put(ws, 1, 1, table.title).font = xlsx.Font(bold=True, size=12)
    if table.note:
        xlsx.put(ws, 2, 1, table.note)
    headings = [table.label_heading or _("Figure"), *(_heading(table, c, currency) for c in range(len(table.headings)))]
    xlsx.heading_row(ws, 4, headings)
    widths = {c: len(h) for c, h in enumerate(headings, 1)}
    for r, row in enumerate(table.rows, 5):
        label = xlsx.put(ws, r, 1, row.label)
        if row.total:
            label.font = xlsx.Font(bold=True)
        widths[1] = max(widths[1], len(row.label))
        for c, cell in enumerate(row.cells, 2):
            xlsx.put(ws, r, c, cell_value(cell), None if cell.hidden else FORMATS.get(cell.kind))
    xlsx.fit_columns(ws, widths)


def render(report: Report) -> bytes:
    """The report as a workbook (call inside the report's language)."""
    wb = xlsx.new_workbook()
    _cover(wb, report)
    for number, table in enumerate(report.tables, 1):
        _table(wb, number, table, report.currency)
    return xlsx.workbook_bytes(wb)


def indicators_xlsx(session: Session, actor: Actor, *, programme_id: int, date_from: date | None,
                    date_to: date | None, today: date, language: str) -> bytes:
    """The indicators as one workbook, headings in `language`; the export is audited."""
    with use_language(language):
        report = indicators_report(session, actor, programme_id=programme_id, date_from=date_from,
                                   date_to=date_to, today=today)
        data = render(report)
    audit_record(session, actor, "export.indicators_xlsx", entity="programme", entity_id=programme_id, detail={
        "date_from": report.date_from, "date_to": report.date_to, "language": language,
        "small_counts_hidden": not report.exact})
    return data
