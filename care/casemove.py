"""Moving a case: to another focal point, another return country or region, another programme.

Each move is a coordinator's decision with a reason, written on the case's timeline (the
reason is kept in the audit event, so write it without the person's name). Access is a
query on the case row (`care.access.case_scope`), so it follows the move at the next click
of every user: the focal points of the old country no longer see the case, those of the
new one do. A move to another return country revokes the open referrals to partners of
the old country: a partner in a country the person no longer returns to has no reason to
see the case. The case code stays: it names the case, not its route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from care.access import Actor, Role, case_get, is_coordinator_of, require_programme
from care.audit import audit_record
from care.concurrency import claim
from care.countries import country_name, is_country, is_eu_member
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import _
from care.programmes import programme_settings
from care.text import NOTE_MAX, checked_text
from care.vocab import Stage
from db.models import Case, PartnerOrganisation, PartnerReferral, User, UserCountry, UserProgramme, UserRole, utcnow

REGION_MAX = 200  # the column's length
OPEN_REFERRAL_STATES = ("draft", "sent", "accepted")
MOVED = "case moved"  # the revocation reason of the referrals a move ends


def _case_for_move(session: Session, actor: Actor, case_id: int, reason: str, problems: Problems) -> tuple[Case, str]:
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if case.stage in (Stage.CLOSED, Stage.INELIGIBLE):
        raise DomainError(_("This case is closed: it can no longer be moved."))
    reason = checked_text(problems, "reason", reason, limit=NOTE_MAX, multiline=True,
                          required=_("Say why the case is moved."))
    return case, reason


def _save(session: Session, actor: Actor, case: Case, expected_version: int) -> None:
    claim(session, actor, Case, {"id": case.id}, expected_version)
    session.refresh(case)


def focal_points_for(session: Session, programme_id: int, countries: tuple[str, ...]) -> list[int]:
    """Active, unlocked focal points of the programme for any of these countries."""
    return list(session.exec(
        select(User.id).distinct()
        .join(UserRole, UserRole.user_id == User.id).join(UserProgramme, UserProgramme.user_id == User.id)
        .join(UserCountry, UserCountry.user_id == User.id)
        .where(UserRole.role == Role.FOCAL_POINT.value, UserProgramme.programme_id == programme_id,
               col(UserCountry.country).in_(countries), User.is_active == True, User.locked == False)  # noqa: E712
    ).all())


def focal_point_choices(session: Session, actor: Actor, case_id: int) -> dict[int, str]:
    """The focal points a case may be given to (id to name), for the picker."""
    case = case_get(session, actor, case_id)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    ids = focal_points_for(session, case.programme_id, (case.host_country, case.return_country))
    users = session.exec(select(User).where(col(User.id).in_(ids)).order_by(User.name)).all() if ids else []
    return {u.id: u.name for u in users}


def case_reassign(session: Session, actor: Actor, *, case_id: int, focal_point_id: int | None, reason: str,
                  expected_version: int) -> Case:
    """Give the case to another focal point of its programme, for its host or return country."""
    problems = Problems()
    case, reason = _case_for_move(session, actor, case_id, reason, problems)
    if focal_point_id is None or focal_point_id not in focal_points_for(
            session, case.programme_id, (case.host_country, case.return_country)):
        problems.add("focal_point_id", _("Choose an active focal point of this programme for the case's host or "
                                         "return country."))
    elif focal_point_id == case.focal_point_id:
        problems.add("focal_point_id", _("This focal point already answers for the case."))
    problems.raise_if_any()
    _save(session, actor, case, expected_version)
    before = case.focal_point_id
    case.focal_point_id = focal_point_id
    session.add(case)
    audit_record(session, actor, "case.reassign", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"from": _name(session, before), "to": _name(session, focal_point_id), "reason": reason})
    return case


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else ""


def case_move_return(session: Session, actor: Actor, *, case_id: int, return_country: str, return_region: str,
                     reason: str, expected_version: int, today: date | None = None) -> Case:
    """The person returns to another country or region. A new country must be one of the programme's
    return countries and outside the EU; the open referrals to partners of the old one are revoked."""
    today = today or date.today()
    problems = Problems()
    case, reason = _case_for_move(session, actor, case_id, reason, problems)
    country = (return_country or "").strip().upper()
    region = checked_text(problems, "return_region", " ".join((return_region or "").split()), limit=REGION_MAX)
    programme = programme_settings(session, case.programme_id)
    if not is_country(country):
        problems.add("return_country", _("Choose a country."))
    elif is_eu_member(country, on=today):
        problems.add("return_country", _("{country} is a member of the European Union: the programme assists "
                                         "returns to countries outside the EU only.").format(
            country=country_name(country)))
    elif country not in programme.return_countries:
        problems.add("return_country", _("{country} is not one of {programme}'s return countries.").format(
            country=country_name(country), programme=programme.code))
    elif country == case.return_country and region == case.return_region:
        problems.add("return_region", _("This is where the case already returns to."))
    problems.raise_if_any()
    _save(session, actor, case, expected_version)
    old_country, old_region = case.return_country, case.return_region
    case.return_country, case.return_region = country, region
    revoked = (open_referrals_revoke(session, actor, case, reason=MOVED, outside_return_country=True)
               if country != old_country else [])
    focal_point_dropped = _drop_focal_point_outside(session, case)
    session.add(case)
    audit_record(session, actor, "case.move_return", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"from": old_country, "to": country, "region_changed": region != old_region, "reason": reason,
                         "referrals_revoked": revoked, "focal_point_dropped": focal_point_dropped})
    return case


def open_referrals_revoke(session: Session, actor: Actor, case: Case, *, reason: str,
                          outside_return_country: bool = False) -> list[int]:
    """Revoke the case's open referrals (only those to partners outside its return country, if
    asked), directly: the partner loses the case at their next click. Each one is audited."""
    stmt = (select(PartnerReferral).join(PartnerOrganisation, PartnerOrganisation.id == PartnerReferral.partner_id)
            .where(PartnerReferral.case_id == case.id, col(PartnerReferral.state).in_(OPEN_REFERRAL_STATES)))
    if outside_return_country:
        stmt = stmt.where(PartnerOrganisation.country != case.return_country)
    rows = session.exec(stmt.order_by(PartnerReferral.id).with_for_update()).all()
    now = utcnow()
    for ref in rows:
        before = ref.state
        ref.state, ref.revoked_at, ref.revoked_by_id, ref.revoke_reason = "revoked", now, actor.id, reason
        ref.version += 1
        ref.updated_at, ref.updated_by_id = now, actor.id
        session.add(ref)
        audit_record(session, actor, "partner_referral.revoke", case_id=case.id, entity="partner_referral",
                     entity_id=ref.id, detail={"from": before, "reason": reason})
    return [r.id for r in rows]


def _drop_focal_point_outside(session: Session, case: Case) -> bool:
    """A named focal point who no longer covers the case's programme and countries is no longer named."""
    if case.focal_point_id is None:
        return False
    if case.focal_point_id in focal_points_for(session, case.programme_id, (case.host_country, case.return_country)):
        return False
    case.focal_point_id = None
    return True


