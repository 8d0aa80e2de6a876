"""The time zone moments are shown in: the user's choice (My account), else their country's.

A user who has not chosen sees times in the zone of the country they work in: a focal point's
country, else the first host country of their first programme (the programme's country), else
UTC. Zone names are IANA names (zoneinfo); Babel names them in the user's language.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location
from sqlmodel import Session, select

from care.i18n import DEFAULT_TIME_ZONE, current_language
from db.models import ProgrammeCountry


def country_zone(country: str) -> str | None:
    """The main time zone of a country (ISO alpha-2), e.g. "FR" → "Europe/Paris"."""
    zones = get_global("territory_zones").get(country.upper())
    return zones[0] if zones else None


def default_zone(session: Session, countries: frozenset[str], programme_ids: frozenset[int]) -> str:
    for country in sorted(countries):
        if zone := country_zone(country):
            return zone
    if programme_ids:
        host = session.exec(select(ProgrammeCountry.country).where(
            ProgrammeCountry.programme_id == min(programme_ids), ProgrammeCountry.kind == "host")
            .order_by(ProgrammeCountry.country)).first()
        if host and (zone := country_zone(host)):
            return zone
    return DEFAULT_TIME_ZONE


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    """Zones people live in ("Area/City"), sorted; UTC first."""
    return (DEFAULT_TIME_ZONE, *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/",
                                                                                                          "SystemV/"))))


def is_zone(zone: str) -> bool:
    return zone in all_zones()


def zone_label(zone: str) -> str:
    """A zone in the user's language, with its IANA name: "Nigeria Time (Africa/Lagos)"."""
    if zone == DEFAULT_TIME_ZONE:
        return "UTC"
    try:
        return f"{get_timezone_location(zone, locale=current_language())} ({zone})"
    except LookupError:
        return zone
