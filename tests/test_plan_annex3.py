"""The plan's Annex-3 parts: kinds of help, "referral needed?" linked to the directory, items
that add up to their line, a summary and the expected improvement per dimension, and all of
it carried into a revision."""

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlmodel import select

from care import plans
from care.errors import DomainError, StaleEdit, ValidationErrors
from care.plan_annex3 import ItemInput
from care.plan_views import plan_overview
from care.vocab import PLAN_CATEGORIES, PLAN_SUBCATEGORIES
from db.models import AuditEvent, PartnerService, PlanLineItem
from tests.factories import make_actor, make_partner
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line

D = Decimal


@pytest.fixture
def coords(session):
    return [make_actor(session, "coordinator") for _ in range(3)]


def _errors(call) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as err:
        call()
    return err.value.errors


def _service(session, org, kind: str) -> int:
    return session.exec(select(PartnerService.id).where(PartnerService.partner_id == org.id,
                                                        PartnerService.kind == kind)).one()


# --- kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "category"), [
    ("cash_for_work", "economic"), ("skills_development", "economic"), ("collective_project", "economic"),
    ("community_project", "social"), ("social_protection", "social"),
    ("other_immediate", "immediate"), ("other_economic", "economic"), ("other_social", "social"),
    ("other_psychosocial", "psychosocial"),
])
def test_the_annex3_kinds_are_lines_of_their_category(session, coords, kind, category):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line(kind, "120")])
    (row,) = plans.plan_lines(session, plan.id)
    assert (row.subcategory, row.category) == (kind, category)


def test_every_category_has_an_other_kind():
    others = {code: category for code, (category, _label) in PLAN_SUBCATEGORIES.items() if code.startswith("other_")}
    assert others == {"other_immediate": "immediate", "other_economic": "economic", "other_social": "social",
                      "other_psychosocial": "psychosocial"}
    assert set(others.values()) == set(PLAN_CATEGORIES)


# --- items --------------------------------------------------------------------------


def test_items_that_add_up_to_the_line_are_kept_in_order(session, coords):
    case = assessed_case(session, coords[0])
    items = (ItemInput("equipment", "Sewing machine", "350"), ItemInput("goods", "Fabric and thread", "120,50"),
             ItemInput("service", "Stall fees, three months", "29.50"))
    plan = draft_plan(session, coords[0], case, [replace(line("income_generating", "500"), items=items)])
    (view,) = plan_overview(session, coords[0], case_id=case.id).latest.lines
    assert [(i.kind, i.description, i.cost) for i in view.items] == [
        ("equipment", "Sewing machine", D("350.00")), ("goods", "Fabric and thread", D("120.50")),
        ("service", "Stall fees, three months", D("29.50"))]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "plan.line_add",
                                                  AuditEvent.entity_id == str(plan.id))).one()
    assert json.loads(event.detail)["items"] == 3


def test_items_in_the_line_currency_add_up_to_the_line_amount_not_the_converted_one(session, coords):
    case = assessed_case(session, coords[0])
    items = (ItemInput("equipment", "Freezer", "100000"), ItemInput("goods", "First stock", "50000"))
    draft_plan(session, coords[0], case, [replace(line("income_generating", "150000", currency="NGN", rate="0.0046"),
                                                  items=items)])
    (view,) = plan_overview(session, coords[0], case_id=case.id).latest.lines
    assert view.amount_programme == D("690.00") and sum(i.cost for i in view.items) == D("150000.00")


def test_items_that_do_not_add_up_are_refused_with_both_totals(session, coords):
    case = assessed_case(session, coords[0])
    plan = plans.plan_create(session, coords[0], case_id=case.id)
    items = (ItemInput("equipment", "Sewing machine", "350"), ItemInput("goods", "Fabric", "100"))
    errors = _errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id,
                                                 line=replace(line("income_generating", "500"), items=items)))
    assert errors == {"items": "The items add up to €450.00, but the line's amount is €500.00: make them equal, "
                               "or leave the items out."}
    assert plans.plan_lines(session, plan.id) == []  # nothing saved


@pytest.mark.parametrize(("item", "message"), [
    (ItemInput("goods", "  ", "10"), "Item 2: say what it is."),
    (ItemInput("goods", "Fabric", ""), "Item 2: Enter an amount, for example 1250.50."),
    (ItemInput("goods", "Fabric", "-5"), "Item 2: The amount must be more than zero."),
    (ItemInput("furniture", "Chair", "10"), "Item 2: choose goods, equipment or service."),
])
def test_an_incomplete_item_is_named_by_its_number(session, coords, item, message):
    case = assessed_case(session, coords[0])
    plan = plans.plan_create(session, coords[0], case_id=case.id)
    items = (ItemInput("equipment", "Sewing machine", "290"), item)
    errors = _errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id,
                                                 line=replace(line("income_generating", "300"), items=items)))
    assert errors == {"items": message}


