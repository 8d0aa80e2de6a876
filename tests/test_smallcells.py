"""The small-cell rule: what is hidden, what is hidden with it, and what is never hidden."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from care.i18n import use_language
from care.smallcells import HIDDEN, Cell, Kind, Row, Table, cell_csv, cell_text, disclose, number, people
from care.smallcells import _constraints as equations

H = HIDDEN


def column_table(counts: list[int], *, total: bool = True, additive: bool = True) -> Table:
    rows = [Row(str(i), f"row {i}", (people(v),)) for i, v in enumerate(counts)]
    if total:
        rows.append(Row("total", "Total", (people(sum(counts)),), total=True))
    return Table("t", "people", "T", "", ("People",), tuple(rows), additive_columns=(0,) if additive else ())


def shown(table: Table) -> list[list]:
    return [[H if c.hidden else c.value for c in row.cells] for row in disclose((table,), exact=False)[0].rows]


@pytest.mark.parametrize(("counts", "expected"), [
    ([0, 1, 4, 5, 12], [0, H, H, 5, 12]),  # 1 to 4 hidden, 0 and 5 shown
])
def test_counts_of_one_to_four_people_are_hidden_and_zero_is_shown(counts, expected):
    assert [r[0] for r in shown(column_table(counts, total=False))] == expected


@pytest.mark.parametrize(("counts", "expected"), [
    ([3, 10, 7], [H, 10, H, 20]),  # one hidden: the next smallest goes too
    ([2, 3, 10], [H, H, 10, 15]),  # two hidden: neither can be worked out
    ([4, 9], [H, H, 13]),
    ([3, 0, 0], [H, 0, 0, H]),  # the total is the hidden figure itself
    ([0, 0, 6], [0, 0, 6, 6]),
    ([5, 6, 7], [5, 6, 7, 18]),
])
def test_a_hidden_figure_cannot_be_worked_out_from_its_total(counts, expected):
    assert [r[0] for r in shown(column_table(counts))] == expected


def test_without_a_total_nothing_more_is_hidden():
    assert [r[0] for r in shown(column_table([3, 10, 7], additive=False))] == [H, 10, 7, 20]


def test_rows_and_columns_are_both_protected():
    # Due = done + missed + overdue in each row, and every column adds up to the total row.
    rows = [Row("1", "1", (people(20), people(12), people(6), people(2))),
            Row("3", "3", (people(15), people(10), people(0), people(5))),
            Row("total", "all", (people(35), people(22), people(6), people(7)), total=True)]
    table = Table("f", "followup", "F", "", ("due", "done", "missed", "overdue"), tuple(rows),
                  additive_columns=(0, 1, 2, 3), row_sums=((0, (1, 2, 3)),))
    got = shown(table)
    hidden = {(r, c) for r, row in enumerate(got) for c, v in enumerate(row) if v == H}
    assert (0, 3) in hidden  # the 2
    for total, parts in equations(table):
        assert len([p for p in [total, *parts] if p in hidden]) != 1


def test_a_share_is_hidden_with_the_count_it_is_made_of():
    rows = (Row("a", "a", (people(10), people(3), Cell(0.3, Kind.SHARE, 10))),)
    table = Table("s", "followup", "S", "", ("due", "done", "share"), rows, derived=((2, (0, 1)),))
    assert shown(table) == [[10, H, H]]


@pytest.mark.parametrize(("cell", "hidden"), [
    (Cell(Decimal("250.00"), Kind.MONEY, 1), True),  # one person's plan
    (Cell(Decimal("250.00"), Kind.MONEY, 5), False),
    (Cell(Decimal("0"), Kind.MONEY, 0), False),
    (Cell(42.0, Kind.DAYS, 4), True),  # a median over 4 people
    (Cell(42.0, Kind.DAYS, 5), False),
    (Cell(3.5, Kind.SCORE, 2), True),
    (Cell(0.5, Kind.SHARE, 4), True),
    (number(2), False),  # two meetings: not people
    (Cell(Decimal("4000"), Kind.MONEY), False),  # a cap: a setting, about no one
])
def test_figures_over_fewer_than_five_people_are_hidden(cell, hidden):
    table = Table("x", "t", "X", "", ("x",), (Row("r", "r", (cell,)),))
    assert disclose((table,), exact=False)[0].rows[0].cells[0].hidden is hidden


def test_exact_viewers_see_the_tables_unchanged():
    table = column_table([1, 2, 3])
    assert disclose((table,), exact=True) == (table,)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=3), min_size=1, max_size=6))
def test_no_equation_is_left_with_exactly_one_hidden_figure(grid):
    """Any table of counts with row and column totals: no hidden figure can be had by subtraction."""
    rows = [Row(str(i), str(i), (people(sum(r)), *(people(v) for v in r))) for i, r in enumerate(grid)]
    totals = [sum(r[c] for r in grid) for c in range(3)]
    rows.append(Row("total", "total", (people(sum(totals)), *(people(v) for v in totals)), total=True))
    table = Table("g", "t", "G", "", ("all", "a", "b", "c"), tuple(rows), additive_columns=(0, 1, 2, 3),
                  row_sums=((0, (1, 2, 3)),))
    got = shown(table)
    hidden = {(r, c) for r, row in enumerate(got) for c, v in enumerate(row) if v == H}
    for total, parts in equations(table):
        assert len([p for p in [total, *parts] if p in hidden]) != 1
    assert all(v == H or v == 0 or v >= 5 for row in got for v in row), "every count shown is 0 or 5 and more"


@pytest.mark.parametrize(("cell", "en", "fr", "csv"), [
    (people(1234), "1,234", "1\u202f234", "1234"),
    (Cell(Decimal("1234.5"), Kind.MONEY, 9), "€1,234.50", "1\u202f234,50\xa0€", "1234.50"),
    (Cell(0.755, Kind.SHARE, 9), "76%", "76\xa0%", "75.5"),
    (Cell(3.1667, Kind.SCORE, 9), "3.2", "3,2", "3.17"),
    (Cell(None, Kind.PEOPLE, None, True, small=True), "<5", "<5", "<5"),
    (Cell(None, Kind.PEOPLE, None, True), "hidden", "masqué", "hidden"),
    (Cell(None, Kind.DAYS, 0), "—", "—", ""),
])
def test_figures_are_written_for_people_and_for_spreadsheets(cell, en, fr, csv):
    with use_language("en"):
        assert cell_text(cell, "EUR") == en
    with use_language("fr"):
        assert cell_text(cell, "EUR") == fr
    assert cell_csv(cell) == csv


def _texts(table):
    with use_language("en"):
        return [[cell_text(c, "EUR") for c in row.cells] for row in disclose((table,), exact=False)[0].rows]


@pytest.mark.parametrize(("counts", "expected"), [
    ([3, 10, 7], ["<5", "10", "hidden", "20"]),  # the 7 protects the 3: it is not "<5"
    ([4, 32], ["<5", "hidden", "36"]),  # a hidden 32 (the men of a programme) never reads "<5"
    ([3, 0, 0], ["<5", "0", "0", "<5"]),  # the total is the 3 itself: a true "<5"
])
def test_a_figure_hidden_to_protect_another_says_hidden_not_a_false_range(counts, expected):
    assert [r[0] for r in _texts(column_table(counts))] == expected


def test_an_amount_or_average_over_few_people_says_hidden():
    table = Table(key="t", topic="", title="", label_heading="", headings=("a", "b", "c"), rows=(
        Row("x", "x", (people(3), Cell(Decimal("148740.32"), Kind.MONEY, 3), Cell(3.5, Kind.SCORE, 3))),))
    assert _texts(table) == [["<5", "hidden", "hidden"]]
    with use_language("fr"):
        assert cell_text(disclose((table,), exact=False)[0].rows[0].cells[1]) == "masqué"
    assert [cell_csv(c) for c in disclose((table,), exact=False)[0].rows[0].cells] == ["<5", "hidden", "hidden"]
