"""The plan page's Annex-3 parts, run headless: the summary per dimension, a line with items that
must add up (refused, then saved, nothing typed lost), "referral needed?" with a partner service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from db.engine import engine_for, session_scope
from db.models import Case, PartnerOrganisation, PartnerService, Plan, PlanLine, PlanLineItem
from tests.test_pages import errors, signed_in
from tests.demo_copy import private_demo

PAGE = "../pages/plan.py"


@pytest.fixture(scope="module")
def db_url(demo_db_url, tmp_path_factory):
    with private_demo(demo_db_url, tmp_path_factory.mktemp("plan_annex3")) as url:
        yield url


def _case_without_plan(url: str) -> str:
    """A Swiss demo case at "assessed" with no plan yet; a partner of its return country (in this copy
    of the demo data) offers income-generating help."""
    with session_scope(engine_for(url)) as s:
        planned = select(Plan.case_id)
        case = s.exec(select(Case).where(Case.code.startswith("CH_VOT"), Case.stage == "assessed",
                                         Case.id.not_in(planned)).order_by(Case.id)).first()
        org = PartnerOrganisation(name="Livelihoods Centre (test)", country=case.return_country, kind="ngo")
        s.add(org)
        s.flush()
        s.add(PartnerService(partner_id=org.id, category="economic", kind="income_generating"))
        return case.code


def _button(at, label: str):
    (button,) = [b for b in at.button if b.label == label]
    return button


def _one(widgets, label: str):
    (widget,) = [w for w in widgets if w.label == label]
    return widget


def test_summary_and_a_line_with_items_and_a_referral(db_url):
    code = _case_without_plan(db_url)
    at = signed_in(PAGE, "coord")
    at.run()
    at.text_input(key="plan_code").input(code).run()
    _button(at, "Start the plan").click().run()
    assert "Revision 1 started: add its lines." in [s.value for s in at.success]
    with session_scope(engine_for(db_url)) as s:
        plan_id = s.exec(select(Plan.id).join(Case).where(Case.code == code)).one()

    # The summary and the expected improvement per dimension.
    summaries = [w for w in at.text_area if w.label == "Summary of the help"]
    improvements = [w for w in at.text_area if w.label == "Expected improvement after the help"]
    assert len(summaries) == len(improvements) == 3
    summaries[0].input("A tailoring workshop at home")
    improvements[2].input("Feels safe and less isolated")
    _button(at, "Save the summary").click().run()
    assert not errors(at), errors(at)
    assert "Summary saved." in [s.value for s in at.success]

    # A line whose items do not add up is refused; what was typed stays.
    _one(at.selectbox, "Kind of help").set_value("income_generating")
    _one(at.text_area, "What it pays for").input("Start-up kit: tailoring workshop")
    _one(at.text_input, "Amount").input("500")
    _one(at.checkbox, "Referral needed").check()
    services = _one(at.selectbox, "Partner service referred to")
    services.select("Livelihoods Centre (test) · Income-generating activity or micro-business")
    at.session_state[f"plan_line_add_{plan_id}_0_items"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"kind": "equipment", "description": "Sewing machine", "cost": "350"},
                       {"kind": "goods", "description": "Fabric", "cost": "100"}]}
    _button(at, "Add the line").click().run()
    assert any(e.startswith("The items add up to CHF") and "but the line's amount is CHF" in e
               for e in errors(at)), errors(at)
    assert _one(at.text_input, "Amount").value == "500"
    assert _one(at.text_area, "What it pays for").value == "Start-up kit: tailoring workshop"

    _one(at.text_input, "Amount").input("450")
    _button(at, "Add the line").click().run()
    assert not errors(at), errors(at)
    assert "Line added." in [s.value for s in at.success]

    with session_scope(engine_for(db_url)) as s:
        plan = s.get(Plan, plan_id)
        assert (plan.summary_economic, plan.improvement_psychosocial, plan.summary_social) == (
            "A tailoring workshop at home", "Feels safe and less isolated", "")
        (line,) = s.exec(select(PlanLine).where(PlanLine.plan_id == plan_id)).all()
        assert (line.subcategory, line.amount, line.referral_needed) == ("income_generating", Decimal("450.00"), True)
        service = s.get(PartnerService, line.referral_service_id)
        assert s.get(PartnerOrganisation, service.partner_id).name == "Livelihoods Centre (test)"
        items = s.exec(select(PlanLineItem).where(PlanLineItem.line_id == line.id)
                       .order_by(PlanLineItem.position)).all()
        assert [(i.kind, i.description, i.cost) for i in items] == [
            ("equipment", "Sewing machine", Decimal("350.00")), ("goods", "Fabric", Decimal("100.00"))]
