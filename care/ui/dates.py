"""The one date input: one format per language, and an out-of-range day refused next to the field.

Streamlit's own bounds (`min_value`/`max_value`) make the browser refuse a typed day silently:
the box turns red and the page goes on with the previous day (an eligibility preview computed
on a date the user no longer sees). Here the widget accepts any plausible day, and the day is
checked against its real bounds by `care.days.check_day`, with the message right under the field.
The typed day is returned as typed, never replaced; the domain refuses it again on save.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from care.days import check_day
from care.errors import Problems
from care.i18n import _, current_language
from care.ui.messages import ERRORS_KEY

WIDGET_MIN, WIDGET_MAX = date(1900, 1, 1), date(2100, 12, 31)  # any plausible day reaches the page
FORMATS = {"fr": "DD/MM/YYYY", "en": "YYYY-MM-DD"}


def date_format() -> str:
    """The one way a date is typed, per language."""
    return FORMATS.get(current_language(), "YYYY-MM-DD")


def day_input(label: str, value: date | None = None, *, key: str, form: str | None = None, field: str | None = None,
              today: date | None = None, earliest: date | None = None, after: str = "", latest: date | None = None,
              before: str = "", planned: bool = False, required: bool = False, **kwargs) -> date | None:
    """A date input. With `form` and `field`, the last save's error for that field shows under it.

    The day is checked at once against its bounds: not after `today` (something that happened;
    with `planned`, at most 20 years ahead), not before `earliest` (named by `after`), not after
    `latest` (named by `before`). Without `today`, only a mistyped year is caught."""
    day = st.date_input(label, value=value, min_value=WIDGET_MIN, max_value=WIDGET_MAX, format=date_format(),
                        key=key, **kwargs)
    stored = st.session_state.get(ERRORS_KEY, {}).get(form, {}).get(field) if form and field else None
    problems = Problems()
    check_day(problems, "day", day, label=label, today=today or date.today(), required=required,
              planned=planned or today is None, earliest=earliest, after=after, latest=latest, before=before)
    message = stored or problems.errors.get("day")
    if message:
        st.error(message, icon=":material/error:")
    return day


def time_zone_picker(actor) -> None:
    """My account: the zone every time is shown in (the country's zone until the user chooses)."""
    from care import users
    from care.timezones import all_zones, zone_label
    from care.ui.db import db_session
    from care.ui.messages import flash

    zones = list(all_zones())
    index = zones.index(actor.time_zone) if actor.time_zone in zones else 0
    choice = st.selectbox(_("Time zone"), zones, index=index, format_func=zone_label, key="account_time_zone",
                          help=_("Every time in the application is shown in this zone."))
    if choice != zones[index]:
        with db_session() as session:
            users.own_time_zone_set(session, actor, choice)
        flash(_("Times are now shown in {zone}.").format(zone=zone_label(choice)))
        st.rerun()
