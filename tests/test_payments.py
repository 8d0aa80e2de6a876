"""Payments: only on approved lines, never more than approved, cancelled but never deleted;
the monitoring visit once the last line is paid."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from care import plans
from care.errors import DomainError, NotPermitted, ValidationErrors
from care.payments import paid_by_line, payment_cancel, payment_record
from care.plan_views import plan_overview
from db.models import AuditEvent, FollowUp, Payment
from tests.factories import make_actor
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line

D = Decimal
TODAY = date.today()  # payments are recorded after the approval, which is now


@pytest.fixture
def coords(session):
    return [make_actor(session, "coordinator") for _ in range(2)]


@pytest.fixture
def approved(session, coords):
    """A case with an approved plan of two lines: €300.00 cash and €1,000.00 for a business."""
    author, approver = coords
    case = assessed_case(session, author)
    plan = approved_plan(session, author, approver, case, [line("cash_basic_needs", "300"),
                                                            line("income_generating", "1000", description="Shop")])
    return case, plans.plan_lines(session, plan.id)


def _pay(session, actor, line_id, amount, *, paid_on=TODAY, method="cash", receipt_ref="RC-1"):
    return payment_record(session, actor, line_id=line_id, paid_on=paid_on, amount=amount, method=method,
                          receipt_ref=receipt_ref)


def _errors(call) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as err:
        call()
    return err.value.errors


def _monitoring(session, case) -> list[FollowUp]:
    return session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.kind == "monitoring")).all()


def test_payments_add_up_exactly_and_stop_at_what_was_approved(session, coords, approved):
    case, (cash, shop) = approved
    for amount in ("0.10", "0.20", "333.33", "333.33"):
        _pay(session, coords[0], shop.id, amount)
    assert paid_by_line(session, case.id)[shop.id] == D("666.96")
    errors = _errors(lambda: _pay(session, coords[0], shop.id, "333.05"))
    assert errors == {"amount": "Only €333.04 is left to pay on this line (€1,000.00 approved, €666.96 paid)."}
    _pay(session, coords[0], shop.id, "333.04")
    assert paid_by_line(session, case.id)[shop.id] == D("1000.00")
    assert list(_errors(lambda: _pay(session, coords[0], shop.id, "0.01"))) == ["amount"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount": "0"}, "amount"),
    ({"amount": "x"}, "amount"),
    ({"amount": "10.001"}, "amount"),
    ({"method": "cheque"}, "method"),
    ({"receipt_ref": " "}, "receipt_ref"),
    ({"paid_on": None}, "paid_on"),
    ({"paid_on": TODAY + timedelta(days=1)}, "paid_on"),
    ({"paid_on": TODAY - timedelta(days=2)}, "paid_on"),  # before the plan was approved
])
def test_a_payment_is_checked_field_by_field(session, coords, approved, changes, field):
    _case, (cash, _shop) = approved
    values = {"amount": "100", "method": "cash", "receipt_ref": "RC-9", "paid_on": TODAY, **changes}
    assert list(_errors(lambda: _pay(session, coords[0], cash.id, **values))) == [field]


def test_payments_only_on_the_approved_plan_in_force(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    (row,) = plans.plan_lines(session, plan.id)
    with pytest.raises(DomainError, match="only on the lines of the approved plan"):
        _pay(session, coords[0], row.id, "10")
    focal_point = make_actor(session, "focal_point", countries=("FR",))
    with pytest.raises(NotPermitted):
        _pay(session, focal_point, row.id, "10")


def test_a_cancelled_payment_stays_in_the_record_and_no_longer_counts(session, coords, approved):
    case, (cash, _shop) = approved
    payment = _pay(session, coords[0], cash.id, "300", receipt_ref="RC-wrong")
    assert list(_errors(lambda: payment_cancel(session, coords[1], payment_id=payment.id, reason=""))) == ["reason"]
    payment_cancel(session, coords[1], payment_id=payment.id, reason="Receipt belongs to another case.")
    with pytest.raises(DomainError, match="already cancelled"):
        payment_cancel(session, coords[1], payment_id=payment.id, reason="Again.")
    assert session.exec(select(func.count()).select_from(Payment)).one() == 1
    assert (payment.cancelled_by_id, payment.cancel_reason) == (coords[1].id, "Receipt belongs to another case.")
    assert paid_by_line(session, case.id)[cash.id] == 0
    _pay(session, coords[0], cash.id, "300", receipt_ref="RC-right")  # the line is open again
    overview = plan_overview(session, coords[0], case_id=case.id)
    assert [(p.receipt_ref, p.cancelled_at is not None) for p in overview.payments] == [
        ("RC-right", False), ("RC-wrong", True)]
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "payment")).all()
    assert actions == ["payment.record", "payment.cancel", "payment.record"]
    # The reason is encrypted on the payment; the audit log (in clear) does not copy it.
    details = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "payment.cancel")).all()
    assert len(details) == 1 and "another case" not in details[0]


def test_the_last_payment_plans_one_monitoring_visit(session, coords, approved):
    case, (cash, shop) = approved
    last_day = TODAY
    _pay(session, coords[0], cash.id, "300", paid_on=TODAY)
    _pay(session, coords[0], shop.id, "400", paid_on=TODAY)
    assert _monitoring(session, case) == []
    final = _pay(session, coords[0], shop.id, "600", paid_on=last_day)
    (visit,) = _monitoring(session, case)
    assert (visit.status, visit.due_on) == ("planned", last_day + timedelta(days=30))
    assert plan_overview(session, coords[0], case_id=case.id).monitoring_due == visit.due_on
    payment_cancel(session, coords[1], payment_id=final.id, reason="Paid twice by mistake.")
    (visit,) = _monitoring(session, case)
    assert visit.status == "cancelled"  # not every line is paid any more
    _pay(session, coords[0], shop.id, "600", paid_on=last_day)
    (visit,) = _monitoring(session, case)  # the same visit, planned again: never two
    assert (visit.status, visit.due_on) == ("planned", last_day + timedelta(days=30))


def test_a_visit_already_done_is_left_alone(session, coords, approved):
    case, (cash, shop) = approved
    _pay(session, coords[0], cash.id, "300")
    last = _pay(session, coords[0], shop.id, "1000")
    (visit,) = _monitoring(session, case)
    visit.status, visit.done_on = "done", TODAY
    session.add(visit)
    session.flush()
    payment_cancel(session, coords[1], payment_id=last.id, reason="Wrong amount on the receipt.")
    assert [v.status for v in _monitoring(session, case)] == ["done"]


def test_no_monitoring_visit_once_consent_to_follow_up_is_withdrawn(session, coords):
    author, approver = coords
    case = assessed_case(session, author, followup_consent_withdrawn_on=TODAY)
    plan = approved_plan(session, author, approver, case, [line("cash_basic_needs", "300")])
    (cash,) = plans.plan_lines(session, plan.id)
    _pay(session, author, cash.id, "300")
    assert _monitoring(session, case) == []


def test_payments_carry_over_to_the_line_that_continues_them(session, coords, approved):
    author, approver = coords
    case, (cash, shop) = approved
    _pay(session, author, cash.id, "300")
    _pay(session, author, shop.id, "400")
    revision = plans.plan_revise(session, author, case_id=case.id)
    new_cash, new_shop = plans.plan_lines(session, revision.id)
    plans.plan_line_edit(session, author, line_id=new_shop.id, expected_version=new_shop.version,
                         line=line("income_generating", "1200", description="Shop"))
    session.refresh(revision)
    plans.plan_submit(session, author, plan_id=revision.id, expected_version=revision.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    plans.plan_approve(session, approver, plan_id=revision.id, expected_version=revision.version)
    with pytest.raises(DomainError, match="approved plan in force"):
        _pay(session, author, shop.id, "10")  # the superseded line takes no more payments
    errors = _errors(lambda: _pay(session, author, new_shop.id, "900"))
    assert errors == {"amount": "Only €800.00 is left to pay on this line (€1,200.00 approved, €400.00 paid)."}
    assert _monitoring(session, case) == []
    _pay(session, author, new_shop.id, "800")
    (visit,) = _monitoring(session, case)
    assert visit.status == "planned"
    overview = plan_overview(session, author, case_id=case.id)
    assert [(ln.paid, ln.left) for ln in overview.in_force.lines] == [(D("300.00"), 0), (D("1200.00"), 0)]
