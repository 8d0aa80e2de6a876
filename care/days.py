"""How far ahead a planned date may be: a mistyped year (20244, 9999) is refused, not stored.

Past dates are bounded by each rule's own anchor (the referral, the programme's period);
dates that are plans (a mitigation "by when", a plan line) have no such anchor ahead.
"""

from __future__ import annotations

from datetime import date

YEARS_AHEAD = 20


def latest_day(today: date) -> date:
    """The last day a planned date may fall on."""
    year = min(today.year + YEARS_AHEAD, 9999)
    return date(year, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
