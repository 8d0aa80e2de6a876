"""Factories for the departure, arrival and follow-up tests: a case with an approved plan,
checklists filled in. A case taken through departure and arrival (which must meet the other
stages' rules too, the minors' for a child) is made by `tests.factories_path.arrived_case`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session

from care import journey
from care.access import Actor
from care.journey import ARRIVAL_ITEMS, DEPARTURE_ITEMS, ChecklistEntry
from db.models import Case, Plan, PlanLine
from tests.factories import make_case

FLIGHT = {"flight_date": date(2014, 6, 2), "route": "MAD-LOS", "transit": "CMN"}
DETAILS = {"flight_booked": FLIGHT, "return_office_informed": {"receiving_focal_point": "Focal point, Lagos (test)"},
           "temporary_shelter": {"nights": 3}}


def approved_case(session: Session, author: Actor, *, lines: int = 2, **fields) -> Case:
    """A case at "plan approved", with an approved plan of `lines` lines."""
    consent_followup = fields.pop("consent_followup", True)
    case = make_case(session, **{"stage": "plan_approved", **fields})
    case.consent_followup = consent_followup
    plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=author.id, agreed_with_person=True,
                agreed_with_organisation=True)
    session.add(plan)
    session.flush()
    kinds = [("immediate", "cash_basic_needs"), ("economic", "income_generating"), ("social", "housing")]
    for category, sub in kinds[:lines]:
        session.add(PlanLine(plan_id=plan.id, category=category, subcategory=sub, description=f"Test line {sub}",
                             amount=Decimal("100.00"), currency="EUR", amount_programme=Decimal("100.00")))
    session.flush()
    return case


def entries(items, *, done_on: date | None, needed: bool = True, versions: dict | None = None,
            **overrides) -> list[ChecklistEntry]:
    """Entries for every item of `items`, all done on `done_on` (with the details they need), as a form
    opened at `versions` sends them."""
    out = []
    for item in items:
        values = {"item": item, "needed": needed, "done_on": done_on if needed else None,
                  "details": DETAILS.get(item, {}), "version": (versions or {}).get(item, 0)}
        values.update(overrides.get(item, {}))
        out.append(ChecklistEntry(**values))
    return out


def departure_done(session: Session, actor: Actor, case: Case, on: date = date(2014, 5, 20)) -> None:
    """Every pre-departure item done on `on`, the flight 13 days later (2 June 2014 by default)."""
    flight = {**FLIGHT, "flight_date": on + timedelta(days=13)}
    journey.checklist_save(session, actor, case.id, side="departure", today=on,
                           entries=entries(DEPARTURE_ITEMS, done_on=on, flight_booked={"details": flight}))


def versions(session: Session, actor: Actor, case: Case) -> dict[str, int]:
    view = journey.checklists(session, actor, case.id)
    return {r.item: r.version for r in view.departure + view.arrival}


def arrival_done(session: Session, actor: Actor, case: Case, on: date) -> None:
    journey.checklist_save(session, actor, case.id, side="arrival", today=on,
                           entries=entries(ARRIVAL_ITEMS, done_on=on, versions=versions(session, actor, case)))
