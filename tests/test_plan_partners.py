"""Plan lines name their provider from the service directory (or in free text for a one-off)."""

import json
from dataclasses import replace

import pytest
from sqlmodel import select

from care import plans
from care.errors import ValidationErrors
from care.plan_views import plan_overview
from db.models import AuditEvent, PartnerOrganisation
from tests.factories import make_actor, make_partner
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line

WRONG = "Choose an active partner organisation of the return country."


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator")


def test_a_line_names_a_partner_of_the_return_country_and_shows_its_name(session, coord):
    shelter = make_partner(session, name="Hope Shelter Lagos", country="NG", services=("temporary_housing",))
    case = assessed_case(session, coord, ret="NG")
    plan = draft_plan(session, coord, case, [replace(line("temporary_housing"), provider="", partner_id=shelter.id)])
    overview = plan_overview(session, coord, case_id=case.id)
    (view,) = overview.latest.lines
    assert (view.partner_id, view.provider, view.provider_label) == (shelter.id, "", "Hope Shelter Lagos")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "plan.line_add",
                                                  AuditEvent.entity_id == str(plan.id))).one()
    assert json.loads(event.detail)["partner_id"] == shelter.id


def test_free_text_stays_possible_and_neither_is_required(session, coord):
    case = assessed_case(session, coord, ret="NG")
    draft_plan(session, coord, case, [line(provider="Cousin's shop"), line("housing", provider="")])
    labels = [v.provider_label for v in plan_overview(session, coord, case_id=case.id).latest.lines]
    assert labels == ["Cousin's shop", ""]


@pytest.mark.parametrize("where, active", [("GH", True), ("NG", False)])
def test_a_partner_of_another_country_or_a_retired_one_is_refused(session, coord, where, active):
    org = make_partner(session, country=where, services=("housing",))
    org.active = active
    session.add(org)
    case = assessed_case(session, coord, ret="NG")
    plan = plans.plan_create(session, coord, case_id=case.id)
    with pytest.raises(ValidationErrors) as err:
        plans.plan_line_add(session, coord, plan_id=plan.id, line=replace(line("housing"), partner_id=org.id))
    assert err.value.errors == {"partner_id": WRONG}


def test_an_unknown_partner_is_refused_on_edit_too(session, coord):
    case = assessed_case(session, coord, ret="NG")
    plan = draft_plan(session, coord, case, [line()])
    row = plans.plan_lines(session, plan.id)[0]
    with pytest.raises(ValidationErrors) as err:
        plans.plan_line_edit(session, coord, line_id=row.id, expected_version=row.version,
                             line=replace(line(), partner_id=424242))
    assert err.value.errors == {"partner_id": WRONG}


def test_the_line_form_offers_the_return_countrys_partners_with_their_categories(session, coord):
    make_partner(session, name="Zeta Clinic", country="NG", services=("medical_care", "medical_immediate"))
    make_partner(session, name="Accra Homes", country="GH", services=("housing",))
    make_partner(session, name="No services", country="NG")
    gone = make_partner(session, name="Closed NG", country="NG", services=("housing",))
    gone.active = False
    case = assessed_case(session, coord, ret="NG")
    draft_plan(session, coord, case, [line()])
    offered = plan_overview(session, coord, case_id=case.id).partners
    clinic = session.exec(select(PartnerOrganisation.id).where(PartnerOrganisation.name == "Zeta Clinic")).one()
    assert offered == {clinic: "Zeta Clinic · Immediate assistance, Social"}


def test_a_revision_keeps_the_partner_of_each_line(session, coord):
    approver = make_actor(session, "coordinator")
    org = make_partner(session, country="NG", services=("housing",))
    case = assessed_case(session, coord, ret="NG")
    approved_plan(session, coord, approver, case, [replace(line("cash_basic_needs"), partner_id=org.id)])
    second = plans.plan_revise(session, coord, case_id=case.id)
    assert [ln.partner_id for ln in plans.plan_lines(session, second.id)] == [org.id]


# --- the managers' figure -------------------------------------------------------------------


def test_plan_lines_by_partner_count_people_and_lines_and_hide_small_ones_from_managers(session, coord):
    from datetime import date

    from care.indicators import indicators_report
    from care.smallcells import HIDDEN, cell_text
    from tests.factories import programme_id

    big = make_partner(session, name="Big Shelter", country="NG")
    small = make_partner(session, name="Small Clinic", country="NG")
    for i in range(5):
        lines = [replace(line("housing"), partner_id=big.id)] * (2 if i == 0 else 1)
        if i < 2:
            lines.append(replace(line("medical_care"), partner_id=small.id))
        if i == 4:
            lines.append(line("education", provider="Village school"))
        draft_plan(session, coord, assessed_case(session, coord, ret="NG"), lines)
    manager = make_actor(session, "manager")

    def figures(actor):
        report = indicators_report(session, actor, programme_id=programme_id(session, "CARE"), today=date(2015, 1, 1))
        table = report.table("plan_lines_by_partner")
        return [(r.label, *(cell_text(c) for c in r.cells)) for r in table.rows]

    assert figures(coord) == [("Big Shelter (NG)", "5", "6"), ("Small Clinic (NG)", "2", "2"),
                              ("Not from the partner directory", "1", "1")]
    # People: 2 and 1 are counts of fewer than 5 people ("<5"); their lines are hidden with them,
    # and say "hidden" (a count of lines, which may be any size).
    assert figures(manager) == [("Big Shelter (NG)", "5", "6"), ("Small Clinic (NG)", HIDDEN, "hidden"),
                                ("Not from the partner directory", HIDDEN, "hidden")]


def test_the_case_file_plan_section_names_the_provider(session, coord):
    from care.plan_views import plan_section

    shelter = make_partner(session, name="Hope Shelter Lagos", country="NG", services=("temporary_housing",))
    case = assessed_case(session, coord, ret="NG")
    draft_plan(session, coord, case, [replace(line("temporary_housing"), provider="", partner_id=shelter.id),
                                      line("housing", provider="Uncle's landlord")])
    (table, *_rest) = plan_section(session, coord, case).tables
    assert table.headings[:3] == ["Kind", "What", "Provider"]
    assert [row[2] for row in table.rows] == ["Hope Shelter Lagos", "Uncle's landlord"]
