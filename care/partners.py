"""The service directory: partner organisations in the return countries and what each offers.

Administrators keep it (add, correct, retire, bring back; add and retire services);
coordinators and focal points read it, to pick a plan line's provider or a referral's
partner. A retired organisation or service is no longer offered for new records, and the
records that already name it keep showing its name: nothing here is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_get, require
from care.audit import audit_record
from care.concurrency import claim
from care.countries import is_country
from care.errors import NotPermitted, Problems
from care.i18n import _
from care.intake import language_codes
from care.text import NOTE_MAX, checked_text
from care.vocab import PARTNER_KINDS, PLAN_CATEGORIES, PLAN_SUBCATEGORIES
from care.ui.markdown import md_escape
from db.models import PartnerOrganisation, PartnerService

NAME_MAX = 200  # the column's length
READERS = (Role.ADMIN, Role.COORDINATOR, Role.FOCAL_POINT)  # focal points send referrals to partners


@dataclass(frozen=True)
class ServiceRow:
    id: int
    category: str
    kind: str  # the plan line's subcategory code
    note: str
    active: bool
    version: int


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    country: str
    kind: str
    contact: str
    languages: tuple[str, ...]
    active: bool
    version: int
    services: tuple[ServiceRow, ...] = ()


@dataclass(frozen=True)
class PartnerInput:
    """An organisation as the form sends it; the country is given once, at creation."""

    name: str
    kind: str
    contact: str = ""
    languages: tuple[str, ...] = ()
    country: str = ""


def _services(session: Session, partner_ids: list[int]) -> dict[int, list[ServiceRow]]:
    found: dict[int, list[ServiceRow]] = {}
    if not partner_ids:
        return found
    rows = session.exec(select(PartnerService).where(col(PartnerService.partner_id).in_(partner_ids))
                        .order_by(PartnerService.category, PartnerService.kind, PartnerService.id)).all()
    for s in rows:
        found.setdefault(s.partner_id, []).append(ServiceRow(s.id, s.category, s.kind, s.note, s.active, s.version))
    return found


def _rows(session: Session, orgs: list[PartnerOrganisation]) -> list[PartnerRow]:
    services = _services(session, [o.id for o in orgs])
    return [PartnerRow(o.id, o.name, o.country, o.kind, o.contact, tuple(o.languages), o.active, o.version,
                       tuple(services.get(o.id, ()))) for o in orgs]


def _partner(session: Session, partner_id: int) -> PartnerOrganisation:
    org = session.get(PartnerOrganisation, partner_id)
    if org is None:
        raise NotPermitted(_("This record no longer exists."))
    return org


def _checked(session: Session, data: PartnerInput, *, country: str, besides: int | None = None) -> dict:
    problems = Problems()
    name = checked_text(problems, "name", " ".join((data.name or "").split()), limit=NAME_MAX,
                        required=_("The name is required."))
    if data.kind not in PARTNER_KINDS:
        problems.add("kind", _("Choose the kind of organisation."))
    contact = checked_text(problems, "contact", data.contact, limit=NOTE_MAX, multiline=True)
    known = set(language_codes())
    unknown = sorted(set(data.languages) - known)
    if unknown:
        problems.add("languages", _("Unknown language code: {codes}").format(codes=md_escape(", ".join(unknown))))
    if not is_country(country):
        problems.add("country", _("Choose a country."))
    elif name and "name" not in problems.errors:
        same = name.casefold()
        twins = session.exec(select(PartnerOrganisation.id).where(
            PartnerOrganisation.country == country, func.lower(PartnerOrganisation.name) == same.lower())).all()
        if any(t != besides for t in twins):
            problems.add("name", _("This organisation is already in the directory for this country."))
    problems.raise_if_any()
    return {"name": name, "kind": data.kind, "contact": contact, "languages": sorted(set(data.languages))}


def partner_create(session: Session, actor: Actor, *, data: PartnerInput) -> PartnerRow:
    """Add an organisation to the directory of its (return) country."""
    require(actor, Role.ADMIN)
    country = (data.country or "").strip().upper()
    values = _checked(session, data, country=country)
    org = PartnerOrganisation(country=country, updated_by_id=actor.id, **values)
    session.add(org)
    session.flush()
    audit_record(session, actor, "partner.create", entity="partner_organisation", entity_id=org.id,
                 detail={"country": country, **values})
    return _rows(session, [org])[0]


def partner_edit(session: Session, actor: Actor, *, partner_id: int, data: PartnerInput, version: int) -> PartnerRow:
    """Correct the name, kind, contact or languages; refused if someone saved it since it was opened.
    The country stays: an organisation in another country is another entry."""
    require(actor, Role.ADMIN)
    org = _partner(session, partner_id)
    values = _checked(session, data, country=org.country, besides=org.id)
    before = {k: getattr(org, k) for k in values}
    diff = {k: [before[k], values[k]] for k in values if before[k] != values[k]}
    if not diff:
        return _rows(session, [org])[0]
    claim(session, actor, PartnerOrganisation, {"id": org.id}, version)
    for key, value in values.items():
        setattr(org, key, value)
    session.add(org)
    session.flush()
    audit_record(session, actor, "partner.edit", entity="partner_organisation", entity_id=org.id,
                 detail={"changes": diff})
    return _rows(session, [org])[0]


def partner_set_active(session: Session, actor: Actor, *, partner_id: int, active: bool, version: int) -> PartnerRow:
    """Retire (no longer offered for new plan lines and referrals) or bring back an organisation."""
    require(actor, Role.ADMIN)
    org = _partner(session, partner_id)
    if org.active != active:
        claim(session, actor, PartnerOrganisation, {"id": org.id}, version)
        org.active = active
        session.add(org)
        session.flush()
        audit_record(session, actor, "partner.reactivate" if active else "partner.retire",
                     entity="partner_organisation", entity_id=org.id, detail={"name": org.name})
    return _rows(session, [org])[0]


def service_add(session: Session, actor: Actor, *, partner_id: int, kind: str, note: str = "") -> ServiceRow:
    """A kind of help the organisation offers (a plan line kind; its category follows from it)."""
    require(actor, Role.ADMIN)
    org = _partner(session, partner_id)
    problems = Problems()
    if kind not in PLAN_SUBCATEGORIES:
        problems.add("kind", _("Choose what kind of help this is."))
    note = checked_text(problems, "note", note, limit=NOTE_MAX, multiline=True)
    if "kind" not in problems.errors and session.exec(select(PartnerService.id).where(
            PartnerService.partner_id == org.id, PartnerService.kind == kind,
            PartnerService.active == True)).first():  # noqa: E712
        problems.add("kind", _("This organisation already offers this service."))
    problems.raise_if_any()
    category = PLAN_SUBCATEGORIES[kind][0]
    row = PartnerService(partner_id=org.id, category=category, kind=kind, note=note, updated_by_id=actor.id)
    session.add(row)
    session.flush()
    audit_record(session, actor, "partner_service.add", entity="partner_service", entity_id=row.id,
                 detail={"partner_id": org.id, "category": category, "kind": kind})
    return ServiceRow(row.id, row.category, row.kind, row.note, row.active, row.version)


def service_retire(session: Session, actor: Actor, *, service_id: int, version: int) -> None:
    """The organisation no longer offers this service (it stays on record)."""
    require(actor, Role.ADMIN)
    row = session.get(PartnerService, service_id)
    if row is None:
        raise NotPermitted(_("This record no longer exists."))
    if not row.active:
        return
    claim(session, actor, PartnerService, {"id": row.id}, version)
    row.active = False
    session.add(row)
    audit_record(session, actor, "partner_service.retire", entity="partner_service", entity_id=row.id,
                 detail={"partner_id": row.partner_id, "kind": row.kind})


# --- reads ------------------------------------------------------------------------------


def partners_list(session: Session, actor: Actor, *, country: str | None = None,
                  active_only: bool = False) -> list[PartnerRow]:
    """The directory, by country then name, with each organisation's services."""
    require(actor, *READERS)
    stmt = select(PartnerOrganisation).order_by(PartnerOrganisation.country, func.lower(PartnerOrganisation.name))
    if country:
        stmt = stmt.where(PartnerOrganisation.country == country.strip().upper())
    if active_only:
        stmt = stmt.where(PartnerOrganisation.active == True)  # noqa: E712
    return _rows(session, list(session.exec(stmt).all()))


def partners_for_line(session: Session, actor: Actor, case_id: int, category: str) -> list[PartnerRow]:
    """The organisations a plan line of this category may name: active ones of the case's return
    country that offer an active service in the category."""
    require(actor, *READERS)
    case = case_get(session, actor, case_id)
    if category not in PLAN_CATEGORIES:
        return []
    offering = select(PartnerService.partner_id).where(PartnerService.category == category,
                                                       PartnerService.active == True)  # noqa: E712
    stmt = (select(PartnerOrganisation)
            .where(PartnerOrganisation.country == case.return_country, PartnerOrganisation.active == True,  # noqa: E712
                   col(PartnerOrganisation.id).in_(offering))
            .order_by(func.lower(PartnerOrganisation.name)))
    return _rows(session, list(session.exec(stmt).all()))


def partner_name(session: Session, partner_id: int | None) -> str:
    """The name a record shows, even if the organisation was retired since."""
    if partner_id is None:
        return ""
    org = session.get(PartnerOrganisation, partner_id)
    return org.name if org else ""