def case_move_programme(session: Session, actor: Actor, *, case_id: int, programme_id: int, reason: str,
                        expected_version: int) -> Case:
    """The case continues under another programme (CARE to CARE+, say) that accepts its host and
    return countries; the actor coordinates both. The case code stays."""
    problems = Problems()
    case, reason = _case_for_move(session, actor, case_id, reason, problems)
    if programme_id == case.programme_id:
        problems.add("programme_id", _("The case is already in this programme."))
    elif not is_coordinator_of(actor, programme_id):
        raise NotPermitted(_("You are not permitted to work on this programme."))
    else:
        target = programme_settings(session, programme_id)
        if case.host_country not in target.host_countries:
            problems.add("programme_id", _("{programme} does not take referrals from {country}.").format(
                programme=target.code, country=country_name(case.host_country)))
        elif case.return_country not in target.return_countries:
            problems.add("programme_id", _("{country} is not one of {programme}'s return countries.").format(
                country=country_name(case.return_country), programme=target.code))
    problems.raise_if_any()
    _save(session, actor, case, expected_version)
    before = programme_settings(session, case.programme_id).code
    case.programme_id = programme_id
    focal_point_dropped = _drop_focal_point_outside(session, case)
    session.add(case)
    audit_record(session, actor, "case.move_programme", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"from": before, "to": programme_settings(session, programme_id).code, "reason": reason,
                         "focal_point_dropped": focal_point_dropped})
    return case


@dataclass(frozen=True)
class MoveOptions:
    """What the "Move the case" panel offers for one case."""

    version: int
    focal_point_id: int | None
    focal_points: dict[int, str]  # id -> name: who the case may be given to
    return_country: str
    return_region: str
    return_countries: tuple[str, ...]  # the programme's
    programme_id: int
    programmes: dict[int, str]  # id -> code: the other programmes the actor coordinates


def move_options(session: Session, actor: Actor, case_id: int) -> MoveOptions:
    case = case_get(session, actor, case_id)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    programmes = {pid: programme_settings(session, pid).code for pid in sorted(actor.programme_ids)
                  if pid != case.programme_id and is_coordinator_of(actor, pid)}
    return MoveOptions(case.version, case.focal_point_id, focal_point_choices(session, actor, case.id),
                       case.return_country, case.return_region,
                       programme_settings(session, case.programme_id).return_countries, case.programme_id, programmes)
