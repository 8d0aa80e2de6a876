"""Recording a minor's procedure: guardian, best interests, family assessment, actors, escort.

Each function is one step a coordinator takes on the minors' page. They all go through
`minors.minor_case` (coordinators of the case's programme only, minors' cases only),
validate every field at once, take the row at the version the form was opened at, and
write an audit event that names what changed but never a name or the child's words.
What was decided before departure is fixed once the child has left.
"""

from __future__ import annotations

from datetime import date

import phonenumbers
from sqlmodel import Session

from care import access
from care.access import Actor, Role
from care.audit import audit_record
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.days import check_day
from care.i18n import N_, _
from care.minors import (
    ALWAYS_REQUIRED, BID_OUTCOMES, CHILD_VIEW_STEPS, DEPARTED_OR_LATER, ESCORT_KINDS, FAMILY_OUTCOMES, MINOR_ACTORS,
    NOT_REQUIRED_BY_DEFAULT, check_before_departure, check_open, minor_case, procedure_of,
)
from care.text import checked_text
from care.vocab import Stage, label
from db.models import ChildView, MinorActor, MinorProcedure

TEXT_MAX = 200  # the short text columns of minor_procedure and minor_actor


# --- validation helpers ----------------------------------------------------------------


LABELS = {"decided_on": N_("The date of the decision"), "requested_on": N_("The date of the request"),
          "done_on": N_("The date done"), "contacted_on": N_("The date of contact"),
          "handed_over_on": N_("The date of the handover"), "recorded_on": N_("The date recorded")}


def _day(problems: Problems, field: str, value: date | None, *, today: date, required: bool = False,
         not_before: date | None = None, after: str = "") -> None:
    check_day(problems, field, value, label=_(LABELS[field]), today=today, required=required,
              earliest=not_before, after=after)


