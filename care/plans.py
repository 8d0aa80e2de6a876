"""The individual reintegration plan (IRP): revisions, lines, submission, four-eyes approval.

A coordinator drafts the plan with the person and the referring organisation, line by
line, and submits it; another coordinator approves it (or rejects it with a comment). An
approved revision is frozen: a change starts a new revision that copies its lines and
needs approval again, while the approved one stays in force for payments. What was paid
on a line counts on the line that continues it (`PlanLine.carried_from_id`), so a
revision can never plan less than was already paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel.numbers import list_currencies
from sqlalchemy import update
from sqlmodel import Session, col, select

from care import assessment, plan_annex3
from care.access import Actor, Role, case_get, require_programme
from care.audit import audit_record
from care.budget import (
    BudgetLine, CapSet, amount_problem, cap_breaches, in_programme_currency, parse_decimal, rate_problem,
)
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, fmt_money
from care.minors_path import plan_approved_missing as minor_plan_approved_missing
from care.days import check_day
from care.path import stage_move
from care.payments import monitoring_sync, paid_by_line
from care.programmes import programme_settings
from care.text import NOTE_MAX, checked_text
from care.plan_annex3 import ItemInput
from care.vocab import DIMENSIONS, PLAN_SUBCATEGORIES, Stage, label
from db.models import AuditEvent, Case, NeedRating, NeedsAssessment, PartnerOrganisation, Plan, PlanLine, utcnow


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


PLAN_STATUSES = {
    PlanStatus.DRAFT: N_("Draft"),
    PlanStatus.SUBMITTED: N_("Submitted for approval"),
    PlanStatus.APPROVED: N_("Approved"),
    PlanStatus.REJECTED: N_("Rejected"),
    PlanStatus.SUPERSEDED: N_("Superseded"),
}
OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)

# The stages at which a plan is drafted or revised: from the assessment to the follow-up.
PLANNING_STAGES = (Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED, Stage.FOLLOW_UP)

# The needs assessment's areas and priorities, with its wording: one need has one name.
NEED_AREAS = assessment.NEED_AREA_LABELS
NEED_PRIORITIES = assessment.PRIORITIES
FLAGGED_PRIORITIES = ("urgent", "high")

# The actions that make someone an author of a revision (and so not its approver).
_WRITES = ("plan.create", "plan.revise", "plan.line_add", "plan.line_edit", "plan.line_remove", "plan.submit",
           "plan.dimensions_edit")
MAX_MONTHS = 120
DESCRIPTION_MAX = 2000
DIMENSION_TEXT_MAX = 2000
PROVIDER_MAX = 200  # the column's length


def status_label(status: str) -> str:
    return label(PLAN_STATUSES, status)


def subcategory_label(code: str) -> str:
    entry = PLAN_SUBCATEGORIES.get(code)
    return _(entry[1]) if entry else code


# --- the rule for entering "plan approved", and the needs a plan leaves open ---------


def plan_approved_missing(session: Session, case: Case) -> list[str]:
    approved = session.exec(select(Plan.id).where(Plan.case_id == case.id, Plan.status == PlanStatus.APPROVED)).first()
    return [] if approved else [_("an approved reintegration plan")]


def plan_approval_all_missing(session: Session, case: Case) -> list[str]:
    """Everything "plan approved" waits for: the assessment's rule (a high risk needs its
    mitigation), an approved plan, and no best-interests decision against a child's return."""
    return (assessment.plan_approval_missing(session, case) + plan_approved_missing(session, case)
            + minor_plan_approved_missing(session, case))


@dataclass(frozen=True)
class NeedFlag:
    area: str
    priority: str

    @property
    def label(self) -> str:
        return _("{need} ({priority})").format(need=label(NEED_AREAS, self.area),
                                                priority=label(NEED_PRIORITIES, self.priority).lower())


