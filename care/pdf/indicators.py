"""The indicators as a PDF report: programme, period, date, then each chart and its table.

Built from the same disclosed report the page shows (small counts hidden for managers),
in the language the user asks for, and audited like every export.
"""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session

from care.access import Actor
from care.audit import audit_record
from care.i18n import _, fmt_date, use_language
from care.indicators import Report, indicators_report, small_cells_rule
from care.pdf.base import BODY, CareDocument
from care.pdf.charts import chart_height, chart_of, draw_chart
from care.smallcells import Table, cell_text


def _table(doc: CareDocument, report: Report, table: Table) -> None:
    if not table.rows:
        doc.paragraph(_("Nothing to count in this period."), size=9)
        return
    headings = [table.label_heading or " ", *table.headings]
    doc.set_font(BODY, "", 9)
    with FPDF.table(doc, col_widths=[2.6] + [1.2] * len(table.headings), line_height=5,
                    text_align=["LEFT"] + ["RIGHT"] * len(table.headings), borders_layout="HORIZONTAL_LINES",
                    headings_style=FontFace(emphasis="BOLD", fill_color=(235, 239, 243))) as grid:
        head = grid.row()
        for h in headings:
            head.cell(h)
        for row in table.rows:
            line = grid.row(style=FontFace(emphasis="BOLD") if row.total else None)
            line.cell(row.label)
            for cell in row.cells:
                line.cell(cell_text(cell, table.currency or report.currency))


def render(report: Report, *, prepared_by: str) -> bytes:
    """The report as PDF bytes (call inside the report's language)."""
    subtitle = (_("Exact figures for the programme team: small counts are not hidden. Do not pass on.")
                if report.exact else _("Aggregated figures: counts of fewer than 5 people are shown as <5; a figure hidden to "
                                "protect them, or computed over so few people, shows as “hidden”."))
    doc = CareDocument(_("Indicators: {programme}").format(programme=report.programme_code), subtitle)
    doc.heading(report.programme_name, 15)
    doc.fields([
        (_("Programme"), report.programme_name),
        (_("Period"), _("Cases referred from {start} to {end}").format(start=fmt_date(report.date_from),
                                                                       end=fmt_date(report.date_to))),
        (_("Report date"), fmt_date(report.as_of)),
        (_("Prepared by"), prepared_by),
        (_("Figures"), _("Exact") if report.exact else _("Small counts hidden")),
    ])
    doc.ln(2)
    doc.paragraph(small_cells_rule(), size=8)
    for title, tables in report.topics():
        doc.add_page()
        doc.heading(title, 15)
        for table in tables:
            chart = chart_of(doc, table)
            if doc.get_y() + 10 + (chart_height(doc, chart) or 25) > doc.page_break_trigger:
                doc.add_page()  # keep the title with its chart (or its table's first lines)
            doc.heading(table.title, 11)
            if chart:
                draw_chart(doc, chart)
                doc.ln(2)
            _table(doc, report, table)
            if table.note:
                doc.set_text_color(90)
                doc.paragraph(table.note, size=8)
                doc.set_text_color(0)
            doc.ln(3)
    return doc.output_bytes()


def indicators_pdf(session: Session, actor: Actor, *, programme_id: int, date_from: date | None,
                   date_to: date | None, today: date, language: str) -> bytes:
    """The indicators report as a PDF in `language`; the export is audited."""
    with use_language(language):
        report = indicators_report(session, actor, programme_id=programme_id, date_from=date_from,
                                   date_to=date_to, today=today)
        data = render(report, prepared_by=actor.name)
    audit_record(session, actor, "export.indicators_pdf", entity="programme", entity_id=programme_id, detail={
        "date_from": report.date_from, "date_to": report.date_to, "language": language,
        "small_counts_hidden": not report.exact})
    return data
