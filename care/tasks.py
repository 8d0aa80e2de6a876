"""Tasks: who does what by when, on a case or not.

A task is typed by hand, or derived from a record that already says "by when": a risk
mitigation's date, a plan line's planned date, a minor's family assessment awaited, a referral
waiting for the partner's answer. Derived tasks are not written by the stages' save functions:
`tasks_derive` reads those records and writes the tasks they call for, idempotently (one task per
source, kept unique by the database), and closes the open ones whose source no longer calls for
them (the mitigation was superseded, the line paid, the assessment done, the referral answered).
The case file calls it for its case, and the command line (`digest`, and `outbox` every few minutes)
for every case; Home only reads (docs/DESIGN.md, "Tasks").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, not_, true
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from care.access import (
    Actor, Role, case_get, case_in_scope, is_coordinator_of, may_assign_task, may_change_task,
    task_scope,
)
from care.audit import audit_record
from care.errors import DomainError, NotPermitted, Problems, StaleEdit
from care.i18n import N_, _
from care.text import checked_text
from care.vocab import OPEN_STAGES, label
from db.models import (
    Case, MinorProcedure, Mitigation, PartnerReferral, Payment, Plan, PlanLine, RiskAssessment, Task, User, UserProgramme,
    UserRole,
)

ORIGINS = {
    "manual": N_("Typed by hand"),
    "mitigation": N_("Risk mitigation"),
    "plan_line": N_("Plan line"),
    "minor_step": N_("Minors: family assessment awaited"),
    "referral": N_("Referral waiting for an answer"),
}
STATES = {"open": N_("Open"), "done": N_("Done"), "cancelled": N_("Cancelled")}
TEXT_MAX = 200
# A family assessment in the return country asked for and not yet received: expected within this time.
FAMILY_ASSESSMENT_DAYS = 30
# A source whose day passed longer ago than this gets no new task: the records written before tasks
# existed (or imported) would otherwise fill everyone's list with years-old reminders. Run daily, the
# derivation creates a task long before this, as soon as the record is saved.
DERIVE_PAST_DAYS = 60


@dataclass(frozen=True)
class TaskRow:
    id: int
    version: int
    case_id: int | None
    case_code: str
    assignee: str  # the assignee's name (a user, never a person assisted)
    due_on: date
    origin: str
    text: str
    state: str
    overdue: bool
    done_on: date | None = None
    done_by: str = ""
    cancelled_on: date | None = None
    cancel_reason: str = ""
    may_change: bool = False

    @property
    def what(self) -> str:
        """The origin's label, then the text (a derived task's text is its source's own words)."""
        origin = label(ORIGINS, self.origin)
        if self.origin == "manual":
            return self.text
        return f"{origin}: {self.text}" if self.text else origin


# --- Derivation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Wanted:
    origin: str
    source_id: int
    case_id: int
    programme_id: int
    due_on: date
    assignee_id: int | None


