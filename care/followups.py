"""The follow-up log: how each returned person is doing, for up to a year, with their consent.

Follow-ups belong to the return side: the coordinators and the focal points of the
return country plan, log and read them; a focal point of the host country does not see
them. An entry records the contact, where and with whom the person lives, the progress
of each plan line and a short reintegration sustainability check (economic, social,
psychosocial), stored question by question so that the scoring can change later. An
alarm sign raises the case's risk and puts it on top of the coordinators' Home. Consent
withdrawn cancels the rest of the schedule, and nothing more may be logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, false, update
from sqlmodel import Session, col, func, select

from care.access import (
    Actor, Role, case_get, is_coordinator_of, referred_followup_months, referred_plan_line_ids, require_programme,
    shared_case_get,
)
from care.audit import audit_record
from care.caselist import CODE_MAX, urgency_order
from care.concurrency import claim
from care.drafts import draft_discard
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, fmt_date
from care.schedule import (
    CANCELLED, DONE, DUE, DUE_WITHIN_DAYS, MISSED, OVERDUE, PLANNED, followup_label, followup_state, followups_schedule,
    state_label,
)
from care.safecontact import require_acknowledged
from care.sections import Section, Table
from care.access import Side, require_side, return_side_scope, works_on
from care.text import checked_text, cleaned_text, searchable, text_problem
from care.vocab import DIMENSIONS, PLAN_SUBCATEGORIES, Stage, label
from care.days import check_day
from db.models import Case, FollowUp, FollowUpLineProgress, FollowUpScore, Plan, PlanLine, utcnow

MODES = {
    "visit": N_("Visit"),
    "phone": N_("Phone"),
    "video": N_("Video call"),
    "partner": N_("Through a partner organisation"),
}
PROGRESS = {
    "not_started": N_("Not started"),
    "ongoing": N_("Ongoing"),
    "achieved": N_("Achieved"),
    "abandoned": N_("Abandoned"),
}
ALARMS = {
    "contacted_by_traffickers": N_("Contacted or threatened by the traffickers"),
    "re_exploitation_suspected": N_("Re-exploitation suspected"),
    "wants_irregular_migration": N_("Wants to migrate again irregularly"),
    "serious_health_or_safety": N_("Serious health or safety problem"),
}

# The reintegration sustainability check: three dimensions, a few questions each, 1 to 5.
SCORE_ITEMS = {
    "economic": ("income_source", "debt_managed"),
    "social": ("housing_stable", "social_support", "documents_ok"),
    "psychosocial": ("wellbeing", "safety_feeling", "stress_coping"),
}
QUESTIONS = {
    "income_source": N_("Does the person have a regular income that covers their basic needs?"),
    "debt_managed": N_("Are the person's debts under control?"),
    "housing_stable": N_("Is the person's housing stable and adequate?"),
    "social_support": N_("Can the person count on family, friends or the community?"),
    "documents_ok": N_("Does the person have the identity and civil documents they need?"),
    "wellbeing": N_("How is the person's general wellbeing (sleep, mood, health)?"),
    "safety_feeling": N_("Does the person feel safe where they live?"),
    "stress_coping": N_("Can the person cope with stress and daily difficulties?"),
}
SCORES = (1, 2, 3, 4, 5)
SCALE_HINT = N_("1: not at all · 3: partly · 5: fully. Leave a question blank if it was not asked.")
ITEM_DIMENSION = {item: dim for dim, items in SCORE_ITEMS.items() for item in items}

FOLLOW_UP_STAGES = (Stage.ARRIVED, Stage.FOLLOW_UP)
MAX_TEXT = 2000


@dataclass(frozen=True)
class FollowUpEntry:
    """What the log form sends. Scores by question (None: not asked); progress by plan line id."""

    done_on: date | None
    mode: str | None
    reached: bool = True
    living_where: str = ""
    living_with: str = ""
    wellbeing: str = ""
    scores: dict[str, int | None] = field(default_factory=dict)
    progress: dict[int, str | None] = field(default_factory=dict)
    alarms: tuple[str, ...] = ()
    alarm_note: str = ""


@dataclass(frozen=True)
class WorkItem:
    followup_id: int
    case_id: int
    case_code: str
    label: str
    due_on: date
    state: str
    alarm_open: bool


@dataclass(frozen=True)
class PickRow:
    id: int
    code: str
    stage: str
    alarm_open: bool


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    kind: str
    label: str
    due_on: date
    state: str
    done_on: date | None
    mode: str
    reached: bool | None
    alarms: tuple[str, ...]
    missed_reason: str
    version: int


@dataclass(frozen=True)
class LineRef:
    id: int
    label: str
    last_progress: str | None


@dataclass(frozen=True)
class Score:
    dimension: str
    item: str
    score: int


@dataclass(frozen=True)
class CaseFollowUps:
    case_id: int
    code: str
    stage: str
    is_minor: bool
    arrival_date: date | None
    consent_followup: bool
    withdrawn_on: date | None
    alarm_open: bool
    alarm_note: str
    risk_level: str | None
    rows: tuple[ScheduleRow, ...]
    lines: tuple[LineRef, ...]
    last_scores: tuple[Score, ...]
    last_scored_on: date | None
    closed_reason: str  # why nothing may be logged, or ""
    may_plan: bool  # arrived with consent, and months of the programme not planned yet
    may_close_alarm: bool
    closable: tuple[str, ...]

    @property
    def loggable(self) -> tuple[ScheduleRow, ...]:
        """The follow-ups one may log now: the open ones first (the most urgent), then those already logged."""
        if self.closed_reason:
            return ()
        order = {OVERDUE: 0, DUE: 1, PLANNED: 2, MISSED: 3, DONE: 4}
        return tuple(sorted((r for r in self.rows if r.state in order), key=lambda r: (order[r.state], r.due_on)))


@dataclass(frozen=True)
class FollowUpForm:
    """The log form's starting values: this follow-up's, or what the last one found (where and with whom)."""

    followup_id: int
    version: int
    kind: str
    months_after: int | None
    due_on: date
    status: str
    entry: FollowUpEntry
    missed_reason: str
    from_previous: date | None  # the day of the follow-up the values were taken from

    @property
    def label(self) -> str:
        """Translated when shown, not when the form opened: an open form follows a language switch."""
        return followup_label(self.kind, self.months_after)


# --- access -------------------------------------------------------------------------


def _not_found() -> NotPermitted:
    return NotPermitted(_("No such follow-up, or you are not permitted to see it."))


def _followup_for(session: Session, actor: Actor, followup_id: int, *, for_update: bool = False
                  ) -> tuple[FollowUp, Case]:
    """The follow-up and its case, for the return side only; the same error if missing or hidden."""
    f = session.get(FollowUp, followup_id)
    if f is None:
        raise _not_found()
    try:
        case = shared_case_get(session, actor, f.case_id, for_update=for_update)
    except NotPermitted:
        raise _not_found() from None
    # A partner: only the scheduled follow-ups an accepted referral assigns to their organisation.
    if not works_on(actor, case, Side.ARRIVAL) and not (
            f.kind == "scheduled" and f.months_after in referred_followup_months(session, actor, case)):
        raise _not_found()
    return f, case


def _closed_reason(case: Case) -> str:
    """Why nothing may be logged on this case now, or ""."""
    if case.followup_consent_withdrawn_on:
        return _("The person withdrew consent to follow-up on {date}: nobody contacts them any more.").format(
            date=fmt_date(case.followup_consent_withdrawn_on))
    if case.stage == Stage.CLOSED:
        return _("The case is closed.")
    if case.stage not in FOLLOW_UP_STAGES:
        return _("Follow-ups start once the arrival is recorded.")
    if not case.consent_followup:
        return _("The person did not agree to follow-up: nobody contacts them.")
    return ""


def _require_open(case: Case) -> None:
    reason = _closed_reason(case)
    if reason:
        raise DomainError(reason)


# --- reading ------------------------------------------------------------------------


def followup_cases(session: Session, actor: Actor, *, code: str = "", limit: int = 50) -> tuple[list[PickRow], int]:
    """The open cases whose follow-ups this actor works on (the return side), the most urgent first.

    Closed cases keep their follow-ups in the case file.
    """
    stmt = select(Case.id).where(return_side_scope(actor), col(Case.stage).in_(FOLLOW_UP_STAGES))
    code = searchable(code, limit=CODE_MAX)
    if code is None:
        stmt = stmt.where(false())
    elif code:  # "_" and "%" are letters here, not wildcards
        stmt = stmt.where(col(Case.code).icontains(code, autoescape=True))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(select(Case.id, Case.code, Case.stage, Case.alarm_open)
                        .where(col(Case.id).in_(stmt)).order_by(*urgency_order()).limit(limit)).all()
    return [PickRow(*r) for r in rows], total


def followups_worklist(session: Session, actor: Actor, *, today: date, limit: int = 50
                       ) -> tuple[list[WorkItem], int]:
    """The actor's follow-ups still to do: overdue first (the most recently due first), then the coming ones."""
    base = (
        select(FollowUp.id, Case.id, Case.code, FollowUp.kind, FollowUp.months_after, FollowUp.due_on,
               Case.alarm_open)
        .join(Case, Case.id == FollowUp.case_id)
        .where(return_side_scope(actor), FollowUp.status == PLANNED, col(Case.stage).in_(FOLLOW_UP_STAGES),
               col(Case.followup_consent_withdrawn_on).is_(None))
    )
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    overdue = session.exec(base.where(FollowUp.due_on < today)
                           .order_by(col(FollowUp.due_on).desc(), Case.code).limit(limit)).all()
    coming = session.exec(base.where(FollowUp.due_on >= today)
                          .order_by(FollowUp.due_on, Case.code).limit(limit)).all()
    items = [WorkItem(fid, cid, code, followup_label(kind, months), due, followup_state(PLANNED, due, today), alarm)
             for fid, cid, code, kind, months, due, alarm in [*overdue, *coming]]
    return items[:limit], total


