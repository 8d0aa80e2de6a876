"""Tables that sort as people expect: dates as dates, levels in their order, amounts as numbers.

A table of preformatted strings sorts "Apr 22, 2014" before "Apr 5, 2017" and "High" before
"Low" before "Medium". `typed_table` takes the rows with their real values (a `date`, a
`datetime`, a number, a level's label) and says which column is which: the table keeps the
values typed and shows them in the user's language's format; on a phone the same rows become
cards with the values formatted as text (see care/ui/phone.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import streamlit as st

from care.i18n import current_language, fmt_date, fmt_moment, fmt_number, local_moment

# Date formats of the table cells (moment.js patterns, the only kind the table takes), one per
# language, the same as `fmt_date` writes elsewhere: "Jul 22, 2015" and "22/07/2015".
DATE_FORMATS = {"en": "MMM D, YYYY", "fr": "DD/MM/YYYY"}
TIME_FORMATS = {"en": "MMM D, YYYY, HH:mm", "fr": "DD/MM/YYYY HH:mm"}


def date_format() -> str:
    return DATE_FORMATS.get(current_language(), DATE_FORMATS["en"])


def time_format() -> str:
    return TIME_FORMATS.get(current_language(), TIME_FORMATS["en"])


def money_format(currency: str) -> str:
    """A number format for an amount column: two decimals and the currency code (it sorts as a number)."""
    return "%.2f " + currency.replace("%", "")


def typed_frame(rows: list[dict], *, dates: Sequence[str] = (), times: Sequence[str] = (),
                levels: Mapping[str, Sequence[str]] | None = None, numbers: Sequence[str] = ()) -> pd.DataFrame:
    """The rows as a DataFrame with typed columns: datetimes, ordered categories, numbers."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    for col in dates:
        if col in frame:
            frame[col] = pd.to_datetime(frame[col].map(_naive), errors="coerce")
    for col in times:  # stored in UTC, shown in the user's time zone
        if col in frame:
            frame[col] = pd.to_datetime(frame[col].map(
                lambda v: local_moment(v).replace(tzinfo=None) if isinstance(v, datetime) else v), errors="coerce")
    for col, order in (levels or {}).items():
        if col in frame:
            values = frame[col].map(lambda v: v if v not in ("", None) else None)
            frame[col] = pd.Categorical(values, categories=list(dict.fromkeys(order)), ordered=True)
    for col in numbers:
        if col in frame:
            frame[col] = pd.to_numeric(frame[col].map(lambda v: float(v) if isinstance(v, Decimal) else v),
                                       errors="coerce")
    return frame


def _naive(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def column_formats(*, dates: Sequence[str] = (), times: Sequence[str] = (), numbers: Mapping[str, str] | None = None,
                   widths: Mapping[str, str] | None = None) -> dict:
    """`column_config` for the typed columns: the language's date format; numbers as given."""
    config: dict = {}
    for col in dates:
        config[col] = st.column_config.DateColumn(col, format=date_format())
    for col in times:
        config[col] = st.column_config.DatetimeColumn(col, format=time_format())
    for col, fmt in (numbers or {}).items():
        config[col] = st.column_config.NumberColumn(col, format=fmt)
    for col, width in (widths or {}).items():
        config[col] = config.get(col) or st.column_config.Column(col)
        config[col]["width"] = width
    return config


def display_rows(rows: list[dict], *, dates: Sequence[str] = (), times: Sequence[str] = (),
                 numbers: Sequence[str] = ()) -> list[dict]:
    """The same rows as text, for cards and anything that is read rather than sorted."""
    def text(col, v):
        if v in (None, ""):
            return ""
        if col in times and isinstance(v, datetime):
            return fmt_moment(v)
        if col in dates and isinstance(v, date):
            return fmt_date(v)
        if col in numbers and isinstance(v, (int, float, Decimal)):
            return fmt_number(v)
        return v
    return [{col: text(col, v) for col, v in row.items()} for row in rows]


def typed_table(rows: list[dict], *, key: str | None = None, dates: Sequence[str] = (), times: Sequence[str] = (),
                levels: Mapping[str, Sequence[str]] | None = None, numbers: Mapping[str, str] | None = None,
                widths: Mapping[str, str] | None = None, cards: bool = False,
                link: Callable[[int], tuple] | None = None, **dataframe_args):
    """Draw the rows as a sortable table with typed columns; with `cards`, as cards on a phone too.

    `dates`/`times`: columns holding `date`/`datetime` values; `levels`: column -> its labels in
    order (low to high); `numbers`: column -> a number format ("%d", "%.2f", "localized")."""
    frame = typed_frame(rows, dates=dates, times=times, levels=levels, numbers=list(numbers or {}))
    config = column_formats(dates=dates, times=times, numbers=numbers, widths=widths)
    config.update(dataframe_args.pop("column_config", {}) or {})
    args = {"hide_index": True, "width": "stretch", "column_config": config, **dataframe_args}
    if not cards:
        return st.dataframe(frame, key=key, **args)
    from care.ui.phone import cards as draw_cards

    with st.container(key=f"wide_{key}"):
        table = st.dataframe(frame, key=f"table_{key}", **args)
    draw_cards(display_rows(rows, dates=dates, times=times, numbers=list(numbers or {})), key, link)
    return table
