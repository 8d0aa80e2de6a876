"""The plan page, run headless: approve a plan someone else wrote, draft a line, record a payment.

The page works on a copy of the demo database, so that what it saves here does not change
what the other page tests see.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from db.engine import engine_for, session_scope
from db.models import Case, Payment, Plan, PlanLine, User
from tests.test_pages import errors, signed_in
from tests.demo_copy import private_demo

PAGE = "../pages/plan.py"


@pytest.fixture(scope="module")
def plan_db_url(demo_db_url, tmp_path_factory):
    with private_demo(demo_db_url, tmp_path_factory.mktemp("plan")) as url:
        yield url


def _swiss_case(url: str, *, stage: str, plan: str | None, author: str | None = None) -> str:
    """The code of a Swiss demo case at `stage` whose plan is `plan` (None: no plan yet)."""
    with session_scope(engine_for(url)) as s:
        cases = s.exec(select(Case).where(Case.code.startswith("CH_VOT"), Case.stage == stage)).all()
        for case in cases:
            row = s.exec(select(Plan).where(Plan.case_id == case.id)).first()
            if plan is None and row is None:
                return case.code
            if row is not None and row.status == plan and (
                    author is None or s.get(User, row.author_id).username == author):
                paid = s.exec(select(Payment).join(PlanLine).where(PlanLine.plan_id == row.id)).first()
                if paid is None:
                    return case.code
    raise LookupError(stage)


def _open(username: str, code: str):
    at = signed_in(PAGE, username)
    at.run()
    at.text_input(key="plan_code").input(code).run()
    assert not at.exception, at.exception
    return at


def _button(at, label: str):
    (button,) = [b for b in at.button if b.label == label]
    return button


def _input(at, label: str):
    (widget,) = [w for w in at.text_input if w.label == label]
    return widget


def test_a_coordinator_approves_a_plan_the_other_one_wrote(plan_db_url):
    code = _swiss_case(plan_db_url, stage="assessed", plan="submitted", author="coord2")
    author = _open("coord2", code)
    assert "You wrote or changed this revision: another coordinator approves or rejects it." in [
        i.value for i in author.info]
    assert not [b for b in author.button if b.label == "Approve"]

    at = _open("coord", code)
    assert any(s.value == "Revision 1: Submitted for approval" for s in at.subheader)
    _button(at, "Approve").click().run()
    assert not errors(at), errors(at)
    assert "Revision 1 approved." in [s.value for s in at.success]
    with session_scope(engine_for(plan_db_url)) as s:
        case = s.exec(select(Case).where(Case.code == code)).one()
        assert case.stage == "plan_approved"
        assert s.exec(select(Plan.status).where(Plan.case_id == case.id)).one() == "approved"


def test_a_line_with_a_bad_amount_is_refused_and_what_was_typed_stays(plan_db_url):
    code = _swiss_case(plan_db_url, stage="assessed", plan=None)
    at = _open("coord", code)
    _button(at, "Start the plan").click().run()
    assert "Revision 1 started: add its lines." in [s.value for s in at.success]
    (kind,) = [w for w in at.selectbox if w.label == "Kind of help"]
    kind.set_value("education")
    (description,) = [w for w in at.text_area if w.label == "What it pays for"]
    description.input("School fees and books for the first term")
    _input(at, "Amount").input("12,5,0")
    _input(at, "Provider or referral agency").input("Local secondary school (demo)")
    _button(at, "Add the line").click().run()
    assert "Enter an amount, for example 1250.50." in errors(at)
    assert _input(at, "Amount").value == "12,5,0"
    assert [w for w in at.text_area if w.label == "What it pays for"][0].value.startswith("School fees")

    _input(at, "Amount").input("1,250.50")  # a form sends its values with the submit, not before
    _button(at, "Add the line").click().run()
    assert not errors(at), errors(at)
    assert "Line added." in [s.value for s in at.success]
    # The add form opens blank for the next line; the line is now in the editor.
    assert [w.value for w in at.text_input if w.label == "Amount"] == ["", "1250.50"]
    with session_scope(engine_for(plan_db_url)) as s:
        case = s.exec(select(Case).where(Case.code == code)).one()
        (line,) = s.exec(select(PlanLine).join(Plan).where(Plan.case_id == case.id)).all()
        assert (line.subcategory, line.amount_programme, line.currency, line.provider) == (
            "education", Decimal("1250.50"), "CHF", "Local secondary school (demo)")


def test_a_payment_over_what_is_left_is_refused_then_recorded(plan_db_url):
    code = _swiss_case(plan_db_url, stage="plan_approved", plan="approved")
    at = signed_in(PAGE, "coord")
    at.session_state["plan_tab"] = "Payments"
    at.run()
    at.text_input(key="plan_code").input(code).run()
    _input(at, "Amount in CHF").input("999999")
    _input(at, "Receipt reference").input("RC-TEST-1")
    _button(at, "Record the payment").click().run()
    (message,) = errors(at)
    assert message.startswith("Only CHF") and "is left to pay on this line" in message
    assert _input(at, "Receipt reference").value == "RC-TEST-1"
    _input(at, "Amount in CHF").input("10")
    _button(at, "Record the payment").click().run()
    assert "Payment recorded." in [s.value for s in at.success]
    with session_scope(engine_for(plan_db_url)) as s:
        payment = s.exec(select(Payment).where(Payment.receipt_ref == "RC-TEST-1")).one()
        assert payment.amount == Decimal("10.00") and payment.method == "cash"
