"""Departure and arrival: the one checklist both sides of a return work on.

The host country prepares the departure, the return country receives the person. Each
item is needed or not, done on a day, by someone, with a note. The case departs only when
the plan is approved and every needed pre-departure item is done (for a child, also the
minors' procedure); arriving records the day and plans the follow-ups; the case is in
follow-up once every needed arrival item is done, the first reintegration counselling
included, so that "in follow-up" means the arrival assistance is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_
from sqlmodel import Session, col, select

from care.access import Actor, case_get, case_scope
from care.audit import audit_record
from care.concurrency import claim
from care.countries import country_name
from care.days import check_day
from care.drafts import draft_discard
from care.errors import DomainError, Problems
from care.i18n import N_, _, fmt_date
from care.minors_path import departed_missing as minor_departed_missing
from care.path import stage_move
from care.schedule import followups_schedule
from care.sections import Section, Table
from care.access import Side, require_side, works_on
from care.text import cleaned_text, checked_text
from care.vocab import Stage
from db.models import Case, ChecklistItem, User

DEPARTURE_ITEMS = {
    "travel_document": N_("Travel document obtained"),
    "fit_to_travel": N_("Fit to travel (medical)"),
    "return_counselling": N_("Return counselling and information on the reintegration assistance, given in a "
                             "language the person understands"),
    "flight_booked": N_("Flight booked"),
    "return_office_informed": N_("IOM office in the return country informed, receiving focal point named"),
    "arrival_accommodation": N_("Shelter or accommodation arranged on arrival"),
}
ARRIVAL_ITEMS = {
    "transit_assistance": N_("Transit assistance"),
    "airport_reception": N_("Airport reception"),
    "temporary_shelter": N_("Temporary shelter"),
    "onward_transport": N_("Onward (secondary) transport to the final destination"),
    "health_check": N_("Health check"),
    "first_counselling": N_("First reintegration counselling, within the first month: plan confirmed or refined"),
}
ITEMS = {Side.DEPARTURE: DEPARTURE_ITEMS, Side.ARRIVAL: ARRIVAL_ITEMS}

# What some items record besides the day they were done.
DETAIL_FIELDS = {
    "flight_booked": ("flight_date", "route", "transit"),
    "return_office_informed": ("receiving_focal_point",),
    "temporary_shelter": ("nights",),
}
DETAIL_LABELS = {
    "flight_date": N_("Flight date"),
    "route": N_("Route"),
    "transit": N_("Transit airports"),
    "receiving_focal_point": N_("Receiving focal point"),
    "nights": N_("Nights"),
}

# While each side's checklist may be changed.
EDITABLE_STAGES = {
    Side.DEPARTURE: (Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED),
    Side.ARRIVAL: (Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED),
}
# The stages the "Departure and arrival" page offers.
JOURNEY_STAGES = (Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED,
                  Stage.FOLLOW_UP)
COMING_DAYS = 14
MAX_NOTE = 1000
MAX_TEXT = 200
MAX_NIGHTS = 365


@dataclass(frozen=True)
class ChecklistEntry:
    """One item as the form sends it; `version` is the one the form was opened at (0: no row yet)."""

    item: str
    needed: bool = True
    done_on: date | None = None
    note: str = ""
    details: dict = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True)
class ChecklistRow:
    item: str
    label_msgid: str  # English; `label` translates it when shown (a form kept open follows a language switch)
    needed: bool
    done_on: date | None
    done_by: str
    note: str
    details: dict
    version: int  # 0: never saved

    @property
    def label(self) -> str:
        return _(self.label_msgid)

    @property
    def settled(self) -> bool:
        return not self.needed or self.done_on is not None


@dataclass(frozen=True)
class Checklists:
    case_id: int
    code: str
    stage: str
    is_minor: bool
    host_country: str
    return_country: str
    departure_date: date | None
    arrival_date: date | None
    departure: tuple[ChecklistRow, ...]
    arrival: tuple[ChecklistRow, ...]
    editable: frozenset[Side]
    may_depart: bool
    may_arrive: bool
    departure_missing: tuple[str, ...]  # everything that still stops the departure
    minors_missing: tuple[str, ...]  # of which the minors' procedure (a child only)
    follow_up_missing: tuple[str, ...]


@dataclass(frozen=True)
class JourneyComing:
    case_id: int
    case_code: str
    on: date
    stage: str  # plan_approved: departure coming; departed: arrival to receive
    host_country: str
    return_country: str
    route: str
    is_minor: bool
    late: bool  # the flight day is past and the departure (or the arrival) is not recorded yet


# --- reading ------------------------------------------------------------------------


def _rows(session: Session, case_id: int) -> dict[str, ChecklistItem]:
    return {r.item: r for r in session.exec(select(ChecklistItem).where(ChecklistItem.case_id == case_id)).all()}


def _details_out(details: dict) -> dict:
    out = dict(details or {})
    if isinstance(out.get("flight_date"), str):
        try:
            out["flight_date"] = date.fromisoformat(out["flight_date"])
        except ValueError:
            out["flight_date"] = None
    return out


def _side_rows(session: Session, rows: dict[str, ChecklistItem], side: Side) -> tuple[ChecklistRow, ...]:
    by_ids = {r.done_by_id for r in rows.values() if r.done_by_id}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(by_ids))).all()) if by_ids else {}
    out = []
    for item, label in ITEMS[side].items():
        r = rows.get(item)
        if r is None:
            out.append(ChecklistRow(item, label, True, None, "", "", {}, 0))
        else:
            out.append(ChecklistRow(item, label, r.needed, r.done_on, names.get(r.done_by_id, ""), r.note,
                                    _details_out(r.details), r.version))
    return tuple(out)


def _unsettled(session: Session, case: Case, side: Side) -> list[str]:
    rows = _rows(session, case.id)
    return [_(label) for item, label in ITEMS[side].items()
            if item not in rows or (rows[item].needed and rows[item].done_on is None)]


def departed_missing(session: Session, case: Case) -> list[str]:
    """The plan approved, and every needed pre-departure item done (an item never looked at counts as needed)."""
    missing = []
    if Stage(case.stage) in (Stage.REFERRED, Stage.ELIGIBLE, Stage.ASSESSED):
        missing.append(_("an approved reintegration plan"))
    missing += _unsettled(session, case, Side.DEPARTURE)
    return missing


def departure_missing(session: Session, case: Case) -> list[str]:
    """Everything the departure waits for: the journey's own rule, and for a child the minors' procedure."""
    return departed_missing(session, case) + minor_departed_missing(session, case)


def follow_up_missing(session: Session, case: Case) -> list[str]:
    """The arrival recorded, and every needed arrival item done: the arrival assistance is over."""
    missing = [] if case.arrival_date else [_("the arrival date")]
    missing += _unsettled(session, case, Side.ARRIVAL)
    return missing


def checklists(session: Session, actor: Actor, case_id: int) -> Checklists:
    """Both sides of the checklist: everyone who sees the case sees both, each side works on its own."""
    case = case_get(session, actor, case_id)
    rows = _rows(session, case.id)
    stage = Stage(case.stage)
    editable = frozenset(s for s in Side if works_on(actor, case, s) and stage in EDITABLE_STAGES[s])
    all_missing = departure_missing(session, case) if stage in EDITABLE_STAGES[Side.DEPARTURE] else []
    own = set(departed_missing(session, case))
    return Checklists(
        case_id=case.id, code=case.code, stage=case.stage, is_minor=case.is_minor,
        host_country=case.host_country, return_country=case.return_country,
        departure_date=case.departure_date, arrival_date=case.arrival_date,
        departure=_side_rows(session, rows, Side.DEPARTURE), arrival=_side_rows(session, rows, Side.ARRIVAL),
        editable=editable,
        may_depart=stage == Stage.PLAN_APPROVED and works_on(actor, case, Side.DEPARTURE),
        may_arrive=stage == Stage.DEPARTED and works_on(actor, case, Side.ARRIVAL),
        departure_missing=tuple(all_missing),
        minors_missing=tuple(m for m in all_missing if m not in own) if case.is_minor else (),
        follow_up_missing=tuple(follow_up_missing(session, case)) if stage == Stage.ARRIVED else (),
    )


def flight_of(details: dict) -> str:
    """"CDG-LOS via CMN" from a flight item's details."""
    route = details.get("route") or ""
    transit = details.get("transit") or ""
    return _("{route} via {transit}").format(route=route, transit=transit) if transit else route


