"""The two sides of a return: the host country prepares it, the return country receives it.

Seeing a case (`access.case_scope`) is not enough to work on it: the pre-departure
checklist belongs to the host side, the arrival checklist and every follow-up to the
return side. A focal point for Spain sees a case returning to Nigeria, but never how the
person is doing after return; the coordinators of the programme work on both sides.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_, false, or_

from care.access import Actor, Role, is_coordinator_of
from care.errors import NotPermitted
from care.i18n import _
from db.models import Case


class Side(StrEnum):
    DEPARTURE = "departure"  # the host country
    ARRIVAL = "arrival"  # the return country


def _focal_point_for(actor: Actor, case: Case, country: str) -> bool:
    return actor.has(Role.FOCAL_POINT) and case.programme_id in actor.programme_ids and country in actor.countries


def works_on(actor: Actor, case: Case, side: Side) -> bool:
    if is_coordinator_of(actor, case.programme_id):
        return True
    country = case.host_country if side == Side.DEPARTURE else case.return_country
    return _focal_point_for(actor, case, country)


def require_side(actor: Actor, case: Case, side: Side) -> None:
    if not works_on(actor, case, side):
        raise NotPermitted(
            _("Only the coordinators and the focal points of the host country work on the pre-departure side.")
            if side == Side.DEPARTURE else
            _("Only the coordinators and the focal points of the return country work on the arrival and the "
              "follow-ups."))


def return_side_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases whose arrival and follow-ups this actor works on."""
    clauses = []
    if actor.has(Role.COORDINATOR) and actor.programme_ids:
        clauses.append(Case.programme_id.in_(actor.programme_ids))
    if actor.has(Role.FOCAL_POINT) and actor.programme_ids and actor.countries:
        clauses.append(and_(Case.programme_id.in_(actor.programme_ids), Case.return_country.in_(actor.countries)))
    return or_(*clauses) if clauses else false()
