"""The indicators as a PDF report: programme, period, date, then each chart and its table.

Built from the same disclosed report the page shows (small counts hidden for managers),
in the language the user asks for, and audited like every export.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import threading
from collections import OrderedDict
from datetime import date

import vl_convert
from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session

from care.access import Actor
from care.audit import audit_record
from care.i18n import _, fmt_date, use_language
from care.indicator_charts import chart_for
from care.indicators import Report, indicators_report, small_cells_rule
from care.pdf.base import BODY, CareDocument
from care.smallcells import Table, cell_text

CHART_WIDTH_PX = 430  # the plotting area; axis labels come on top
SCALE = 2  # render at twice the size, for print
MM_PER_PX = 25.4 / 96
FORMAT_LOCALES = {"en": "en-US", "fr": "fr-FR"}


def chart_png(table: Table, language: str) -> bytes | None:
    """The table's chart as a PNG image, or None if it has no chart.

    Drawing a chart (Vega in a JavaScript engine, then the PNG) costs 0.1-0.2 s and a report
    has about fifteen: the images of the last few hundred tables are kept, keyed by the table
    as disclosed (small counts hidden or not) and the language, so the same figures are never
    drawn twice and a chart can only be reused for the very figures it shows.
    """
    return _chart_png(hashlib.sha256(pickle.dumps((table, language))).hexdigest(), table, language)


_PNG_CACHE: OrderedDict[str, bytes | None] = OrderedDict()
_PNG_CACHE_SIZE = 300
_PNG_LOCK = threading.Lock()


def _chart_png(key: str, table: Table, language: str) -> bytes | None:
    with _PNG_LOCK:
        if key in _PNG_CACHE:
            _PNG_CACHE.move_to_end(key)
            return _PNG_CACHE[key]
    png = _draw_png(table, language)
    with _PNG_LOCK:
        _PNG_CACHE[key] = png
        while len(_PNG_CACHE) > _PNG_CACHE_SIZE:
            _PNG_CACHE.popitem(last=False)
    return png


def _draw_png(table: Table, language: str) -> bytes | None:
    chart = chart_for(table)
    if chart is None:
        return None
    spec = chart.properties(width=CHART_WIDTH_PX).to_json()
    return vl_convert.vegalite_to_png(spec, scale=SCALE, format_locale=FORMAT_LOCALES.get(language, "en-US"),
                                      allowed_base_urls=[])


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return width, height


def _image_size(doc: CareDocument, png: bytes) -> tuple[float, float]:
    """Width and height in mm: its natural size, shrunk to the text width and to a page."""
    width, height = _png_size(png)
    w = min(doc.epw, width / SCALE * MM_PER_PX)
    h = height * w / width
    room = doc.page_break_trigger - doc.t_margin - 20  # below the running header
    if h > room:
        w, h = w * room / h, room
    return w, h


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


def render(report: Report, *, language: str, prepared_by: str) -> bytes:
    """The report as PDF bytes (call inside the report's language)."""
    subtitle = (_("Exact figures for the programme team: small counts are not hidden. Do not pass on.")
                if report.exact else _("Aggregated figures: counts of fewer than 5 people are shown as <5."))
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
            png = chart_png(table, language)
            w, h = _image_size(doc, png) if png else (0, 0)
            if doc.get_y() + 10 + (h or 25) > doc.page_break_trigger:
                doc.add_page()  # keep the title with its chart (or its table's first lines)
            doc.heading(table.title, 11)
            if png:
                doc.image(io.BytesIO(png), x=doc.l_margin + (doc.epw - w) / 2, w=w, h=h)
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
        data = render(report, language=language, prepared_by=actor.name)
    audit_record(session, actor, "export.indicators_pdf", entity="programme", entity_id=programme_id, detail={
        "date_from": report.date_from, "date_to": report.date_to, "language": language,
        "small_counts_hidden": not report.exact})
    return data