def journeys_coming(session: Session, actor: Actor, *, today: date, days: int = COMING_DAYS) -> list[JourneyComing]:
    """Flights of the coming `days`, for the people concerned, and the departures and arrivals still to record.

    Both sides see a flight coming (one prepares the departure, the other the arrival);
    once the flight day is past, the host side sees the departure until it is recorded,
    then the return side the arrival until it is recorded.
    """
    # One query, only the columns needed (not every case object and its flight item): Home runs this
    # for every coordinator at every visit, and a large programme has hundreds of cases at these stages.
    # The flight's fields are read by the database (JSON extraction), not by decoding every
    # checklist item's details in Python.
    flight = ChecklistItem.details
    cases = session.exec(
        select(Case.id, Case.code, Case.stage, Case.programme_id, Case.host_country, Case.return_country,
               Case.departure_date, Case.is_minor, flight["flight_date"].as_string().label("flight_date"),
               flight["route"].as_string().label("route"), flight["transit"].as_string().label("transit"))
        .outerjoin(ChecklistItem, and_(ChecklistItem.case_id == Case.id, ChecklistItem.item == "flight_booked"))
        .where(case_scope(actor), col(Case.stage).in_((Stage.PLAN_APPROVED, Stage.DEPARTED)))
    ).all()
    horizon = today + timedelta(days=days)
    out = []
    for case in cases:  # a row with the case's column names: works_on reads programme and countries
        details = _details_out({"flight_date": case.flight_date, "route": case.route, "transit": case.transit})
        day = details.get("flight_date") or (case.departure_date if case.stage == Stage.DEPARTED else None)
        if day is None:
            continue
        late = day < today
        side = Side.ARRIVAL if case.stage == Stage.DEPARTED else Side.DEPARTURE
        if (late or case.stage == Stage.DEPARTED) and not works_on(actor, case, side):
            continue  # a step left to record is the work of one side
        if day > horizon:
            continue
        out.append(JourneyComing(case.id, case.code, day, case.stage, case.host_country, case.return_country,
                                 flight_of(details), case.is_minor, late))
    return sorted(out, key=lambda j: (not j.late, j.on, j.case_code))