def needs_unanswered(session: Session, case: Case) -> list[NeedFlag]:
    """Needs rated high or urgent in the current needs assessment that no line of the latest revision answers."""
    rated = session.exec(
        select(NeedRating.area, NeedRating.priority)
        .join(NeedsAssessment, NeedsAssessment.id == NeedRating.assessment_id)
        .where(NeedsAssessment.case_id == case.id, col(NeedsAssessment.is_current).is_(True),
               col(NeedRating.priority).in_(FLAGGED_PRIORITIES))
    ).all()
    latest = plan_latest(session, case.id)
    answered = set(session.exec(select(PlanLine.need_area).where(PlanLine.plan_id == latest.id)).all()) if latest else set()
    order = list(NEED_AREAS)
    flags = [NeedFlag(area, priority) for area, priority in rated if area not in answered]
    return sorted(flags, key=lambda f: (FLAGGED_PRIORITIES.index(f.priority),
                                        order.index(f.area) if f.area in order else len(order)))


# --- small reads the writes share ---------------------------------------------------


def plan_latest(session: Session, case_id: int) -> Plan | None:
    return session.exec(select(Plan).where(Plan.case_id == case_id).order_by(col(Plan.revision_no).desc())).first()


def plan_in_force(session: Session, case_id: int) -> Plan | None:
    return session.exec(select(Plan).where(Plan.case_id == case_id, Plan.status == PlanStatus.APPROVED)).first()


def plan_lines(session: Session, plan_id: int) -> list[PlanLine]:
    return list(session.exec(select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.id)).all())


def budget_lines(lines: list[PlanLine]) -> list[BudgetLine]:
    return [BudgetLine(ln.description, ln.category, ln.subcategory, ln.amount_programme, ln.duration_months)
            for ln in lines]


def contributors(session: Session, plan: Plan) -> set[int]:
    """Everyone who wrote or changed this revision: none of them may decide on it."""
    ids = session.exec(select(AuditEvent.user_id).where(
        AuditEvent.entity == "plan", AuditEvent.entity_id == str(plan.id), col(AuditEvent.action).in_(_WRITES))).all()
    return {plan.author_id, *(i for i in ids if i is not None)}