def _wanted(session: Session, scope) -> list[_Wanted]:
    """Every task the records of the cases in `scope` call for now.

    Columns only, and no encrypted one: Home runs this at every visit, over every case the user sees.
    A new task's text is read afterwards, for that task alone (`_source_text`).
    """
    open_case = and_(scope, col(Case.stage).in_(OPEN_STAGES))
    out: list[_Wanted] = []
    for sid, cid, pid, due, who in session.exec(
            select(Mitigation.id, Case.id, Case.programme_id, Mitigation.by_when, RiskAssessment.author_id)
            .join(RiskAssessment, RiskAssessment.id == Mitigation.assessment_id)
            .join(Case, Case.id == RiskAssessment.case_id).where(open_case, RiskAssessment.is_current == True)  # noqa: E712
    ).all():
        out.append(_Wanted("mitigation", sid, cid, pid, due, who))
    paid = exists().where(Payment.plan_line_id == PlanLine.id, col(Payment.cancelled_at).is_(None))
    for sid, cid, pid, due, who in session.exec(
            select(PlanLine.id, Case.id, Case.programme_id, PlanLine.planned_on, Plan.author_id)
            .join(Plan, Plan.id == PlanLine.plan_id).join(Case, Case.id == Plan.case_id)
            .where(open_case, Plan.status == "approved", col(PlanLine.planned_on).is_not(None), not_(paid))
    ).all():
        out.append(_Wanted("plan_line", sid, cid, pid, due, who))
    for cid, pid, asked, who in session.exec(
            select(Case.id, Case.programme_id, MinorProcedure.family_requested_on, MinorProcedure.updated_by_id)
            .join(Case, Case.id == MinorProcedure.case_id)
            .where(open_case, col(MinorProcedure.family_requested_on).is_not(None),
                   col(MinorProcedure.family_done_on).is_(None))
    ).all():
        out.append(_Wanted("minor_step", cid, cid, pid, asked + timedelta(days=FAMILY_ASSESSMENT_DAYS), who))
    for sid, cid, pid, due, sent_by, created_by in session.exec(
            select(PartnerReferral.id, Case.id, Case.programme_id, PartnerReferral.answer_by, PartnerReferral.sent_by_id,
                   PartnerReferral.created_by_id)
            .join(Case, Case.id == PartnerReferral.case_id)
            .where(open_case, PartnerReferral.state == "sent", col(PartnerReferral.answer_by).is_not(None))
    ).all():
        out.append(_Wanted("referral", sid, cid, pid, due, sent_by or created_by))
    return out


def _source_text(session: Session, origin: str, source_id: int) -> str:
    """A derived task's text: its source's own words (a mitigation's measure, a plan line's description)."""
    if origin == "mitigation":
        return (session.get(Mitigation, source_id).what or "")[:TEXT_MAX]
    if origin == "plan_line":
        return (session.get(PlanLine, source_id).description or "")[:TEXT_MAX]
    return ""


def _holder(session: Session, w: _Wanted, cache: dict) -> int | None:
    """Who holds a derived task: whoever wrote its source, if they still see the case; else the first
    active coordinator of the case's programme who does; None if nobody does."""
    from care.users import _actor_of

    def sees(user_id: int | None) -> bool:
        if user_id is None:
            return False
        if user_id not in cache:
            user = session.get(User, user_id)
            cache[user_id] = _actor_of(session, user) if user and user.is_active and not user.locked else None
        actor = cache[user_id]
        return actor is not None and actor.has(Role.COORDINATOR, Role.FOCAL_POINT) and case_in_scope(session, actor, w.case_id)

    if sees(w.assignee_id):
        return w.assignee_id
    coordinators = session.exec(
        select(User.id).join(UserRole, UserRole.user_id == User.id).join(UserProgramme, UserProgramme.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR.value, UserProgramme.programme_id == w.programme_id,
               User.is_active == True, User.locked == False).order_by(User.id)).all()  # noqa: E712
    return next((uid for uid in coordinators if sees(uid)), None)


