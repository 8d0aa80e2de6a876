"""Factories for cases that go along the path: they meet every stage's entry rule, not only one stage's.

Each stage was built with factories that satisfied its own rule. Now that `care.path` lists
the rules of every stage together, a test that moves a case through `stage_move` (or
compares `missing_for` with an exact list) needs its case to meet the other stages' rules
too; these helpers do that with each stage's own factories and write functions.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from care import journey, minors
from care.access import Actor
from db.models import Case, Plan
from tests.factories_journey import approved_case, departure_done
from tests.factories_minors import complete_procedure, ready_minor

DEPARTURE_READY_ON = date(2014, 5, 20)


def approved_plan_row(session: Session, author: Actor, case: Case) -> Plan:
    """An approved plan for `case`, written directly: the plans' rule for "plan approved" is met."""
    plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=author.id, agreed_with_person=True,
                agreed_with_organisation=True)
    session.add(plan)
    session.flush()
    return plan


def departure_ready(session: Session, actor: Actor, case: Case, on: date = DEPARTURE_READY_ON) -> Case:
    """Everything the "departed" rules ask of `case` (at "plan approved"), done on `on`: every
    pre-departure checklist item (journey) and, for a child, the whole minors' procedure (minors)."""
    if case.is_minor and minors.departed_missing(session, case):
        complete_procedure(session, actor, case, on=on)
    departure_done(session, actor, case, on)
    return case


def minor_ready_to_depart(session: Session, coord: Actor, **fields) -> Case:
    """`ready_minor` (the minors' procedure complete) with the pre-departure checklist done as well:
    nothing is missing for the departure, so a test may take away one condition and see only that one."""
    case = ready_minor(session, coord, **fields)
    departure_done(session, coord, case, DEPARTURE_READY_ON)
    return case


def arrived_case(session: Session, coordinator: Actor, *, departed: date = date(2014, 6, 2),
                 arrived: date = date(2014, 6, 3), **fields) -> Case:
    """A case taken through departure and arrival by the domain functions (its follow-ups planned).

    A child's minors' procedure is completed on the day the pre-departure checklist is done."""
    case = approved_case(session, coordinator, **fields)
    departure_ready(session, coordinator, case, departed - timedelta(days=13))
    journey.case_depart(session, coordinator, case.id, departure_date=departed, today=departed)
    journey.case_arrive(session, coordinator, case.id, arrival_date=arrived, today=arrived)
    return case