def _plan_lines(session: Session, case_id: int) -> list[PlanLine]:
    """The lines of the case's current approved plan (the latest approved revision)."""
    plan_id = session.exec(select(Plan.id).where(Plan.case_id == case_id, Plan.status == "approved")
                           .order_by(col(Plan.revision_no).desc())).first()
    if plan_id is None:
        return []
    return list(session.exec(select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.id)).all())


def line_label(line: PlanLine) -> str:
    sub = PLAN_SUBCATEGORIES.get(line.subcategory)
    return _("{kind}: {description}").format(kind=_(sub[1]) if sub else line.subcategory,
                                             description=line.description)


def _done(session: Session, case_id: int) -> list[FollowUp]:
    return list(session.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.status == DONE)
                             .order_by(col(FollowUp.done_on).desc(), col(FollowUp.id).desc())).all())


def _last_progress(session: Session, done: list[FollowUp]) -> dict[int, str]:
    for f in done:
        rows = session.exec(select(FollowUpLineProgress).where(FollowUpLineProgress.followup_id == f.id)).all()
        if rows:
            return {r.plan_line_id: r.progress for r in rows}
    return {}


def _last_scores(session: Session, done: list[FollowUp]) -> tuple[tuple[Score, ...], date | None]:
    for f in done:
        rows = session.exec(select(FollowUpScore).where(FollowUpScore.followup_id == f.id)).all()
        if rows:
            order = {item: i for i, item in enumerate(ITEM_DIMENSION)}
            return tuple(Score(r.dimension, r.item, r.score)
                         for r in sorted(rows, key=lambda r: order.get(r.item, 99))), f.done_on
    return (), None


