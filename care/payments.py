"""Payments against the lines of the approved plan, and the monitoring visit after the last one.

A payment is in the programme's currency and never more than is left on its line. It is
cancelled with a reason, never deleted: the receipts must always add up. When every line
of the plan in force is paid in full, one monitoring visit is planned in the follow-up
log, 30 days after the last payment; a cancellation that reopens a line takes it off
again, and paying the line again puts it back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_get, require_programme
from care.audit import audit_record
from care.budget import amount_problem, parse_decimal
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, fmt_date, fmt_money
from care.programmes import programme_settings
from care.text import NOTE_MAX, checked_text
from care.vocab import Stage
from care.days import check_day
from db.models import Case, FollowUp, Payment, Plan, PlanLine, utcnow

PAYMENT_METHODS = {
    "cash": N_("Cash"),
    "bank_transfer": N_("Bank transfer"),
    "provider": N_("Paid to the provider"),
}
MONITORING_AFTER = timedelta(days=30)
MONITORING = "monitoring"
RECEIPT_MAX = 100  # the column's length


def paid_by_line(session: Session, case_id: int) -> dict[int, Decimal]:
    """What was paid (not cancelled) on each line of the case, counting the earlier lines it continues."""
    lines = session.exec(
        select(PlanLine.id, PlanLine.carried_from_id).join(Plan, Plan.id == PlanLine.plan_id)
        .where(Plan.case_id == case_id)
    ).all()
    own = dict(session.exec(
        select(Payment.plan_line_id, func.sum(Payment.amount))
        .where(col(Payment.plan_line_id).in_([i for i, _parent in lines]), col(Payment.cancelled_at).is_(None))
        .group_by(Payment.plan_line_id)
    ).all())
    parent = dict(lines)
    paid: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line_id, _parent in lines:
        total, node, seen = Decimal("0.00"), line_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            total += own.get(node) or Decimal("0.00")  # SUM keeps the Money type: Decimal
            node = parent.get(node)
        paid[line_id] = total
    return paid


def _local_day(moment: datetime) -> date:
    """The server's calendar day of a stored UTC moment (SQLite gives it back without its zone)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone().date()


