"""Who may see and change what: the one place that answers it.

Every domain function takes the acting user (`Actor`) and calls into this module, so a
page that forgets a check cannot leak a case. The actor is loaded from the database on
every user action (see `users.actor_load`), so a role, country or lock change takes
effect at that user's next click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import and_, event, false, or_
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from care.errors import NotPermitted
from care.i18n import _
from db.models import AuditEvent, Case, PartnerReferral


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
    time_zone: str = "UTC"  # where moments are shown (care.timezones.user_zone)
    must_change_password: bool = False
    partner_id: int | None = None  # the partner organisation of a partner user
    # A focal point's countries that are host (or return) countries of their programmes: the side of
    # a return they work on (see care/sides.py). Filled by `users.actor_load`.
    host_countries: frozenset[str] = field(default_factory=frozenset)
    return_countries: frozenset[str] = field(default_factory=frozenset)

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


# Pages whose work is on one side of a return only: a focal point is offered them only if one of
# their countries is on that side in their programmes (a Nigeria focal point, on the return side,
# registers no referral; a Spain focal point logs no follow-up after return).
PAGE_SIDES: dict[str, str] = {"intake": "host", "followup": "return"}


def may_open(actor: Actor, page: str) -> bool:
    """Whether the page is offered to this actor: their role opens it, and they have work it can do."""
    roles = PAGE_ROLES.get(page, frozenset())
    if not actor.has(*roles):
        return False
    side = PAGE_SIDES.get(page)
    if side is None or actor.has(*(roles - {Role.FOCAL_POINT})):
        return True
    return bool(actor.host_countries if side == "host" else actor.return_countries)


def country_choices(actor: Actor, countries, kind: str) -> list[str]:
    """The countries a case filter offers this actor, among `countries` (the programmes' host or
    return countries): those of cases they can see (`case_scope`).

    A focal point sees the cases whose host or return country is theirs: a Spain focal point (host
    side only) sees cases hosted in Spain going to any return country, so their host filter offers
    Spain alone and their return filter every return country; the other way round for a Nigeria
    focal point. Coordinators and managers see every country of their programmes.
    """
    countries = list(countries)
    if not actor.has(Role.FOCAL_POINT) or actor.has(Role.COORDINATOR, Role.MANAGER):
        return countries
    own, other_side = ((actor.host_countries, actor.return_countries) if kind == "host"
                       else (actor.return_countries, actor.host_countries))
    return countries if other_side else [c for c in countries if c in own]


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


# --- staff: coordinators of a programme, focal points of a country in it --------------
# The two staff rules every scope below is built from, written once: a coordinator works on
# every case of their programmes; a focal point on the cases of their programmes that touch
# one of their countries (which country -- host, return -- depends on the question asked).


def _staff_clause(actor: Actor, focal_point_countries):
    """The WHERE clauses on `Case` for staff (a list to `or_`): every case of a coordinator's programmes, and for a
    focal point the cases of their programmes where `focal_point_countries(countries)` holds
    (a clause built from the focal point's countries). Nothing for anyone else."""
    clauses = []
    if actor.has(Role.COORDINATOR) and actor.programme_ids:
        clauses.append(Case.programme_id.in_(actor.programme_ids))
    if actor.has(Role.FOCAL_POINT) and actor.programme_ids and actor.countries:
        clauses.append(and_(Case.programme_id.in_(actor.programme_ids), focal_point_countries(actor.countries)))
    return clauses


def is_coordinator_of(actor: Actor, programme_id: int) -> bool:
    return actor.has(Role.COORDINATOR) and programme_id in actor.programme_ids


def is_focal_point_for(actor: Actor, programme_id: int, country: str) -> bool:
    """A focal point of `country` who belongs to the programme."""
    return actor.has(Role.FOCAL_POINT) and programme_id in actor.programme_ids and country in actor.countries


def case_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases this actor may see as staff.

    Coordinators: every case of their programmes. Focal points: cases of their
    programmes whose host or return country is one of theirs. Nobody else: partners see
    only what a referral shares, through `referred_scope` and `shared_case_get`, so every
    read path written for staff refuses a partner by default.
    """
    clauses = _staff_clause(actor, lambda countries: or_(Case.host_country.in_(countries),
                                                          Case.return_country.in_(countries)))
    return or_(*clauses) if clauses else false()


def referred_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases referred to this partner user's organisation and
    accepted by it (nothing for anyone else)."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return false()
    return Case.id.in_(select(PartnerReferral.case_id).where(partner_referrals(actor)))


def _remembered(session: Session, kind: str, actor: Actor, case_id: int, ask):
    """The answer `ask()` gave to this question earlier in the same session (one user action), or
    a new one. A page draws a case file from a dozen sections, each of which checks access to
    the case: asked once, the database is not queried a dozen times for the same answer. A
    refusal is never remembered, and a read for update always goes to the database (the lock)."""
    memo = session.info.setdefault("care.access", {})
    if _changes(session):  # a change not yet written may change the answer
        memo.clear()
    key = (kind, actor, case_id)
    if key not in memo or (isinstance(memo[key], Case) and object_session(memo[key]) is not session):
        memo[key] = ask()  # asked for the first time, or the case remembered has left the session since
    return memo[key]


def _changes(session: Session) -> bool:
    """Whether the session holds a change other than audit events (which change no answer)."""
    return any(not isinstance(row, AuditEvent) for rows in (session.new, session.dirty, session.deleted)
               for row in rows)


@event.listens_for(Session, "after_flush")
def _forget_after_a_write(session, _flush_context) -> None:
    """A write may move a case, change a consent or a referral: the remembered answers go."""
    if _changes(session):
        session.info.pop("care.access", None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_bulk_update")
@event.listens_for(Session, "after_bulk_delete")
def _forget_after_a_transaction(session, *_args) -> None:
    """A new transaction may see other users' writes (and bulk writes skip the flush): ask again."""
    info = getattr(session, "info", None) or getattr(getattr(session, "session", None), "info", None)
    if info is not None:
        info.pop("care.access", None)


def shared_case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case for staff who may see it, or for a partner it was referred to and who accepted.

    Only the functions that show what a referral shares (care/referrals.py) and the
    partner's own work (the follow-ups assigned to them) use this; the same refusal as
    `case_get` for a hidden case and a missing one.
    """
    stmt = select(Case).where(Case.id == case_id, or_(case_scope(actor), referred_scope(actor)))
    if for_update:
        case = session.exec(stmt.with_for_update()).first()
    else:
        case = _remembered(session, "shared", actor, case_id, lambda: session.exec(stmt).first())
    if case is None:
        session.info.get("care.access", {}).pop(("shared", actor, case_id), None)
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case


def case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case, if this actor may see it; the same error whether it is missing or hidden."""
    stmt = select(Case).where(Case.id == case_id, case_scope(actor))
    if for_update:
        case = session.exec(stmt.with_for_update()).first()
    else:
        case = _remembered(session, "staff", actor, case_id, lambda: session.exec(stmt).first())
    if case is None:
        session.info.get("care.access", {}).pop(("staff", actor, case_id), None)
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
    clauses = _staff_clause(actor, lambda countries: or_(
        Case.host_country.in_(countries), and_(Case.return_country.in_(countries), sharing_consented())))
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
    return _remembered(session, "identity", actor, case.id, lambda: session.exec(
        select(Case.id).where(Case.id == case.id, identity_scope(actor))).first() is not None)


def identity_hidden_reason(actor: Actor, case: Case) -> str:
    """Why a user who sees the case does not see the person's identity, in words for the page."""
    if actor.has(Role.PARTNER):
        return _("The referral does not share the person's identity with your organisation, or the person "
                 "did not consent to sharing it.")
    return _("The person did not consent to sharing their identity with the return country.")


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
    return works_on(actor, case, Side.DEPARTURE)


def field_case_get(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """A case whose field work this actor does: contacts, drafts of its follow-up and contact forms.

    The return side of the case (`works_on`), or a partner whose organisation holds
    some of the case's follow-ups through an accepted referral; the same error otherwise.
    """
    case = shared_case_get(session, actor, case_id, for_update=for_update)
    if works_on(actor, case, Side.ARRIVAL) or referred_followup_months(session, actor, case):
        return case
    raise NotPermitted(_("No such case, or you are not permitted to see it."))


# --- the two sides of a return ---------------------------------------------------------
# The host country prepares a return, the return country receives it. Seeing a case
# (`case_scope`) is not enough to work on it: the pre-departure checklist belongs to the
# host side, the arrival checklist and every follow-up to the return side. A focal point
# for Spain sees a case returning to Nigeria, but never how the person is doing after
# return; the coordinators of the programme work on both sides.


class Side(StrEnum):
    DEPARTURE = "departure"  # the host country
    ARRIVAL = "arrival"  # the return country


def works_on(actor: Actor, case: Case, side: Side) -> bool:
    if is_coordinator_of(actor, case.programme_id):
        return True
    return is_focal_point_for(actor, case.programme_id,
                              case.host_country if side == Side.DEPARTURE else case.return_country)


def require_side(actor: Actor, case: Case, side: Side) -> None:
    if not works_on(actor, case, side):
        raise NotPermitted(
            _("Only the coordinators and the focal points of the host country work on the pre-departure side.")
            if side == Side.DEPARTURE else
            _("Only the coordinators and the focal points of the return country work on the arrival and the "
              "follow-ups."))


def return_side_scope(actor: Actor):
    """A WHERE clause on `Case`: the cases whose arrival and follow-ups this actor works on."""
    clauses = _staff_clause(actor, lambda countries: Case.return_country.in_(countries))
    return or_(*clauses) if clauses else false()


# --- registering referrals -------------------------------------------------------------


def require_programme_staff(actor: Actor, programme_id: int) -> None:
    """A coordinator or focal point of the programme (who registers referrals for it)."""
    require_programme(actor, programme_id, Role.COORDINATOR, Role.FOCAL_POINT)


def host_countries_for(actor: Actor, programme_id: int, host_countries) -> tuple[str, ...]:
    """The programme's host countries this actor registers referrals for: all of them for its
    coordinators, their own for its focal points, none for anyone else."""
    if is_coordinator_of(actor, programme_id):
        return tuple(host_countries)
    return tuple(c for c in host_countries if is_focal_point_for(actor, programme_id, c))


def may_add_organisation_in(actor: Actor, country: str) -> bool:
    """Administrators and coordinators add referring organisations anywhere, focal points in
    their own countries only."""
    return actor.has(Role.ADMIN, Role.COORDINATOR) or (actor.has(Role.FOCAL_POINT) and country in actor.countries)


# --- case documents -------------------------------------------------------------------------
# Who may see which kind of document kept with a case (care/case_documents.py):
# - coordinators of the case's programme: every kind;
# - focal points who see the case (`case_scope`): every kind but these coordinator-only ones;
# - partners: only receipts and "other" documents attached to a plan line their organisation
#   delivers (an accepted referral sharing the plan), or to a payment on such a line;
# - and for everyone, an identity document copy only where the identity may be seen
#   (`may_see_identity`): it shows the person's name and face.
DOCUMENTS_COORDINATORS_ONLY = frozenset({"medical", "best_interests"})
DOCUMENTS_FOR_PARTNERS = frozenset({"receipt", "other"})
DOCUMENTS_SHOWING_IDENTITY = frozenset({"identity_copy"})


def in_case_scope(session: Session, actor: Actor, case: Case) -> bool:
    """Whether this actor sees the case as staff (`case_scope` for one case)."""
    return session.exec(select(Case.id).where(Case.id == case.id, case_scope(actor))).first() is not None


def may_see_document(session: Session, actor: Actor, case: Case, *, kind: str, plan_line_id: int | None) -> bool:
    """Whether this actor may see (and download) a document of `kind` of this case, attached to
    `plan_line_id` (or to a payment on it, or to no line: None). The rule is the comment above."""
    if kind in DOCUMENTS_SHOWING_IDENTITY and not may_see_identity(actor, case):
        return False
    if is_coordinator_of(actor, case.programme_id) and in_case_scope(session, actor, case):
        return True
    if in_case_scope(session, actor, case):
        return kind not in DOCUMENTS_COORDINATORS_ONLY
    if actor.has(Role.PARTNER):
        return (kind in DOCUMENTS_FOR_PARTNERS and plan_line_id is not None
                and plan_line_id in referred_plan_line_ids(session, actor, case))
    return False


def may_add_document(session: Session, actor: Actor, case: Case, *, kind: str) -> bool:
    """Staff who see the case add documents of the kinds they may see (partners do not)."""
    return in_case_scope(session, actor, case) and may_see_document(session, actor, case, kind=kind, plan_line_id=None)


# --- Tasks (care/tasks.py) ---------------------------------------------------------------------

def case_in_scope(session: Session, actor: Actor, case_id: int) -> bool:
    """Whether this actor sees the case as staff: `case_scope` for one case."""
    return session.exec(select(Case.id).where(Case.id == case_id, case_scope(actor))).first() is not None


def task_scope(actor: Actor):
    """A WHERE clause on `Task`: the tasks this actor sees.

    Their own (assigned to them, or written by them without a case), and every task of a case
    they see as staff: the team sees who does what on the case. A task without a case is
    seen by its assignee and its author only.
    """
    from db.models import Task

    return or_(Task.assignee_id == actor.id,
               and_(col(Task.case_id).is_(None), Task.created_by_id == actor.id),
               col(Task.case_id).in_(select(Case.id).where(case_scope(actor))))


def may_assign_task(session: Session, actor: Actor, assignee: Actor, case: Case | None) -> bool:
    """Who may give a task to whom.

    Anyone who works on cases gives themselves a task (on a case they see, or none).
    Coordinators assign to others within their scope: on a case of their programmes, to a
    user who sees that case; without a case, to a coordinator or focal point of one of
    their programmes. In every case the task's case must be in the assignee's scope.
    """
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return False
    if case is not None and not (case_in_scope(session, actor, case.id) and case_in_scope(session, assignee, case.id)):
        return False
    if assignee.id == actor.id:
        return True
    if case is not None:
        return is_coordinator_of(actor, case.programme_id)
    return (actor.has(Role.COORDINATOR) and assignee.has(Role.COORDINATOR, Role.FOCAL_POINT)
            and bool(actor.programme_ids & assignee.programme_ids))


def may_change_task(actor: Actor, task, case: Case | None) -> bool:
    """Who completes or cancels a task: its assignee, its author, or a coordinator of its case's programme."""
    if task.assignee_id == actor.id or (task.created_by_id is not None and task.created_by_id == actor.id):
        return True
    return case is not None and is_coordinator_of(actor, case.programme_id)