def _schedule_rows(session: Session, case_id: int, today: date) -> tuple[ScheduleRow, ...]:
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case_id)
                        .order_by(FollowUp.due_on, FollowUp.id)).all()
    return tuple(ScheduleRow(f.id, f.kind, followup_label(f.kind, f.months_after), f.due_on,
                             followup_state(f.status, f.due_on, today), f.done_on, f.mode, f.reached,
                             tuple(f.alarms or ()), f.missed_reason, f.version) for f in rows)


def case_followups(session: Session, actor: Actor, case_id: int, *, today: date) -> CaseFollowUps:
    """The case's schedule with each follow-up's state on `today`, its plan lines and the last check."""
    case = case_get(session, actor, case_id)
    require_side(actor, case, Side.ARRIVAL)
    done = _done(session, case.id)
    progress = _last_progress(session, done)
    scores, scored_on = _last_scores(session, done)
    rows = _schedule_rows(session, case.id, today)
    closed = _closed_reason(case)
    return CaseFollowUps(
        case_id=case.id, code=case.code, stage=case.stage, is_minor=case.is_minor, arrival_date=case.arrival_date,
        consent_followup=case.consent_followup, withdrawn_on=case.followup_consent_withdrawn_on,
        alarm_open=case.alarm_open, alarm_note=case.alarm_note, risk_level=case.risk_level, rows=rows,
        lines=tuple(LineRef(line.id, line_label(line), progress.get(line.id)) for line in _plan_lines(session, case.id)),
        last_scores=scores, last_scored_on=scored_on, closed_reason=closed,
        may_plan=not closed and case.arrival_date is not None and not any(r.kind == "scheduled" for r in rows),
        may_close_alarm=case.alarm_open and is_coordinator_of(actor, case.programme_id),
        closable=tuple(closable_as(session, case)),
    )