def _case_for_write(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, locked until commit, if the actor coordinates its programme and it is still open."""
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if case.stage in (Stage.CLOSED, Stage.INELIGIBLE):
        raise DomainError(_("This case is closed: its plan can no longer change."))
    return case


def _plan_for_write(session: Session, actor: Actor, plan_id: int) -> tuple[Plan, Case]:
    plan = session.get(Plan, plan_id)
    if plan is None:  # the same answer as for a plan of a case the actor may not see
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return plan, _case_for_write(session, actor, plan.case_id)


def _line_for_write(session: Session, actor: Actor, line_id: int) -> tuple[PlanLine, Plan, Case]:
    line = session.get(PlanLine, line_id)
    if line is None:
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    plan, case = _plan_for_write(session, actor, line.plan_id)
    return line, plan, case


def _require_draft(plan: Plan) -> None:
    if plan.status == PlanStatus.DRAFT:
        return
    if plan.status == PlanStatus.APPROVED:
        raise DomainError(_("Revision {n} is approved and frozen: revise the plan to change it.").format(
            n=plan.revision_no))
    if plan.status == PlanStatus.SUBMITTED:
        raise DomainError(_("Revision {n} is waiting for approval: it can no longer change.").format(
            n=plan.revision_no))
    raise DomainError(_("Revision {n} is {status}: revise the plan to change it.").format(
        n=plan.revision_no, status=status_label(plan.status).lower()))


def _touch(session: Session, actor: Actor, plan: Plan, **values) -> None:
    """A change to a revision's content moves its version, so a submit opened before it is refused."""
    session.execute(
        update(Plan).where(Plan.id == plan.id)
        .values(version=Plan.version + 1, updated_at=utcnow(), updated_by_id=actor.id, **values)
        .execution_options(synchronize_session=False))
    session.refresh(plan)


def _audit(session: Session, actor: Actor, action: str, plan: Plan, **detail) -> None:
    audit_record(session, actor, action, case_id=plan.case_id, entity="plan", entity_id=plan.id,
                 detail={"revision": plan.revision_no, **detail})


# --- starting a plan and revising it ------------------------------------------------


def plan_create(session: Session, actor: Actor, *, case_id: int) -> Plan:
    """Revision 1, an empty draft."""
    case = _case_for_write(session, actor, case_id)
    if case.stage not in PLANNING_STAGES:
        raise DomainError(_("A plan is drafted once the risk and needs assessments are done."))
    if plan_latest(session, case.id) is not None:
        raise DomainError(_("This case already has a plan: revise it instead."))
    plan = Plan(case_id=case.id, revision_no=1, status=PlanStatus.DRAFT, author_id=actor.id, updated_by_id=actor.id)
    session.add(plan)
    session.flush()
    _audit(session, actor, "plan.create", plan)
    return plan


def plan_revise(session: Session, actor: Actor, *, case_id: int) -> Plan:
    """A new draft revision with the lines of the latest one; the approved one stays in force meanwhile."""
    case = _case_for_write(session, actor, case_id)
    latest = plan_latest(session, case.id)
    if latest is None:
        raise DomainError(_("This case has no plan yet."))
    if latest.status in OPEN_STATUSES:
        raise DomainError(_("Revision {n} is still open ({status}): finish it first.").format(
            n=latest.revision_no, status=status_label(latest.status).lower()))
    plan = Plan(case_id=case.id, revision_no=latest.revision_no + 1, status=PlanStatus.DRAFT, author_id=actor.id,
                updated_by_id=actor.id, **{name: getattr(latest, name) for name in DIMENSION_FIELDS})
    session.add(plan)
    session.flush()
    for old in plan_lines(session, latest.id):
        new = PlanLine(
            plan_id=plan.id, category=old.category, subcategory=old.subcategory, description=old.description,
            provider=old.provider, planned_on=old.planned_on, amount=old.amount, currency=old.currency,
            rate=old.rate, amount_programme=old.amount_programme, duration_months=old.duration_months,
            need_area=old.need_area, partner_id=old.partner_id, carried_from_id=old.id, updated_by_id=actor.id,
            referral_needed=old.referral_needed, referral_service_id=old.referral_service_id)
        session.add(new)
        session.flush()
        plan_annex3.items_copy(session, old.id, new.id)
    session.flush()
    _audit(session, actor, "plan.revise", plan, from_revision=latest.revision_no)
    return plan


# --- lines --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """A plan line as the form sends it: amounts and rates as typed, checked here."""

    subcategory: str
    description: str
    amount: str | Decimal
    currency: str
    planned_on: date | None
    provider: str = ""
    rate: str | Decimal | None = None
    duration_months: int | None = None
    need_area: str | None = None
    partner_id: int | None = None  # the provider from the service directory (or `provider`, free text)
    referral_needed: bool = False  # Annex 3 "referral needed?"
    referral_service_id: int | None = None  # the directory's service the person is referred to, if there is one
    items: tuple[ItemInput, ...] = ()  # goods, equipment, services: their costs add up to `amount`


def _line_values(session: Session, case: Case, data: LineInput) -> dict:
    """The line's columns, or every field error at once."""
    settings = programme_settings(session, case.programme_id)
    problems = Problems()
    if data.subcategory not in PLAN_SUBCATEGORIES:
        problems.add("subcategory", _("Choose what kind of help this line is."))
    category = PLAN_SUBCATEGORIES.get(data.subcategory, ("", ""))[0]
    description = checked_text(problems, "description", data.description, limit=DESCRIPTION_MAX, multiline=True,
                               required=_("Say what this line pays for."))
    provider = checked_text(problems, "provider", data.provider, limit=PROVIDER_MAX)
    if data.partner_id is not None:
        partner = session.get(PartnerOrganisation, data.partner_id)
        if partner is None or not partner.active or partner.country != case.return_country:
            problems.add("partner_id", _("Choose an active partner organisation of the return country."))
    check_day(problems, "planned_on", data.planned_on, label=_("The planned date"), today=date.today(), planned=True,
              earliest=case.referral_date, after=_("the referral"))
    amount = parse_decimal(data.amount)
    if problem := amount_problem(amount):
        problems.add("amount", problem)
    currency = (data.currency or "").strip().upper()
    rate = Decimal(1)
    if currency not in list_currencies():
        problems.add("currency", _("Choose a currency (ISO code, for example EUR)."))
    elif currency != settings.currency:
        rate = parse_decimal(data.rate)
        if problem := rate_problem(rate, programme_currency=settings.currency, currency=currency):
            problems.add("rate", problem)
    months = data.duration_months or None
    if months is not None and not 1 <= months <= MAX_MONTHS:
        problems.add("duration_months", _("A duration is between 1 and {n} months.").format(n=MAX_MONTHS))
    limit = CapSet.of(settings).months_cap(category, data.subcategory)
    if limit and months is None:
        problems.add("duration_months", _("This programme pays {what} for at most {n} months: give the duration.")
                     .format(what=subcategory_label(data.subcategory).lower(), n=limit))
    if data.need_area and data.need_area not in NEED_AREAS:
        problems.add("need_area", _("Choose one of the assessed needs."))
    referral = plan_annex3.referral_checked(problems, session, case, subcategory=data.subcategory,
                                            needed=data.referral_needed, service_id=data.referral_service_id)
    items = plan_annex3.items_checked(problems, data.items, amount=None if "amount" in problems.errors else amount,
                                      currency=currency)
    problems.raise_if_any()
    in_programme = in_programme_currency(amount, rate)
    if in_programme <= 0:
        problems.add("amount", _("At this rate the amount comes to less than one cent."))
    elif amount_problem(in_programme):
        problems.add("amount", _("This amount is too large."))
    problems.raise_if_any()
    return {"category": category, "subcategory": data.subcategory, "description": description, "provider": provider,
            "planned_on": data.planned_on, "amount": amount, "currency": currency, "rate": rate,
            "amount_programme": in_programme, "duration_months": months, "need_area": data.need_area or None,
            "partner_id": data.partner_id, **referral, "items": items}


def plan_line_add(session: Session, actor: Actor, *, plan_id: int, line: LineInput) -> PlanLine:
    plan, case = _plan_for_write(session, actor, plan_id)
    _require_draft(plan)
    values = _line_values(session, case, line)
    items = values.pop("items")
    row = PlanLine(plan_id=plan.id, updated_by_id=actor.id, **values)
    session.add(row)
    session.flush()
    plan_annex3.items_replace(session, row.id, items)
    _touch(session, actor, plan)
    _audit(session, actor, "plan.line_add", plan, line_id=row.id, subcategory=row.subcategory,
           amount_programme=row.amount_programme, partner_id=row.partner_id, referral_needed=row.referral_needed,
           referral_service_id=row.referral_service_id, items=len(items))
    return row


def plan_line_edit(session: Session, actor: Actor, *, line_id: int, expected_version: int, line: LineInput) -> PlanLine:
    row, plan, case = _line_for_write(session, actor, line_id)
    _require_draft(plan)
    values = _line_values(session, case, line)
    items = values.pop("items")
    paid = paid_by_line(session, case.id).get(row.id, Decimal(0))
    if paid > 0:
        problems = Problems()
        if values["subcategory"] != row.subcategory:
            problems.add("subcategory", _("{paid} was already paid on this line, so its kind cannot change: "
                                          "add a new line instead.").format(paid=fmt_money(paid, _currency(session, case))))
        if values["amount_programme"] < paid:
            problems.add("amount", _("{paid} was already paid on this line: it cannot plan less.").format(
                paid=fmt_money(paid, _currency(session, case))))
        problems.raise_if_any()
    claim(session, actor, PlanLine, {"id": row.id}, expected_version)
    before = {"subcategory": row.subcategory, "amount_programme": row.amount_programme, "partner_id": row.partner_id}
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    plan_annex3.items_replace(session, row.id, items)
    _touch(session, actor, plan)
    _audit(session, actor, "plan.line_edit", plan, line_id=row.id, before=before,
           after={"subcategory": row.subcategory, "amount_programme": row.amount_programme,
                  "partner_id": row.partner_id, "referral_needed": row.referral_needed,
                  "referral_service_id": row.referral_service_id, "items": len(items)})
    return row


def plan_line_remove(session: Session, actor: Actor, *, line_id: int, expected_version: int) -> None:
    """Only a draft's line, and only if nothing was paid on it yet (a payment is never undone by a plan)."""
    row, plan, case = _line_for_write(session, actor, line_id)
    _require_draft(plan)
    paid = paid_by_line(session, case.id).get(row.id, Decimal(0))
    if paid > 0:
        raise DomainError(_("{paid} was already paid on this line: it cannot be removed. Lower it to what was "
                            "paid instead.").format(paid=fmt_money(paid, _currency(session, case))))
    claim(session, actor, PlanLine, {"id": row.id}, expected_version)
    detail = {"line_id": row.id, "subcategory": row.subcategory, "description": row.description,
              "amount_programme": row.amount_programme}
    plan_annex3.items_replace(session, row.id, [])
    session.delete(row)
    session.flush()
    _touch(session, actor, plan)
    _audit(session, actor, "plan.line_remove", plan, **detail)


def _currency(session: Session, case: Case) -> str:
    return programme_settings(session, case.programme_id).currency


# --- the summary and the expected improvement per dimension (Annex 3) ----------------

# The plan's columns, per dimension: a short summary of the help, the improvement expected after it.
DIMENSION_FIELDS = tuple(f"{part}_{dim}" for part in ("summary", "improvement") for dim in DIMENSIONS)


@dataclass(frozen=True)
class DimensionInput:
    summary: str = ""
    improvement: str = ""


def plan_dimensions_edit(session: Session, actor: Actor, *, plan_id: int, expected_version: int,
                         dimensions: dict[str, DimensionInput]) -> Plan:
    """The draft's summary and expected improvement for each dimension (economic, social, psychosocial);
    a dimension left out keeps its texts. Changing them makes the actor an author of the revision."""
    plan, _case = _plan_for_write(session, actor, plan_id)
    _require_draft(plan)
    problems = Problems()
    if set(dimensions) - set(DIMENSIONS):
        problems.add("dimension", _("Choose economic, social or psychosocial."))
    values = {}
    for dim, texts in dimensions.items():
        if dim in DIMENSIONS:
            values[f"summary_{dim}"] = checked_text(problems, f"summary_{dim}", texts.summary,
                                                    limit=DIMENSION_TEXT_MAX, multiline=True)
            values[f"improvement_{dim}"] = checked_text(problems, f"improvement_{dim}", texts.improvement,
                                                        limit=DIMENSION_TEXT_MAX, multiline=True)
    problems.raise_if_any()
    changed = sorted(k for k, v in values.items() if getattr(plan, k) != v)
    if not changed:
        return plan
    claim(session, actor, Plan, {"id": plan.id}, expected_version)
    session.refresh(plan)
    for key in changed:
        setattr(plan, key, values[key])
    session.add(plan)
    session.flush()
    _audit(session, actor, "plan.dimensions_edit", plan, changed=changed)  # which texts, not what they say
    return plan


# --- submission and decision --------------------------------------------------------


def paid_problems(session: Session, case: Case, plan: Plan, lines: list[PlanLine]) -> list[str]:
    """A revision may not plan less than was paid, nor drop a line something was paid on."""
    paid = paid_by_line(session, case.id)
    currency = _currency(session, case)
    problems = [
        _("“{line}”: {paid} already paid, more than the {planned} planned.").format(
            line=ln.description, paid=fmt_money(paid[ln.id], currency), planned=fmt_money(ln.amount_programme, currency))
        for ln in lines if paid.get(ln.id, Decimal(0)) > ln.amount_programme]
    in_force = plan_in_force(session, case.id)
    if in_force is not None and in_force.id != plan.id:
        continued = _ancestors(session, [ln.id for ln in lines])
        for old in plan_lines(session, in_force.id):
            if paid.get(old.id, Decimal(0)) > 0 and old.id not in continued:
                problems.append(_("“{line}”: {paid} already paid, but this revision drops the line.").format(
                    line=old.description, paid=fmt_money(paid[old.id], currency)))
    return problems


def _ancestors(session: Session, line_ids: list[int]) -> set[int]:
    """Every earlier line these lines continue."""
    found: set[int] = set()
    frontier = list(line_ids)
    while frontier:
        parents = session.exec(select(PlanLine.carried_from_id).where(col(PlanLine.id).in_(frontier))).all()
        frontier = [p for p in parents if p is not None and p not in found]
        found.update(frontier)
    return found


def _refuse_if_over(session: Session, case: Case, plan: Plan, lines: list[PlanLine]) -> None:
    caps = CapSet.of(programme_settings(session, case.programme_id))
    problems = cap_breaches(budget_lines(lines), caps) + paid_problems(session, case, plan, lines)
    if problems:
        raise DomainError(_("The plan cannot be approved as it stands: {problems}").format(
            problems=" ".join(problems)))


def plan_submit(session: Session, actor: Actor, *, plan_id: int, expected_version: int,
                agreed_with_person: bool, agreed_with_organisation: bool) -> Plan:
    """The draft, agreed with the person and the referring organisation, goes to another coordinator."""
    plan, case = _plan_for_write(session, actor, plan_id)
    _require_draft(plan)
    problems = Problems()
    if not agreed_with_person:
        problems.add("agreed_with_person", _("The plan must be agreed with the person before it is submitted."))
    if case.organisation_id is not None and not agreed_with_organisation:
        problems.add("agreed_with_organisation",
                     _("The plan must be agreed with the referring organisation before it is submitted."))
    problems.raise_if_any()
    lines = plan_lines(session, plan.id)
    if not lines:
        raise DomainError(_("Add at least one line before submitting the plan."))
    _refuse_if_over(session, case, plan, lines)
    claim(session, actor, Plan, {"id": plan.id}, expected_version)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = utcnow()
    plan.agreed_with_person = True
    plan.agreed_with_organisation = bool(agreed_with_organisation)
    session.add(plan)
    _audit(session, actor, "plan.submit", plan, total=sum(ln.amount_programme for ln in lines))
    return plan


def _decidable(session: Session, actor: Actor, plan_id: int) -> tuple[Plan, Case]:
    plan, case = _plan_for_write(session, actor, plan_id)
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Revision {n} is not waiting for approval.").format(n=plan.revision_no))
    if actor.id in contributors(session, plan):
        raise NotPermitted(_("You wrote or changed this revision: another coordinator must decide on it."))
    return plan, case


def plan_approve(session: Session, actor: Actor, *, plan_id: int, expected_version: int, comment: str = "") -> Plan:
    """Four eyes, within the caps: the revision comes into force and the one before it is superseded."""
    plan, case = _decidable(session, actor, plan_id)
    problems = Problems()
    comment = checked_text(problems, "comment", comment, limit=NOTE_MAX, multiline=True)
    problems.raise_if_any()
    lines = plan_lines(session, plan.id)
    _refuse_if_over(session, case, plan, lines)
    claim(session, actor, Plan, {"id": plan.id}, expected_version)
    previous = plan_in_force(session, case.id)
    if previous is not None:
        _touch(session, actor, previous, status=PlanStatus.SUPERSEDED)
        _audit(session, actor, "plan.supersede", previous, by_revision=plan.revision_no)
    plan.status = PlanStatus.APPROVED
    plan.decided_by_id, plan.decided_at = actor.id, utcnow()
    plan.decision_comment = comment
    plan.caps_snapshot = programme_settings(session, case.programme_id).snapshot()
    session.add(plan)
    session.flush()
    if case.stage == Stage.ASSESSED:
        stage_move(session, actor, case, Stage.PLAN_APPROVED, missing=plan_approval_all_missing(session, case),
                   detail={"plan_revision": plan.revision_no})
    _audit(session, actor, "plan.approve", plan, total=sum(ln.amount_programme for ln in lines))
    monitoring_sync(session, actor, case)
    return plan


def plan_reject(session: Session, actor: Actor, *, plan_id: int, expected_version: int, comment: str) -> Plan:
    """Back to the author with the reason; the author revises it into a new revision."""
    plan, _case = _decidable(session, actor, plan_id)
    problems = Problems()
    comment = checked_text(problems, "comment", comment, limit=NOTE_MAX, multiline=True,
                           required=_("Say why the plan is rejected, so that it can be revised."))
    problems.raise_if_any()
    claim(session, actor, Plan, {"id": plan.id}, expected_version)
    plan.status = PlanStatus.REJECTED
    plan.decided_by_id, plan.decided_at, plan.decision_comment = actor.id, utcnow(), comment
    session.add(plan)
    _audit(session, actor, "plan.reject", plan, comment=comment)
    return plan
