"""Minors: a child goes home only when it is in their best interests, and never alone.

The rule comes from the CARE project (after UNICEF's recommendations): a best-interests
determination, a family assessment in the return country by the IOM office there, the
return coordinated in advance with everyone involved in both countries, and an escort
(the guardian, or a staff member when the guardian cannot travel). The departure gate
(`departed_missing`) is the one place that rule lives; a best-interests decision against
return stops the path (`return_stopped`) until a new decision says otherwise.

`Case.is_minor` is fixed at referral: a person who turns 18 during the case keeps the
procedure they started with. Guardian, escort, contact and receiver names are identifying:
they are read only on request, and every such read is audited. The audit log itself
never holds a name or the child's words, because the admin reads it.

Only the coordinators of the case's programme work here; everyone else is refused.
This module reads and rules; the steps a coordinator records are in `care.minors_write`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from care import access, journey
from care.access import Actor, Role
from care.audit import audit_record
from care.errors import DomainError, NotPermitted
from care.i18n import N_, _, fmt_date
from care.programmes import programme_settings
from care.sections import Section, Table
from care.vocab import Stage, label
from care.minors_path import (  # noqa: F401 (the rules of the path, imported from here too)
    MINOR_ACTORS, _actor_rows, _coordinated, _stopped_message, departed_missing, plan_approved_missing, return_stopped,
)
from db.models import AuditEvent, Case, ChildView, MinorActor, MinorProcedure, User

# --- codes (canonical home; the demo data uses the same values) ----------------------

# Always part of a child's return; the others only where one is involved.
ALWAYS_REQUIRED = frozenset({"guardian", "child_protection_host", "child_protection_return"})
NOT_REQUIRED_BY_DEFAULT = frozenset({"judge_or_prosecutor"})

BID_OUTCOMES = {
    "return": N_("Return is in the child's best interests"),
    "no_return": N_("Return is not in the child's best interests"),
}
FAMILY_OUTCOMES = {
    "positive": N_("Positive: the family is willing and able to receive the child"),
    "negative": N_("Negative: the family is not willing or not able to receive the child"),
}
ESCORT_KINDS = {
    "guardian": N_("The guardian"),
    "staff": N_("A staff member (the guardian cannot travel)"),
}
CHILD_VIEW_STEPS = {
    "intake": N_("At intake"),
    "best_interests": N_("Best-interests determination"),
    "family_assessment": N_("Family assessment"),
    "before_departure": N_("Before departure"),
    "after_return": N_("After return"),
}
ACTION_LABELS = {
    "minor.open": N_("Minors' procedure opened"),
    "minor.guardian_set": N_("Guardian recorded"),
    "minor.bid_record": N_("Best-interests decision recorded"),
    "minor.family_record": N_("Family assessment recorded"),
    "minor.actor_update": N_("Coordination recorded"),
    "minor.escort_set": N_("Escort named"),
    "minor.handover_record": N_("Handover recorded"),
    "minor.child_view_add": N_("Child's views recorded"),
}

ADULT_AGE = 18
BEFORE_DEPARTURE = frozenset({Stage.REFERRED, Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED})
DEPARTED_OR_LATER = frozenset({Stage.DEPARTED, Stage.ARRIVED, Stage.FOLLOW_UP})
ENDED = frozenset({Stage.CLOSED, Stage.INELIGIBLE})


# --- ages ------------------------------------------------------------------------------


def _full_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def ages(case: Case, today: date) -> tuple[int | None, int | None]:
    """Age at referral and age today: from the birth date, else the estimate at referral."""
    if case.birth_date is not None:
        return _full_years(case.birth_date, case.referral_date), _full_years(case.birth_date, today)
    if case.estimated_age is not None:
        return case.estimated_age, case.estimated_age + max(0, _full_years(case.referral_date, today))
    return None, None


# --- indicators ------------------------------------------------------------------------


def minors_by_stage(session: Session, actor: Actor, programme_id: int) -> dict[str, int]:
    """How many minors' cases are at each stage: a count, no personal data."""
    access.require_programme(actor, programme_id, Role.COORDINATOR, Role.MANAGER)
    counts = dict(session.exec(
        select(Case.stage, func.count())
        .where(Case.programme_id == programme_id, col(Case.is_minor).is_(True))
        .group_by(Case.stage)
    ).all())
    return {s.value: counts.get(s.value, 0) for s in Stage}


# --- access ----------------------------------------------------------------------------


