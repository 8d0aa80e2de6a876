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
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from care.errors import NotPermitted
from care.i18n import _
from db.models import Case, PartnerReferral


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    FOCAL_POINT = "focal_point"
    MANAGER = "manager"
    PARTNER = "partner"  # a user of a partner organisation in a return country


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
    partner_id: int | None = None  # the partner organisation of a partner user

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)


# Which role may open which page. The navigation and the permission test both read this.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "home": frozenset(Role),
    "account": frozenset(Role),
    "referrals": frozenset({Role.COORDINATOR, Role.FOCAL_POINT, Role.PARTNER}),
    "admin_users": frozenset({Role.ADMIN}),
    "admin_programmes": frozenset({Role.ADMIN}),
    "admin_reference": frozenset({Role.ADMIN}),
    "admin_partners": frozenset({Role.ADMIN}),
    "admin_audit": frozenset({Role.ADMIN}),
    "minors": frozenset({Role.COORDINATOR}),
    "plan": frozenset({Role.COORDINATOR}),
    "indicators": frozenset({Role.COORDINATOR, Role.MANAGER}),
    "activities": frozenset({Role.COORDINATOR}),
    "exchange": frozenset({Role.COORDINATOR}),
    "journey": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "followup": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
    "survey": frozenset({Role.COORDINATOR, Role.FOCAL_POINT}),
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


# A referral opens a case to the partner's users only once the partner has accepted it;
# completing, declining or revoking it closes the case to them again.
PARTNER_OPEN_STATES = ("accepted",)


def partner_referrals(actor: Actor):
    """A WHERE clause on `PartnerReferral`: the referrals open to this partner user."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return false()
    return and_(PartnerReferral.partner_id == actor.partner_id, col(PartnerReferral.state).in_(PARTNER_OPEN_STATES))


def case_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases this actor may see as staff.

    Coordinators: every case of their programmes. Focal points: cases of their
    programmes whose host or return country is one of theirs. Nobody else: partners see
    only what a referral shares, through `referred_scope` and `shared_case_get`, so every
    read path written for staff refuses a partner by default.
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


def referred_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases referred to this partner user's organisation and
    accepted by it (nothing for anyone else)."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return false()
    return Case.id.in_(select(PartnerReferral.case_id).where(partner_referrals(actor)))


def shared_case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case for staff who may see it, or for a partner it was referred to and who accepted.

    Only the functions that show what a referral shares (care/referrals.py) and the
    partner's own work (the follow-ups assigned to them) use this; the same refusal as
    `case_get` for a hidden case and a missing one.
    """
    stmt = select(Case).where(Case.id == case_id, or_(case_scope(actor), referred_scope(actor)))
    if for_update:
        stmt = stmt.with_for_update()
    case = session.exec(stmt).first()
    if case is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case


def case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case, if this actor may see it; the same error whether it is missing or hidden."""
    stmt = select(Case).where(Case.id == case_id, case_scope(actor))
    if for_update:
        stmt = stmt.with_for_update()
    case = session.exec(stmt).first()
    if case is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case


def sharing_consented():
    """A WHERE clause on `Case`: the person agreed to sharing with the return country and has
    not withdrawn it."""
    return and_(Case.consent_sharing.is_(True), col(Case.consent_sharing_withdrawn_on).is_(None))


def identity_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases whose person's name and contact this actor may see.

    The rule, written once (`may_see_identity` asks the database with it):
    - coordinators: every case of their programmes;
    - focal points of the host country: the cases of their programmes referred there (they
      met the person and took the consent);
    - focal points of the return country: only when the person consented to sharing with
      the return country and has not withdrawn it;
    - partners: only through an accepted referral that shares identity, and with that same
      consent to sharing.
    """
    clauses = []
    if actor.has(Role.COORDINATOR) and actor.programme_ids:
        clauses.append(Case.programme_id.in_(actor.programme_ids))
    if actor.has(Role.FOCAL_POINT) and actor.programme_ids and actor.countries:
        clauses.append(and_(
            Case.programme_id.in_(actor.programme_ids),
            or_(Case.host_country.in_(actor.countries),
                and_(Case.return_country.in_(actor.countries), sharing_consented()))))
    if actor.has(Role.PARTNER) and actor.partner_id is not None:
        clauses.append(and_(
            sharing_consented(),
            Case.id.in_(select(PartnerReferral.case_id).where(
                partner_referrals(actor), PartnerReferral.shares_identity.is_(True)))))
    return or_(*clauses) if clauses else false()


def may_see_identity(actor: Actor, case: Case) -> bool:
    """Whether this actor may see the person's name and contact: `identity_scope` for one case."""
    session = object_session(case)
    if session is None or case.id is None:
        raise ValueError("may_see_identity needs a case loaded from the database")
    return session.exec(select(Case.id).where(Case.id == case.id, identity_scope(actor))).first() is not None


def identity_hidden_reason(actor: Actor, case: Case) -> str:
    """Why a user who sees the case does not see the person's identity, in words for the page."""
    if actor.has(Role.PARTNER):
        return _("The referral does not share the person's identity with your organisation, or the person "
                 "did not consent to sharing it.")
    return _("The person did not consent to sharing their identity with the return country.")


def is_coordinator_of(actor: Actor, programme_id: int) -> bool:
    return actor.has(Role.COORDINATOR) and programme_id in actor.programme_ids


def require_programme(actor: Actor, programme_id: int, *roles: Role) -> None:
    """The actor holds one of `roles` and belongs to the programme."""
    if not actor.has(*roles) or programme_id not in actor.programme_ids:
        raise NotPermitted(_("You are not permitted to work on this programme."))


def referred_followup_months(session: Session, actor: Actor, case: Case) -> frozenset[int]:
    """The follow-ups (months after return) of this case assigned to the partner user's
    organisation by an accepted referral: the only follow-ups a partner may see and log."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return frozenset()
    rows = session.exec(select(PartnerReferral.followup_months).where(
        PartnerReferral.case_id == case.id, partner_referrals(actor))).all()
    return frozenset(m for months in rows for m in months)


def referred_plan_line_ids(session: Session, actor: Actor, case: Case) -> frozenset[int]:
    """The plan lines of this case the partner user's organisation delivers (accepted referrals)."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return frozenset()
    rows = session.exec(select(PartnerReferral.plan_line_ids).where(
        PartnerReferral.case_id == case.id, partner_referrals(actor), PartnerReferral.shares_plan.is_(True))).all()
    return frozenset(i for ids in rows for i in ids)


def may_refer(actor: Actor, case: Case) -> bool:
    """Who refers a case to a partner and manages its referrals (the sender side): the coordinators
    of the case's programme and the focal points of its host country, who prepared the return."""
    if is_coordinator_of(actor, case.programme_id):
        return True
    return (actor.has(Role.FOCAL_POINT) and case.programme_id in actor.programme_ids
            and case.host_country in actor.countries)


def field_case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """A case whose field work this actor does: contacts, drafts of its follow-up and contact forms.

    The return side of the case (`care.sides.works_on`), or a partner whose organisation holds
    some of the case's follow-ups through an accepted referral; the same error otherwise.
    """
    from care.sides import Side, works_on

    case = shared_case_get(session, actor, case_id, for_update=for_update)
    if works_on(actor, case, Side.ARRIVAL) or referred_followup_months(session, actor, case):
        return case
    raise NotPermitted(_("No such case, or you are not permitted to see it."))
