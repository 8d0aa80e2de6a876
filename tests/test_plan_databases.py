"""The plan's whole path, one committed user action at a time, on a migrated SQLite file and on PostgreSQL:
amounts stay exact to the cent and the row locks and version checks work on both."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from care import plans
from care.errors import StaleEdit, ValidationErrors
from care.payments import paid_by_line, payment_cancel, payment_record
from care.plan_views import plan_overview
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import FollowUp, PartnerService
from seeds.reference import seed_reference
from tests import pg
from tests.factories import make_actor
from tests.factories_plan import assessed_case, line


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'care.db'}"
        return
    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    schema_url = pg.create_schema(url)
    try:
        yield schema_url
    finally:
        pg.drop_schema(schema_url)


def test_plan_approval_and_payments_on_a_migrated_database(engine_url):
    upgrade(engine_url)
    engine = make_engine(engine_url)
    today = date.today()
    try:
        with session_scope(engine) as s:
            seed_reference(s)
            author, approver = make_actor(s, "coordinator"), make_actor(s, "coordinator")
            case_id = assessed_case(s, author).id
            plan = plans.plan_create(s, author, case_id=case_id)
            plan_id = plan.id
        with session_scope(engine) as s:
            for data in (line("income_generating", "150000", currency="NGN", rate="0.0046"),
                         line("cash_basic_needs", "0.10"), line("counselling", "0.20")):
                plans.plan_line_add(s, author, plan_id=plan_id, line=data)
        with session_scope(engine) as s:
            version = plan_overview(s, author, case_id=case_id).latest.version
        with session_scope(engine) as s:
            plans.plan_submit(s, author, plan_id=plan_id, expected_version=version, agreed_with_person=True,
                              agreed_with_organisation=True)
        with pytest.raises(StaleEdit), session_scope(engine) as s:  # the form was opened before the submit
            plans.plan_approve(s, approver, plan_id=plan_id, expected_version=version)
        with session_scope(engine) as s:
            overview = plan_overview(s, approver, case_id=case_id)
            assert overview.latest.total == Decimal("690.30")
            plans.plan_approve(s, approver, plan_id=plan_id, expected_version=overview.latest.version)
        with session_scope(engine) as s:
            lines = plan_overview(s, author, case_id=case_id).in_force.lines
        for ln in lines:
            with session_scope(engine) as s:
                payment_record(s, author, line_id=ln.id, paid_on=today, amount=ln.amount_programme, method="cash",
                               receipt_ref=f"R-{ln.id}")
        with pytest.raises(ValidationErrors), session_scope(engine) as s:
            payment_record(s, author, line_id=lines[1].id, paid_on=today, amount="0.01", method="cash",
                           receipt_ref="R-extra")
        with session_scope(engine) as s:
            overview = plan_overview(s, author, case_id=case_id)
            assert overview.stage == "plan_approved" and overview.in_force.paid == Decimal("690.30")
            assert sum(paid_by_line(s, case_id).values()) == Decimal("690.30")
            (visit,) = s.exec(select(FollowUp).where(FollowUp.case_id == case_id)).all()
            assert (visit.kind, visit.status, visit.due_on) == ("monitoring", "planned", today + timedelta(days=30))
            payment_id = overview.payments[0].id
        with session_scope(engine) as s:
            payment_cancel(s, approver, payment_id=payment_id, reason="Receipt unreadable.")
        with session_scope(engine) as s:
            assert s.exec(select(FollowUp.status).where(FollowUp.case_id == case_id)).one() == "cancelled"
    finally:
        engine.dispose()


def test_annex3_parts_on_a_migrated_database(engine_url):
    """Items exact to the cent in a local currency, a referral to a directory service, the summary, and a
    revision that carries them: each committed on its own, on SQLite and PostgreSQL."""
    from dataclasses import replace

    from care.plan_annex3 import ItemInput
    from tests.factories import make_partner

    upgrade(engine_url)
    engine = make_engine(engine_url)
    try:
        with session_scope(engine) as s:
            seed_reference(s)
            author, approver = make_actor(s, "coordinator"), make_actor(s, "coordinator")
            org = make_partner(s, name="Benin City Counselling (test)", country="NG", services=("counselling",))
            service_id = s.exec(select(PartnerService.id).where(PartnerService.partner_id == org.id)).one()
            case_id = assessed_case(s, author, ret="NG").id
            plan_id = plans.plan_create(s, author, case_id=case_id).id
        with session_scope(engine) as s:
            plans.plan_line_add(s, author, plan_id=plan_id, line=replace(
                line("income_generating", "150000.01", currency="NGN", rate="0.0046"),
                items=(ItemInput("equipment", "Freezer", "99999.99"), ItemInput("goods", "Stock", "50000.02"))))
            plans.plan_line_add(s, author, plan_id=plan_id, line=replace(
                line("counselling", "200"), referral_needed=True, referral_service_id=service_id))
        with session_scope(engine) as s:
            version = plan_overview(s, author, case_id=case_id).latest.version
            plans.plan_dimensions_edit(s, author, plan_id=plan_id, expected_version=version, dimensions={
                "economic": plans.DimensionInput("A freezer and stock for a drinks stall", "An income")})
        with session_scope(engine) as s:
            version = plan_overview(s, author, case_id=case_id).latest.version
            plans.plan_submit(s, author, plan_id=plan_id, expected_version=version, agreed_with_person=True,
                              agreed_with_organisation=True)
        with session_scope(engine) as s:
            plans.plan_approve(s, approver, plan_id=plan_id,
                               expected_version=plan_overview(s, approver, case_id=case_id).latest.version)
        with session_scope(engine) as s:
            plans.plan_revise(s, author, case_id=case_id)
        with session_scope(engine) as s:
            revised, approved = plan_overview(s, author, case_id=case_id).revisions[:2]
            for view in (revised, approved):
                goods, counselling = view.lines
                assert [i.cost for i in goods.items] == [Decimal("99999.99"), Decimal("50000.02")]
                assert (counselling.referral_needed, counselling.referral_service_id) == (True, service_id)
                assert view.summaries["economic"] == "A freezer and stock for a drinks stall"
            assert revised.status == "draft" and approved.status == "approved"
    finally:
        engine.dispose()