def followup_form(session: Session, actor: Actor, followup_id: int) -> FollowUpForm:
    """Starting values for logging (or correcting) a follow-up. Reads where and with whom the person lives: audited."""
    f, case = _followup_for(session, actor, followup_id)
    done = _done(session, case.id)
    partner = not works_on(actor, case, Side.ARRIVAL)  # a partner starts from this follow-up only, its own lines
    source = f if f.status == DONE else None if partner else next(iter(done), None)
    progress = {}
    if source is not None:
        progress = {r.plan_line_id: r.progress for r in session.exec(
            select(FollowUpLineProgress).where(FollowUpLineProgress.followup_id == source.id)).all()}
    if partner:
        progress = {k: v for k, v in progress.items() if k in referred_plan_line_ids(session, actor, case)}
    scores = {}
    if f.status == DONE:
        scores = {r.item: r.score for r in session.exec(
            select(FollowUpScore).where(FollowUpScore.followup_id == f.id)).all()}
    entry = FollowUpEntry(
        done_on=f.done_on, mode=source.mode if source else None,
        reached=f.reached if f.status == DONE and f.reached is not None else True,
        living_where=source.living_where if source else "", living_with=source.living_with if source else "",
        wellbeing=f.wellbeing if f.status == DONE else "", scores=scores, progress=progress,
        alarms=tuple(f.alarms or ()) if f.status == DONE else (), alarm_note=f.alarm_note if f.status == DONE else "",
    )
    if source is not None:
        audit_record(session, actor, "followup.read", case_id=case.id, entity="followup", entity_id=source.id)
    return FollowUpForm(f.id, f.version, f.kind, f.months_after, f.due_on, f.status, entry,
                        f.missed_reason, source.done_on if source is not None and source is not f else None)


def closable_as(session: Session, case: Case) -> list[str]:
    """The closing reasons the follow-up allows now: completed once every follow-up is done or missed,
    withdrew_consent once consent to follow-up was withdrawn."""
    if case.stage not in FOLLOW_UP_STAGES:
        return []
    if case.followup_consent_withdrawn_on:
        return ["withdrew_consent"]
    statuses = session.exec(select(FollowUp.kind, FollowUp.status).where(FollowUp.case_id == case.id)).all()
    if any(kind == "scheduled" for kind, _status in statuses) and all(s in (DONE, MISSED) for _k, s in statuses):
        return ["completed"]
    return []


# --- writing ------------------------------------------------------------------------


def _text(value) -> str:
    return cleaned_text(str(value or ""), multiline=True)


def _check_entry(session: Session, case: Case, entry: FollowUpEntry, today: date) -> None:
    p = Problems()
    check_day(p, "done_on", entry.done_on, label=_("The date of the follow-up"), today=today,
              earliest=case.arrival_date, after=_("the arrival"))
    if entry.mode not in MODES:
        p.add("mode", _("Choose how the follow-up was done."))
    for name in ("living_where", "living_with", "wellbeing", "alarm_note"):
        checked_text(p, name, _text(getattr(entry, name)), limit=MAX_TEXT, multiline=True)
    for item, score in entry.scores.items():
        if item not in ITEM_DIMENSION:
            p.add(f"score_{item}", _("This is not a question of the check."))
        elif score is not None and not (isinstance(score, int) and score in SCORES):
            p.add(f"score_{item}", _("A score goes from 1 to 5."))
        elif score is not None and not entry.reached:
            p.add(f"score_{item}", _("The person was not reached: leave the questions blank."))
    lines = {line.id for line in _plan_lines(session, case.id)}
    for line_id, progress in entry.progress.items():
        if line_id not in lines:
            p.add(f"progress_{line_id}", _("This is not a line of the approved plan."))
        elif progress is not None and progress not in PROGRESS:
            p.add(f"progress_{line_id}", _("Choose a progress from the list."))
    if any(a not in ALARMS for a in entry.alarms):
        p.add("alarms", _("Choose alarm signs from the list."))
    elif entry.alarms and not _text(entry.alarm_note):
        p.add("alarm_note", _("Say what happened: the coordinators read this note first."))
    p.raise_if_any()


