"""Reading a filled template or an HTCDS-shaped file: its headings and its cells, typed.

A file is refused as a whole (with one message) when it cannot be a table of cases: not
UTF-8, not CSV or XLSX, no rows, too many rows, a heading nobody knows. Otherwise every
cell is read into a Python value, and a cell that cannot be read gives an error at its row
and column; the checks of the case itself come after (`care.bulk_import`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from care.htcds import BY_NAME, COLUMNS, SEPARATOR, Column
from care.i18n import LANGUAGES, _, use_language

MAX_ROWS = 5000  # per file: a bigger history goes in several files (and transactions)
TRUE = {"true", "yes", "y", "1", "oui", "vrai", "x"}
FALSE = {"false", "no", "n", "0", "non", "faux", ""}


@dataclass(frozen=True)
class CellError:
    row: int  # the spreadsheet's row number (the heading is row 1)
    column: str  # the heading as written in the file ("" for the whole file)
    message: str


class FileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    headings: list[str]  # as written in the file
    columns: list[Column]  # the column each heading names
    rows: list[tuple[int, list]]  # (row number, raw values)


def heading_names() -> dict[str, str]:
    """Every accepted heading, folded, to its column name: the field name and its label in each language."""
    out = {}
    for column in COLUMNS:
        out[column.name.casefold()] = column.name
        for lang in LANGUAGES:
            with use_language(lang):
                out[_(column.label).strip().casefold()] = column.name
    return out


def _raw_rows(data: bytes, file_name: str) -> list[list]:
    if data[:2] == b"PK":
        try:
            wb = load_workbook(io.BytesIO(data), data_only=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise FileRefused(_("This is not a readable Excel workbook (.xlsx).")) from None
        ws = wb["Cases"] if "Cases" in wb.sheetnames else wb.worksheets[0]
        if ws.max_row > MAX_ROWS + 1:
            raise FileRefused(_("The file has {n} rows of cases; import at most {max} at a time (split the file)."
                                ).format(n=ws.max_row - 1, max=MAX_ROWS))
        return [[("=" + str(c.value).lstrip("=")) if c.data_type == "f" else c.value for c in row]
                for row in ws.iter_rows()]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The file is not UTF-8 text. Save it as \"CSV UTF-8\" (or as an Excel workbook) "
                            "and import it again.")) from None
    if "\x00" in text:
        raise FileRefused(_("This is not a CSV file or an Excel workbook."))
    # The delimiter is read from the heading line alone: values hold "; " between codes, headings
    # never hold a delimiter (Excel in French writes ";" between cells).
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_sheet(data: bytes, file_name: str) -> Sheet:
    """The headings and rows of the file, or `FileRefused` with what is wrong with it as a whole."""
    rows = [r for r in _raw_rows(data, file_name) if any(v not in (None, "") for v in r)]
    if not rows:
        raise FileRefused(_("The file is empty: it has no headings and no cases."))
    headings = [("" if v is None else str(v)).strip() for v in rows[0]]
    while headings and not headings[-1]:
        headings.pop()
    known = heading_names()
    unknown = [h for h in headings if h.casefold() not in known]
    if unknown:
        raise FileRefused(_("Unknown columns: {names}. Use the template's headings or the HTCDS field names, "
                            "or remove these columns.").format(names=", ".join(h or "(empty)" for h in unknown)))
    names = [known[h.casefold()] for h in headings]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise FileRefused(_("Columns given twice: {names}.").format(names=", ".join(repeated)))
    body = rows[1:]
    if not body:
        raise FileRefused(_("The sheet has headings but no cases."))
    if len(body) > MAX_ROWS:
        raise FileRefused(_("The file has {n} rows of cases; import at most {max} at a time (split the file)."
                            ).format(n=len(body), max=MAX_ROWS))
    numbered = [(n, list(r[:len(headings)]) + [None] * (len(headings) - len(r))) for n, r in enumerate(body, 2)]
    return Sheet(headings, [BY_NAME[n] for n in names], numbered)


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if not isinstance(raw, str) else raw.strip(" ")
    # Our own CSV export writes an apostrophe before a text a spreadsheet would take for a formula.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _formula(raw) -> bool:
    return isinstance(raw, str) and raw[:1] in ("=", "@", "\t", "\r")


def _date(text: str) -> date:
    return date.fromisoformat(text)


def cell_value(column: Column, raw):
    """The typed value of one cell; ValueError with a message for the user when it cannot be read."""
    if _formula(raw):
        raise ValueError(_("A cell may not hold a formula or start with =, @, a tab or a line break."))
    if isinstance(raw, datetime) and column.kind in ("date", "dates"):
        return raw.date() if column.kind == "date" else [raw.date()]
    if isinstance(raw, date) and column.kind in ("date", "dates"):
        return raw if column.kind == "date" else [raw]
    text = _text(raw)
    if column.kind == "text":
        return text
    if column.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if text.casefold() in TRUE:
            return True
        if text.casefold() in FALSE:
            return False
        raise ValueError(_("Write yes or no (true or false)."))
    if column.kind == "int":
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("Write a whole number.")) from None
    if column.kind == "date":
        if not text:
            return None
        try:
            return _date(text[:10] if len(text) > 10 and text[10] in "T " else text)
        except ValueError:
            raise ValueError(_("\"{text}\" is not a date: write it as YYYY-MM-DD.").format(text=text)) from None
    parts = [p.strip() for p in text.replace(",", ";").split(";") if p.strip()] if text else []
    if column.kind == "dates":
        try:
            return [_date(p) for p in parts]
        except ValueError:
            raise ValueError(_("\"{text}\" is not a date: write it as YYYY-MM-DD.").format(text=text)) from None
    if column.kind == "codes":
        return parts
    return text  # code


def split_text(text: str) -> list[str]:
    return [p.strip() for p in text.split(SEPARATOR.strip())] if text else []
