"""A case's HTCDS details the intake does not ask: types of sexual exploitation, labour
industry (ISIC), websites and apps, and the historic trafficking events (where and when the
person was recruited, moved through and exploited). Read and saved by the case's staff,
with the same version check and audit as every other edit; shown in the case file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from care.access import Actor, Role, case_get, require
from care.audit import audit_record
from care.concurrency import claim
from care.countries import country_name, is_country
from care.errors import Problems
from care.htcds import EVENT_TYPES, LABOUR_INDUSTRIES, SEXUAL_EXPLOITATION_TYPES, WEBSITES
from care.i18n import _, fmt_date
from care.sections import Section
from care.text import checked_text
from care.vocab import label
from db.models import Case, CaseHtcds, TraffickingEvent

TOWN_MAX = 200
EVENTS_MAX = 20


@dataclass(frozen=True)
class EventInput:
    event_type: str
    country: str
    city: str = ""
    on: date | None = None


@dataclass(frozen=True)
class HtcdsDetails:
    case_id: int
    version: int  # 0: nothing recorded yet
    sexual_exploitation_types: tuple[str, ...] = ()
    labour_industries: tuple[str, ...] = ()
    recruitment_websites: tuple[str, ...] = ()
    exploitation_websites: tuple[str, ...] = ()
    events: tuple[EventInput, ...] = ()


def _read(session: Session, case: Case) -> HtcdsDetails:
    row = session.get(CaseHtcds, case.id, populate_existing=True)
    events = session.exec(select(TraffickingEvent).where(TraffickingEvent.case_id == case.id)
                          .order_by(TraffickingEvent.id)).all()  # as entered
    return HtcdsDetails(
        case.id, row.version if row else 0,
        *((tuple(getattr(row, n)) if row else ()) for n in (
            "sexual_exploitation_types", "labour_industries", "recruitment_websites", "exploitation_websites")),
        events=tuple(EventInput(e.event_type, e.country, e.city, e.on) for e in events))


def htcds_details(session: Session, actor: Actor, case_id: int) -> HtcdsDetails:
    return _read(session, case_get(session, actor, case_id))


def _checked(details: HtcdsDetails, today: date, problems: Problems) -> list[EventInput]:
    for name, vocabulary in (("sexual_exploitation_types", SEXUAL_EXPLOITATION_TYPES),
                             ("labour_industries", LABOUR_INDUSTRIES), ("recruitment_websites", WEBSITES),
                             ("exploitation_websites", WEBSITES)):
        if any(code not in vocabulary for code in getattr(details, name)):
            problems.add(name, _("Unknown code."))
    if len(details.events) > EVENTS_MAX:
        problems.add("events", _("At most {n} events.").format(n=EVENTS_MAX))
    events = []
    for event in details.events:
        if event.event_type not in EVENT_TYPES:
            problems.add("events", _("Each event is a recruitment, a transit or an exploitation."))
        if not is_country(event.country or ""):
            problems.add("events", _("Choose the country of each event."))
        if event.on is not None and event.on > today:
            problems.add("events", _("An event cannot be in the future."))
        town = checked_text(problems, "events", event.city or "", limit=TOWN_MAX)
        events.append(EventInput(event.event_type, (event.country or "").upper(), town, event.on))
    return events


def htcds_details_save(session: Session, actor: Actor, details: HtcdsDetails, *, today: date) -> HtcdsDetails:
    """Save the details, unless someone else saved them since they were read (`details.version`)."""
    require(actor, Role.COORDINATOR, Role.FOCAL_POINT)
    case = case_get(session, actor, details.case_id)
    problems = Problems()
    events = _checked(details, today, problems)
    problems.raise_if_any()
    if details.version == 0 and session.get(CaseHtcds, case.id) is None:
        row = CaseHtcds(case_id=case.id, updated_by_id=actor.id)
        session.add(row)
    else:
        claim(session, actor, CaseHtcds, {"case_id": case.id}, details.version or 1)
        row = session.get(CaseHtcds, case.id)
    for name in ("sexual_exploitation_types", "labour_industries", "recruitment_websites", "exploitation_websites"):
        setattr(row, name, list(dict.fromkeys(getattr(details, name))))
    for old in session.exec(select(TraffickingEvent).where(TraffickingEvent.case_id == case.id)).all():
        session.delete(old)
    for e in events:
        session.add(TraffickingEvent(case_id=case.id, event_type=e.event_type, country=e.country, city=e.city,
                                     on=e.on, updated_by_id=actor.id))
    audit_record(session, actor, "case.htcds_edit", case_id=case.id, entity="case_htcds", entity_id=case.id,
                 detail={"events": len(events)})
    session.flush()
    return _read(session, case)


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The HTCDS details in the case file (nothing when none is recorded)."""
    details = _read(session, case)
    if details.version == 0 and not details.events:
        return None

    def labels(vocabulary: dict, codes) -> str:
        return ", ".join(label(vocabulary, c) for c in codes) or "—"

    rows = [
        (_("Type of sexual exploitation"), labels(SEXUAL_EXPLOITATION_TYPES, details.sexual_exploitation_types)),
        (_("Labour industry (ISIC)"), labels(LABOUR_INDUSTRIES, details.labour_industries)),
        (_("Recruitment websites and apps"), labels(WEBSITES, details.recruitment_websites)),
        (_("Exploitation websites and apps"), labels(WEBSITES, details.exploitation_websites)),
    ]
    rows += [(label(EVENT_TYPES, e.event_type), ", ".join(
        x for x in (country_name(e.country), e.city, fmt_date(e.on) if e.on else "") if x)) for e in details.events]
    return Section(title=_("Trafficking history (HTCDS)"), rows=rows)
