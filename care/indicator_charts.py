"""The charts of the indicators, drawn from tables already disclosed (care.smallcells).

A chart only ever sees what its reader may see: a hidden figure draws no bar, and its
label says "<5" (or "hidden"). The page shows these charts with altair; the PDF draws the same kinds,
from the same tables, with fpdf2 (care.pdf.charts): keep the two in step.
"""

from __future__ import annotations

import altair as alt

from care.i18n import _, current_language
from care.smallcells import Kind, Row, Table, cell_number, cell_text

PALETTE = ["#1f5f8b", "#e0892b", "#4c9f70", "#b04a5a"]
LABELS = alt.Axis(labelLimit=260)  # row names in full ("Immediate assistance", not "Immediate assist…")


def _body(table: Table) -> list[Row]:
    return [r for r in table.rows if not r.total]


def _order(values: list[dict]) -> list[str]:
    """The rows in table order (Vega would otherwise reorder rows whose figure is hidden)."""
    return list(dict.fromkeys(v["label"] for v in values))


ROW = 34  # px per row: a bar as thick as a line of text, room for its label
OFFSET_ROW = 22  # px per bar of a row that has several (planned, approved, paid)


def _height(rows: int) -> alt.Step:
    """A fixed step per row, so the chart grows with its rows: one row is a bar, not a hairline, and
    every row's label has room (Vega drops labels that would overlap)."""
    return alt.Step(ROW)


# Vega's number format locale, per language: French writes "20 000" and "148 740,32", not "20,000".
NUMBER_LOCALES = {
    "fr": alt.NumberLocale(decimal=",", thousands="\u202f", grouping=[3], currency=["", "\u00a0€"]),
}


def localised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the number formats of the reader's language (axes and labels alike)."""
    number = NUMBER_LOCALES.get(current_language())
    return chart.configure(locale=alt.Locale(number=number)) if number is not None else chart


def _axis(table: Table, column: int) -> alt.Axis:
    """Whole numbers on the axis of a count (no "0.5 people")."""
    kinds = {r.cells[column].kind for r in table.rows}
    if kinds <= {Kind.PEOPLE, Kind.NUMBER}:
        return alt.Axis(format="d", tickMinStep=1)
    return alt.Axis()


def bar_chart(table: Table, column: int = 0) -> alt.Chart | None:
    """One horizontal bar per row, with its figure (or "<5", "hidden") written beside it."""
    values = [{"label": r.label, "value": cell_number(r.cells[column]),
               "text": cell_text(r.cells[column], table.currency), "at": cell_number(r.cells[column]) or 0}
              for r in _body(table)]
    if not values:
        return None
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("label:N", sort=_order(values), title=None, axis=LABELS))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X("value:Q", title=table.headings[column], axis=_axis(table, column)), tooltip=[alt.Tooltip("label:N", title=table.label_heading
                                                                               or " "),
                                                                   alt.Tooltip("text:N", title=table.headings[column])])
    labels = base.mark_text(align="left", dx=4).encode(x="at:Q", text="text:N")
    return (bars + labels).properties(height=_height(len(values)))


def target_chart(table: Table) -> alt.Chart | None:
    """People assisted and minors, each against its target (a dark tick)."""
    values = [{"label": r.label, "value": cell_number(r.cells[0]), "target": cell_number(r.cells[1]),
               "text": cell_text(r.cells[0]), "at": cell_number(r.cells[0]) or 0} for r in table.rows]
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("label:N", sort=_order(values), title=None, axis=LABELS))
    bars = base.mark_bar(color=PALETTE[0]).encode(
        x=alt.X("value:Q", title=_("People"), axis=alt.Axis(format="d", tickMinStep=1)))
    ticks = base.mark_tick(color="#222", thickness=3, size=30).encode(
        x="target:Q", tooltip=[alt.Tooltip("target:Q", title=_("Target"))])
    labels = base.mark_text(align="left", dx=4).encode(x="at:Q", text="text:N")
    return (bars + ticks + labels).properties(height=_height(len(values)))