def journey_status(j: JourneyComing) -> str:
    if j.stage == Stage.PLAN_APPROVED:
        return _("Flight day passed: departure to record") if j.late else _("Departure coming")
    return _("Departed: arrival to record") if j.late else _("Departed")


# --- writing ------------------------------------------------------------------------


def _closed_message(side: Side, stage: Stage) -> str:
    if side == Side.DEPARTURE:
        if stage in (Stage.REFERRED, Stage.INELIGIBLE):
            return _("The pre-departure checklist opens once the case is eligible.")
        return _("The person has departed: the pre-departure checklist is closed.")
    if stage in (Stage.REFERRED, Stage.INELIGIBLE, Stage.ELIGIBLE, Stage.ASSESSED):
        return _("The arrival checklist opens once the plan is approved.")
    return _("The arrival assistance is over: the arrival checklist is closed.")


def _text(value, *, multiline: bool = False) -> str:
    return cleaned_text(str(value or ""), multiline=multiline)


def _normalised(entry: ChecklistEntry) -> tuple[bool, date | None, str, dict]:
    details = {}
    for name in DETAIL_FIELDS.get(entry.item, ()):
        value = entry.details.get(name)
        if name == "flight_date":
            value = value.isoformat() if isinstance(value, date) else None
        elif name == "nights":
            value = value if isinstance(value, int) and not isinstance(value, bool) else None
        else:
            value = _text(value)
        if value not in (None, ""):
            details[name] = value
    return bool(entry.needed), entry.done_on, _text(entry.note, multiline=True), details


def unchanged(entry: ChecklistEntry, row: ChecklistRow) -> bool:
    """The form's entry still says what the item said when the form was opened."""
    opened = ChecklistEntry(row.item, row.needed, row.done_on, row.note, row.details, row.version)
    return _normalised(entry) == _normalised(opened)


