"""The follow-up schedule: when each follow-up falls, and what state it is in on a given day.

The months come from the programme's settings (a child's schedule is usually denser), so
that a programme changes its follow-up rhythm as data, not code. States are computed from
an explicit `today`: a follow-up becomes due a week before its date and overdue the day
after, without anything being written.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlmodel import Session, select

from care.i18n import N_, _
from care.programmes import programme_settings
from db.models import Case, FollowUp

DUE_WITHIN_DAYS = 7

PLANNED, DUE, OVERDUE, DONE, MISSED, CANCELLED = "planned", "due", "overdue", "done", "missed", "cancelled"
STATES = {
    PLANNED: N_("Planned"),
    DUE: N_("Due"),
    OVERDUE: N_("Overdue"),
    DONE: N_("Done"),
    MISSED: N_("Missed"),
    CANCELLED: N_("Cancelled"),
}
OPEN_STATES = (OVERDUE, DUE, PLANNED)  # still to do, the most urgent first

KINDS = {
    "scheduled": N_("Scheduled follow-up"),
    "monitoring": N_("Monitoring visit after the last payment"),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day if it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followup_state(status: str, due_on: date, today: date) -> str:
    """What a follow-up stored as `status` is on `today`: a planned one is due a week ahead, then overdue."""
    if status != PLANNED:
        return status
    if due_on < today:
        return OVERDUE
    if due_on <= today + timedelta(days=DUE_WITHIN_DAYS):
        return DUE
    return PLANNED


def state_label(state: str) -> str:
    return _(STATES.get(state, state))


def followup_label(kind: str, months_after: int | None) -> str:
    """"3 months after return", or the monitoring visit."""
    if kind == "scheduled" and months_after is not None:
        if months_after == 1:
            return _("1 month after return")
        return _("{n} months after return").format(n=months_after)
    return _(KINDS.get(kind, kind))


def schedule_months(session: Session, case: Case) -> tuple[int, ...]:
    settings = programme_settings(session, case.programme_id)
    return settings.followup_months_minor if case.is_minor else settings.followup_months


def followups_schedule(session: Session, case: Case, arrival_date: date) -> list[FollowUp]:
    """Plan the programme's follow-ups from `arrival_date`; the ones already planned are kept.

    Idempotent: calling it again (a retried save, consent recorded later) adds only the
    months that have no follow-up yet, and never touches one that was logged.
    """
    existing = set(session.exec(
        select(FollowUp.months_after).where(FollowUp.case_id == case.id, FollowUp.kind == "scheduled")
    ).all())
    created = [
        FollowUp(case_id=case.id, kind="scheduled", months_after=m, due_on=add_months(arrival_date, m))
        for m in sorted(set(schedule_months(session, case))) if m not in existing
    ]
    session.add_all(created)
    session.flush()
    return created