def followup_log(session: Session, actor: Actor, followup_id: int, *, entry: FollowUpEntry, expected_version: int,
                 today: date | None = None, acknowledged: bool = False) -> FollowUp:
    """Log a follow-up as done (or correct one already logged); a new alarm sign escalates the case.

    Whoever logs it read the case's safe contact first (`acknowledged`, when there is one); their
    draft of the follow-up form goes once it is logged."""
    today = today or date.today()
    f, case = _followup_for(session, actor, followup_id, for_update=True)
    _require_open(case)
    if f.status == CANCELLED:
        raise DomainError(_("This follow-up was cancelled."))
    _check_entry(session, case, entry, today)
    require_acknowledged(session, actor, case, acknowledged)
    if not works_on(actor, case, Side.ARRIVAL):  # a partner reports only on the plan lines it delivers
        own = referred_plan_line_ids(session, actor, case)
        p = Problems()
        for line_id in (i for i, v in entry.progress.items() if v is not None and i not in own):
            p.add(f"progress_{line_id}", _("This plan line is not assigned to your organisation."))
        p.raise_if_any()
    claim(session, actor, FollowUp, {"id": f.id}, expected_version)
    new_alarms = [a for a in entry.alarms if a not in (f.alarms or [])]
    f.status, f.done_on, f.mode, f.reached = DONE, entry.done_on, entry.mode, bool(entry.reached)
    f.living_where, f.living_with, f.wellbeing = (_text(entry.living_where), _text(entry.living_with),
                                                  _text(entry.wellbeing))
    f.alarms, f.alarm_note = list(entry.alarms), _text(entry.alarm_note)
    f.missed_reason, f.logged_by_id = "", actor.id
    session.add(f)
    session.execute(delete(FollowUpScore).where(FollowUpScore.followup_id == f.id))
    session.execute(delete(FollowUpLineProgress).where(FollowUpLineProgress.followup_id == f.id))
    session.add_all([FollowUpScore(followup_id=f.id, dimension=ITEM_DIMENSION[item], item=item, score=score)
                     for item, score in entry.scores.items() if score is not None])
    session.add_all([FollowUpLineProgress(followup_id=f.id, plan_line_id=line_id, progress=progress)
                     for line_id, progress in entry.progress.items() if progress is not None])
    audit_record(session, actor, "followup.log", case_id=case.id, entity="followup", entity_id=f.id,
                 detail={"mode": f.mode, "reached": f.reached, "done_on": f.done_on,
                         "scores": sum(s is not None for s in entry.scores.values()), "alarms": list(entry.alarms)})
    if new_alarms:
        _alarm_raise(session, actor, case, new_alarms, _text(entry.alarm_note), entry.done_on, f.id)
    draft_discard(session, actor, case.id, form="followup", logged=True)
    session.flush()
    return f


def followup_next(session: Session, case_id: int) -> tuple[str, date] | None:
    """The next planned follow-up of a case the caller just logged on: its label and due date, or None."""
    f = session.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.status == PLANNED)
                     .order_by(FollowUp.due_on, FollowUp.id)).first()
    return None if f is None else (followup_label(f.kind, f.months_after), f.due_on)


def next_message(nxt: tuple[str, date] | None, *, today: date) -> str:
    """What the user sees after saving: what comes next."""
    if nxt is None:
        return _("No follow-up is planned after this one.")
    if nxt[1] < today:
        return _("Next follow-up: {what}, overdue since {date}").format(what=nxt[0], date=fmt_date(nxt[1], "long"))
    return _("Next follow-up: {what}, due {date}").format(what=nxt[0], date=fmt_date(nxt[1], "long"))


def _note_line(day: date, text: str) -> str:
    """One line of the case's alarm history: each event on its own line, the latest last."""
    return f"{day.isoformat()}: {' '.join(text.split())}"


