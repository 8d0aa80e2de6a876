"""Factories for the plan tests: an assessed case, plan lines, a plan taken through approval.

The assessments are written directly (the assessment stage is not this module's), with a
current risk assessment at "low" so that its mitigation rule, once it joins the path, is met.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from care import plans
from care.access import Actor
from care.plans import LineInput
from db.models import Case, NeedRating, NeedsAssessment, Plan, RiskAssessment
from tests.factories import make_case


def assessed_case(session: Session, author: Actor, *, needs: dict[str, str] | None = None, **fields) -> Case:
    """A case at "assessed" with current risk (low) and needs assessments; needs default to employment, high."""
    fields.setdefault("stage", "assessed")
    case = make_case(session, **fields)
    author_id = author.id
    risk = RiskAssessment(case_id=case.id, version_no=1, assessed_on=case.referral_date, author_id=author_id,
                          computed_level="low", overall_level="low")
    assessment = NeedsAssessment(case_id=case.id, version_no=1, assessed_on=case.referral_date, author_id=author_id)
    session.add_all([risk, assessment])
    session.flush()
    for area, priority in (needs if needs is not None else {"employment": "high"}).items():
        session.add(NeedRating(assessment_id=assessment.id, area=area, priority=priority))
    case.risk_level = "low"
    session.add(case)
    session.flush()
    return case


def line(subcategory: str = "cash_basic_needs", amount: str | Decimal = "300", *, currency: str = "EUR",
         rate: str | Decimal | None = None, description: str | None = None, planned_on: date | None = date(2014, 6, 1),
         provider: str = "IOM return office", duration_months: int | None = None,
         need_area: str | None = None) -> LineInput:
    return LineInput(subcategory=subcategory, description=description or f"Line: {subcategory}", amount=amount,
                     currency=currency, planned_on=planned_on, provider=provider, rate=rate,
                     duration_months=duration_months, need_area=need_area)


def draft_plan(session: Session, author: Actor, case: Case, lines: list[LineInput]) -> Plan:
    plan = plans.plan_create(session, author, case_id=case.id)
    for data in lines:
        plans.plan_line_add(session, author, plan_id=plan.id, line=data)
    session.refresh(plan)
    return plan


def submitted_plan(session: Session, author: Actor, case: Case, lines: list[LineInput]) -> Plan:
    plan = draft_plan(session, author, case, lines)
    return plans.plan_submit(session, author, plan_id=plan.id, expected_version=plan.version,
                             agreed_with_person=True, agreed_with_organisation=True)


def approved_plan(session: Session, author: Actor, approver: Actor, case: Case, lines: list[LineInput]) -> Plan:
    plan = submitted_plan(session, author, case, lines)
    return plans.plan_approve(session, approver, plan_id=plan.id, expected_version=plan.version,
                              comment="Within the caps.")
