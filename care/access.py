"""Who may see and change what: the one place that answers it.

Every domain function takes the acting user (`Actor`) and calls into this module, so a
page that forgets a check cannot leak a case. The actor is loaded from the database on
every user action (see `users.actor_load`), so a role, country or lock change takes
effect at that user's next click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import and_, false, or_
from sqlmodel import Session, select

from care.errors import NotPermitted
from care.i18n import _
from db.models import Case


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    FOCAL_POINT = "focal_point"
    MANAGER = "manager"


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    name: str
    roles: frozenset[Role]
    countries: frozenset[str] = field(default_factory=frozenset)
    programme_ids: frozenset[int] = field(default_factory=frozenset)
    language: str = "en"
    must_change_password: bool = False

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


# Which role may open which page. The navigation and the permission test both read this.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "home": frozenset(Role),
    "account": frozenset(Role),
    "admin_users": frozenset({Role.ADMIN}),
    "admin_programmes": frozenset({Role.ADMIN}),
    "admin_reference": frozenset({Role.ADMIN}),
    "admin_audit": frozenset({Role.ADMIN}),
    "minors": frozenset({Role.COORDINATOR}),
    "plan": frozenset({Role.COORDINATOR}),
    "indicators": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "activities": frozenset({Role.COORDINATOR}),
    "journey": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "followup": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "assessment": frozenset({Role.COORDINATOR}),
    "intake": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "cases": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "case_file": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
}


def may_open(actor: Actor, page: str) -> bool:
    return actor.has(*PAGE_ROLES.get(page, frozenset()))


def require(actor: Actor, *roles: Role) -> None:
    if not actor.has(*roles):
        raise NotPermitted(_("You are not permitted to do this."))


def case_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases this actor may see.

    Coordinators: every case of their programmes. Focal points: cases of their
    programmes whose host or return country is one of theirs. Nobody else sees a case.
    """
    clauses = []
    if actor.has(Role.COORDINATOR) and actor.programme_ids:
        clauses.append(Case.programme_id.in_(actor.programme_ids))
    if actor.has(Role.FOCAL_POINT) and actor.programme_ids and actor.countries:
        clauses.append(
            and_(
                Case.programme_id.in_(actor.programme_ids),
                or_(Case.host_country.in_(actor.countries), Case.return_country.in_(actor.countries)),
            )
        )
    return or_(*clauses) if clauses else false()


def case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case, if this actor may see it; the same error whether it is missing or hidden."""
    stmt = select(Case).where(Case.id == case_id, case_scope(actor))
    if for_update:
        stmt = stmt.with_for_update()
    case = session.exec(stmt).first()
    if case is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case


def may_see_identity(actor: Actor, case: Case) -> bool:
    """Names and contacts: the coordinators of the programme and the focal points in scope."""
    if actor.has(Role.COORDINATOR) and case.programme_id in actor.programme_ids:
        return True
    return (
        actor.has(Role.FOCAL_POINT)
        and case.programme_id in actor.programme_ids
        and (case.host_country in actor.countries or case.return_country in actor.countries)
    )


def is_coordinator_of(actor: Actor, programme_id: int) -> bool:
    return actor.has(Role.COORDINATOR) and programme_id in actor.programme_ids


def require_programme(actor: Actor, programme_id: int, *roles: Role) -> None:
    """The actor holds one of `roles` and belongs to the programme."""
    if not actor.has(*roles) or programme_id not in actor.programme_ids:
        raise NotPermitted(_("You are not permitted to work on this programme."))


def field_case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """A case whose field work this actor does: contacts, drafts of its follow-up and contact forms.

    The return side of the case (`care.sides.works_on`), the same error otherwise. To merge with the
    partner role: partners whose organisation holds the case's follow-ups qualify too (through
    `shared_case_get` and `referred_followup_months`); the safe contact then follows `may_see_identity`."""
    from care.sides import Side, works_on

    case = case_get(session, actor, case_id, for_update=for_update)
    if not works_on(actor, case, Side.ARRIVAL):
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case