def _alarm_raise(session: Session, actor: Actor, case: Case, alarms: list[str], note: str, on: date,
                 followup_id: int) -> None:
    """The case goes to the top of every list: alarm open, the note kept, the risk high."""
    before = case.risk_level
    claim(session, actor, Case, {"id": case.id}, case.version)
    case.alarm_open = True
    case.alarm_note = "\n".join(x for x in (case.alarm_note, _note_line(on, note)) if x)
    case.risk_level = "high"
    session.add(case)
    audit_record(session, actor, "followup.alarm", case_id=case.id, entity="followup", entity_id=followup_id,
                 detail={"alarms": alarms, "risk_before": before, "risk_after": "high"})
    from care.outbox import alarm_queue  # the coordinators' e-mail, in this same transaction

    alarm_queue(session, case, alarms=alarms, followup_id=followup_id, on=on)


def followup_miss(session: Session, actor: Actor, followup_id: int, *, reason: str, expected_version: int,
                  today: date | None = None) -> FollowUp:
    """A follow-up that could not happen, with the reason (the schedule goes on)."""
    today = today or date.today()
    f, case = _followup_for(session, actor, followup_id, for_update=True)
    _require_open(case)
    if f.status in (DONE, CANCELLED):
        raise DomainError(_("This follow-up was logged as done.") if f.status == DONE
                          else _("This follow-up was cancelled."))
    if f.due_on > today + timedelta(days=DUE_WITHIN_DAYS):
        raise DomainError(_("This follow-up is not due yet: it can be recorded as missed from {date}.").format(
            date=fmt_date(f.due_on - timedelta(days=DUE_WITHIN_DAYS))), field="missed_reason")
    p = Problems()
    checked_text(p, "missed_reason", _text(reason), limit=MAX_TEXT, multiline=True,
                 required=_("Say why the follow-up did not happen."))
    p.raise_if_any()
    claim(session, actor, FollowUp, {"id": f.id}, expected_version)
    f.status, f.reached, f.done_on, f.missed_reason, f.logged_by_id = MISSED, False, None, _text(reason), actor.id
    session.add(f)
    audit_record(session, actor, "followup.miss", case_id=case.id, entity="followup", entity_id=f.id)
    session.flush()
    return f


def followup_consent_withdraw(session: Session, actor: Actor, case_id: int, *, withdrawn_on: date | None,
                              today: date | None = None) -> int:
    """The person no longer wants to be followed: the planned follow-ups are cancelled, and nobody contacts
    them any more. Returns how many follow-ups were cancelled."""
    today = today or date.today()
    case = case_get(session, actor, case_id, for_update=True)
    require_side(actor, case, Side.ARRIVAL)
    _require_open(case)
    p = Problems()
    check_day(p, "withdrawn_on", withdrawn_on, label=_("The day consent was withdrawn"), today=today,
              earliest=case.arrival_date, after=_("the arrival"))
    p.raise_if_any()
    claim(session, actor, Case, {"id": case.id}, case.version)
    case.followup_consent_withdrawn_on = withdrawn_on
    session.add(case)
    cancelled = session.execute(
        update(FollowUp).where(FollowUp.case_id == case.id, FollowUp.status == PLANNED)
        .values(status=CANCELLED, version=FollowUp.version + 1, updated_at=utcnow(), updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit_record(session, actor, "followup.consent_withdraw", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"withdrawn_on": withdrawn_on, "cancelled": cancelled})
    session.flush()
    return cancelled


def followups_plan(session: Session, actor: Actor, case_id: int) -> int:
    """Plan the programme's follow-ups of an arrived case that has none yet (consent recorded after arrival)."""
    case = case_get(session, actor, case_id, for_update=True)
    require_side(actor, case, Side.ARRIVAL)
    _require_open(case)
    if case.arrival_date is None:
        raise DomainError(_("Follow-ups start once the arrival is recorded."))
    created = followups_schedule(session, case, case.arrival_date)
    audit_record(session, actor, "followup.schedule", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"months": [f.months_after for f in created]})
    return len(created)