def _open_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, locked until commit: a case's payments are recorded one at a time, so two
    people paying the same line at once cannot both take what is left."""
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if case.stage in (Stage.CLOSED, Stage.INELIGIBLE):
        raise DomainError(_("This case is closed: its payments can no longer change."))
    return case


def payment_record(session: Session, actor: Actor, *, line_id: int | None, paid_on: date | None,
                   amount: str | Decimal, method: str, receipt_ref: str, today: date | None = None) -> Payment:
    """One payment on a line of the plan in force, within what is left on that line."""
    line = session.get(PlanLine, line_id) if line_id is not None else None
    plan = session.get(Plan, line.plan_id) if line else None
    if line is None or plan is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."), field="line")
    case = _open_case(session, actor, plan.case_id)
    if plan.status != "approved":
        raise DomainError(_("Payments are made only on the lines of the approved plan in force."), field="line")
    currency = programme_settings(session, case.programme_id).currency
    today = today or date.today()
    problems = Problems()
    first_approval = session.exec(select(func.min(Plan.decided_at)).where(
        Plan.case_id == case.id, col(Plan.status).in_(("approved", "superseded")))).one()
    check_day(problems, "paid_on", paid_on, label=_("The date of the payment"), today=today,
              earliest=_local_day(first_approval) if first_approval is not None else None,
              after=_("the plan's first approval"))
    value = parse_decimal(amount)
    paid = paid_by_line(session, case.id)[line.id]
    left = line.amount_programme - paid
    if problem := amount_problem(value):
        problems.add("amount", problem)
    elif value > left:
        problems.add("amount", _("Only {left} is left to pay on this line ({approved} approved, {paid} paid).").format(
            left=fmt_money(left, currency), approved=fmt_money(line.amount_programme, currency),
            paid=fmt_money(paid, currency)))
    if method not in PAYMENT_METHODS:
        problems.add("method", _("Choose how it was paid."))
    receipt_ref = checked_text(problems, "receipt_ref", receipt_ref, limit=RECEIPT_MAX,
                               required=_("Give the reference of the receipt."))
    problems.raise_if_any()
    payment = Payment(plan_line_id=line.id, paid_on=paid_on, amount=value, method=method, receipt_ref=receipt_ref,
                      recorded_by_id=actor.id)
    session.add(payment)
    session.flush()
    audit_record(session, actor, "payment.record", case_id=case.id, entity="payment", entity_id=payment.id,
                 detail={"line_id": line.id, "paid_on": paid_on, "amount": value, "method": method})
    monitoring_sync(session, actor, case)
    return payment


def payment_cancel(session: Session, actor: Actor, *, payment_id: int | None, reason: str) -> Payment:
    """A payment recorded in error is cancelled with the reason; it stays in the record."""
    payment = session.get(Payment, payment_id) if payment_id is not None else None
    line = session.get(PlanLine, payment.plan_line_id) if payment else None
    plan = session.get(Plan, line.plan_id) if line else None
    if plan is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."), field="payment")
    case = _open_case(session, actor, plan.case_id)
    if payment.cancelled_at is not None:
        raise DomainError(_("This payment was already cancelled on {day}.").format(
            day=fmt_date(payment.cancelled_at, "short")), field="payment")
    problems = Problems()
    reason = checked_text(problems, "reason", reason, limit=NOTE_MAX, multiline=True,
                          required=_("Say why the payment is cancelled."))
    problems.raise_if_any()
    payment.cancelled_at, payment.cancelled_by_id, payment.cancel_reason = utcnow(), actor.id, reason
    session.add(payment)
    session.flush()
    audit_record(session, actor, "payment.cancel", case_id=case.id, entity="payment", entity_id=payment.id,
                 detail={"line_id": line.id, "amount": payment.amount})  # the reason is encrypted on the payment
    monitoring_sync(session, actor, case)
    return payment


def monitoring_sync(session: Session, actor: Actor, case: Case) -> FollowUp | None:
    """Plan the monitoring visit when the plan in force is paid in full; take it off when it no longer is.

    One monitoring visit per case: it is moved or put back, never duplicated, and one
    already done is left as it is. No visit is planned for a person who did not consent to
    follow-up, or withdrew that consent.
    """
    visit = session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.kind == MONITORING)
                         .order_by(FollowUp.id)).first()
    if visit is not None and visit.status in ("done", "missed"):
        return visit  # the follow-up log's record now
    plan = session.exec(select(Plan).where(Plan.case_id == case.id, Plan.status == "approved")).first()
    lines = session.exec(select(PlanLine).where(PlanLine.plan_id == plan.id)).all() if plan else []
    paid = paid_by_line(session, case.id)
    consent = case.consent_followup and case.followup_consent_withdrawn_on is None
    if lines and consent and all(paid[ln.id] >= ln.amount_programme for ln in lines):
        last = session.exec(
            select(func.max(Payment.paid_on)).join(PlanLine, PlanLine.id == Payment.plan_line_id)
            .join(Plan, Plan.id == PlanLine.plan_id)
            .where(Plan.case_id == case.id, col(Payment.cancelled_at).is_(None))
        ).one()
        due = last + MONITORING_AFTER
        if visit is None:
            visit = FollowUp(case_id=case.id, kind=MONITORING, due_on=due, status="planned", updated_by_id=actor.id)
            session.add(visit)
            session.flush()
        elif visit.status == "planned" and visit.due_on == due:
            return visit
        else:
            claim(session, actor, FollowUp, {"id": visit.id}, visit.version)
            visit.due_on, visit.status = due, "planned"
            session.add(visit)
        audit_record(session, actor, "followup.monitoring_plan", case_id=case.id, entity="followup",
                     entity_id=visit.id, detail={"due_on": due, "last_payment": last})
    elif visit is not None and visit.status == "planned":
        claim(session, actor, FollowUp, {"id": visit.id}, visit.version)
        visit.status = "cancelled"
        session.add(visit)
        audit_record(session, actor, "followup.monitoring_cancel", case_id=case.id, entity="followup",
                     entity_id=visit.id, detail={"reason": "plan no longer paid in full"})
    return visit
