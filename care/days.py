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


EARLIEST = date(2000, 1, 1)  # programmes' data goes back years (CARE: 2013); earlier is a mistyped year


def check_day(problems, field: str, day: date | None, *, label: str, today: date, required: bool = True,
              earliest: date | None = None, after: str = "", latest: date | None = None, before: str = "",
              planned: bool = False) -> bool:
    """Check one day against its bounds; add a message naming the field (`label`, e.g. "The date of the
    follow-up") to `problems` under `field`. True when the day is fine (or empty and not required).

    - not after `today` (a thing that happened), or with `planned` not beyond `latest_day(today)`;
    - not before `earliest` (`after` names it: "the referral"), never before 2000 (a mistyped year);
    - not after `latest` (`before` names it: "the end of the programme").
    """
    from care.i18n import _, fmt_date

    field_label = label  # translated text of the code (a widget's label, a rule's name), never typed text
    after_what, before_what = after or _("the first possible day"), before or _("the last possible day")

    if day is None:
        if required:
            problems.add(field, _("{field} is required.").format(field=field_label))
        return not required
    if planned and day > latest_day(today):
        problems.add(field, _("{field} is too far ahead; check the year.").format(field=field_label))
    elif not planned and day > today:
        problems.add(field, _("{field} cannot be in the future.").format(field=field_label))
    elif latest is not None and day > latest:
        problems.add(field, _("{field} cannot come after {what} ({date}).").format(
            field=field_label, what=before_what, date=fmt_date(latest)))
    elif earliest is not None and day < earliest:
        problems.add(field, _("{field} cannot come before {what} ({date}).").format(
            field=field_label, what=after_what, date=fmt_date(earliest)))
    elif earliest is None and day < EARLIEST:
        problems.add(field, _("{field} is too early; check the year.").format(field=field_label))
    else:
        return True
    return False