def case_alarm_close(session: Session, actor: Actor, case_id: int, *, note: str, today: date | None = None) -> Case:
    """A coordinator closes an alarm once it is dealt with; the note says how. The risk stays as it is until
    the risk assessment is revised."""
    today = today or date.today()
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if not case.alarm_open:
        raise DomainError(_("This case has no open alarm."))
    if not _text(note):
        raise DomainError(_("Say how the alarm was dealt with."), field="close_note")
    if problem := text_problem(_text(note), limit=MAX_TEXT, multiline=True):
        raise DomainError(problem, field="close_note")
    claim(session, actor, Case, {"id": case.id}, case.version)
    case.alarm_open = False
    case.alarm_note = "\n".join(x for x in (case.alarm_note, _note_line(today, _("alarm closed: {note}").format(
        note=_text(note)))) if x)
    session.add(case)
    audit_record(session, actor, "followup.alarm_close", case_id=case.id, entity="case", entity_id=case.id)
    return case


# --- Home and the case file ---------------------------------------------------------


@dataclass(frozen=True)
class AlarmOpen:
    case_id: int
    case_code: str
    alarms: tuple[str, ...]  # the signs of the latest alarm
    note: str  # the latest line of the case's alarm history
    risk_level: str | None


def alarms_open(session: Session, actor: Actor, *, limit: int = 50) -> list[AlarmOpen]:
    """The coordinators' cases with an open alarm, with the note and the signs of the latest alarm."""
    if not actor.has(Role.COORDINATOR) or not actor.programme_ids:
        return []
    cases = session.exec(select(Case).where(Case.alarm_open == True,  # noqa: E712
                                            col(Case.programme_id).in_(actor.programme_ids))
                         .order_by(*urgency_order()).limit(limit)).all()
    signs: dict[int, list] = {}  # one query for all the cases listed, not one per case
    for case_id, alarms in session.exec(
            select(FollowUp.case_id, FollowUp.alarms)
            .where(col(FollowUp.case_id).in_([c.id for c in cases]), FollowUp.status == DONE)
            .order_by(FollowUp.case_id, col(FollowUp.done_on).desc())).all():
        signs.setdefault(case_id, []).append(alarms)
    out = []
    for case in cases:
        latest = next((tuple(s) for s in signs.get(case.id, ()) if s), ())
        lines = case.alarm_note.splitlines()
        out.append(AlarmOpen(case.id, case.code, latest, lines[-1] if lines else "", case.risk_level))
    return out


def alarm_labels(codes) -> str:
    return ", ".join(label(ALARMS, c) for c in codes)


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The schedule with each follow-up's state, the last sustainability check and the alarms (return side only)."""
    case = case_get(session, actor, case.id)
    if not works_on(actor, case, Side.ARRIVAL):
        return None
    view = case_followups(session, actor, case.id, today=date.today())
    if not view.rows and view.arrival_date is None:
        return None
    consent = _("Yes") if view.consent_followup else _("No")
    if view.withdrawn_on:
        consent = _("Withdrawn on {date}").format(date=fmt_date(view.withdrawn_on))
    rows = [(_("Consent to follow-up"), consent)]
    if view.alarm_note:
        rows.append((_("Open alarm") if view.alarm_open else _("Alarms"), view.alarm_note))
    schedule = Table(
        [_("Follow-up"), _("Due on"), _("State"), _("Done on"), _("Mode"), _("Reached"), _("Alarm signs")],
        [[r.label, fmt_date(r.due_on), state_label(r.state) + (f" ({r.missed_reason})" if r.missed_reason else ""),
          fmt_date(r.done_on) if r.done_on else "", label(MODES, r.mode) if r.mode else "",
          "" if r.reached is None else (_("Yes") if r.reached else _("No")), alarm_labels(r.alarms)]
         for r in view.rows])
    tables = [schedule]
    if view.last_scores:
        rows.append((_("Last sustainability check"), fmt_date(view.last_scored_on)))
        tables.append(Table([_("Dimension"), _("Question"), _("Score")],
                            [[label(DIMENSIONS, s.dimension), label(QUESTIONS, s.item), str(s.score)]
                             for s in view.last_scores]))
    if view.lines:
        tables.append(Table([_("Plan line"), _("Progress")],
                            [[line.label, label(PROGRESS, line.last_progress) if line.last_progress else "—"]
                             for line in view.lines]))
    return Section(title=_("Follow-up after return"), rows=rows, tables=tables)
