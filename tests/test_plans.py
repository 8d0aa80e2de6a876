"""The plan: drafting, caps, four-eyes approval, frozen revisions and what was paid carried over."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from care import plans
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.stage_rules import missing_for
from care.payments import payment_record
from care.plan_views import plan_overview, plan_section
from care.vocab import Stage
from db.models import AuditEvent, BudgetCap, Plan, PlanLine
from tests.factories import make_actor, make_case, programme_id
from tests.factories_plan import approved_plan, assessed_case, draft_plan, line, submitted_plan

D = Decimal
TODAY = date.today()  # payments are recorded after the approval, which is now


@pytest.fixture
def coords(session):
    """Three coordinators of every programme: an author and two possible approvers."""
    return [make_actor(session, "coordinator") for _ in range(3)]


def _field_errors(call) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as err:
        call()
    return err.value.errors


# --- drafting -----------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["referred", "eligible"])
def test_a_plan_starts_only_once_the_case_is_assessed(session, coords, stage):
    case = make_case(session, stage=stage)
    with pytest.raises(DomainError, match="once the risk and needs assessments are done"):
        plans.plan_create(session, coords[0], case_id=case.id)


def test_one_plan_per_case_then_revisions(session, coords):
    case = assessed_case(session, coords[0])
    plans.plan_create(session, coords[0], case_id=case.id)
    with pytest.raises(DomainError, match="already has a plan"):
        plans.plan_create(session, coords[0], case_id=case.id)


def test_a_line_in_local_currency_is_converted_at_its_rate(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [
        line("income_generating", "150000", currency="NGN", rate="0.0046", need_area="employment"),
        line("cash_basic_needs", "250.50", rate="9.99"),  # a rate given for the programme's own currency is ignored
    ])
    ngn, eur = plans.plan_lines(session, plan.id)
    assert (ngn.amount, ngn.currency, ngn.rate, ngn.amount_programme) == (D("150000.00"), "NGN", D("0.0046"), D("690.00"))
    assert (eur.rate, eur.amount_programme) == (D(1), D("250.50"))
    session.expire_all()
    stored = session.get(PlanLine, ngn.id)  # read back from the database: still exact
    assert stored.rate == D("0.0046") and stored.amount_programme == D("690.00")
    assert plan_overview(session, coords[0], case_id=case.id).latest.total == D("940.50")


def test_french_amounts_as_typed(session, coords):
    from care.i18n import use_language

    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [])
    with use_language("fr"):
        row = plans.plan_line_add(session, coords[0], plan_id=plan.id,
                                  line=line("income_generating", "1 234,56", currency="XAF", rate="0,00152449"))
    assert row.amount == D("1234.56") and row.amount_programme == D("1.88")


@pytest.mark.parametrize(("changes", "field"), [
    ({"subcategory": "holiday"}, "subcategory"),
    ({"description": "  "}, "description"),
    ({"planned_on": None}, "planned_on"),
    ({"amount": "abc"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "-20"}, "amount"),
    ({"amount": "10.555"}, "amount"),
    ({"currency": "ZZZ"}, "currency"),
    ({"currency": "NGN", "rate": None}, "rate"),
    ({"currency": "NGN", "rate": "0"}, "rate"),
    ({"currency": "NGN", "rate": "zero"}, "rate"),
    ({"currency": "VND", "amount": "100", "rate": "0.00003"}, "amount"),  # less than a cent
    ({"currency": "NGN", "amount": "900000000", "rate": "900"}, "amount"),  # too large once converted
    ({"duration_months": 200}, "duration_months"),
    ({"need_area": "luck"}, "need_area"),
    ({"provider": "x" * 201}, "provider"),
])
def test_a_line_is_checked_field_by_field(session, coords, changes, field):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [])
    data = {"subcategory": "cash_basic_needs", "amount": "300", "currency": "EUR", "rate": None, **changes}
    errors = _field_errors(lambda: plans.plan_line_add(session, coords[0], plan_id=plan.id, line=line(**data)))
    assert list(errors) == [field]


def test_a_duration_cap_asks_for_the_duration(session, coords):
    case = assessed_case(session, coords[0], programme="CH_VOT", host="CH")
    plan = draft_plan(session, coords[0], case, [])
    errors = _field_errors(lambda: plans.plan_line_add(
        session, coords[0], plan_id=plan.id, line=line("medical_care", "400", currency="CHF")))
    assert errors == {"duration_months": "This programme pays medical care for the person or family for at most "
                                         "6 months: give the duration."}


def test_lines_are_edited_at_their_version(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line("cash_basic_needs", "300")])
    (row,) = plans.plan_lines(session, plan.id)
    version = row.version
    plans.plan_line_edit(session, coords[0], line_id=row.id, expected_version=version, line=line("cash_basic_needs", "350"))
    with pytest.raises(StaleEdit, match="after you opened it"):
        plans.plan_line_edit(session, coords[1], line_id=row.id, expected_version=version,
                             line=line("cash_basic_needs", "999"))
    assert session.get(PlanLine, row.id).amount == D("350.00")
    plans.plan_line_remove(session, coords[0], line_id=row.id, expected_version=version + 1)
    assert plans.plan_lines(session, plan.id) == []


def test_a_submit_opened_before_a_line_changed_is_refused(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line()])
    opened_at = plan.version
    plans.plan_line_add(session, coords[1], plan_id=plan.id, line=line("counselling", "200"))
    with pytest.raises(StaleEdit):
        plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=opened_at,
                          agreed_with_person=True, agreed_with_organisation=True)


# --- submission ---------------------------------------------------------------------


def test_submission_needs_both_agreements_and_a_line(session, coords):
    case = assessed_case(session, coords[0], organisation_id=None)
    plan = draft_plan(session, coords[0], case, [])
    with pytest.raises(DomainError, match="at least one line"):
        plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                          agreed_with_person=True, agreed_with_organisation=False)
    plans.plan_line_add(session, coords[0], plan_id=plan.id, line=line())
    session.refresh(plan)
    errors = _field_errors(lambda: plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                                                     agreed_with_person=False, agreed_with_organisation=False))
    assert list(errors) == ["agreed_with_person"]  # no referring organisation on this case


def test_a_referring_organisation_must_agree_too(session, coords):
    from db.models import Organisation

    org = Organisation(name="Association (test)", org_type="NGO", country="FR")
    session.add(org)
    session.flush()
    case = assessed_case(session, coords[0], organisation_id=org.id)
    plan = draft_plan(session, coords[0], case, [line()])
    errors = _field_errors(lambda: plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                                                     agreed_with_person=True, agreed_with_organisation=False))
    assert list(errors) == ["agreed_with_organisation"]


def test_a_plan_over_a_cap_is_not_even_submitted(session, coords):
    case = assessed_case(session, coords[0])
    plan = draft_plan(session, coords[0], case, [line("income_generating", "2000"), line("job_placement", "600.50")])
    overview = plan_overview(session, coords[0], case_id=case.id)
    assert overview.problems == ("Economic: €2,600.50 planned, over the cap of €2,500.00 by €100.50.",)
    with pytest.raises(DomainError, match="over the cap of €2,500.00 by €100.50"):
        plans.plan_submit(session, coords[0], plan_id=plan.id, expected_version=plan.version,
                          agreed_with_person=True, agreed_with_organisation=True)


# --- four eyes, caps at approval, the path --------------------------------------------


def test_the_author_does_not_approve_another_coordinator_does(session, coords):
    author, approver, _other = coords
    case = assessed_case(session, author)
    plan = submitted_plan(session, author, case, [line("income_generating", "1500", need_area="employment")])
    with pytest.raises(NotPermitted, match="another coordinator must decide"):
        plans.plan_approve(session, author, plan_id=plan.id, expected_version=plan.version)
    with pytest.raises(NotPermitted, match="another coordinator must decide"):
        plans.plan_reject(session, author, plan_id=plan.id, expected_version=plan.version, comment="no")
    assert plan_overview(session, author, case_id=case.id).may_decide is False
    assert plan_overview(session, approver, case_id=case.id).may_decide is True
    plans.plan_approve(session, approver, plan_id=plan.id, expected_version=plan.version, comment="Fine.")
    assert (plan.status, plan.decided_by_id, plan.decision_comment) == ("approved", approver.id, "Fine.")
    assert case.stage == Stage.PLAN_APPROVED
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert {"plan.create", "plan.line_add", "plan.submit", "plan.approve", "case.stage"} <= set(actions)


def test_whoever_changed_a_line_is_an_author_too(session, coords):
    author, editor, approver = coords
    case = assessed_case(session, author)
    plan = draft_plan(session, author, case, [line()])
    (row,) = plans.plan_lines(session, plan.id)
    plans.plan_line_edit(session, editor, line_id=row.id, expected_version=row.version, line=line(amount="320"))
    session.refresh(plan)
    plans.plan_submit(session, author, plan_id=plan.id, expected_version=plan.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    with pytest.raises(NotPermitted):
        plans.plan_approve(session, editor, plan_id=plan.id, expected_version=plan.version)
    plans.plan_approve(session, approver, plan_id=plan.id, expected_version=plan.version)
    assert plan.status == "approved"


def test_approval_checks_the_caps_as_they_are_now_and_records_them(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    plan = submitted_plan(session, author, case, [line("income_generating", "2400")])
    cap = session.get(BudgetCap, (programme_id(session, "CARE"), "economic"))
    cap.cap_amount = D("2000.00")  # the programme lowered its cap after the plan was submitted
    session.add(cap)
    session.flush()
    with pytest.raises(DomainError) as err:
        plans.plan_approve(session, approver, plan_id=plan.id, expected_version=plan.version)
    assert err.value.message == ("The plan cannot be approved as it stands: Economic: €2,400.00 planned, over the "
                                 "cap of €2,000.00 by €400.00.")
    assert plan.status == "submitted" and case.stage == "assessed"
    cap.cap_amount = D("2500.00")
    session.add(cap)
    session.flush()
    plans.plan_approve(session, approver, plan_id=plan.id, expected_version=plan.version)
    assert plan.caps_snapshot["caps"]["economic"] == {"amount": "2500.00", "max_months": None}
    cap.cap_amount = D("1000.00")  # a later change never touches an approved plan
    session.add(cap)
    session.flush()
    overview = plan_overview(session, author, case_id=case.id)
    economic = next(r for r in overview.budget if r.key == "economic")
    assert (economic.cap, economic.over_by, overview.problems) == (D("2500.00"), 0, ())


def test_a_rejection_says_why_and_the_plan_is_revised(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    plan = submitted_plan(session, author, case, [line()])
    errors = _field_errors(lambda: plans.plan_reject(session, approver, plan_id=plan.id,
                                                     expected_version=plan.version, comment=" "))
    assert list(errors) == ["comment"]
    plans.plan_reject(session, approver, plan_id=plan.id, expected_version=plan.version,
                      comment="Add the training the person asked for.")
    assert plan.status == "rejected" and case.stage == "assessed"
    revision = plans.plan_revise(session, author, case_id=case.id)
    assert revision.revision_no == 2 and len(plans.plan_lines(session, revision.id)) == 1
    assert plans.plan_approved_missing(session, case) == ["an approved reintegration plan"]
    assert missing_for(session, case, Stage.PLAN_APPROVED) == ["an approved reintegration plan"]


# --- frozen approved plans, revisions ------------------------------------------------


def test_an_approved_plan_is_frozen(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    plan = approved_plan(session, author, approver, case, [line()])
    (row,) = plans.plan_lines(session, plan.id)
    frozen = "approved and frozen: revise the plan to change it"
    with pytest.raises(DomainError, match=frozen):
        plans.plan_line_add(session, author, plan_id=plan.id, line=line("counselling", "100"))
    with pytest.raises(DomainError, match=frozen):
        plans.plan_line_edit(session, author, line_id=row.id, expected_version=row.version, line=line(amount="1"))
    with pytest.raises(DomainError, match=frozen):
        plans.plan_line_remove(session, author, line_id=row.id, expected_version=row.version)
    with pytest.raises(DomainError, match=frozen):
        plans.plan_submit(session, author, plan_id=plan.id, expected_version=plan.version,
                          agreed_with_person=True, agreed_with_organisation=True)
    assert plans.plan_approved_missing(session, case) == []


def test_a_revision_needs_approval_again_and_supersedes_the_old_one(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    first = approved_plan(session, author, approver, case, [line("cash_basic_needs", "300")])
    second = plans.plan_revise(session, approver, case_id=case.id)  # anyone may revise; the other one approves
    with pytest.raises(DomainError, match="still open"):
        plans.plan_revise(session, author, case_id=case.id)
    (copy,) = plans.plan_lines(session, second.id)
    (original,) = plans.plan_lines(session, first.id)
    assert copy.carried_from_id == original.id and copy.amount_programme == original.amount_programme
    plans.plan_line_add(session, approver, plan_id=second.id, line=line("counselling", "250", need_area="psychosocial"))
    session.refresh(second)
    plans.plan_submit(session, approver, plan_id=second.id, expected_version=second.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    assert plans.plan_in_force(session, case.id).id == first.id  # still in force while the revision waits
    with pytest.raises(NotPermitted):
        plans.plan_approve(session, approver, plan_id=second.id, expected_version=second.version)
    plans.plan_approve(session, author, plan_id=second.id, expected_version=second.version)
    session.refresh(first)
    assert (first.status, second.status) == ("superseded", "approved")
    overview = plan_overview(session, author, case_id=case.id)
    assert [(v.revision_no, v.status, v.total) for v in overview.revisions] == [
        (2, "approved", D("550.00")), (1, "superseded", D("300.00"))]
    assert overview.in_force.revision_no == 2


def test_a_revision_cannot_plan_less_than_was_paid(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    first = approved_plan(session, author, approver, case, [line("income_generating", "1000", description="Shop")])
    (paid_line,) = plans.plan_lines(session, first.id)
    payment_record(session, author, line_id=paid_line.id, paid_on=TODAY, amount="400", method="cash",
                   receipt_ref="R-1")
    second = plans.plan_revise(session, author, case_id=case.id)
    (copy,) = plans.plan_lines(session, second.id)
    errors = _field_errors(lambda: plans.plan_line_edit(
        session, author, line_id=copy.id, expected_version=copy.version, line=line("income_generating", "300")))
    assert errors == {"amount": "€400.00 was already paid on this line: it cannot plan less."}
    errors = _field_errors(lambda: plans.plan_line_edit(
        session, author, line_id=copy.id, expected_version=copy.version, line=line("vocational_training", "1000")))
    assert list(errors) == ["subcategory"]
    with pytest.raises(DomainError, match="cannot be removed"):
        plans.plan_line_remove(session, author, line_id=copy.id, expected_version=copy.version)
    plans.plan_line_edit(session, author, line_id=copy.id, expected_version=copy.version,
                         line=line("income_generating", "500", description="Shop"))
    session.refresh(second)
    plans.plan_submit(session, author, plan_id=second.id, expected_version=second.version,
                      agreed_with_person=True, agreed_with_organisation=True)
    # While the revision waits, more is paid on the line in force: the revision now plans too little.
    payment_record(session, approver, line_id=paid_line.id, paid_on=TODAY, amount="200", method="cash",
                   receipt_ref="R-2")
    session.refresh(second)
    with pytest.raises(DomainError, match="“Shop”: €600.00 already paid, more than the €500.00 planned."):
        plans.plan_approve(session, approver, plan_id=second.id, expected_version=second.version)


# --- needs, access, the case file --------------------------------------------------


def test_high_and_urgent_needs_without_a_line_are_flagged(session, coords):
    case = assessed_case(session, coords[0], needs={"employment": "high", "medical": "urgent", "legal": "medium",
                                                    "housing_temporary": "high"})
    assert [f.area for f in plans.needs_unanswered(session, case)] == ["medical", "housing_temporary", "employment"]
    draft_plan(session, coords[0], case, [line("income_generating", "900", need_area="employment"),
                                          line("medical_immediate", "100", need_area="medical")])
    flags = plans.needs_unanswered(session, case)
    assert [f.label for f in flags] == ["Temporary housing (high)"]
    assert [f.area for f in plan_overview(session, coords[0], case_id=case.id).needs] == ["housing_temporary"]


def test_only_coordinators_of_the_programme_plan(session, coords):
    case = assessed_case(session, coords[0], host="FR")
    focal_point = make_actor(session, "focal_point", countries=("FR",))
    other = make_actor(session, "coordinator", programmes=("TACT",))
    with pytest.raises(NotPermitted):
        plans.plan_create(session, focal_point, case_id=case.id)
    with pytest.raises(NotPermitted, match="No such case"):
        plans.plan_create(session, other, case_id=case.id)
    plan = draft_plan(session, coords[0], case, [line()])
    with pytest.raises(NotPermitted, match="No such case"):
        plans.plan_line_add(session, other, plan_id=plan.id, line=line())
    with pytest.raises(NotPermitted, match="No such case"):
        plans.plan_line_add(session, other, plan_id=plan.id + 1000, line=line())


def test_a_closed_case_keeps_its_plan_as_it_is(session, coords):
    case = assessed_case(session, coords[0])
    draft_plan(session, coords[0], case, [line()])
    case.stage = "closed"
    session.add(case)
    session.flush()
    with pytest.raises(DomainError, match="case is closed"):
        plans.plan_revise(session, coords[0], case_id=case.id)


def test_the_case_file_section(session, coords):
    author, approver, _ = coords
    case = assessed_case(session, author)
    assert plan_section(session, author, case) is None
    approved_plan(session, author, approver, case, [line("income_generating", "150000", currency="NGN", rate="0.0046",
                                                         description="Sewing machines", need_area="employment")])
    plans.plan_revise(session, author, case_id=case.id)
    section = plan_section(session, approver, case)
    rows = dict(section.rows)
    assert rows["Total planned"] == "€690.00" and rows["Paid so far"] == "€0.00"
    assert rows["Latest revision"] == "Revision 2: draft"
    assert section.tables[0].rows[0][1] == "Sewing machines"
    assert section.history[0].startswith("Revision 2: draft")
    focal_point = make_actor(session, "focal_point", countries=("FR",))
    assert plan_section(session, focal_point, case).title == "Reintegration plan"
    with pytest.raises(NotPermitted):
        plan_section(session, make_actor(session, "focal_point", countries=("ES",)), case)


def test_revisions_are_numbered_per_case(session, coords):
    author, approver, _ = coords
    a, b = assessed_case(session, author), assessed_case(session, author)
    approved_plan(session, author, approver, a, [line()])
    plans.plan_create(session, author, case_id=b.id)
    plans.plan_revise(session, author, case_id=a.id)
    numbers = session.exec(select(Plan.case_id, Plan.revision_no).order_by(Plan.id)).all()
    assert numbers == [(a.id, 1), (b.id, 1), (a.id, 2)]