def test_blank_rows_are_ignored_and_a_line_needs_no_items(session, coords):
    case = assessed_case(session, coords[0])
    items = (ItemInput("goods", "", ""), ItemInput("goods", "Seeds", "300"), ItemInput("", " ", None))
    plan = draft_plan(session, coords[0], case, [replace(line("income_generating", "300"), items=items), line()])
    with_items, without = plan_overview(session, coords[0], case_id=case.id).latest.lines
    assert [i.description for i in with_items.items] == ["Seeds"] and without.items == ()
    assert len(session.exec(select(PlanLineItem)).all()) == 1
    assert plan.id


def test_editing_a_line_replaces_its_items_and_removing_it_removes_them(session, coords):
    case = assessed_case(session, coords[0])
    items = (ItemInput("equipment", "Oven", "200"), ItemInput("goods", "Flour", "100"))
    plan = draft_plan(session, coords[0], case, [replace(line("income_generating", "300"), items=items)])
    (row,) = plans.plan_lines(session, plan.id)
    plans.plan_line_edit(session, coords[0], line_id=row.id, expected_version=row.version,
                         line=replace(line("income_generating", "250"), items=(ItemInput("equipment", "Oven", "250"),)))
    (view,) = plan_overview(session, coords[0], case_id=case.id).latest.lines
    assert [(i.description, i.cost) for i in view.items] == [("Oven", D("250.00"))]
    plans.plan_line_remove(session, coords[0], line_id=row.id, expected_version=view.version)
    assert session.exec(select(PlanLineItem)).all() == []


# --- referral needed ----------------------------------------------------------------


def test_a_referral_names_an_active_service_of_the_directory(session, coords):
    org = make_partner(session, name="Edo Counselling Centre", country="NG", services=("counselling",))
    case = assessed_case(session, coords[0], ret="NG")
    service = _service(session, org, "counselling")
    plan = draft_plan(session, coords[0], case, [
        replace(line("counselling", "200"), referral_needed=True, referral_service_id=service),
        replace(line("legal_assistance", "150"), referral_needed=True),  # no partner for it in the directory
        line()])
    views = plan_overview(session, coords[0], case_id=case.id).latest.lines
    assert [v.referral_label for v in views] == [
        "Yes: Edo Counselling Centre · Individual or family counselling", "Yes", "No"]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "plan.line_add",
                                                  AuditEvent.entity_id == str(plan.id))).first()
    assert json.loads(event.detail)["referral_service_id"] == service


@pytest.mark.parametrize("what", ["retired service", "retired partner", "other country", "no such service"])
def test_a_referral_to_a_service_not_active_in_the_return_country_is_refused(session, coords, what):
    org = make_partner(session, country="GH" if what == "other country" else "NG", services=("counselling",))
    service_id = _service(session, org, "counselling")
    if what == "retired service":
        row = session.get(PartnerService, service_id)
        row.active = False
        session.add(row)
    if what == "retired partner":
        org.active = False
        session.add(org)
    if what == "no such service":
        service_id += 1000
    case = assessed_case(session, coords[0], ret="NG")
    plan = plans.plan_create(session, coords[0], case_id=case.id)
    errors = _errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id, line=replace(
        line("counselling", "200"), referral_needed=True, referral_service_id=service_id)))
    assert errors == {"referral_service_id":
                      "Choose an active service of an active partner organisation of the return country."}


def test_a_service_of_another_category_or_without_a_referral_is_refused(session, coords):
    org = make_partner(session, country="NG", services=("medical_care", "counselling"))
    case = assessed_case(session, coords[0], ret="NG")
    plan = plans.plan_create(session, coords[0], case_id=case.id)
    medical = _service(session, org, "medical_care")
    errors = _errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id, line=replace(
        line("counselling", "200"), referral_needed=True, referral_service_id=medical)))
    assert errors == {"referral_service_id": "This partner service is for “Social”; the line is for “Psychosocial”."}
    counselling = _service(session, org, "counselling")
    errors = _errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id, line=replace(
        line("counselling", "200"), referral_needed=False, referral_service_id=counselling)))
    assert errors == {"referral_service_id": "Name a partner service only when a referral is needed."}


def test_the_overview_offers_the_active_services_of_the_return_country(session, coords):
    ng = make_partner(session, name="Abuja Shelter", country="NG", services=("temporary_housing", "counselling"))
    make_partner(session, name="Accra Shelter", country="GH", services=("temporary_housing",))
    retired = session.get(PartnerService, _service(session, ng, "counselling"))
    retired.active = False
    session.add(retired)
    case = assessed_case(session, coords[0], ret="NG")
    draft_plan(session, coords[0], case, [])
    overview = plan_overview(session, coords[0], case_id=case.id)
    assert list(overview.services.values()) == ["Abuja Shelter · Temporary housing"]


# --- the summary and the expected improvement per dimension -------------------------