def tasks_derive(session: Session, *, today: date, scope=None) -> int:
    """Write the tasks the records of the cases in `scope` (default: every case) call for; return how many
    were created. Idempotent: a source has at most one task (unique origin and source), its due day follows
    the source while the task is open, a source more than `DERIVE_PAST_DAYS`
    past gets none, and an open task whose source no longer calls for it is closed as done
    by the record (no user). Audited as the system's work."""
    scope = true() if scope is None else scope
    wanted = {(w.origin, w.source_id): w for w in _wanted(session, scope)}
    existing = {(origin, sid): (tid, state, due) for tid, origin, sid, state, due in session.exec(
        select(Task.id, Task.origin, Task.source_id, Task.state, Task.due_on).join(Case, Case.id == Task.case_id)
        .where(scope, Task.origin != "manual")).all()}
    created, cache = 0, {}
    for key, w in wanted.items():
        found = existing.get(key)
        if found is None and w.due_on < today - timedelta(days=DERIVE_PAST_DAYS):
            continue
        if found is not None:
            if found[1] == "open" and found[2] != w.due_on:
                task = session.get(Task, found[0])
                task.due_on, task.version = w.due_on, task.version + 1
                session.add(task)
                audit_record(session, None, "task.due_follow", case_id=task.case_id, entity="task", entity_id=task.id,
                             detail={"due_on": w.due_on}, username="system")
            continue
        holder = _holder(session, w, cache)
        if holder is None:
            continue
        try:
            with session.begin_nested():  # another user's Home may derive the same task at the same moment
                task = Task(case_id=w.case_id, assignee_id=holder, due_on=w.due_on,
                            text=_source_text(session, w.origin, w.source_id), origin=w.origin,
                            source_id=w.source_id)
                session.add(task)
                session.flush()
        except IntegrityError:
            continue
        created += 1
        audit_record(session, None, "task.derive", case_id=w.case_id, entity="task", entity_id=task.id,
                     detail={"origin": w.origin, "source_id": w.source_id, "due_on": w.due_on}, username="system")
    for key, (tid, state, _due) in existing.items():
        if key not in wanted and state == "open":
            task = session.get(Task, tid)
            task.state, task.done_on, task.done_by_id, task.version = "done", today, None, task.version + 1
            session.add(task)
            audit_record(session, None, "task.resolved", case_id=task.case_id, entity="task", entity_id=task.id,
                         detail={"origin": task.origin}, username="system")
    session.flush()
    return created


# --- Hand-written tasks, completing and cancelling ------------------------------------------------

def _assignee_actor(session: Session, user_id: int | None) -> Actor | None:
    from care.users import _actor_of

    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active or user.locked:
        return None
    return _actor_of(session, user)


def task_add(session: Session, actor: Actor, *, case_id: int | None, assignee_id: int | None, due_on: date | None,
             text: str, today: date) -> Task:
    """A task typed by hand: to oneself, or (coordinators) to someone who sees the case."""
    case = case_get(session, actor, case_id) if case_id is not None else None
    p = Problems()
    clean = checked_text(p, "text", text, limit=TEXT_MAX, required=_("Say what is to be done."))
    if due_on is None:
        p.add("due_on", _("Give the day it is due."))
    elif due_on < today:
        p.add("due_on", _("The due day is in the past."))
    assignee = _assignee_actor(session, assignee_id)
    if assignee is None:
        p.add("assignee", _("Choose who does it."))
    elif not may_assign_task(session, actor, assignee, case):
        p.add("assignee", _("You may not give this person this task: the case must be in their scope, "
                            "and only coordinators assign tasks to others."))
    p.raise_if_any()
    task = Task(case_id=case.id if case else None, assignee_id=assignee.id, due_on=due_on, text=clean, origin="manual",
                created_by_id=actor.id, updated_by_id=actor.id)
    session.add(task)
    session.flush()
    audit_record(session, actor, "task.add", case_id=task.case_id, entity="task", entity_id=task.id,
                 detail={"assignee_id": assignee.id, "due_on": due_on})
    return task


def _task_for_change(session: Session, actor: Actor, task_id: int, expected_version: int | None) -> Task:
    task = session.exec(select(Task).where(Task.id == task_id, task_scope(actor))).first()
    case = session.get(Case, task.case_id) if task is not None and task.case_id is not None else None
    if task is None:
        raise NotPermitted(_("No such task, or you are not permitted to see it."))
    if not may_change_task(actor, task, case):
        raise NotPermitted(_("Only the person the task is assigned to, its author or a coordinator of the "
                             "programme may change it."))
    if task.state != "open":
        raise DomainError(_("This task is closed already."))
    if expected_version is not None and task.version != expected_version:
        raise StaleEdit(_("Someone else changed this task after you opened it. Reload to see it."))
    return task


def task_complete(session: Session, actor: Actor, task_id: int, *, today: date,
                  expected_version: int | None = None) -> Task:
    task = _task_for_change(session, actor, task_id, expected_version)
    task.state, task.done_on, task.done_by_id = "done", today, actor.id
    task.version, task.updated_by_id = task.version + 1, actor.id
    session.add(task)
    audit_record(session, actor, "task.done", case_id=task.case_id, entity="task", entity_id=task.id)
    session.flush()
    return task