def share_chart(table: Table, column: int = 2) -> alt.Chart | None:
    """The share done of each follow-up round, from 0 to 100 %."""
    values = [{"label": r.label, "value": cell_number(r.cells[column]), "text": cell_text(r.cells[column]),
               "at": cell_number(r.cells[column]) or 0} for r in _body(table)]
    if not values:
        return None
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("label:N", sort=_order(values), title=None, axis=LABELS))
    bars = base.mark_bar(color=PALETTE[2]).encode(
        x=alt.X("value:Q", title=table.headings[column], scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")))
    labels = base.mark_text(align="left", dx=4).encode(x="at:Q", text="text:N")
    return (bars + labels).properties(height=_height(len(values)))


def durations_chart(table: Table) -> alt.Chart | None:
    """Each step's median (a dot) between its 25th and 75th percentiles (a line)."""
    values = [{"label": r.label, "median": cell_number(r.cells[1]), "low": cell_number(r.cells[2]),
               "high": cell_number(r.cells[3]), "text": cell_text(r.cells[1])} for r in table.rows]
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("label:N", sort=_order(values), title=None, axis=LABELS))
    spread = base.mark_rule(strokeWidth=3, color=PALETTE[0]).encode(
        x=alt.X("low:Q", title=_("Days")), x2="high:Q")
    median = base.mark_point(filled=True, size=120, color=PALETTE[1]).encode(
        x="median:Q", tooltip=[alt.Tooltip("text:N", title=_("Median"))])
    labels = base.mark_text(dy=-12).encode(x="median:Q", text="text:N")
    return (spread + median + labels).properties(height=_height(len(values)))


def scores_chart(table: Table) -> alt.Chart | None:
    """Average score by dimension against the months since return."""
    values = []
    for r in _body(table):
        for c in range(1, len(r.cells)):
            values.append({"months": int(r.key), "dimension": table.headings[c], "score": cell_number(r.cells[c]),
                           "text": cell_text(r.cells[c])})
    if not values:
        return None
    return alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=alt.X("months:Q", title=_("Months after return"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("score:Q", title=_("Average score"), scale=alt.Scale(domain=[1, 5])),
        color=alt.Color("dimension:N", title=None, sort=list(table.headings[1:]),
                        scale=alt.Scale(range=PALETTE)),
        tooltip=[alt.Tooltip("dimension:N", title=" "), alt.Tooltip("text:N", title=_("Average score"))],
    ).properties(height=220)


def money_chart(table: Table) -> alt.Chart | None:
    """Planned, approved and paid side by side for each row."""
    values = []
    for r in _body(table):
        for c, heading in enumerate(table.headings):
            values.append({"label": r.label, "measure": heading, "value": cell_number(r.cells[c]),
                           "text": cell_text(r.cells[c], table.currency), "at": cell_number(r.cells[c]) or 0})
    if not values:
        return None
    order = list(table.headings)
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("label:N", sort=_order(values), title=None, axis=LABELS), yOffset=alt.YOffset("measure:N", sort=order))
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=table.currency),
        color=alt.Color("measure:N", title=None, sort=order, scale=alt.Scale(range=PALETTE)),
        tooltip=[alt.Tooltip("label:N", title=table.label_heading), alt.Tooltip("measure:N", title=" "),
                 alt.Tooltip("text:N", title=table.currency)])
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="at:Q", text="text:N")
    return (bars + labels).properties(height=alt.Step(OFFSET_ROW))


CHARTS = {"bar": bar_chart, "target": target_chart, "share": share_chart, "durations": durations_chart,
          "scores": scores_chart, "money": money_chart}


def chart_for(table: Table) -> alt.Chart | None:
    """The chart that draws this table, or None if it has none, or nothing to draw (only zeros)."""
    draw = CHARTS.get(table.chart)
    cells = [c for r in _body(table) for c in r.cells]
    if draw is None or not any(c.hidden or (c.value or 0) > 0 for c in cells):
        return None
    chart = draw(table)
    return None if chart is None else localised(chart)
