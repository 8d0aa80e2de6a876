"""Moments in the user's time zone, one format per language; the zone is a setting of My account."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from care import users
from care.errors import DomainError
from care.i18n import fmt_date, fmt_moment, fmt_time, set_language, set_time_zone
from care.timezones import country_zone
from db.models import AuditEvent, User
from tests.factories import make_actor

MOMENT = datetime(2027, 6, 3, 12, 32, tzinfo=UTC)


@pytest.fixture(autouse=True)
def reset_zone():
    yield
    set_time_zone("UTC")
    set_language("en")


@pytest.mark.parametrize(("lang", "zone", "expected"), [
    ("en", "UTC", "Jun 3, 2027, 12:32\u202fPM"),
    ("en", "Europe/Paris", "Jun 3, 2027, 2:32\u202fPM"),
    ("fr", "Europe/Paris", "3 juin 2027, 14:32"),
    ("fr", "Africa/Lagos", "3 juin 2027, 13:32"),
    ("fr", "America/New_York", "3 juin 2027, 08:32"),
])
def test_a_moment_is_shown_one_way_per_language_in_the_users_zone(lang, zone, expected):
    set_language(lang)
    set_time_zone(zone)
    assert fmt_moment(MOMENT) == expected
    assert fmt_date(MOMENT, "short") == expected  # a moment is never shown another way
    assert fmt_date(date(2027, 6, 3)) == ("Jun 3, 2027" if lang == "en" else "3 juin 2027")


def test_a_moment_today_is_its_time_alone_in_the_users_zone():
    set_language("fr")
    set_time_zone("Europe/Paris")
    assert fmt_time(MOMENT, today=date(2027, 6, 3)) == "14:32"
    assert fmt_time(datetime(2027, 6, 3, 22, 30, tzinfo=UTC), today=date(2027, 6, 3)) == "4 juin 2027, 00:30"


def test_an_unknown_zone_falls_back_to_utc():
    set_time_zone("Mars/Olympus")
    assert fmt_moment(MOMENT) == "Jun 3, 2027, 12:32\u202fPM"


def test_a_countrys_zone():
    assert (country_zone("FR"), country_zone("NG"), country_zone("CH")) == (
        "Europe/Paris", "Africa/Lagos", "Europe/Zurich")


def test_the_zone_defaults_to_the_users_country_then_their_programmes(session):
    focal = make_actor(session, "focal_point", countries=("NG",))
    assert focal.time_zone == "Africa/Lagos"
    swiss = make_actor(session, "coordinator", programmes=("CH_VOT",))
    assert swiss.time_zone == "Europe/Zurich"
    admin = make_actor(session, "admin", programmes=())
    assert admin.time_zone == "UTC"


def test_a_user_chooses_a_zone_audited_and_an_unknown_one_is_refused(session):
    focal = make_actor(session, "focal_point", countries=("NG",))
    users.own_time_zone_set(session, focal, "Europe/Paris")
    assert users.actor_load(session, focal.username).time_zone == "Europe/Paris"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.set_time_zone")).one()
    assert event.detail == "Europe/Paris"
    with pytest.raises(DomainError) as err:
        users.own_time_zone_set(session, focal, "Europe/Atlantis")
    assert err.value.field == "time_zone"
    assert session.get(User, focal.id).time_zone == "Europe/Paris"
    users.own_time_zone_set(session, focal, "")  # back to the country's zone
    assert users.actor_load(session, focal.username).time_zone == "Africa/Lagos"
