"""The indicator charts drawn into the PDF (care.pdf.charts): every kind, what is hidden,
where a chart goes when the page is nearly full, and names in other scripts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from care.i18n import use_language
from care.indicator_charts import CHARTS
from care.pdf.base import CareDocument
from care.pdf.charts import chart_height, chart_of, draw_chart
from care.smallcells import Cell, Kind, Row, Table, cell_text, disclose, number, people

FILLED_RECT = re.compile(rb"[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re f\b")


def _table(chart: str, rows: list[tuple[str, tuple[Cell, ...]]], headings: tuple[str, ...], **kw) -> Table:
    return Table(f"t_{chart}", "topic", f"Title {chart}", "Label", headings,
                 tuple(Row(str(i + 1) if chart == "scores" else f"k{i}", label, cells)
                       for i, (label, cells) in enumerate(rows)), chart=chart, **kw)


def _money(value: str, n: int = 9) -> Cell:
    return Cell(Decimal(value), Kind.MONEY, n)


TABLES = {
    "bar": _table("bar", [("Albania", (people(40),)), ("Moldova", (people(12),)), ("Nepal", (people(0),))],
                  ("People",)),
    "target": _table("target", [("People assisted", (people(30), number(50), Cell(0.6, Kind.SHARE, 30))),
                                ("of whom minors", (people(8), number(10), Cell(0.8, Kind.SHARE, 8)))],
                     ("People assisted", "Target", "Share of the target")),
    "share": _table("share", [("Month 1 after return", (people(20), people(18), Cell(0.9, Kind.SHARE, 20))),
                              ("Month 3 after return", (people(10), people(7), Cell(0.7, Kind.SHARE, 10)))],
                    ("Due", "Done", "Share done")),
    "durations": _table("durations", [("From referral to departure",
                                       (people(30), Cell(69, Kind.DAYS, 30), Cell(51, Kind.DAYS, 30),
                                        Cell(82, Kind.DAYS, 30))),
                                      ("From arrival to the first follow-up",
                                       (people(20), Cell(32, Kind.DAYS, 20), Cell(29, Kind.DAYS, 20),
                                        Cell(35, Kind.DAYS, 20)))],
                        ("People", "Median", "25th percentile", "75th percentile")),
    "scores": _table("scores", [("Month 1 after return", (people(20), Cell(2.5, Kind.SCORE, 20),
                                                          Cell(3.1, Kind.SCORE, 20))),
                                ("Month 6 after return", (people(15), Cell(4.2, Kind.SCORE, 15),
                                                          Cell(3.9, Kind.SCORE, 15)))],
                     ("People scored", "Economic", "Social")),
    "money": _table("money", [("Economic", (_money("1500.50"), _money("1200"), _money("900.25"))),
                              ("Social", (_money("800"), _money("800"), _money("0")))],
                    ("Planned", "Approved", "Paid"), currency="EUR"),
}


def _draw(*tables: Table, y: float | None = None, language: str = "en") -> tuple[bytes, CareDocument]:
    with use_language(language):
        doc = CareDocument("Charts", "test")
        if y is not None:
            doc.set_y(y)
        for table in tables:
            chart = chart_of(doc, table)
            assert chart is not None, table.chart
            draw_chart(doc, chart)
        return doc.output_bytes(), doc


def _pages(data: bytes) -> list[tuple[str, bytes]]:
    return [(p.extract_text(), p.get_contents().get_data()) for p in PdfReader(io.BytesIO(data)).pages]


def test_every_chart_kind_of_the_page_is_drawn_in_the_pdf():
    assert TABLES.keys() == CHARTS.keys()


@pytest.mark.parametrize("kind", list(TABLES))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_chart_draws_its_labels_figures_and_marks(kind, language):
    data, _doc = _draw(TABLES[kind], language=language)
    assert not any(PdfReader(io.BytesIO(data)).pages[0].images), "vector, no image"
    text, content = _pages(data)[0]
    table = TABLES[kind]
    if kind == "scores":  # a legend of the dimensions, points joined by lines
        assert "Economic" in text and "Social" in text
        assert content.count(b" l\n") + content.count(b" l ") > 4
    else:
        for row in table.rows:
            assert row.label.split()[0] in text, row.label
    if kind in ("bar", "share", "target"):
        column = {"bar": 0, "share": 2, "target": 0}[kind]
        shown = [r.cells[column] for r in table.rows if r.cells[column].value]
        assert len(FILLED_RECT.findall(content)) >= len(shown)
        with use_language(language):
            for cell in shown:
                assert cell_text(cell).replace("\u202f", " ").replace("\xa0", " ") in text.replace("\xa0", " ")
    if kind == "money":
        assert ("€1,500.50" if language == "en" else "1 500,50") in text.replace("\u202f", " ").replace("\xa0", " ")
        assert len(FILLED_RECT.findall(content)) >= 5 + 3  # five bars above 0, three legend keys


def test_a_hidden_count_draws_no_bar_and_its_value_is_nowhere():
    table = _table("bar", [("Albania", (people(40),)), ("Moldova", (people(3),)), ("Nepal", (people(22),))],
                   ("People",), additive_columns=())
    (hidden,) = disclose((table,), exact=False)
    assert hidden.rows[1].cells[0].hidden
    data, _doc = _draw(hidden)
    text, content = _pages(data)[0]
    assert "Moldova" in text and "<5" in text
    assert "3" not in text.split(), "the true figure of a hidden cell"
    exact, _doc = _draw(table)
    assert len(FILLED_RECT.findall(content)) == len(FILLED_RECT.findall(_pages(exact)[0][1])) - 1


def test_hidden_scores_break_the_line_and_draw_no_point():
    table = _table("scores", [("Month 1", (people(20), Cell(2.5, Kind.SCORE, 20))),
                              ("Month 3", (people(3), Cell(3.0, Kind.SCORE, 3))),
                              ("Month 6", (people(20), Cell(4.0, Kind.SCORE, 20)))], ("People scored", "Economic"))
    (hidden,) = disclose((table,), exact=False)
    with use_language("en"):
        doc = CareDocument("Charts", "test")
        full, part = chart_of(doc, table), chart_of(doc, hidden)
    circles = [_pages(_draw(t)[0])[0][1].count(b" c") for t in (table, hidden)]
    assert full is not None and part is not None
    assert circles[1] < circles[0]


def test_a_chart_that_does_not_fit_goes_to_the_next_page_whole():
    data, _doc = _draw(TABLES["money"], y=250)
    pages = _pages(data)
    assert len(pages) == 2
    assert "Economic" not in pages[0][0] and "Economic" in pages[1][0]
    assert not FILLED_RECT.findall(pages[0][1])


def test_a_chart_longer_than_a_page_runs_on_with_its_axis_and_every_row():
    labels = [f"Country {i:02d}" for i in range(70)]
    table = _table("bar", [(label, (people(10 + i),)) for i, label in enumerate(labels)], ("People",))
    data, _doc = _draw(table)
    pages = _pages(data)
    assert len(pages) >= 2
    text = "\n".join(t for t, _c in pages)
    assert all(label in text for label in labels)
    assert all(t.count("People") >= 1 for t, _c in pages), "the axis title on each page"


def test_chart_height_is_what_it_takes():
    with use_language("en"):
        doc = CareDocument("Charts", "test")
        small = chart_height(doc, chart_of(doc, TABLES["bar"]))
        big = chart_height(doc, chart_of(doc, _table("bar", [(f"R{i}", (people(i + 1),)) for i in range(20)],
                                                     ("People",))))
    assert 20 < small < big < doc.page_break_trigger


def test_nothing_to_draw_is_no_chart():
    with use_language("en"):
        doc = CareDocument("Charts", "test")
        assert chart_of(doc, _table("bar", [("A", (people(0),))], ("People",))) is None
        assert chart_of(doc, _table("", [("A", (people(9),))], ("People",))) is None


def test_names_in_other_scripts_print_as_themselves():
    labels = ["Україна", "مصر", "नेपाल", "中国"]
    data, _doc = _draw(_table("bar", [(label, (people(10 + i),)) for i, label in enumerate(labels)], ("People",)))
    text = _pages(data)[0][0]
    for label in ("Україна", "中国"):
        assert label in text
    fonts = b"".join(c for _t, c in _pages(data))
    assert fonts.count(b"Tf") > 4