def task_cancel(session: Session, actor: Actor, task_id: int, *, reason: str, today: date,
                expected_version: int | None = None) -> Task:
    task = _task_for_change(session, actor, task_id, expected_version)
    p = Problems()
    clean = checked_text(p, "reason", reason, limit=TEXT_MAX, required=_("Say why the task is cancelled."))
    p.raise_if_any()
    task.state, task.cancelled_on, task.cancel_reason = "cancelled", today, clean
    task.version, task.updated_by_id = task.version + 1, actor.id
    session.add(task)
    audit_record(session, actor, "task.cancel", case_id=task.case_id, entity="task", entity_id=task.id)
    session.flush()
    return task


# --- Reading --------------------------------------------------------------------------------------

def _rows(session: Session, actor: Actor, stmt, today: date) -> list[TaskRow]:
    rows = session.exec(stmt).all()
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(
        {t.assignee_id for t, _c in rows} | {t.done_by_id for t, _c in rows if t.done_by_id}))).all())
    cases = {c.id: c for _t, c in rows if c is not None}
    out = []
    for t, c in rows:
        out.append(TaskRow(
            id=t.id, version=t.version, case_id=t.case_id, case_code=c.code if c else "",
            assignee=names.get(t.assignee_id, ""), due_on=t.due_on, origin=t.origin, text=t.text, state=t.state,
            overdue=t.state == "open" and t.due_on < today, done_on=t.done_on,
            done_by=names.get(t.done_by_id, "") if t.done_by_id else (_("the record") if t.state == "done" else ""),
            cancelled_on=t.cancelled_on, cancel_reason=t.cancel_reason,
            may_change=t.state == "open" and may_change_task(actor, t, cases.get(t.case_id))))
    return out


def my_tasks(session: Session, actor: Actor, *, today: date, limit: int = 50) -> list[TaskRow]:
    """The open tasks assigned to this actor, overdue first (the oldest due first), then by due day."""
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return []
    stmt = (select(Task, Case).outerjoin(Case, Case.id == Task.case_id)
            .where(Task.assignee_id == actor.id, Task.state == "open")
            .order_by(Task.due_on, Task.id).limit(limit))
    return _rows(session, actor, stmt, today)


def case_tasks(session: Session, actor: Actor, case_id: int, *, today: date) -> list[TaskRow]:
    """Every task of the case, open ones first (by due day), then the closed ones, the latest first."""
    case = case_get(session, actor, case_id)
    tasks_derive(session, today=today, scope=Case.id == case.id)
    stmt = (select(Task, Case).join(Case, Case.id == Task.case_id).where(Task.case_id == case.id, task_scope(actor))
            .order_by((Task.state != "open"), Task.due_on, Task.id))
    rows = _rows(session, actor, stmt, today)
    return [r for r in rows if r.state == "open"] + sorted(
        (r for r in rows if r.state != "open"), key=lambda r: r.done_on or r.cancelled_on or r.due_on, reverse=True)


def task_assignees(session: Session, actor: Actor, case_id: int | None) -> list[tuple[int, str]]:
    """The users this actor may give a task to (on this case, or without one): (id, name), themselves first."""
    case = case_get(session, actor, case_id) if case_id is not None else None
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return []
    if case is not None and not is_coordinator_of(actor, case.programme_id) or not actor.has(Role.COORDINATOR):
        return [(actor.id, actor.name)]
    ids = session.exec(select(User.id).join(UserProgramme, UserProgramme.user_id == User.id)
                       .where(col(UserProgramme.programme_id).in_(actor.programme_ids), User.is_active == True,  # noqa: E712
                              User.locked == False).distinct().order_by(User.id)).all()  # noqa: E712
    out = [(actor.id, actor.name)]
    for uid in ids:
        other = _assignee_actor(session, uid)
        if uid != actor.id and other is not None and may_assign_task(session, actor, other, case):
            out.append((uid, other.name))
    return out