def _text(problems: Problems, field: str, value: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    """The short columns hold one line; the long ones (reasons, documents, words) may hold several."""
    return checked_text(problems, field, value, limit=limit, multiline=limit > TEXT_MAX,
                        required=_("This field is required.") if required else None)


def _contact(problems: Problems, field: str, value: str, country: str) -> str:
    """A phone number is stored in E.164; anything else (an e-mail, an office) as written."""
    value = (value or "").strip()
    if value and set(value) <= set("+0123456789 -().") and sum(c.isdigit() for c in value) >= 5:
        try:
            number = phonenumbers.parse(value, country)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            problems.add(field, _("This phone number is not valid (write it with the country code, e.g. +33…)."))
            return value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return _text(problems, field, value, limit=500)


def _changed(row, values: dict) -> list[str]:
    return sorted(k for k, v in values.items() if getattr(row, k) != v)


# --- writing ---------------------------------------------------------------------------


def minor_procedure_open(session: Session, actor: Actor, *, case_id: int) -> MinorProcedure:
    """Start a minor's procedure with the actors to coordinate; opening twice does nothing."""
    case = minor_case(session, actor, case_id, for_update=True)
    proc = session.get(MinorProcedure, case.id)
    if proc is not None:
        return proc
    check_open(case)
    proc = MinorProcedure(case_id=case.id, updated_by_id=actor.id)
    session.add(proc)
    for code in MINOR_ACTORS:
        session.add(MinorActor(case_id=case.id, actor=code, required=code not in NOT_REQUIRED_BY_DEFAULT,
                               updated_by_id=actor.id))
    session.flush()
    audit_record(session, actor, "minor.open", case_id=case.id, entity="minor_procedure", entity_id=case.id)
    return proc


def minor_guardian_set(session: Session, actor: Actor, *, case_id: int, version: int, name: str,
                       organisation: str, contact: str) -> MinorProcedure:
    """The guardian (tutor) appointed in the host country."""
    case = minor_case(session, actor, case_id)
    check_open(case)
    proc = procedure_of(session, case)
    problems = Problems()
    values = {
        "guardian_name": _text(problems, "name", name, required=True),
        "guardian_organisation": _text(problems, "organisation", organisation),
        "guardian_contact": _contact(problems, "contact", contact, case.host_country),
    }
    problems.raise_if_any()
    claim(session, actor, MinorProcedure, {"case_id": case.id}, version)
    changed = _changed(proc, values)
    for key, value in values.items():
        setattr(proc, key, value)
    session.add(proc)
    audit_record(session, actor, "minor.guardian_set", case_id=case.id, entity="minor_procedure",
                 entity_id=case.id, detail={"changed": changed})
    return proc


def minor_bid_record(session: Session, actor: Actor, *, case_id: int, version: int, decided_on: date | None,
                     body: str, person: str, outcome: str | None, reasons: str,
                     today: date | None = None) -> MinorProcedure:
    """The best-interests determination; a decision against return stops the path."""
    today = today or date.today()
    case = minor_case(session, actor, case_id)
    check_before_departure(case)
    proc = procedure_of(session, case)
    problems = Problems()
    _day(problems, "decided_on", decided_on, today=today, required=True)
    values = {
        "bid_on": decided_on,
        "bid_body": _text(problems, "body", body, required=True),
        "bid_person": _text(problems, "person", person, required=True),
        "bid_outcome": outcome,
        "bid_reasons": _text(problems, "reasons", reasons, required=True, limit=5000),
    }
    if outcome not in BID_OUTCOMES:
        problems.add("outcome", _("Choose the outcome of the decision."))
    problems.raise_if_any()
    claim(session, actor, MinorProcedure, {"case_id": case.id}, version)
    before = proc.bid_outcome
    for key, value in values.items():
        setattr(proc, key, value)
    session.add(proc)
    audit_record(session, actor, "minor.bid_record", case_id=case.id, entity="minor_procedure", entity_id=case.id,
                 detail={"outcome": outcome, "previous_outcome": before, "decided_on": decided_on})
    return proc


def minor_family_assessment_record(session: Session, actor: Actor, *, case_id: int, version: int,
                                   requested_on: date | None, done_on: date | None, done_by: str,
                                   outcome: str | None, documents: str,
                                   today: date | None = None) -> MinorProcedure:
    """The family assessment in the return country: requested, then done, with its outcome."""
    today = today or date.today()
    case = minor_case(session, actor, case_id)
    check_before_departure(case)
    proc = procedure_of(session, case)
    problems = Problems()
    _day(problems, "requested_on", requested_on, today=today, required=True, not_before=case.referral_date,
         after=_("the referral"))
    _day(problems, "done_on", done_on, today=today, not_before=requested_on,
         after=_("the request"))
    values = {
        "family_requested_on": requested_on,
        "family_done_on": done_on,
        "family_done_by": _text(problems, "done_by", done_by),
        "family_outcome": outcome or None,
        "family_documents": _text(problems, "documents", documents, limit=5000),
    }
    if outcome and outcome not in FAMILY_OUTCOMES:
        problems.add("outcome", _("Choose the outcome of the assessment."))
    if done_on is not None:
        if not outcome:
            problems.add("outcome", _("An assessment that is done has an outcome."))
        if not values["family_done_by"]:
            problems.add("done_by", _("Say who did the assessment."))
    elif outcome:
        problems.add("done_on", _("Give the date the assessment was done."))
    problems.raise_if_any()
    claim(session, actor, MinorProcedure, {"case_id": case.id}, version)
    for key, value in values.items():
        setattr(proc, key, value)
    session.add(proc)
    audit_record(session, actor, "minor.family_record", case_id=case.id, entity="minor_procedure",
                 entity_id=case.id, detail={"outcome": values["family_outcome"], "requested_on": requested_on,
                                            "done_on": done_on})
    return proc


def minor_actor_update(session: Session, actor: Actor, *, minor_actor_id: int, version: int, required: bool,
                       contacted_on: date | None, agreed: str, contact_name: str | None = None,
                       today: date | None = None) -> MinorActor:
    """One line of the coordination checklist; `contact_name=None` leaves the name as it is."""
    today = today or date.today()
    access.require(actor, Role.COORDINATOR)  # before the lookup, so an id cannot be probed
    row = session.get(MinorActor, minor_actor_id)
    if row is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    case = minor_case(session, actor, row.case_id)
    check_before_departure(case)
    problems = Problems()
    _day(problems, "contacted_on", contacted_on, today=today, not_before=case.referral_date,
         after=_("the referral"))
    agreed = _text(problems, "agreed", agreed, limit=5000)
    if agreed and contacted_on is None:
        problems.add("contacted_on", _("Give the date of the contact in which this was agreed."))
    if not required and row.actor in ALWAYS_REQUIRED:
        problems.add("required", _("{actor} is always part of a child's return.").format(
            actor=label(MINOR_ACTORS, row.actor)))
    values = {"required": required, "contacted_on": contacted_on, "agreed": agreed}
    if contact_name is not None:
        values["contact_name"] = _text(problems, "contact_name", contact_name)
    problems.raise_if_any()
    claim(session, actor, MinorActor, {"id": row.id}, version)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    audit_record(session, actor, "minor.actor_update", case_id=case.id, entity="minor_actor", entity_id=row.id,
                 detail={"actor": row.actor, "required": required, "contacted_on": contacted_on,
                         "agreed": bool(agreed), "name_changed": contact_name is not None})
    return row


def minor_escort_set(session: Session, actor: Actor, *, case_id: int, version: int, kind: str | None,
                     name: str) -> MinorProcedure:
    """Who travels with the child; an empty name with the guardian as escort takes the guardian's."""
    case = minor_case(session, actor, case_id)
    check_before_departure(case)
    proc = procedure_of(session, case)
    problems = Problems()
    name = _text(problems, "name", name)
    if kind not in ESCORT_KINDS:
        problems.add("kind", _("Choose who escorts the child."))
    elif kind == "guardian" and not name:
        name = proc.guardian_name.strip()
        if not name:
            problems.add("name", _("Name the escort, or record the guardian first."))
    elif not name:
        problems.add("name", _("Name the staff member who escorts the child."))
    problems.raise_if_any()
    claim(session, actor, MinorProcedure, {"case_id": case.id}, version)
    proc.escort_kind, proc.escort_name = kind, name
    session.add(proc)
    audit_record(session, actor, "minor.escort_set", case_id=case.id, entity="minor_procedure", entity_id=case.id,
                 detail={"kind": kind})
    return proc


def minor_handover_record(session: Session, actor: Actor, *, case_id: int, version: int, handed_over_on: date | None,
                          handed_to: str, today: date | None = None) -> MinorProcedure:
    """At arrival the escort hands the child over to the family or child-protection services."""
    today = today or date.today()
    case = minor_case(session, actor, case_id)
    check_open(case)
    if Stage(case.stage) not in DEPARTED_OR_LATER:
        raise DomainError(_("The handover is recorded once the child has departed."))
    proc = procedure_of(session, case)
    problems = Problems()
    _day(problems, "handed_over_on", handed_over_on, today=today, required=True, not_before=case.departure_date,
         after=_("the departure"))
    handed_to = _text(problems, "handed_to", handed_to, required=True)
    problems.raise_if_any()
    claim(session, actor, MinorProcedure, {"case_id": case.id}, version)
    proc.handover_on, proc.handover_to = handed_over_on, handed_to
    session.add(proc)
    audit_record(session, actor, "minor.handover_record", case_id=case.id, entity="minor_procedure",
                 entity_id=case.id, detail={"on": handed_over_on})
    return proc


def child_view_add(session: Session, actor: Actor, *, case_id: int, step: str | None, recorded_on: date | None,
                   words: str, today: date | None = None) -> ChildView:
    """The child's own views at a step, in their words where possible; kept, never edited."""
    today = today or date.today()
    case = minor_case(session, actor, case_id)
    check_open(case)
    problems = Problems()
    if step not in CHILD_VIEW_STEPS:
        problems.add("step", _("Choose the step."))
    _day(problems, "recorded_on", recorded_on, today=today, required=True, not_before=case.referral_date,
         after=_("the referral"))
    words = _text(problems, "words", words, required=True, limit=5000)
    problems.raise_if_any()
    view = ChildView(case_id=case.id, step=step, recorded_on=recorded_on, words=words, recorded_by_id=actor.id)
    session.add(view)
    session.flush()
    audit_record(session, actor, "minor.child_view_add", case_id=case.id, entity="child_view", entity_id=view.id,
                 detail={"step": step})
    return view
