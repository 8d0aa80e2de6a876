"""Tables of figures, and the one rule that hides small counts from those who may not see them.

Every table the indicators return goes through `disclose` before anyone sees it: the page,
the CSV and the PDF all show what this module returns, so a small count cannot leak
through one of them.

The rule, for everyone but the programme's coordinators:
- a count of 1 to 4 people is shown as "<5"; 0 is shown, because "nobody" singles no one out;
- a sum of money, an average, a share or a median computed over 1 to 4 people is hidden
  too: over one person it would be that person's figure;
- where a hidden figure could be worked out by subtraction (a total and the other figures
  of its row or column), the next smallest figure is hidden as well, or else the total;
- a figure computed from a hidden one (a share of a hidden count) is hidden.
Counts that are not of people (meetings held, brochures) are always shown.

Only a count of 1 to 4 people says "<5". Any other hidden figure (a larger count hidden so a
small one cannot be worked out, an amount or an average over few people) says "hidden": it
must never claim a range it is not in (a hidden 32 is not "<5").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from babel import numbers as babel_numbers

from care.i18n import N_, _, current_language, fmt_money, fmt_number

THRESHOLD = 5
HIDDEN = f"<{THRESHOLD}"  # a count of 1 to 4 people
WITHHELD_CSV = "hidden"  # any other hidden figure, in a spreadsheet (a stable code, not translated)


class Kind(StrEnum):
    PEOPLE = "people"  # a count of people: hidden from 1 to 4
    NUMBER = "number"  # a count of things (meetings, brochures): never hidden
    MONEY = "money"  # a sum over `n` people
    DAYS = "days"  # a median or quartile of durations over `n` people
    SCORE = "score"  # an average score over `n` people
    INDEX = "index"  # an average score between 0 and 1 (or a change of one) over `n` people: two decimals
    SHARE = "share"  # a proportion (0 to 1) over `n` people


@dataclass(frozen=True)
class Cell:
    value: int | Decimal | float | None  # None: nothing to compute (no data)
    kind: Kind = Kind.PEOPLE
    n: int | None = None  # how many people the figure is computed over (a count: itself)
    hidden: bool = False
    small: bool = False  # hidden because it is a count of 1 to 4 people ("<5"); else only "hidden"

    @property
    def people(self) -> int | None:
        return int(self.value) if self.kind is Kind.PEOPLE and self.value is not None else self.n


def people(value: int) -> Cell:
    return Cell(int(value), Kind.PEOPLE)


def number(value: int) -> Cell:
    return Cell(int(value), Kind.NUMBER)


@dataclass(frozen=True)
class Row:
    key: str  # a stable code (country, stage...) for machine use of the CSV
    label: str
    cells: tuple[Cell, ...]
    total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    topic: str
    title: str
    label_heading: str
    headings: tuple[str, ...]
    rows: tuple[Row, ...]
    # Columns whose rows add up to the table's total row.
    additive_columns: tuple[int, ...] = ()
    # Within every row: (total column, part columns) that add up to it.
    row_sums: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # A column computed from others (a share from its counts): hidden where they are.
    derived: tuple[tuple[int, tuple[int, ...]], ...] = ()
    chart: str = ""  # which chart draws it (see care.indicator_charts)
    note: str = ""
    currency: str = ""


def _small(cell: Cell) -> bool:
    if cell.value is None or cell.kind is Kind.NUMBER:
        return False
    return cell.people is not None and 0 < cell.people < THRESHOLD


def _constraints(table: Table) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """Each (total, parts) equation a reader could use to work out a hidden figure."""
    out = []
    totals = [r for r, row in enumerate(table.rows) if row.total]
    parts = [r for r, row in enumerate(table.rows) if not row.total]
    if len(totals) == 1:
        for c in table.additive_columns:
            out.append(((totals[0], c), [(r, c) for r in parts]))
    for r in range(len(table.rows)):
        for total_col, part_cols in table.row_sums:
            out.append(((r, total_col), [(r, c) for c in part_cols]))
    return out


def _hidden_cells(table: Table) -> set[tuple[int, int]]:
    value = {(r, c): cell for r, row in enumerate(table.rows) for c, cell in enumerate(row.cells)}
    hidden = {pos for pos, cell in value.items() if _small(cell)}
    equations = _constraints(table)
    changed = True
    while changed:  # each pass hides one more cell at most per equation, so this ends
        changed = False
        for total, parts in equations:
            unknown = [p for p in [total, *parts] if p in hidden]
            if len(unknown) != 1:
                continue
            visible = [p for p in parts if p not in hidden and value[p].value not in (None, 0)]
            pick = min(visible, key=lambda p: (value[p].value, p)) if visible else total
            if pick in hidden or value[pick].value in (None, 0):
                continue  # nothing left that would help: every other figure is zero
            hidden.add(pick)
            changed = True
    for c, sources in table.derived:
        for r in range(len(table.rows)):
            if any((r, s) in hidden for s in sources):
                hidden.add((r, c))
    return hidden


def disclose(tables: tuple[Table, ...], *, exact: bool) -> tuple[Table, ...]:
    """The tables as this viewer may see them: exact, or with small figures hidden."""
    if exact:
        return tables
    out = []
    for table in tables:
        hidden = _hidden_cells(table)
        rows = tuple(
            replace(row, cells=tuple(
                Cell(None, cell.kind, None, True, small=cell.kind is Kind.PEOPLE and _small(cell))
                if (r, c) in hidden else cell
                for c, cell in enumerate(row.cells)))
            for r, row in enumerate(table.rows))
        out.append(replace(table, rows=rows))
    return tuple(out)


# --- showing a cell -----------------------------------------------------------------


WITHHELD = N_("hidden")


def hidden_text(cell: Cell) -> str:
    """What a hidden figure says: "<5" for a small count of people, "hidden" for any other."""
    return HIDDEN if cell.small else _(WITHHELD)


def cell_text(cell: Cell, currency: str = "") -> str:
    """A figure as people read it, in the current language; "<5" or "hidden" where it is hidden."""
    if cell.hidden:
        return hidden_text(cell)
    if cell.value is None:
        return "—"
    if cell.kind is Kind.MONEY:
        return fmt_money(Decimal(cell.value), currency) if currency else fmt_number(cell.value)
    if cell.kind is Kind.SCORE:
        return babel_numbers.format_decimal(cell.value, format="0.0", locale=current_language())
    if cell.kind is Kind.INDEX:
        return babel_numbers.format_decimal(cell.value, format="0.00", locale=current_language())
    if cell.kind is Kind.SHARE:
        return babel_numbers.format_percent(cell.value, locale=current_language())
    return fmt_number(cell.value)


def cell_csv(cell: Cell) -> str:
    """A figure for a spreadsheet: plain digits with a dot, "<5" or "hidden" where it is hidden."""
    if cell.hidden:
        return HIDDEN if cell.small else WITHHELD_CSV
    if cell.value is None:
        return ""
    if cell.kind is Kind.MONEY:
        return f"{Decimal(cell.value):.2f}"
    if cell.kind in (Kind.SCORE, Kind.INDEX):
        return f"{float(cell.value):.2f}"
    if cell.kind is Kind.SHARE:
        return f"{float(cell.value) * 100:.1f}"
    return str(int(cell.value))


def cell_number(cell: Cell) -> float | None:
    """The value a chart draws; None where it is hidden or missing."""
    if cell.hidden or cell.value is None:
        return None
    return float(cell.value)

