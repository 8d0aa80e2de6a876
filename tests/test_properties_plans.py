"""Hostile text, dates and amounts in plan lines, decisions and payments: stored exactly, or refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import plans
from care.budget import parse_decimal
from care.payments import RECEIPT_MAX, payment_cancel, payment_record
from care.plan_views import plan_overview
from care.text import NOTE_MAX
from tests.factories import make_actor
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line, submitted_plan
from tests.properties import (
    PROPERTY, expect, or_valid, hostile_amount, hostile_date, hostile_int, hostile_text, rolled_back, stored_or_refused,
    unstorable,
)

TODAY = date.today()  # payments come after the approval, which is now
LINE_FIELDS = {"description", "provider", "planned_on", "amount", "rate", "duration_months"}


@pytest.fixture
def coords(session):
    return [make_actor(session, "coordinator") for _ in range(2)]


@PROPERTY
@given(description=or_valid("Sewing machine", hostile_text), provider=or_valid("", hostile_text),
       planned_on=or_valid(date(2014, 6, 1), hostile_date),
       amount=or_valid("1 250,50", hostile_amount), currency=st.sampled_from(["EUR", "USD"]),
       rate=or_valid("0.92", hostile_amount), months=or_valid(None, hostile_int))
def test_a_plan_line_is_stored_exactly_or_refused(session, coords, description, provider, planned_on, amount,
                                                  currency, rate, months):
    author = coords[0]
    with rolled_back(session):
        case = assessed_case(session, author)
        plan = draft_plan(session, author, case, [])
        data = plans.LineInput(subcategory="income_generating", description=description, amount=amount,
                               currency=currency, planned_on=planned_on, provider=provider, rate=rate,
                               duration_months=months)
        row = stored_or_refused(session, lambda: plans.plan_line_add(session, author, plan_id=plan.id, line=data),
                                fields=LINE_FIELDS,
                                must_refuse=unstorable(description, limit=plans.DESCRIPTION_MAX, multiline=True)
                                or unstorable(provider, limit=plans.PROVIDER_MAX))
        if row is not None:
            (seen,) = plan_overview(session, author, case_id=case.id).latest.lines
            assert (seen.description, seen.provider) == (expect(description, multiline=True), expect(provider))
            assert (seen.planned_on, seen.amount, seen.duration_months) == (planned_on, parse_decimal(amount),
                                                                           months or None)
            assert seen.rate == (parse_decimal(rate) if currency == "USD" else 1)
            assert Decimal(0) < seen.amount_programme < Decimal("1e9")


@PROPERTY
@given(comment=hostile_text, approve=st.booleans())
def test_a_decision_keeps_its_comment_exactly_or_refuses_it(session, coords, comment, approve):
    author, approver = coords
    with rolled_back(session):
        case = assessed_case(session, author)
        plan = submitted_plan(session, author, case, [line()])
        decide = plans.plan_approve if approve else plans.plan_reject
        call = lambda: decide(session, approver, plan_id=plan.id, expected_version=plan.version,  # noqa: E731
                              comment=comment)
        decided = stored_or_refused(session, call, fields={"comment"},
                                    must_refuse=unstorable(comment, limit=NOTE_MAX, multiline=True))
        if decided is not None:
            seen = plan_overview(session, author, case_id=case.id).latest
            assert seen.decision_comment == expect(comment, multiline=True)
            assert seen.status == ("approved" if approve else "rejected")


@pytest.fixture
def approved(session, coords):
    author, approver = coords
    case = assessed_case(session, author)
    plan = approved_plan(session, author, approver, case, [line("cash_basic_needs", "300")])
    return case, plans.plan_lines(session, plan.id)[0]


@PROPERTY
@given(amount=or_valid("12.5", hostile_amount), paid_on=or_valid(TODAY, hostile_date),
       receipt=or_valid("RC-1", hostile_text),
       reason=or_valid("Typed twice", hostile_text))
def test_a_payment_and_its_cancellation_are_stored_exactly_or_refused(session, coords, approved, amount, paid_on,
                                                                       receipt, reason):
    coord = coords[0]
    case, pay_line = approved
    with rolled_back(session):
        call = lambda: payment_record(session, coord, line_id=pay_line.id, paid_on=paid_on,  # noqa: E731
                                      amount=amount, method="cash", receipt_ref=receipt)
        payment = stored_or_refused(session, call, fields={"amount", "paid_on", "receipt_ref"},
                                    must_refuse=unstorable(receipt, limit=RECEIPT_MAX))
        if payment is None:
            return
        (seen,) = plan_overview(session, coord, case_id=case.id).payments
        assert (seen.amount, seen.paid_on, seen.receipt_ref) == (parse_decimal(amount), paid_on, expect(receipt))
        assert Decimal(0) < seen.amount <= Decimal(300) and TODAY - timedelta(days=2) <= paid_on <= TODAY
        cancelled = stored_or_refused(session, lambda: payment_cancel(session, coord, payment_id=payment.id,
                                                                      reason=reason),
                                      fields={"reason"}, must_refuse=unstorable(reason, limit=NOTE_MAX,
                                                                                 multiline=True))
        if cancelled is not None:
            (seen,) = plan_overview(session, coord, case_id=case.id).payments
            assert seen.cancel_reason == expect(reason, multiline=True) and seen.cancelled_at is not None
