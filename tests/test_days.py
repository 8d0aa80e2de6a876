"""The one date check (`care.days.check_day`): each bound, with a message naming the field."""

from datetime import date

import pytest

from care.days import check_day
from care.errors import Problems

TODAY = date(2015, 6, 1)
REFERRAL = date(2014, 3, 10)


@pytest.mark.parametrize(("day", "kwargs", "expected"), [
    (None, {}, "The date of the contact is required."),
    (None, {"required": False}, None),
    (date(2015, 6, 1), {}, None),  # today is fine
    (date(2015, 6, 2), {}, "The date of the contact cannot be in the future."),
    (date(2014, 3, 9), {"earliest": REFERRAL, "after": "the referral"},
     "The date of the contact cannot come before the referral (Mar 10, 2014)."),
    (date(2014, 3, 10), {"earliest": REFERRAL, "after": "the referral"}, None),
    (date(2014, 12, 1), {"latest": date(2014, 11, 30), "before": "the programme's end"},
     "The date of the contact cannot come after the programme's end (Nov 30, 2014)."),
    (date(1999, 12, 31), {}, "The date of the contact is too early; check the year."),
    (date(2035, 6, 1), {"planned": True}, None),  # a plan may lie 20 years ahead
    (date(2035, 6, 2), {"planned": True}, "The date of the contact is too far ahead; check the year."),
    (date(2015, 5, 31), {"planned": True, "earliest": TODAY, "after": "today"},
     "The date of the contact cannot come before today (Jun 1, 2015)."),
])
def test_a_day_is_checked_against_its_bounds(day, kwargs, expected):
    problems = Problems()
    ok = check_day(problems, "on", day, label="The date of the contact", today=TODAY, **kwargs)
    assert problems.errors == ({"on": expected} if expected else {})
    assert ok is (expected is None)