def test_the_summary_per_dimension_is_saved_on_the_draft_and_audited_without_its_text(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    plans.plan_dimensions_edit(session, coords[1], plan_id=plan.id, expected_version=plan.version, dimensions={
        "economic": plans.DimensionInput("A tailoring workshop", "A regular income in six months"),
        "psychosocial": plans.DimensionInput("Counselling", "Feels safe at home")})
    latest = plan_overview(session, coords[0], case_id=case.id).latest
    assert latest.summaries == {"economic": "A tailoring workshop", "social": "", "psychosocial": "Counselling"}
    assert latest.improvements == {"economic": "A regular income in six months", "social": "",
                                   "psychosocial": "Feels safe at home"}
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "plan.dimensions_edit")).one()
    assert json.loads(event.detail)["changed"] == ["improvement_economic", "improvement_psychosocial",
                                                   "summary_economic", "summary_psychosocial"]
    assert "tailoring" not in event.detail
    # Writing the summary makes coords[1] an author: they may not approve this revision.
    plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=latest.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    with pytest.raises(DomainError, match="another coordinator must decide"):
        plans.plan_approve(session, coords[1], plan_id=plan.id, expected_version=plan.version)


def test_the_summary_is_checked_versioned_and_frozen_once_submitted(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    opened = plan.version
    errors = _errors(lambda: plans.plan_dimensions_edit(session, coords[0], plan_id=plan.id, expected_version=opened,
                                                        dimensions={"social": plans.DimensionInput("x" * 2001)}))
    assert list(errors) == ["summary_social"]
    plans.plan_dimensions_edit(session, coords[0], plan_id=plan.id, expected_version=opened,
                               dimensions={"social": plans.DimensionInput("Housing")})
    with pytest.raises(StaleEdit):
        plans.plan_dimensions_edit(session, coords[1], plan_id=plan.id, expected_version=opened,
                                   dimensions={"social": plans.DimensionInput("School")})
    session.refresh(plan)
    plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    with pytest.raises(DomainError, match="waiting for approval"):
        plans.plan_dimensions_edit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                                   dimensions={"social": plans.DimensionInput("School")})


# --- versioning ---------------------------------------------------------------------


def test_a_revision_carries_the_summaries_the_referrals_and_the_items(session, coords):
    org = make_partner(session, name="Lagos Skills Hub", country="NG", services=("skills_development",))
    service = _service(session, org, "skills_development")
    case = assessed_case(session, coords[0], ret="NG")
    items = (ItemInput("service", "Apprenticeship fees", "400"), ItemInput("goods", "Tools", "100"))
    first = approved_plan(session, coords[0], coords[1], case, [
        replace(line("skills_development", "500", need_area="employment"), referral_needed=True,
                referral_service_id=service, items=items)])
    session.refresh(first)
    assert first.status == "approved"
    # The approved revision is frozen: its summary cannot change any more.
    with pytest.raises(DomainError, match="approved and frozen"):
        plans.plan_dimensions_edit(session, coords[0], plan_id=first.id, expected_version=first.version,
                                   dimensions={"economic": plans.DimensionInput("Later")})
    second = plans.plan_revise(session, coords[2], case_id=case.id)
    overview = plan_overview(session, coords[0], case_id=case.id)
    old, new = overview.revisions[1].lines[0], overview.revisions[0].lines[0]
    assert overview.revisions[0].id == second.id
    assert (new.referral_needed, new.referral_service_id, new.referral_service) == (
        True, service, "Lagos Skills Hub · Skills development")
    assert [(i.kind, i.description, i.cost) for i in new.items] == [(i.kind, i.description, i.cost) for i in old.items]
    assert [i.cost for i in new.items] == [D("400.00"), D("100.00")]
    assert new.id != old.id
    # The draft's summary changes; the approved revision's stays as it was.
    plans.plan_dimensions_edit(session, coords[2], plan_id=second.id, expected_version=second.version,
                               dimensions={"economic": plans.DimensionInput("An apprenticeship", "A trade")})
    overview = plan_overview(session, coords[0], case_id=case.id)
    assert overview.revisions[0].summaries["economic"] == "An apprenticeship"
    assert overview.revisions[1].summaries["economic"] == ""
    third_items = session.exec(select(PlanLineItem).where(PlanLineItem.line_id == new.id)).all()
    assert len(third_items) == 2


def test_a_revision_copies_the_summary_texts(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    plans.plan_dimensions_edit(session, coords[0], plan_id=plan.id, expected_version=plan.version, dimensions={
        "social": plans.DimensionInput("Housing and documents", "Safe housing within a month")})
    session.refresh(plan)
    plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    plans.plan_reject(session, coords[1], plan_id=plan.id, expected_version=plan.version, comment="Add a budget.")
    revised = plans.plan_revise(session, coords[0], case_id=case.id)
    assert (revised.summary_social, revised.improvement_social) == ("Housing and documents",
                                                                     "Safe housing within a month")


def test_the_case_file_shows_the_summaries_that_are_written(session, coords):
    from care.plan_views import plan_section

    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    plans.plan_dimensions_edit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                               dimensions={"social": plans.DimensionInput("Rent and school fees")})
    rows = dict(plan_section(session, coords[0], case).rows)
    assert rows["Summary: Social"] == "Rent and school fees"
    assert "Summary: Economic" not in rows and "Summary: Psychosocial" not in rows
