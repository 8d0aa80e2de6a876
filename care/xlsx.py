"""Spreadsheet cells written safely: typed values, and text that is never a formula.

Every workbook and CSV this project writes goes through here (openpyxl for XLSX). A text
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is what a spreadsheet would
run as a formula ("CSV injection"): in XLSX it is written as a string cell with Excel's
quote prefix (the text stays exact), in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font  # noqa: F401 (Font: for the callers)
from openpyxl.utils import get_column_letter

from care.export import FORMULA_STARTS

DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """A value as CSV text: ISO dates, "true"/"false", an apostrophe before a formula-like text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_bytes(rows: list[list]) -> bytes:
    """Rows as UTF-8 CSV with a BOM (spreadsheets then read the accents right)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[csv_text(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def put(ws, row: int, column: int, value, number_format: str | None = None):
    """Write one typed cell: numbers as numbers, dates as dates, text never as a formula."""
    if isinstance(value, Decimal):
        value = float(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"  # openpyxl took it for a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if isinstance(value, date):
        cell.number_format = number_format or DATE_FORMAT
    elif number_format:
        cell.number_format = number_format
    return cell


def heading_row(ws, row: int, headings: list[str]) -> None:
    for c, text in enumerate(headings, 1):
        put(ws, row, c, text).font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def fit_columns(ws, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(8, width + 2))


def table_sheet(wb: Workbook, title: str, headings: list[str], rows: list[list], formats: dict[int, str] | None = None):
    """A sheet with one bold heading row and typed rows; `formats`: number format by column (1-based)."""
    ws = wb.create_sheet(title=sheet_title(title))
    heading_row(ws, 1, headings)
    widths = {c: len(h) for c, h in enumerate(headings, 1)}
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values, 1):
            put(ws, r, c, value, (formats or {}).get(c))
            widths[c] = max(widths.get(c, 0), len(str(value)) if value is not None else 0)
    fit_columns(ws, widths)
    return ws


def sheet_title(text: str) -> str:
    """A valid, short sheet name (Excel: 31 characters, none of []:*?/\\)."""
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31].strip() or "Sheet"


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def wrap(cell) -> None:
    cell.alignment = Alignment(wrap_text=True, vertical="top")
