"""The documents given to the person: what they need to read, gathered and checked.

Four documents (informed consent, information sheet, reintegration plan, follow-up
calendar card), each in the person's language with the staff's language beside it.
They carry the person's name, so they are made for the people who meet the person before
departure (coordinators and focal points of the host country, `sides.Side.DEPARTURE`) and
each one is an audited export ("export.person_<document>", with its language).
The layouts are in `care/pdf/person.py`; this module only decides what goes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from care.access import Actor, case_get, may_see_identity
from care.errors import DomainError, NotPermitted
from care.i18n import N_, _, current_language
from care.identity import identity_read
from care.persontext import CATALOGS, documents_language
from care.plan_views import _revisions
from care.programmes import programme_settings
from care.schedule import schedule_months
from care.access import Side, require_side, works_on
from db.models import Case, FollowUp, PartnerOrganisation, PartnerReferral

DOCUMENTS = {
    "consent": N_("Informed consent"),
    "information": N_("Information sheet"),
    "plan": N_("Reintegration plan"),
    "calendar": N_("Follow-up calendar card"),
}
# Referrals whose partner the person may turn to: sent (waiting for an answer) or accepted.
CONTACT_STATES = ("sent", "accepted")


@dataclass(frozen=True)
class CalendarEntry:
    kind: str  # scheduled | monitoring
    months_after: int | None
    due_on: date | None  # None until the arrival sets the dates


@dataclass(frozen=True)
class Contact:
    name: str
    contact: str


@dataclass(frozen=True)
class PlanLineText:
    category: str
    description: str
    planned_on: date | None
    amount: Decimal


@dataclass(frozen=True)
class PersonDocData:
    document: str
    language: str  # ISO 639-1, a key of persontext.CATALOGS
    staff_language: str  # en | fr
    case_code: str
    person_name: str
    return_country: str
    calendar: tuple[CalendarEntry, ...]
    contacts: tuple[Contact, ...]
    currency: str = ""
    plan_lines: tuple[PlanLineText, ...] = ()
    plan_total: Decimal = Decimal("0.00")
    plan_approved: bool = False


def person_documents_language(case: Case) -> str | None:
    return documents_language(case.preferred_languages, case.consent_language)


@dataclass(frozen=True)
class DocumentsOffer:
    """What the case file offers: whether this user may print, in which language by default."""

    may_print: bool
    reason: str  # why not, in words
    language: str | None
    interpreter_needed: bool
    has_plan: bool


def person_documents_offer(session: Session, actor: Actor, case_id: int) -> DocumentsOffer:
    case = case_get(session, actor, case_id)
    if not works_on(actor, case, Side.DEPARTURE):
        reason = _("The person's documents are printed by the coordinators and the focal points of the host "
                   "country.")
    elif not may_see_identity(actor, case):
        reason = _("You may not see this person's name, so you cannot print their documents.")
    else:
        reason = ""
    return DocumentsOffer(may_print=not reason, reason=reason, language=person_documents_language(case),
                          interpreter_needed=case.interpreter_needed, has_plan=bool(_revisions(session, case.id)))


def _calendar(session: Session, case: Case) -> tuple[CalendarEntry, ...]:
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.status != "cancelled")
                        .order_by(FollowUp.due_on)).all()
    if rows:
        return tuple(CalendarEntry(r.kind, r.months_after, r.due_on) for r in rows)
    return tuple(CalendarEntry("scheduled", m, None) for m in sorted(set(schedule_months(session, case))))


def _contacts(session: Session, case: Case) -> tuple[Contact, ...]:
    """The partners of the case's sent or accepted referrals, with their own contact (never a user's)."""
    rows = session.exec(
        select(PartnerOrganisation.name, PartnerOrganisation.contact)
        .join(PartnerReferral, PartnerReferral.partner_id == PartnerOrganisation.id)
        .where(PartnerReferral.case_id == case.id, col(PartnerReferral.state).in_(CONTACT_STATES),
               PartnerOrganisation.active.is_(True))
        .order_by(PartnerOrganisation.name)).all()
    return tuple(dict.fromkeys(Contact(name, contact) for name, contact in rows))


def person_document_data(session: Session, actor: Actor, case_id: int, document: str, *,
                         language: str | None = None) -> PersonDocData:
    """What one document shows, for a user of the host side who may see the person's name; audited."""
    if document not in DOCUMENTS:
        raise DomainError(_("Unknown document."))
    case = case_get(session, actor, case_id)
    require_side(actor, case, Side.DEPARTURE)
    if not may_see_identity(actor, case):
        raise NotPermitted(_("You may not see this person's name, so you cannot print their documents."))
    lang = language or person_documents_language(case)
    if lang not in CATALOGS:
        raise DomainError(_("Choose the language of the documents: none of the person's preferred languages has "
                            "a translation yet."), field="language")
    plan_lines, total, approved, currency = (), Decimal("0.00"), False, ""
    if document == "plan":
        views = _revisions(session, case.id)
        if not views:
            raise DomainError(_("This case has no plan yet."))
        latest = views[0]
        currency = programme_settings(session, case.programme_id).currency
        plan_lines = tuple(PlanLineText(ln.category, ln.description, ln.planned_on, ln.amount_programme)
                           for ln in latest.lines)
        total, approved = latest.total, latest.status in ("approved", "superseded")
    person = identity_read(session, actor, case.id, purpose=f"export.person_{document}",
                           detail={"language": lang, "staff_language": current_language()})
    name = " ".join(p for p in (person.given_names.strip(), person.family_names.strip()) if p)
    return PersonDocData(
        document=document, language=lang, staff_language=current_language(), case_code=case.code,
        person_name=name, return_country=case.return_country, calendar=_calendar(session, case),
        contacts=_contacts(session, case), currency=currency, plan_lines=plan_lines, plan_total=total,
        plan_approved=approved)
