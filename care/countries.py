"""Countries: ISO 3166 alpha-2 codes from pycountry, names in English or French.

EU membership is a dated constant, because a programme's eligibility ("return to a
country outside the EU") depends on the date: the United Kingdom was a member, and a
host country of CARE, until 31 January 2020.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pycountry

from care.i18n import current_language

# Source: European Union, "EU countries" (european-union.europa.eu/principles-countries-history/eu-countries),
# accession dates; United Kingdom withdrawal 31 January 2020. Checked 2026-11-22.
EU_MEMBERSHIP: dict[str, tuple[date, date | None]] = {
    "BE": (date(1958, 1, 1), None), "DE": (date(1958, 1, 1), None), "FR": (date(1958, 1, 1), None),
    "IT": (date(1958, 1, 1), None), "LU": (date(1958, 1, 1), None), "NL": (date(1958, 1, 1), None),
    "DK": (date(1973, 1, 1), None), "IE": (date(1973, 1, 1), None),
    "GB": (date(1973, 1, 1), date(2020, 1, 31)),
    "GR": (date(1981, 1, 1), None), "ES": (date(1986, 1, 1), None), "PT": (date(1986, 1, 1), None),
    "AT": (date(1995, 1, 1), None), "FI": (date(1995, 1, 1), None), "SE": (date(1995, 1, 1), None),
    "CY": (date(2004, 5, 1), None), "CZ": (date(2004, 5, 1), None), "EE": (date(2004, 5, 1), None),
    "HU": (date(2004, 5, 1), None), "LV": (date(2004, 5, 1), None), "LT": (date(2004, 5, 1), None),
    "MT": (date(2004, 5, 1), None), "PL": (date(2004, 5, 1), None), "SK": (date(2004, 5, 1), None),
    "SI": (date(2004, 5, 1), None), "BG": (date(2007, 1, 1), None), "RO": (date(2007, 1, 1), None),
    "HR": (date(2013, 7, 1), None),
}


def is_eu_member(code: str, on: date) -> bool:
    span = EU_MEMBERSHIP.get(code.upper())
    if span is None:
        return False
    joined, left = span
    return joined <= on and (left is None or on <= left)


def is_country(code: str) -> bool:
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str | None, lang: str | None = None) -> str:
    """The everyday name of a country in the user's language, from Babel's locale data (CLDR):
    "South Korea", "Moldavie", not ISO's official "Korea, Republic of"."""
    if not code:
        return "—"
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = _territories(lang or current_language()).get(country.alpha_2)
    return name or getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=None)
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang).territories)


@lru_cache(maxsize=None)
def all_country_codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def language_name(code: str, lang: str | None = None) -> str:
    """A language (ISO 639) in the user's language, via Babel's locale data."""
    from babel import Locale

    try:
        return Locale.parse(lang or current_language()).languages.get(code, code)
    except Exception:
        return code
