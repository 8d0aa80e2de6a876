"""Issue 25, point 5: charts size with their rows and write numbers the reader's way."""

from __future__ import annotations

from decimal import Decimal

from care.i18n import use_language
from care.indicator_charts import chart_for
from care.smallcells import Cell, Kind, Row, Table


def _table(rows: int, chart: str = "bar", kind: Kind = Kind.PEOPLE, columns: int = 1) -> Table:
    return Table(key="t", topic="t", title="T", label_heading="Row", headings=tuple(f"H{c}" for c in range(columns)),
                 rows=tuple(Row(key=str(i), label=f"Row {i}", cells=tuple(
                     Cell(Decimal("148740.32") if kind is Kind.MONEY else 20000 + i, kind=kind, n=40)
                     for _c in range(columns))) for i in range(rows)), chart=chart, currency="EUR")


def test_a_one_row_bar_chart_is_a_bar_not_a_hairline():
    spec = chart_for(_table(1)).to_dict()
    assert spec["height"] == {"step": 34}  # each row 34 px, however many rows


def test_budget_bars_are_thick_enough_and_their_labels_readable():
    spec = chart_for(_table(3, "money", Kind.MONEY, columns=3)).to_dict()
    assert spec["height"] == {"step": 22}
    text = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"][0]
    assert text["mark"]["fontSize"] >= 11


def test_french_charts_use_french_number_formats():
    with use_language("fr"):
        spec = chart_for(_table(2)).to_dict()
    assert spec["config"]["locale"]["number"]["thousands"] == "\u202f"
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    with use_language("en"):
        assert "locale" not in chart_for(_table(2)).to_dict().get("config", {})
