"""Home's "my work": what is waiting for this user, within what they may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_scope
from care.contacts import Unreached, last_contacts, unreached_cases
from care.flags import flags_by_case
from care.followups import AlarmOpen, alarms_open
from care.schedule import DUE_WITHIN_DAYS, followup_label
from care.journey import JourneyComing, journeys_coming
from care.referrals import (
    AssignedFollowUp, ReferralAttention, ReferralOffer, SharedLine, partner_followups_due, partner_lines_to_deliver,
    referrals_for_partner, referrals_needing_attention,
)
from care.access import return_side_scope
from care.caselist import RISK_ORDER, urgency_order
from care.vocab import OPEN_STAGES, Stage
from db.models import Case, FollowUp, Plan

LIST_LIMIT = 50  # rows per list on Home: the most urgent first


@dataclass(frozen=True)
class FollowUpDue:
    case_id: int
    case_code: str
    due_on: date
    overdue: bool
    risk_level: str | None = None
    followup_id: int | None = None
    label: str = ""  # "3 months after return"


@dataclass(frozen=True)
class PlanPending:
    case_id: int
    case_code: str
    revision_no: int
    own: bool  # the actor wrote it, so someone else must approve it
    risk_level: str | None = None


@dataclass(frozen=True)
class CaseAtRisk:
    case_id: int
    case_code: str
    stage: str
    alarm_open: bool


@dataclass(frozen=True)
class MyWork:
    open_by_stage: dict[str, int] = field(default_factory=dict)
    followups_due: list[FollowUpDue] = field(default_factory=list)
    plans_pending: list[PlanPending] = field(default_factory=list)
    sees_cases: bool = False
    alarms: list[AlarmOpen] = field(default_factory=list)  # coordinators: on top of Home
    journeys: list[JourneyComing] = field(default_factory=list)  # the first LIST_LIMIT departures and arrivals
    journeys_total: int = 0  # how many there are in all
    high_risk: list[CaseAtRisk] = field(default_factory=list)  # open cases assessed at high risk
    referrals_attention: list[ReferralAttention] = field(default_factory=list)  # declined, or unanswered in time
    # A partner user: referrals to answer, and the work its organisation accepted.
    is_partner: bool = False
    referrals_waiting: list[ReferralOffer] = field(default_factory=list)
    partner_followups: list[tuple[str, AssignedFollowUp]] = field(default_factory=list)  # (case code, follow-up)
    partner_lines: list[tuple[str, SharedLine]] = field(default_factory=list)  # (case code, plan line)

    unreached: list[Unreached] = field(default_factory=list)  # coordinators: two attempts in a row failed
    flags: dict[int, list[str]] = field(default_factory=dict)  # active flags of every case listed
    last_contact: dict[int, date] = field(default_factory=dict)  # the last day each listed person was reached


def partner_work(session: Session, actor: Actor, *, today: date) -> MyWork:
    """A partner user's Home: referrals waiting for an answer (the oldest first), the follow-ups
    assigned to the organisation still to do (due within a week or overdue), the plan lines it delivers."""
    due = [(code, f) for code, f in partner_followups_due(session, actor, today=today)
           if f.due_on <= today + timedelta(days=DUE_WITHIN_DAYS)]
    return MyWork(is_partner=True, referrals_waiting=referrals_for_partner(session, actor)[:LIST_LIMIT],
                  partner_followups=due[:LIST_LIMIT], partner_lines=partner_lines_to_deliver(session, actor)[:LIST_LIMIT])


def my_work(session: Session, actor: Actor, *, today: date) -> MyWork:
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return partner_work(session, actor, today=today) if actor.has(Role.PARTNER) else MyWork()
    scope = case_scope(actor)
    counts = dict(
        session.exec(
            select(Case.stage, func.count()).where(scope, col(Case.stage).in_(OPEN_STAGES)).group_by(Case.stage)
        ).all()
    )
    open_by_stage = {s.value: counts.get(s.value, 0) for s in OPEN_STAGES}

    # Overdue, the most recently due first (the most actionable), then those due this week;
    # within each, open alarms and high risk first (as every list). Follow-ups are the return
    # side's: a host-country focal point does not see them.
    urgent = (col(Case.alarm_open).desc(), RISK_ORDER)
    base = (
        select(Case.id, Case.code, FollowUp.due_on, Case.risk_level, FollowUp.id, FollowUp.kind, FollowUp.months_after)
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(return_side_scope(actor), FollowUp.status == "planned", Case.stage != Stage.CLOSED)
    )
    overdue = session.exec(
        base.where(FollowUp.due_on < today).order_by(*urgent, col(FollowUp.due_on).desc()).limit(LIST_LIMIT)).all()
    due = session.exec(
        base.where(FollowUp.due_on >= today, FollowUp.due_on <= today + timedelta(days=DUE_WITHIN_DAYS))
        .order_by(*urgent, FollowUp.due_on).limit(LIST_LIMIT)
    ).all()
    followups = [FollowUpDue(cid, code, d, d < today, risk, fid, followup_label(kind, months))
                 for cid, code, d, risk, fid, kind, months in [*overdue, *due]]

    high_risk = [CaseAtRisk(*row) for row in session.exec(
        select(Case.id, Case.code, Case.stage, Case.alarm_open)
        .where(scope, col(Case.stage).in_(OPEN_STAGES), Case.risk_level == "high")
        .order_by(*urgency_order()).limit(LIST_LIMIT)
    ).all()]

    plans: list[PlanPending] = []
    if actor.has(Role.COORDINATOR):
        rows = session.exec(
            select(Case.id, Case.code, Plan.revision_no, Plan.author_id, Case.risk_level)
            .join(Plan, Plan.case_id == Case.id)
            .where(scope, Plan.status == "submitted")
            .order_by(*urgent, Plan.submitted_at)
            .limit(LIST_LIMIT)
        ).all()
        plans = [PlanPending(cid, code, rev, author == actor.id, risk) for cid, code, rev, author, risk in rows]
    # Late ones first, then by day: a backlog of unrecorded departures must not make Home a
    # list of hundreds (nor slow it down); the page says how many more there are.
    journeys = journeys_coming(session, actor, today=today)
    alarms, unreached = alarms_open(session, actor), unreached_cases(session, actor, limit=LIST_LIMIT)
    listed = {x.case_id for x in [*followups, *high_risk, *plans, *alarms, *unreached, *journeys[:LIST_LIMIT]]}
    return MyWork(open_by_stage=open_by_stage, followups_due=followups, plans_pending=plans, sees_cases=True,
                  alarms=alarms, journeys=journeys[:LIST_LIMIT], journeys_total=len(journeys),
                  high_risk=high_risk, unreached=unreached, flags=flags_by_case(session, listed, today=today),
                  last_contact=last_contacts(session, {f.case_id for f in followups} | {u.case_id for u in unreached}),
                  referrals_attention=referrals_needing_attention(session, actor, today=today, limit=LIST_LIMIT))
