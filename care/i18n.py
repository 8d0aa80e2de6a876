"""Translations (gettext catalogs, English and French) and Babel formatting.

The language is per user action: the UI sets it once per rerun from the user's choice,
and every `_()` in the domain and the UI then speaks that language. Catalogs are read
from the `.po` files directly, so there is no compile step to forget.
"""

from __future__ import annotations

import gettext
import io
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"

_language: ContextVar[str] = ContextVar("care_language", default=DEFAULT_LANGUAGE)
DEFAULT_TIME_ZONE = "UTC"
_time_zone: ContextVar[str] = ContextVar("care_time_zone", default=DEFAULT_TIME_ZONE)


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def set_time_zone(zone: str) -> None:
    """The acting user's time zone (an IANA name, e.g. "Europe/Paris"): every moment is shown in it."""
    _time_zone.set(zone if _known_zone(zone) else DEFAULT_TIME_ZONE)


def current_time_zone() -> str:
    return _time_zone.get()


@lru_cache(maxsize=None)
def _known_zone(zone: str) -> bool:
    try:
        babel_dates.get_timezone(zone)
    except LookupError:
        return False
    return bool(zone)


@contextmanager
def use_language(lang: str):
    token = _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_()`."""
    return message


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """A day in the language's `fmt` ("medium": "Jun 3, 2027", "3 juin 2027"). A moment (a datetime) is
    always shown one way per language, in the user's time zone (see `fmt_moment`), whatever `fmt`."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return fmt_moment(value)
    return babel_dates.format_date(value, format=fmt, locale=_language.get())


def local_moment(value: datetime) -> datetime:
    """A moment in the acting user's time zone (stored moments are UTC; a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=babel_dates.UTC)
    return value.astimezone(babel_dates.get_timezone(_time_zone.get()))


def fmt_moment(value: datetime | None) -> str:
    """One format per language for a moment, in the user's time zone: "Jun 3, 2027, 2:32 PM", "3 juin 2027, 14:32"."""
    if value is None:
        return "—"
    local = local_moment(value)
    return babel_dates.format_datetime(local, format=_moment_pattern(_language.get()), locale=_language.get())


def fmt_time(value: datetime, *, today: date | None = None) -> str:
    """A moment as its time alone when it is today in the user's time zone ("14:32"), else in full."""
    local = local_moment(value)
    if local.date() == (today or local_moment(datetime.now(babel_dates.UTC)).date()):
        return babel_dates.format_time(local, format="short", locale=_language.get())
    return fmt_moment(value)


@lru_cache(maxsize=None)
def _moment_pattern(lang: str) -> str:
    """The language's medium date and short time, joined as the locale joins them."""
    from babel import Locale

    loc = Locale.parse(lang)
    glue = str(loc.datetime_formats["medium"])
    return glue.replace("{1}", loc.date_formats["medium"].pattern).replace("{0}", loc.time_formats["short"].pattern)


def fmt_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return babel_numbers.format_currency(amount, currency, locale=_language.get())


def fmt_number(value: int | float | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=_language.get())