def minor_case(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """The case, for a coordinator of its programme, if it is a minor's case."""
    access.require(actor, Role.COORDINATOR)
    case = access.case_get(session, actor, case_id, for_update=for_update)
    if not access.is_coordinator_of(actor, case.programme_id):
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    if not case.is_minor:
        raise DomainError(_("This is not a minor's case: the minors' procedure does not apply."))
    return case


def check_open(case: Case) -> None:
    if Stage(case.stage) in ENDED:
        raise DomainError(_("This case is closed: its minors' procedure can no longer change."))


def check_before_departure(case: Case) -> None:
    check_open(case)
    if Stage(case.stage) in DEPARTED_OR_LATER:
        raise DomainError(_("The child has already departed: what was decided before departure stays as "
                            "it was recorded."))


def procedure_of(session: Session, case: Case) -> MinorProcedure:
    proc = session.get(MinorProcedure, case.id)
    if proc is None:
        raise DomainError(_("Open the minors' procedure first."))
    return proc


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorRow:
    id: int
    actor: str
    required: bool
    always_required: bool
    contact_name: str | None  # None while names are hidden
    contact_recorded: bool
    contacted_on: date | None
    agreed: str
    coordinated: bool
    version: int


@dataclass(frozen=True)
class ViewRow:
    step: str
    recorded_on: date
    words: str
    recorded_by: str


@dataclass(frozen=True)
class MinorFile:
    """A minor's procedure as the page shows it; the name fields are None while hidden."""

    case_id: int
    case_code: str
    stage: str
    departure_date: date | None
    age_at_referral: int | None
    age_today: int | None
    followup_months: tuple[int, ...]
    followup_months_minor: tuple[int, ...]
    opened: bool
    names_shown: bool
    departure_missing: tuple[str, ...]
    return_stopped: bool
    before_departure: bool  # the pre-departure parts may still change
    handover_allowed: bool
    closed: bool
    version: int = 0
    guardian_recorded: bool = False
    guardian_name: str | None = None
    guardian_organisation: str = ""
    guardian_contact: str | None = None
    bid_on: date | None = None
    bid_body: str = ""
    bid_person: str = ""
    bid_outcome: str | None = None
    bid_reasons: str = ""
    family_requested_on: date | None = None
    family_done_on: date | None = None
    family_done_by: str = ""
    family_outcome: str | None = None
    family_documents: str = ""
    escort_kind: str | None = None
    escort_name: str | None = None
    handover_on: date | None = None
    handover_to: str | None = None
    actors: tuple[ActorRow, ...] = ()
    views: tuple[ViewRow, ...] = ()
    history: tuple[str, ...] = ()  # who changed the procedure and when, newest first

    @property
    def now_adult(self) -> bool:
        """Turned 18 since the referral: still follows the procedure started then."""
        return self.age_today is not None and self.age_today >= ADULT_AGE


def _views(session: Session, case_id: int) -> tuple[ViewRow, ...]:
    rows = session.exec(
        select(ChildView, User.name).join(User, User.id == ChildView.recorded_by_id)
        .where(ChildView.case_id == case_id).order_by(ChildView.recorded_on, ChildView.id)
    ).all()
    return tuple(ViewRow(v.step, v.recorded_on, v.words, who) for v, who in rows)


def _history(session: Session, case_id: int) -> list[str]:
    """Who changed the procedure and when, from the audit log (no values: they hold names)."""
    events = session.exec(
        select(AuditEvent.at, AuditEvent.username, AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.case_id == case_id, col(AuditEvent.action).in_(list(ACTION_LABELS)))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(100)
    ).all()
    lines = []
    for at, who, action, detail in events:
        what = label(ACTION_LABELS, action)
        if action == "minor.actor_update":
            what = f"{what}: {label(MINOR_ACTORS, json.loads(detail or '{}').get('actor'))}"
        lines.append(f"{fmt_date(at, 'short')} · {who} · {what}")
    return lines


def minor_file(session: Session, actor: Actor, *, case_id: int, today: date, show_names: bool = False) -> MinorFile:
    """Everything the minors' page shows; the names only on request, and then audited."""
    case = minor_case(session, actor, case_id)
    stage = Stage(case.stage)
    at_referral, now = ages(case, today)
    settings = programme_settings(session, case.programme_id)
    proc = session.get(MinorProcedure, case.id)
    base = dict(
        case_id=case.id, case_code=case.code, stage=case.stage, departure_date=case.departure_date,
        age_at_referral=at_referral, age_today=now, followup_months=settings.followup_months,
        followup_months_minor=settings.followup_months_minor, opened=proc is not None,
        names_shown=show_names and proc is not None,
        departure_missing=tuple(journey.departure_missing(session, case)) if stage in BEFORE_DEPARTURE else (),
        return_stopped=return_stopped(session, case),
        before_departure=stage in BEFORE_DEPARTURE,
        handover_allowed=stage in DEPARTED_OR_LATER, closed=stage in ENDED,
        views=_views(session, case.id), history=tuple(_history(session, case.id)),
    )
    if proc is None:
        return MinorFile(**base)
    shown = show_names
    if shown:  # names are identifying data: every read of them is logged
        audit_record(session, actor, "minor.read", case_id=case.id, entity="minor_procedure", entity_id=case.id,
                     detail={"names": True})
    actors = tuple(
        ActorRow(r.id, r.actor, r.required, r.actor in ALWAYS_REQUIRED, r.contact_name if shown else None,
                 bool(r.contact_name.strip()), r.contacted_on, r.agreed, _coordinated(r), r.version)
        for r in _actor_rows(session, case.id)
    )
    return MinorFile(
        **base, version=proc.version, guardian_recorded=bool(proc.guardian_name.strip()),
        guardian_name=proc.guardian_name if shown else None, guardian_organisation=proc.guardian_organisation,
        guardian_contact=proc.guardian_contact if shown else None,
        bid_on=proc.bid_on, bid_body=proc.bid_body, bid_person=proc.bid_person, bid_outcome=proc.bid_outcome,
        bid_reasons=proc.bid_reasons, family_requested_on=proc.family_requested_on,
        family_done_on=proc.family_done_on, family_done_by=proc.family_done_by,
        family_outcome=proc.family_outcome, family_documents=proc.family_documents,
        escort_kind=proc.escort_kind, escort_name=proc.escort_name if shown else None,
        handover_on=proc.handover_on, handover_to=proc.handover_to if shown else None, actors=actors,
    )


# --- the case file ---------------------------------------------------------------------


def _months(months: tuple[int, ...]) -> str:
    return ", ".join(str(m) for m in months)


def _name(value: str | None, recorded: bool) -> str:
    """A name as shown, or whether one is recorded while names are hidden (value None)."""
    if value is not None:
        return value or "—"
    return _("recorded (hidden)") if recorded else "—"


def case_section(session: Session, actor: Actor, case: Case, *, show_names: bool = False,
                 today: date | None = None) -> Section | None:
    """The minors' part of the case file and the case PDF.

    Coordinators get the procedure; anyone else who sees the case file only the ages
    (a minor at referral keeps the procedure). Names only with `show_names`, audited.
    """
    if not case.is_minor:
        return None
    today = today or date.today()
    at_referral, now = ages(case, today)
    rows = [(_("Minor at referral"), _("Yes: keeps the minors' procedure")),
            (_("Age at referral"), str(at_referral) if at_referral is not None else "—"),
            (_("Age today"), str(now) if now is not None else "—")]
    if not access.is_coordinator_of(actor, case.programme_id):
        return Section(title=_("Minor"), rows=rows + [(_("Minors' procedure"), _("Followed by the coordination team"))])
    f = minor_file(session, actor, case_id=case.id, today=today, show_names=show_names)
    if not f.opened:
        return Section(title=_("Minor"), rows=rows + [(_("Minors' procedure"), _("Not opened yet"))])
    rows += [
        (_("Guardian"), _name(f.guardian_name, f.guardian_recorded)),
        (_("Guardian's organisation"), f.guardian_organisation or "—"),
        (_("Best-interests decision"), label(BID_OUTCOMES, f.bid_outcome)),
        (_("Decided on"), fmt_date(f.bid_on)),
        (_("Decided by"), " · ".join(x for x in (f.bid_body, f.bid_person) if x) or "—"),
        (_("Reasons"), f.bid_reasons or "—"),
        (_("Family assessment requested"), fmt_date(f.family_requested_on)),
        (_("Family assessment done"), fmt_date(f.family_done_on)),
        (_("Done by"), f.family_done_by or "—"),
        (_("Family assessment outcome"), label(FAMILY_OUTCOMES, f.family_outcome)),
        (_("Documents received"), f.family_documents or "—"),
        (_("Escort"), label(ESCORT_KINDS, f.escort_kind)),
        (_("Escort's name"), _name(f.escort_name, bool(f.escort_kind))),
        (_("Handover"), fmt_date(f.handover_on)),
        (_("Handed over to"), _name(f.handover_to, f.handover_on is not None)),
        (_("Follow-up for a minor (months after return)"), _months(f.followup_months_minor)),
    ]
    if f.return_stopped:
        rows.append((_("Return"), _("Stopped by the best-interests decision")))
    elif f.departure_missing:
        rows.append((_("Still missing before departure"), "; ".join(f.departure_missing)))
    actors = Table(
        headings=[_("Actor"), _("Required"), _("Contact"), _("Contacted on"), _("Agreed")],
        rows=[[label(MINOR_ACTORS, a.actor), _("Yes") if a.required else _("No"),
               _name(a.contact_name, a.contact_recorded), fmt_date(a.contacted_on), a.agreed or "—"]
              for a in f.actors],
    )
    views = Table(
        headings=[_("Date"), _("Step"), _("The child's words"), _("Recorded by")],
        rows=[[fmt_date(v.recorded_on), label(CHILD_VIEW_STEPS, v.step), v.words, v.recorded_by] for v in f.views],
    )
    return Section(title=_("Minor"), rows=rows, tables=[actors, views], history=list(f.history))