def _check(p: Problems, case: Case, side: Side, entry: ChecklistEntry, today: date) -> None:
    def key(name: str) -> str:
        return f"{entry.item}_{name}"

    needed, done_on, note, details = _normalised(entry)
    if done_on is not None:
        if not needed:
            p.add(key("done_on"), _("Marked as not needed: clear the date, or mark the item as needed."))
        elif side == Side.DEPARTURE:
            check_day(p, key("done_on"), done_on, label=_("The date done"), today=today,
                      earliest=case.referral_date, after=_("the referral"))
        elif case.departure_date is None:
            p.add(key("done_on"), _("The person has not departed yet: an arrival item cannot be done."))
        else:
            check_day(p, key("done_on"), done_on, label=_("The date done"), today=today,
                      earliest=case.departure_date, after=_("the departure"))
    checked_text(p, key("note"), note, limit=MAX_NOTE, multiline=True)
    for name in ("route", "transit", "receiving_focal_point"):
        checked_text(p, key(name), _text(entry.details.get(name)), limit=MAX_TEXT)
    done = needed and done_on is not None
    if entry.item == "flight_booked":
        flight = entry.details.get("flight_date")
        check_day(p, key("flight_date"), flight, label=_("The flight date"), today=today, required=False,
                  planned=True, earliest=case.referral_date, after=_("the referral"))
        if done and flight is None:
            p.add(key("flight_date"), _("Give the flight date."))
        if done and not details.get("route"):
            p.add(key("route"), _("Give the route, for example CDG-LOS."))
    if entry.item == "return_office_informed" and done and not details.get("receiving_focal_point"):
        p.add(key("receiving_focal_point"), _("Name the receiving focal point in the return country."))
    if entry.item == "temporary_shelter":
        nights = entry.details.get("nights")
        if nights is not None and not (isinstance(nights, int) and 1 <= nights <= MAX_NIGHTS):
            p.add(key("nights"), _("Give a number of nights from 1 to {n}.").format(n=MAX_NIGHTS))
        elif done and nights is None:
            p.add(key("nights"), _("Give the number of nights."))


def checklist_save(session: Session, actor: Actor, case_id: int, *, side: str, entries: list[ChecklistEntry],
                   today: date | None = None) -> Case:
    """Save one side of the checklist; only the items that changed are written (and must be unchanged since
    the form was opened). The arrival side completed moves the case into follow-up."""
    today = today or date.today()
    side = Side(side)
    case = case_get(session, actor, case_id, for_update=True)
    require_side(actor, case, side)
    stage = Stage(case.stage)
    if stage not in EDITABLE_STAGES[side]:
        raise DomainError(_closed_message(side, stage))
    items = [e.item for e in entries]
    if any(i not in ITEMS[side] for i in items) or len(set(items)) != len(items):
        raise DomainError(_("This is not an item of this checklist."))
    p = Problems()
    for entry in entries:
        _check(p, case, side, entry, today)
    p.raise_if_any()

    rows = _rows(session, case.id)
    changed = []
    for entry in entries:
        needed, done_on, note, details = _normalised(entry)
        row = rows.get(entry.item)
        if row is None:
            if (needed, done_on, note, details) == (True, None, "", {}):
                continue  # untouched: no row needed to say "needed, not done"
            row = ChecklistItem(case_id=case.id, side=side.value, item=entry.item, updated_by_id=actor.id)
        else:
            if (row.needed, row.done_on, row.note, row.details) == (needed, done_on, note, details):
                continue
            claim(session, actor, ChecklistItem, {"id": row.id}, entry.version)
        if row.done_on != done_on:
            row.done_by_id = actor.id if done_on else None
        row.needed, row.done_on, row.note, row.details = needed, done_on, note, details
        session.add(row)
        changed.append(entry.item)
    if changed:
        audit_record(session, actor, "checklist.save", case_id=case.id, entity="checklist", entity_id=side.value,
                     detail={"side": side.value, "items": changed})
    draft_discard(session, actor, case.id, form=f"checklist_{side.value}", logged=True)
    session.flush()
    if side == Side.ARRIVAL:
        _enter_follow_up_when_ready(session, actor, case)
    return case


def _enter_follow_up_when_ready(session: Session, actor: Actor, case: Case) -> None:
    if case.stage == Stage.ARRIVED and not follow_up_missing(session, case):
        stage_move(session, actor, case, Stage.FOLLOW_UP, missing=[])


