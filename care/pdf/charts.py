"""The indicator charts drawn straight into the PDF, as lines and rectangles (fpdf2).

The page draws these charts with altair (care.indicator_charts); turning those into images
for the PDF needed a JavaScript engine of about 115 MB and seconds per report. Drawn here
they are vector graphics: sharp in print, a few milliseconds each, and their words are text,
in the document's fonts, so a country's name prints in its own script.

Each chart takes its data as indicator_charts does: from the table as disclosed, where a
hidden figure draws no bar (its value is gone) and its text says "<5" or "hidden".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from babel import numbers as babel_numbers
from fpdf.enums import MethodReturnValue, XPos, YPos

from care.i18n import _, current_language
from care.indicator_charts import CHARTS, PALETTE
from care.pdf.base import BODY, CareDocument
from care.smallcells import Kind, Row, Table, cell_number, cell_text

FONT = 8  # points: labels and figures
LINE = 3.6  # mm: one line of a label
BAND = 7.0  # mm: one row of a bar chart
AXIS = 11.0  # mm: ticks, their figures and the axis title below the rows
GRID = 215  # light grey
MAX_LABEL_SHARE = 0.34  # of the text width: long labels wrap rather than squeeze the bars
SCORES_HEIGHT = 62.0
START_ROWS = 4  # a chart longer than a page starts where at least this many rows fit
GAP = 1.5  # mm between a label and the axis


@dataclass(frozen=True)
class Scale:
    """From a figure to mm across the plot."""
    top: float
    x: float
    width: float

    def at(self, value: float) -> float:
        return self.x + self.width * max(0.0, min(value, self.top)) / self.top if self.top else self.x


@dataclass(frozen=True)
class Band:
    """One row of a horizontal chart: its label, its height, and what to draw in it."""
    label: str
    height: float
    draw: Callable[[CareDocument, Scale, float, float], None]  # (doc, scale, top y, height)


# --- small helpers --------------------------------------------------------------------


def _body(table: Table) -> list[Row]:
    return [r for r in table.rows if not r.total]


def _nice_step(top: float, ticks: int = 5, whole: bool = False) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts [0, top] in about `ticks`."""
    raw = top / ticks if top > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(step, 1.0) if whole else step


def _ticks(top: float, whole: bool) -> tuple[float, list[float]]:
    step = _nice_step(top, whole=whole)
    end = math.ceil(top / step) * step if top > 0 else step
    return end, [i * step for i in range(round(end / step) + 1)]


def _tick_text(value: float, share: bool) -> str:
    if share:
        return babel_numbers.format_percent(value, locale=current_language())
    return babel_numbers.format_decimal(value, format="#,##0.##", locale=current_language())


def _text(doc: CareDocument, x: float, y: float, text: str, align: str = "L", size: float = FONT,
          bold: bool = False) -> None:
    """One line of text whose left (L), centre (C) or right (R) edge is at x, centred on y."""
    doc.set_font(BODY, "B" if bold else "", size)
    width = doc.get_string_width(text) + 1
    left = {"L": x, "C": x - width / 2, "R": x - width}[align]
    doc.set_xy(left, y - LINE / 2)
    doc.cell(width, LINE, text, align="C")


def _label_lines(doc: CareDocument, width: float, text: str) -> int:
    doc.set_font(BODY, "", FONT)
    return len(doc.multi_cell(width, LINE, text, dry_run=True, output=MethodReturnValue.LINES))


def _label_width(doc: CareDocument, labels: list[str]) -> float:
    doc.set_font(BODY, "", FONT)
    widest = max((doc.get_string_width(label) for label in labels), default=0)
    return min(widest + 2 * doc.c_margin + 2 + GAP, doc.epw * MAX_LABEL_SHARE)


def _value_width(doc: CareDocument, texts: list[str], size: float = FONT) -> float:
    doc.set_font(BODY, "", size)
    return max((doc.get_string_width(t) for t in texts), default=0) + 3


def _swatch(doc: CareDocument, x: float, y: float, colour: str, text: str, kind: str = "box") -> float:
    """A legend entry at (x, centre y); returns the x after it."""
    doc.set_fill_color(colour)
    doc.set_draw_color(colour)
    if kind == "box":
        doc.rect(x, y - 1.5, 3, 3, style="F")
    elif kind == "tick":
        doc.set_line_width(0.8)
        doc.line(x + 1.5, y - 2, x + 1.5, y + 2)
    elif kind == "dot":
        doc.circle(x + 1.5, y, 1.2, style="F")
    elif kind == "rule":
        doc.set_line_width(0.9)
        doc.line(x, y, x + 5, y)
    _text(doc, x + (6 if kind == "rule" else 4), y, text)
    doc.set_font(BODY, "", FONT)
    return x + (6 if kind == "rule" else 4) + doc.get_string_width(text) + 6


