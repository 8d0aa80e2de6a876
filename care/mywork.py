"""Home's "my work": what is waiting for this user, within what they may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_scope
from care.followups import AlarmOpen, alarms_open
from care.journey import JourneyComing, journeys_coming
from care.sides import return_side_scope
from care.vocab import OPEN_STAGES, Stage
from db.models import Case, FollowUp, Plan

DUE_WITHIN_DAYS = 7


@dataclass(frozen=True)
class FollowUpDue:
    case_id: int
    case_code: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class PlanPending:
    case_id: int
    case_code: str
    revision_no: int
    own: bool  # the actor wrote it, so someone else must approve it


@dataclass(frozen=True)
class MyWork:
    open_by_stage: dict[str, int] = field(default_factory=dict)
    followups_due: list[FollowUpDue] = field(default_factory=list)
    plans_pending: list[PlanPending] = field(default_factory=list)
    sees_cases: bool = False
    alarms: list[AlarmOpen] = field(default_factory=list)  # coordinators: on top of Home
    journeys: list[JourneyComing] = field(default_factory=list)  # departures and arrivals of the coming 14 days


def my_work(session: Session, actor: Actor, *, today: date) -> MyWork:
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return MyWork()
    scope = case_scope(actor)
    counts = dict(
        session.exec(
            select(Case.stage, func.count()).where(scope, col(Case.stage).in_(OPEN_STAGES)).group_by(Case.stage)
        ).all()
    )
    open_by_stage = {s.value: counts.get(s.value, 0) for s in OPEN_STAGES}

    # Overdue, the most recently due first (the most actionable), then those due this week.
    # Follow-ups are the return side's: a host-country focal point does not see them.
    base = (
        select(Case.id, Case.code, FollowUp.due_on)
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(return_side_scope(actor), FollowUp.status == "planned", Case.stage != Stage.CLOSED)
    )
    overdue = session.exec(base.where(FollowUp.due_on < today).order_by(col(FollowUp.due_on).desc()).limit(50)).all()
    due = session.exec(
        base.where(FollowUp.due_on >= today, FollowUp.due_on <= today + timedelta(days=DUE_WITHIN_DAYS))
        .order_by(FollowUp.due_on).limit(50)
    ).all()
    followups = [FollowUpDue(cid, code, d, True) for cid, code, d in overdue] + [
        FollowUpDue(cid, code, d, False) for cid, code, d in due]

    plans: list[PlanPending] = []
    if actor.has(Role.COORDINATOR):
        rows = session.exec(
            select(Case.id, Case.code, Plan.revision_no, Plan.author_id)
            .join(Plan, Plan.case_id == Case.id)
            .where(scope, Plan.status == "submitted")
            .order_by(Plan.submitted_at)
            .limit(50)
        ).all()
        plans = [PlanPending(cid, code, rev, author == actor.id) for cid, code, rev, author in rows]
    return MyWork(open_by_stage=open_by_stage, followups_due=followups, plans_pending=plans, sees_cases=True,
                  alarms=alarms_open(session, actor), journeys=journeys_coming(session, actor, today=today))