def case_depart(session: Session, actor: Actor, case_id: int, *, departure_date: date | None,
                today: date | None = None) -> Case:
    """The host side records the departure; refused while anything on the path is missing."""
    today = today or date.today()
    case = case_get(session, actor, case_id, for_update=True)
    require_side(actor, case, Side.DEPARTURE)
    p = Problems()
    if check_day(p, "departure_date", departure_date, label=_("The departure date"), today=today,
                 earliest=case.referral_date, after=_("the referral")):
        done = [r.done_on for r in _rows(session, case.id).values() if r.side == Side.DEPARTURE and r.done_on]
        if done and departure_date < max(done):
            p.add("departure_date", _("A pre-departure item was done after this date, on {date}.").format(
                date=fmt_date(max(done))))
    p.raise_if_any()
    stage_move(session, actor, case, Stage.DEPARTED, missing=departure_missing(session, case),
               detail={"departure_date": departure_date.isoformat()})
    case.departure_date = departure_date
    session.add(case)
    return case


def case_arrive(session: Session, actor: Actor, case_id: int, *, arrival_date: date | None,
                today: date | None = None) -> Case:
    """The return side records the arrival and the follow-ups are planned from that day (with consent)."""
    today = today or date.today()
    case = case_get(session, actor, case_id, for_update=True)
    require_side(actor, case, Side.ARRIVAL)
    p = Problems()
    check_day(p, "arrival_date", arrival_date, label=_("The arrival date"), today=today,
              earliest=case.departure_date, after=_("the departure"))
    p.raise_if_any()
    stage_move(session, actor, case, Stage.ARRIVED, missing=[], detail={"arrival_date": arrival_date.isoformat()})
    case.arrival_date = arrival_date
    session.add(case)
    if case.consent_followup and case.followup_consent_withdrawn_on is None:
        created = followups_schedule(session, case, arrival_date)
        audit_record(session, actor, "followup.schedule", case_id=case.id, entity="case", entity_id=case.id,
                     detail={"months": [f.months_after for f in created]})
    _enter_follow_up_when_ready(session, actor, case)
    return case


# --- the case file --------------------------------------------------------------------


def describe_details(details: dict) -> str:
    """An item's details in words: "flight Jun 2, 2014 MAD-LOS via CMN", the receiving focal point, the nights."""
    parts = []
    if details.get("flight_date") or details.get("route"):
        parts.append(_("flight {date} {route}").format(
            date=fmt_date(details["flight_date"]) if details.get("flight_date") else "", route=flight_of(details)
        ).strip())
    if details.get("receiving_focal_point"):
        parts.append(details["receiving_focal_point"])
    if details.get("nights"):
        parts.append(_("{n} nights").format(n=details["nights"]))
    return " · ".join(parts)


def _table(side_rows: tuple[ChecklistRow, ...], heading: str) -> Table:
    rows = []
    for r in side_rows:
        note = " · ".join(x for x in (describe_details(r.details), r.note) if x)
        rows.append([r.label, _("Yes") if r.needed else _("No"), fmt_date(r.done_on) if r.done_on else "",
                     r.done_by, note])
    return Table([heading, _("Needed"), _("Done on"), _("By"), _("Note")], rows)


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The checklists and the travel dates, for the case file and the case PDF."""
    view = checklists(session, actor, case.id)
    if not any(r.version for r in view.departure + view.arrival) and not view.departure_date:
        return None
    rows = [
        (_("Route"), f"{country_name(view.host_country)} → {country_name(view.return_country)}"),
        (_("Departure date"), fmt_date(view.departure_date)),
        (_("Arrival date"), fmt_date(view.arrival_date)),
    ]
    if view.departure_missing and Stage(view.stage) in EDITABLE_STAGES[Side.DEPARTURE]:
        rows.append((_("Missing before departure"), "; ".join(view.departure_missing)))
    if view.follow_up_missing:
        rows.append((_("Missing before follow-up"), "; ".join(view.follow_up_missing)))
    return Section(title=_("Departure and arrival"), rows=rows,
                   tables=[_table(view.departure, _("Before departure")), _table(view.arrival, _("On arrival"))])