def _legend(doc: CareDocument, entries: list[tuple[str, str, str]]) -> None:
    """Coloured keys on one line (or more) under the chart's title."""
    x, y = doc.l_margin, doc.get_y() + 2.5
    for colour, text, kind in entries:
        doc.set_font(BODY, "", FONT)
        if x + doc.get_string_width(text) + 10 > doc.l_margin + doc.epw and x > doc.l_margin:
            x, y = doc.l_margin, y + 5
        x = _swatch(doc, x, y, colour, text, kind)
    doc.set_y(y + 3.5)


def _room(doc: CareDocument) -> float:
    """The height of a whole page below the running header."""
    return doc.page_break_trigger - doc.t_margin - 14


# --- horizontal charts ------------------------------------------------------------------


@dataclass(frozen=True)
class Bands:
    bands: list[Band]
    top: float  # the largest figure to fit (the axis' end at least)
    title: str  # under the axis
    whole: bool = False  # counts: whole numbers on the axis
    share: bool = False  # 0 to 100 %
    value_width: float = 0.0  # room on the right for the figure at a bar's end
    legend: tuple[tuple[str, str, str], ...] = ()


def _band_height(doc: CareDocument, width: float, label: str, least: float) -> float:
    return max(least, _label_lines(doc, width, label) * LINE + 2)


def _bands_height(doc: CareDocument, chart: Bands) -> float:
    legend = 6 if chart.legend else 0
    return legend + sum(b.height for b in chart.bands) + AXIS


def _draw_axis(doc: CareDocument, scale: Scale, ticks: list[float], top_y: float, bottom_y: float,
               chart: Bands) -> None:
    doc.set_draw_color(GRID)
    doc.set_line_width(0.15)
    for t in ticks:
        x = scale.at(t)
        doc.line(x, top_y, x, bottom_y)
    doc.set_draw_color(120)
    doc.set_line_width(0.25)
    doc.line(scale.x, top_y, scale.x, bottom_y)
    doc.line(scale.x, bottom_y, scale.x + scale.width, bottom_y)
    doc.set_text_color(80)
    for t in ticks:
        _text(doc, scale.at(t), bottom_y + 2.5, _tick_text(t, chart.share), align="C", size=7)
    _text(doc, scale.x + scale.width / 2, bottom_y + 7, chart.title, align="C", size=7.5, bold=True)
    doc.set_text_color(0)


def _draw_bands(doc: CareDocument, chart: Bands, label_width: float) -> None:
    """The rows from the current y, each label on the left; a new page (axis repeated) when
    the rows left do not fit on this one."""
    end, ticks = _ticks(chart.top, chart.whole) if not chart.share else (1.0, [0, 0.25, 0.5, 0.75, 1.0])
    plot_x = doc.l_margin + label_width
    scale = Scale(end, plot_x, doc.l_margin + doc.epw - chart.value_width - plot_x)
    bands = list(chart.bands)
    while bands:
        if chart.legend:  # on every page the chart runs to
            _legend(doc, list(chart.legend))
        top_y, y, page = doc.get_y(), doc.get_y(), []
        while bands and (not page or y + bands[0].height + AXIS <= doc.page_break_trigger):
            page.append(bands.pop(0))
            y += page[-1].height
        _draw_axis(doc, scale, ticks, top_y, y, chart)  # gridlines first, bars over them
        y = top_y
        for band in page:
            doc.set_font(BODY, "", FONT)
            lines = _label_lines(doc, label_width - GAP, band.label)
            doc.set_xy(doc.l_margin, y + (band.height - lines * LINE) / 2)
            doc.multi_cell(label_width - GAP, LINE, band.label, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            band.draw(doc, scale, y, band.height)
            y += band.height
        doc.set_xy(doc.l_margin, y + AXIS)
        if bands:
            doc.add_page()


def _bar(doc: CareDocument, scale: Scale, y: float, height: float, value: float | None, text: str,
         colour: str, size: float = FONT) -> None:
    """A bar from 0 to `value` with `text` at its end; no bar where the figure is hidden."""
    end = scale.x
    if value:
        end = scale.at(value)
        doc.set_fill_color(colour)
        doc.rect(scale.x, y, end - scale.x, height, style="F")
    doc.set_text_color(30)
    _text(doc, end + 0.8, y + height / 2, text, size=size)


def _bars(doc: CareDocument, table: Table, column: int, colour: str, share: bool = False) -> Bands:
    rows = _body(table)
    texts = [cell_text(r.cells[column], table.currency) for r in rows]
    label_width = _label_width(doc, [r.label for r in rows])

    def draw(value: float | None, text: str):
        return lambda d, s, y, h: _bar(d, s, y + h * 0.18, h * 0.64, value, text, colour)

    bands = [Band(r.label, _band_height(doc, label_width - GAP, r.label, BAND),
                  draw(cell_number(r.cells[column]), t)) for r, t in zip(rows, texts, strict=True)]
    top = max((cell_number(r.cells[column]) or 0 for r in rows), default=0)
    kinds = {r.cells[column].kind for r in table.rows}
    return Bands(bands, 1.0 if share else top, table.headings[column], whole=kinds <= {Kind.PEOPLE, Kind.NUMBER},
                 share=share, value_width=_value_width(doc, texts))


def bar_chart(doc: CareDocument, table: Table, column: int = 0) -> Bands:
    return _bars(doc, table, column, PALETTE[0])


def share_chart(doc: CareDocument, table: Table, column: int = 2) -> Bands:
    return _bars(doc, table, column, PALETTE[2], share=True)


def target_chart(doc: CareDocument, table: Table) -> Bands:
    """People assisted and minors, each against its target (a dark tick)."""
    rows = list(table.rows)
    label_width = _label_width(doc, [r.label for r in rows])
    texts = [cell_text(r.cells[0]) for r in rows]

    def draw(value: float | None, target: float | None, text: str):
        def paint(d: CareDocument, s: Scale, y: float, h: float) -> None:
            _bar(d, s, y + h * 0.18, h * 0.64, value, text, PALETTE[0])
            if target:
                d.set_draw_color(34)
                d.set_line_width(0.8)
                d.line(s.at(target), y + h * 0.08, s.at(target), y + h * 0.92)
        return paint

    bands = [Band(r.label, _band_height(doc, label_width - GAP, r.label, BAND),
                  draw(cell_number(r.cells[0]), cell_number(r.cells[1]), t)) for r, t in zip(rows, texts, strict=True)]
    top = max((cell_number(c) or 0 for r in rows for c in r.cells[:2]), default=0)
    return Bands(bands, top, _("People"), whole=True, value_width=_value_width(doc, texts),
                 legend=((PALETTE[0], table.headings[0], "box"), ("#222222", _("Target"), "tick")))


def durations_chart(doc: CareDocument, table: Table) -> Bands:
    """Each step's median (a dot) between its 25th and 75th percentiles (a line)."""
    rows = list(table.rows)
    label_width = _label_width(doc, [r.label for r in rows])

    def draw(median: float | None, low: float | None, high: float | None, text: str):
        def paint(d: CareDocument, s: Scale, y: float, h: float) -> None:
            middle = y + h * 0.62
            if low is not None and high is not None:
                d.set_draw_color(PALETTE[0])
                d.set_line_width(0.9)
                d.line(s.at(low), middle, s.at(high), middle)
            d.set_text_color(30)
            if median is None:  # hidden or nothing to measure: only its text, at 0
                _text(d, s.x + 0.8, middle, text)
                return
            d.set_fill_color(PALETTE[1])
            d.circle(s.at(median), middle, 1.3, style="F")
            _text(d, s.at(median), middle - 3.2, text, align="C")
        return paint

    bands = [Band(r.label, _band_height(doc, label_width - GAP, r.label, BAND + 3),
                  draw(cell_number(r.cells[1]), cell_number(r.cells[2]), cell_number(r.cells[3]),
                       cell_text(r.cells[1])))
             for r in rows]
    top = max((cell_number(c) or 0 for r in rows for c in r.cells[1:4]), default=0)
    return Bands(bands, top, _("Days"), whole=True, value_width=4,
                 legend=((PALETTE[1], _("Median"), "dot"),
                         (PALETTE[0], f"{table.headings[2]} – {table.headings[3]}", "rule")))


def money_chart(doc: CareDocument, table: Table) -> Bands:
    """Planned, approved and paid side by side for each row."""
    rows = _body(table)
    label_width = _label_width(doc, [r.label for r in rows])
    measures = len(table.headings)
    texts = [cell_text(c, table.currency) for r in rows for c in r.cells]
    per_bar = 3.6

    def draw(row: Row):
        def paint(d: CareDocument, s: Scale, y: float, h: float) -> None:
            first = y + (h - per_bar * measures) / 2
            for c, cell in enumerate(row.cells):
                _bar(d, s, first + c * per_bar + 0.3, per_bar - 0.6, cell_number(cell),
                     cell_text(cell, table.currency), PALETTE[c % len(PALETTE)], size=6.5)
        return paint

    bands = [Band(r.label, _band_height(doc, label_width - GAP, r.label, per_bar * measures + 2), draw(r))
             for r in rows]
    top = max((cell_number(c) or 0 for r in rows for c in r.cells), default=0)
    return Bands(bands, top, table.currency, value_width=_value_width(doc, texts, size=6.5),
                 legend=tuple((PALETTE[c % len(PALETTE)], h, "box") for c, h in enumerate(table.headings)))


# --- the scores over time ----------------------------------------------------------------


@dataclass(frozen=True)
class Lines:
    table: Table
    height: float = SCORES_HEIGHT


def scores_chart(doc: CareDocument, table: Table) -> Lines:
    return Lines(table)


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _draw_lines(doc: CareDocument, chart: Lines) -> None:
    """Average score (1 to 5) by dimension against the months since return; a hidden average
    is no point, and its line breaks there."""
    table = chart.table
    rows = _body(table)
    months = [int(r.key) for r in rows]
    _legend(doc, [(_colour(c - 1), table.headings[c], "box") for c in range(1, len(table.headings))])
    x0, top_y = doc.l_margin + 12, doc.get_y() + 2
    width, height = doc.epw - 16, chart.height - 8 - AXIS
    bottom_y = top_y + height
    last = max(months)
    step = _nice_step(last or 1, ticks=8, whole=True)
    end = math.ceil(last / step) * step or step
    x_of = lambda m: x0 + width * m / end  # noqa: E731
    y_of = lambda v: bottom_y - height * (v - 1) / 4  # noqa: E731
    doc.set_draw_color(GRID)
    doc.set_line_width(0.15)
    doc.set_text_color(80)
    for score in range(1, 6):
        doc.line(x0, y_of(score), x0 + width, y_of(score))
        _text(doc, x0 - 1.5, y_of(score), str(score), align="R", size=7)
    ticks = [i * step for i in range(round(end / step) + 1)]
    for m in ticks:
        doc.set_draw_color(GRID)
        doc.line(x_of(m), top_y, x_of(m), bottom_y)
        _text(doc, x_of(m), bottom_y + 2.5, _tick_text(m, False), align="C", size=7)
    doc.set_draw_color(120)
    doc.set_line_width(0.25)
    doc.line(x0, top_y, x0, bottom_y)
    doc.line(x0, bottom_y, x0 + width, bottom_y)
    _text(doc, x0 + width / 2, bottom_y + 7, _("Months after return"), align="C", size=7.5, bold=True)
    with doc.rotation(90, doc.l_margin + 2, top_y + height / 2):
        _text(doc, doc.l_margin + 2, top_y + height / 2, _("Average score"), align="C", size=7.5, bold=True)
    doc.set_text_color(0)
    for c in range(1, len(table.headings)):
        colour = _colour(c - 1)
        doc.set_draw_color(colour)
        doc.set_fill_color(colour)
        doc.set_line_width(0.6)
        points = [(x_of(m), y_of(v)) if (v := cell_number(r.cells[c])) is not None else None
                  for m, r in zip(months, rows, strict=True)]
        for a, b in zip(points, points[1:]):
            if a and b:
                doc.line(*a, *b)
        for p in points:
            if p:
                doc.circle(*p, 0.9, style="F")
    doc.set_xy(doc.l_margin, top_y + chart.height - 8)


# --- one entry point ---------------------------------------------------------------------


DRAW = {"bar": bar_chart, "target": target_chart, "share": share_chart, "durations": durations_chart,
        "scores": scores_chart, "money": money_chart}
assert DRAW.keys() == CHARTS.keys(), "the PDF draws every chart the page draws"


def chart_of(doc: CareDocument, table: Table) -> Bands | Lines | None:
    """The table's chart, laid out for this document, or None where the page shows none
    (no chart for the table, or only zeros to draw)."""
    build = DRAW.get(table.chart)
    cells = [c for r in _body(table) for c in r.cells]
    if build is None or not any(c.hidden or (c.value or 0) > 0 for c in cells):
        return None
    return build(doc, table)


def chart_height(doc: CareDocument, chart: Bands | Lines | None) -> float:
    """The room it needs to start where it is, in mm: all of it, or for a chart longer than a
    page, its first rows (the others go on the next page)."""
    if chart is None:
        return 0
    if isinstance(chart, Lines):
        return chart.height
    whole = _bands_height(doc, chart)
    if whole <= _room(doc):
        return whole
    return _bands_height(doc, replace(chart, bands=chart.bands[:START_ROWS]))


def draw_chart(doc: CareDocument, chart: Bands | Lines) -> None:
    """Draw at the current y, after a page break if it does not fit in what is left."""
    if doc.get_y() + chart_height(doc, chart) > doc.page_break_trigger:
        doc.add_page()
    auto, margin = doc.auto_page_break, doc.b_margin
    doc.set_auto_page_break(False, margin)  # the breaks are ours: none in the middle of a bar
    try:
        if isinstance(chart, Lines):
            _draw_lines(doc, chart)
        else:
            label_width = _label_width(doc, [b.label for b in chart.bands])
            _draw_bands(doc, chart, label_width)
    finally:
        doc.set_auto_page_break(auto, margin)
        doc.set_draw_color(0)
        doc.set_fill_color(255)
        doc.set_text_color(0)
        doc.set_line_width(0.2)
