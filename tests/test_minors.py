"""Minors: the departure gate, the stop when return is not in the child's best interests,
who may work on a child's case, and what each step records."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from care import minors
from care import minors_write as record
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.path import stage_move
from care.stage_rules import missing_for
from care.vocab import Stage
from db.models import AuditEvent, Case, ChildView, MinorActor
from tests.factories import make_actor, make_case
from tests.factories_journey import departure_done
from tests.factories_minors import TODAY, actor_row, make_minor_case, procedure, ready_minor
from tests.factories_path import departure_ready, minor_ready_to_depart


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


def actions(session, case_id):
    return [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.case_id == case_id)
                                           .order_by(AuditEvent.id)).all()]


# --- ages ------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "estimated", "referral", "today", "expected"), [
    (date(1998, 9, 14), None, date(2014, 3, 10), date(2015, 6, 1), (15, 16)),
    (date(1998, 9, 14), None, date(2014, 3, 10), date(2016, 9, 13), (15, 17)),  # the day before turning 18
    (date(1998, 9, 14), None, date(2014, 3, 10), date(2016, 9, 14), (15, 18)),  # turns 18 during the case
    (date(2000, 2, 29), None, date(2014, 3, 10), date(2018, 2, 28), (14, 17)),
    (date(2000, 2, 29), None, date(2014, 3, 10), date(2018, 3, 1), (14, 18)),
    (None, 16, date(2014, 3, 10), date(2014, 12, 31), (16, 16)),
    (None, 16, date(2014, 3, 10), date(2016, 3, 10), (16, 18)),  # estimate at referral plus years elapsed
    (None, None, date(2014, 3, 10), date(2016, 3, 10), (None, None)),
])
def test_ages_at_referral_and_today(session, birth, estimated, referral, today, expected):
    case = make_minor_case(session, birth_date=birth, estimated_age=estimated, referral_date=referral)
    assert minors.ages(case, today) == expected


# --- the departure gate ----------------------------------------------------------------


# The cases below have their pre-departure checklist done (the journey's rule for departing), so that
# what the path still lists, and what stops a departure, is the minors' procedure alone.


def test_a_ready_minor_may_depart_and_an_adult_has_no_minors_conditions(session, coord):
    case = minor_ready_to_depart(session, coord)
    assert missing_for(session, case, Stage.DEPARTED) == []
    stage_move(session, coord, case, Stage.DEPARTED, missing=missing_for(session, case, Stage.DEPARTED))
    assert case.stage == "departed"
    adult = departure_ready(session, coord, make_case(session, stage="plan_approved"))
    assert minors.departed_missing(session, adult) == []
    assert missing_for(session, adult, Stage.DEPARTED) == []


def _no_bid(s, case, coord):
    p = procedure(s, case)
    p.bid_outcome = None
    s.add(p)


def _bid_says_no(s, case, coord):
    p = procedure(s, case)
    record.minor_bid_record(s, coord, case_id=case.id, version=p.version, decided_on=p.bid_on, body=p.bid_body,
                            person=p.bid_person, outcome="no_return", reasons="The family home is not safe.",
                            today=TODAY)


def _family_not_done(s, case, coord):
    p = procedure(s, case)
    record.minor_family_assessment_record(s, coord, case_id=case.id, version=p.version,
                                          requested_on=p.family_requested_on, done_on=None, done_by="",
                                          outcome=None, documents="", today=TODAY)


def _family_negative(s, case, coord):
    p = procedure(s, case)
    record.minor_family_assessment_record(s, coord, case_id=case.id, version=p.version,
                                          requested_on=p.family_requested_on, done_on=p.family_done_on,
                                          done_by=p.family_done_by, outcome="negative", documents="", today=TODAY)


def _not_contacted(code):
    def change(s, case, coord):
        row = actor_row(s, case, code)
        row.contacted_on, row.agreed = None, ""
        s.add(row)
    return change


def _nothing_agreed(code):
    def change(s, case, coord):
        row = actor_row(s, case, code)
        record.minor_actor_update(s, coord, minor_actor_id=row.id, version=row.version, required=True,
                                  contacted_on=row.contacted_on, agreed="", today=TODAY)
    return change


def _judge_involved(s, case, coord):
    row = actor_row(s, case, "judge_or_prosecutor")
    record.minor_actor_update(s, coord, minor_actor_id=row.id, version=row.version, required=True,
                              contacted_on=None, agreed="", today=TODAY)


def _no_escort(s, case, coord):
    p = procedure(s, case)
    p.escort_kind, p.escort_name = None, ""
    s.add(p)


def _escort_without_name(s, case, coord):
    p = procedure(s, case)
    p.escort_name = ""
    s.add(p)


STOPPED = ("the return is stopped: the best-interests decision says return is not in the child's best "
           "interests (the case may stay open in the host country, or be closed)")


@pytest.mark.parametrize(("change", "expected"), [
    (_no_bid, "best-interests decision not recorded"),
    (_bid_says_no, STOPPED),
    (_family_not_done, "family assessment in the return country not done"),
    (_family_negative, "family assessment negative: the family cannot receive the child"),
    (_not_contacted("guardian"), "Guardian not yet coordinated"),
    (_nothing_agreed("guardian"), "Guardian not yet coordinated"),
    (_not_contacted("child_protection_host"), "Child-protection services, host country not yet coordinated"),
    (_not_contacted("child_protection_return"), "Child-protection services, return country not yet coordinated"),
    (_nothing_agreed("child_protection_return"), "Child-protection services, return country not yet coordinated"),
    (_not_contacted("partner_organisation"), "Partner organisation not yet coordinated"),
    (_judge_involved, "Judge or prosecutor not yet coordinated"),
    (_no_escort, "no escort named"),
    (_escort_without_name, "no escort named"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_each_departure_condition_on_its_own(session, coord, change, expected):
    case = minor_ready_to_depart(session, coord)
    change(session, case, coord)
    session.flush()
    assert missing_for(session, case, Stage.DEPARTED) == [expected]
    with pytest.raises(DomainError, match="Not yet"):
        stage_move(session, coord, case, Stage.DEPARTED, missing=missing_for(session, case, Stage.DEPARTED))
    assert case.stage == "plan_approved"


def test_without_a_procedure_everything_is_missing(session, coord):
    case = make_minor_case(session)
    departure_done(session, coord, case)  # the pre-departure checklist only
    assert missing_for(session, case, Stage.DEPARTED) == [
        "best-interests decision not recorded", "family assessment in the return country not done",
        "coordination with the actors in both countries not recorded", "no escort named"]


def test_an_actor_not_involved_is_not_waited_for(session, coord):
    case = minor_ready_to_depart(session, coord)
    judge = actor_row(session, case, "judge_or_prosecutor")
    assert not judge.required and judge.contacted_on is None
    assert missing_for(session, case, Stage.DEPARTED) == []


def test_who_turned_18_keeps_the_procedure(session, coord):
    case = make_minor_case(session, birth_date=date(1996, 1, 1))  # 18 on 1 Jan 2014, before the referral
    assert minors.ages(case, date(2015, 6, 1)) == (18, 19)  # recorded as a minor at referral all the same
    assert "no escort named" in missing_for(session, case, Stage.DEPARTED)
    assert minors.minor_file(session, coord, case_id=case.id, today=date(2015, 6, 1)).now_adult
    assert not minors.minor_file(session, coord, case_id=case.id, today=date(2013, 12, 31)).now_adult


# --- the stop --------------------------------------------------------------------------


def test_a_decision_against_return_stops_the_path_but_the_case_may_close(session, coord):
    case = ready_minor(session, coord, stage="assessed")
    _bid_says_no(session, case, coord)
    assert minors.return_stopped(session, case)
    for target in (Stage.PLAN_APPROVED,):
        assert STOPPED in missing_for(session, case, target)
        with pytest.raises(DomainError, match="the return is stopped"):
            stage_move(session, coord, case, target, missing=missing_for(session, case, target))
    assert case.stage == "assessed"
    stage_move(session, coord, case, Stage.CLOSED, missing=missing_for(session, case, Stage.CLOSED))
    assert case.stage == "closed"


def test_a_stopped_return_cannot_depart(session, coord):
    case = minor_ready_to_depart(session, coord)
    _bid_says_no(session, case, coord)
    with pytest.raises(DomainError, match="the return is stopped"):
        stage_move(session, coord, case, Stage.DEPARTED, missing=missing_for(session, case, Stage.DEPARTED))


def test_a_new_decision_for_return_lifts_the_stop(session, coord):
    case = minor_ready_to_depart(session, coord)
    _bid_says_no(session, case, coord)
    p = procedure(session, case)
    record.minor_bid_record(session, coord, case_id=case.id, version=p.version, decided_on=date(2015, 2, 1),
                            body="Child welfare panel (test)", person="Panel Chair", outcome="return",
                            reasons="Review: the family situation has changed.", today=TODAY)
    assert not minors.return_stopped(session, case)
    assert minors.plan_approved_missing(session, case) == []
    assert missing_for(session, case, Stage.DEPARTED) == []


def test_an_adult_is_never_stopped(session):
    adult = make_case(session, stage="assessed")
    assert not minors.return_stopped(session, adult)
    assert minors.plan_approved_missing(session, adult) == []


# --- access ----------------------------------------------------------------------------

CALLS = {
    "minor_file": lambda s, a, c: minors.minor_file(s, a, case_id=c.id, today=TODAY),
    "open": lambda s, a, c: record.minor_procedure_open(s, a, case_id=c.id),
    "guardian": lambda s, a, c: record.minor_guardian_set(s, a, case_id=c.id, version=1, name="X",
                                                          organisation="", contact=""),
    "bid": lambda s, a, c: record.minor_bid_record(s, a, case_id=c.id, version=1, decided_on=TODAY, body="B",
                                                   person="P", outcome="return", reasons="R", today=TODAY),
    "family": lambda s, a, c: record.minor_family_assessment_record(
        s, a, case_id=c.id, version=1, requested_on=TODAY, done_on=None, done_by="", outcome=None, documents="",
        today=TODAY),
    "actor": lambda s, a, c: record.minor_actor_update(
        s, a, minor_actor_id=actor_row(s, c, "guardian").id, version=1, required=True, contacted_on=None,
        agreed="", today=TODAY),
    "escort": lambda s, a, c: record.minor_escort_set(s, a, case_id=c.id, version=1, kind="staff", name="S"),
    "handover": lambda s, a, c: record.minor_handover_record(s, a, case_id=c.id, version=1, handed_over_on=TODAY,
                                                             handed_to="Mother", today=TODAY),
    "child_view": lambda s, a, c: record.child_view_add(s, a, case_id=c.id, step="intake", recorded_on=TODAY,
                                                        words="I want to go home.", today=TODAY),
}
OTHERS = {
    "admin": lambda s: make_actor(s, "admin"),
    "manager": lambda s: make_actor(s, "manager"),
    "focal_point_of_the_host_country": lambda s: make_actor(s, "focal_point", countries=("FR",)),
    "focal_point_of_the_return_country": lambda s: make_actor(s, "focal_point", countries=("NG",)),
    "coordinator_of_another_programme": lambda s: make_actor(s, "coordinator", programmes=("TACT",)),
}


@pytest.mark.parametrize("who", OTHERS)
@pytest.mark.parametrize("call", CALLS)
def test_only_the_programmes_coordinators_work_on_a_minors_case(session, coord, who, call):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    other = OTHERS[who](session)
    before = actions(session, case.id)
    with pytest.raises(NotPermitted):
        CALLS[call](session, other, case)
    assert actions(session, case.id) == before


def test_the_page_is_for_coordinators_only():
    from care.access import PAGE_ROLES, Role

    assert PAGE_ROLES["minors"] == frozenset({Role.COORDINATOR})


def test_an_adults_case_has_no_minors_procedure(session, coord):
    adult = make_case(session)
    with pytest.raises(DomainError, match="not a minor's case"):
        record.minor_procedure_open(session, coord, case_id=adult.id)
    assert minors.case_section(session, coord, adult) is None


# --- names: shown on request, and every such read is audited ---------------------------


def test_names_are_hidden_until_asked_for_and_then_audited(session, coord):
    case = ready_minor(session, coord)
    row = actor_row(session, case, "guardian")
    record.minor_actor_update(session, coord, minor_actor_id=row.id, version=row.version, required=True,
                              contacted_on=row.contacted_on, agreed=row.agreed, contact_name="Guardian Test",
                              today=TODAY)
    hidden = minors.minor_file(session, coord, case_id=case.id, today=TODAY)
    assert hidden.guardian_name is None and hidden.escort_name is None and hidden.guardian_contact is None
    assert hidden.guardian_recorded and all(a.contact_name is None for a in hidden.actors)
    assert "minor.read" not in actions(session, case.id)
    shown = minors.minor_file(session, coord, case_id=case.id, today=TODAY, show_names=True)
    assert shown.guardian_name == shown.escort_name == "Guardian Test"
    assert shown.guardian_contact == "+33612345678"
    assert actions(session, case.id).count("minor.read") == 1


def test_the_audit_log_never_holds_a_name_or_the_childs_words(session, coord):
    case = ready_minor(session, coord)
    record.child_view_add(session, coord, case_id=case.id, step="before_departure", recorded_on=TODAY,
                          words="My grandmother waits for me.", today=TODAY)
    details = " ".join(e.detail for e in session.exec(select(AuditEvent).where(AuditEvent.case_id == case.id)))
    for secret in ("Guardian Test", "+33612345678", "grandmother", "Panel Chair"):
        assert secret not in details
    assert {"minor.open", "minor.guardian_set", "minor.bid_record", "minor.family_record", "minor.actor_update",
            "minor.escort_set", "minor.child_view_add"} <= set(actions(session, case.id))


# --- what each step records ------------------------------------------------------------


def test_opening_lists_the_actors_once(session, coord):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    record.minor_procedure_open(session, coord, case_id=case.id)
    rows = session.exec(select(MinorActor).where(MinorActor.case_id == case.id)).all()
    assert {r.actor: r.required for r in rows} == {
        "guardian": True, "child_protection_host": True, "child_protection_return": True,
        "judge_or_prosecutor": False, "partner_organisation": True}
    assert actions(session, case.id).count("minor.open") == 1


def test_a_step_before_opening_is_refused(session, coord):
    case = make_minor_case(session)
    with pytest.raises(DomainError, match="Open the minors' procedure first"):
        CALLS["bid"](session, coord, case)


def _bid(s, coord, case, **kw):
    values = {"decided_on": date(2014, 9, 15), "body": "Panel", "person": "Chair", "outcome": "return",
              "reasons": "Safe family.", **kw}
    return record.minor_bid_record(s, coord, case_id=case.id, version=procedure(s, case).version, today=TODAY,
                                   **values)


@pytest.mark.parametrize(("values", "errors"), [
    ({"decided_on": None}, {"decided_on": "The date of the decision is required."}),
    ({"decided_on": date(2015, 6, 2)}, {"decided_on": "The date of the decision cannot be in the future."}),
    ({"body": "  ", "person": ""}, {"body": "This field is required.", "person": "This field is required."}),
    ({"outcome": None}, {"outcome": "Choose the outcome of the decision."}),
    ({"outcome": "maybe"}, {"outcome": "Choose the outcome of the decision."}),
    ({"reasons": ""}, {"reasons": "This field is required."}),
    ({"body": "x" * 201}, {"body": "At most 200 characters."}),
])
def test_best_interests_decision_fields(session, coord, values, errors):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    with pytest.raises(ValidationErrors) as err:
        _bid(session, coord, case, **values)
    assert err.value.errors == errors


def _family(s, coord, case, **kw):
    values = {"requested_on": date(2014, 5, 2), "done_on": date(2014, 8, 20), "done_by": "IOM office",
              "outcome": "positive", "documents": "", **kw}
    return record.minor_family_assessment_record(s, coord, case_id=case.id, version=procedure(s, case).version,
                                                 today=TODAY, **values)


@pytest.mark.parametrize(("values", "errors"), [
    ({"requested_on": None}, {"requested_on": "The date of the request is required."}),
    ({"requested_on": date(2014, 1, 2)}, {"requested_on": "The date of the request cannot come before the referral (Mar 10, 2014)."}),
    ({"done_on": date(2014, 5, 1)}, {"done_on": "The date done cannot come before the request (May 2, 2014)."}),
    ({"outcome": None}, {"outcome": "An assessment that is done has an outcome."}),
    ({"done_by": ""}, {"done_by": "Say who did the assessment."}),
    ({"done_on": None}, {"done_on": "Give the date the assessment was done."}),
    ({"outcome": "unknown"}, {"outcome": "Choose the outcome of the assessment."}),
])
def test_family_assessment_fields(session, coord, values, errors):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    with pytest.raises(ValidationErrors) as err:
        _family(session, coord, case, **values)
    assert err.value.errors == errors


def test_a_family_assessment_may_be_requested_before_it_is_done(session, coord):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    _family(session, coord, case, done_on=None, done_by="", outcome=None)
    assert procedure(session, case).family_requested_on == date(2014, 5, 2)
    assert "family assessment in the return country not done" in missing_for(session, case, Stage.DEPARTED)


@pytest.mark.parametrize(("kind", "name", "expected"), [
    ("guardian", "", ("guardian", "Guardian Test")),  # the guardian's name by default
    ("staff", "Staff Member", ("staff", "Staff Member")),
    ("staff", " ", {"name": "Name the staff member who escorts the child."}),
    (None, "Someone", {"kind": "Choose who escorts the child."}),
])
def test_escort(session, coord, kind, name, expected):
    case = ready_minor(session, coord)
    call = lambda: record.minor_escort_set(session, coord, case_id=case.id,  # noqa: E731
                                           version=procedure(session, case).version, kind=kind, name=name)
    if isinstance(expected, dict):
        with pytest.raises(ValidationErrors) as err:
            call()
        assert err.value.errors == expected
    else:
        p = call()
        assert (p.escort_kind, p.escort_name) == expected


def test_guardian_as_escort_needs_a_guardian(session, coord):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    with pytest.raises(ValidationErrors) as err:
        record.minor_escort_set(session, coord, case_id=case.id, version=1, kind="guardian", name="")
    assert err.value.errors == {"name": "Name the escort, or record the guardian first."}


@pytest.mark.parametrize(("contact", "stored"), [
    ("+33 6 12 34 56 78", "+33612345678"),
    ("06 12 34 56 78", "+33612345678"),  # read as a number of the host country (FR)
    ("ase.paris@example.org", "ase.paris@example.org"),
    ("", ""),
])
def test_guardian_contact_phone_numbers_are_stored_in_e164(session, coord, contact, stored):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    p = record.minor_guardian_set(session, coord, case_id=case.id, version=1, name="G", organisation="",
                                  contact=contact)
    assert p.guardian_contact == stored


def test_guardian_fields_are_checked(session, coord):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    with pytest.raises(ValidationErrors) as err:
        record.minor_guardian_set(session, coord, case_id=case.id, version=1, name="", organisation="",
                                  contact="+33 12 34")
    assert set(err.value.errors) == {"name", "contact"}


def test_an_always_required_actor_stays_required(session, coord):
    case = ready_minor(session, coord)
    row = actor_row(session, case, "child_protection_return")
    with pytest.raises(ValidationErrors) as err:
        record.minor_actor_update(session, coord, minor_actor_id=row.id, version=row.version, required=False,
                                  contacted_on=None, agreed="", today=TODAY)
    assert err.value.errors == {"required": "Child-protection services, return country is always part of a "
                                            "child's return."}


def test_what_was_agreed_needs_the_date_of_the_contact(session, coord):
    case = ready_minor(session, coord)
    row = actor_row(session, case, "partner_organisation")
    with pytest.raises(ValidationErrors) as err:
        record.minor_actor_update(session, coord, minor_actor_id=row.id, version=row.version, required=True,
                                  contacted_on=None, agreed="School place found.", today=TODAY)
    assert err.value.errors == {"contacted_on": "Give the date of the contact in which this was agreed."}


def test_a_save_after_someone_elses_is_refused(session, coord):
    case = ready_minor(session, coord)
    other = make_actor(session, "coordinator", programmes=("CARE",), name="Other Coordinator")
    opened = procedure(session, case).version
    _bid(session, other, case, reasons="Saved first.")
    with pytest.raises(StaleEdit, match="Other Coordinator saved this record"):
        record.minor_bid_record(session, coord, case_id=case.id, version=opened, decided_on=date(2014, 9, 15),
                                body="Panel", person="Chair", outcome="no_return", reasons="Saved second.",
                                today=TODAY)
    assert procedure(session, case).bid_reasons == "Saved first."
    row = actor_row(session, case, "guardian")
    opened = row.version
    record.minor_actor_update(session, other, minor_actor_id=row.id, version=opened, required=True,
                              contacted_on=date(2014, 10, 2), agreed="First.", today=TODAY)
    with pytest.raises(StaleEdit):
        record.minor_actor_update(session, coord, minor_actor_id=row.id, version=opened, required=True,
                                  contacted_on=date(2014, 10, 3), agreed="Second.", today=TODAY)


@pytest.mark.parametrize("call", ["bid", "family", "actor", "escort"])
def test_what_was_decided_before_departure_stays_after_it(session, coord, call):
    case = minor_ready_to_depart(session, coord)
    stage_move(session, coord, case, Stage.DEPARTED, missing=missing_for(session, case, Stage.DEPARTED))
    with pytest.raises(DomainError, match="already departed"):
        CALLS[call](session, coord, case)


@pytest.mark.parametrize("call", [c for c in CALLS if c not in ("minor_file", "open")])
def test_a_closed_case_no_longer_changes(session, coord, call):
    case = ready_minor(session, coord)
    stage_move(session, coord, case, Stage.CLOSED, missing=missing_for(session, case, Stage.CLOSED))
    with pytest.raises(DomainError, match="closed"):
        CALLS[call](session, coord, case)


def test_a_closed_case_gets_no_new_procedure(session, coord):
    case = make_minor_case(session, stage="closed")
    with pytest.raises(DomainError, match="closed"):
        record.minor_procedure_open(session, coord, case_id=case.id)
    assert not minors.minor_file(session, coord, case_id=case.id, today=TODAY).opened


def test_handover_after_departure(session, coord):
    case = minor_ready_to_depart(session, coord, departure_date=date(2015, 1, 10))
    with pytest.raises(DomainError, match="once the child has departed"):
        CALLS["handover"](session, coord, case)
    stage_move(session, coord, case, Stage.DEPARTED, missing=missing_for(session, case, Stage.DEPARTED))
    with pytest.raises(ValidationErrors) as err:
        record.minor_handover_record(session, coord, case_id=case.id, version=procedure(session, case).version,
                                     handed_over_on=date(2015, 1, 9), handed_to="", today=TODAY)
    assert err.value.errors == {"handed_over_on": "The date of the handover cannot come before the departure (Jan 10, 2015).",
                                "handed_to": "This field is required."}
    p = record.minor_handover_record(session, coord, case_id=case.id, version=procedure(session, case).version,
                                     handed_over_on=date(2015, 1, 10), handed_to="Mother, with the social worker",
                                     today=TODAY)
    assert (p.handover_on, p.handover_to) == (date(2015, 1, 10), "Mother, with the social worker")


@pytest.mark.parametrize(("values", "errors"), [
    ({"step": "later"}, {"step": "Choose the step."}),
    ({"recorded_on": None}, {"recorded_on": "The date recorded is required."}),
    ({"recorded_on": date(2014, 3, 9)}, {"recorded_on": "The date recorded cannot come before the referral (Mar 10, 2014)."}),
    ({"words": " "}, {"words": "This field is required."}),
])
def test_child_views_fields(session, coord, values, errors):
    case = make_minor_case(session)
    call = {"step": "intake", "recorded_on": date(2014, 3, 12), "words": "I want to see my mother.", **values}
    with pytest.raises(ValidationErrors) as err:
        record.child_view_add(session, coord, case_id=case.id, today=TODAY, **call)
    assert err.value.errors == errors


def test_child_views_are_kept_in_order(session, coord):
    case = make_minor_case(session)
    record.child_view_add(session, coord, case_id=case.id, step="before_departure", recorded_on=date(2015, 1, 2),
                          words="A bit afraid, but I want to go.", today=TODAY)
    record.child_view_add(session, coord, case_id=case.id, step="intake", recorded_on=date(2014, 3, 12),
                          words="I want to see my mother.", today=TODAY)
    f = minors.minor_file(session, coord, case_id=case.id, today=TODAY)
    assert [(v.step, v.words, v.recorded_by) for v in f.views] == [
        ("intake", "I want to see my mother.", coord.name),
        ("before_departure", "A bit afraid, but I want to go.", coord.name)]
    assert len(session.exec(select(ChildView)).all()) == 2


# --- the case file and the indicators --------------------------------------------------


def test_case_section_for_coordinators_and_others(session, coord):
    case = ready_minor(session, coord)
    section = minors.case_section(session, coord, case, today=TODAY)
    rows = dict(section.rows)
    assert rows["Age at referral"] == "15" and rows["Age today"] == "16"
    assert rows["Guardian"] == "recorded (hidden)" and rows["Best-interests decision"] == (
        "Return is in the child's best interests")
    assert "Guardian Test" not in json.dumps([section.rows, section.tables[0].rows])
    assert "Guardian Test" in dict(minors.case_section(session, coord, case, today=TODAY, show_names=True).rows)[
        "Guardian"]
    assert any(line.endswith(" · Coordination recorded: Guardian") for line in section.history)
    assert section.history[-1].endswith(" · Minors' procedure opened")
    focal = make_actor(session, "focal_point", countries=("FR",))
    limited = minors.case_section(session, focal, case, today=TODAY)
    assert dict(limited.rows)["Minors' procedure"] == "Followed by the coordination team"
    assert not limited.tables and "Guardian" not in dict(limited.rows)


def test_minors_by_stage(session, coord):
    ready_minor(session, coord, stage="plan_approved")
    make_minor_case(session, stage="assessed")
    make_minor_case(session, stage="assessed")
    make_case(session, stage="assessed")  # an adult
    make_minor_case(session, programme="TACT", ret="AL", stage="assessed")
    care = session.exec(select(Case.programme_id).where(Case.code.like("CARE-%"))).first()
    manager = make_actor(session, "manager", programmes=("CARE",))
    for who in (coord, manager):
        counts = minors.minors_by_stage(session, who, care)
        assert counts["assessed"] == 2 and counts["plan_approved"] == 1 and sum(counts.values()) == 3
        assert list(counts) == [s.value for s in Stage]
    for who in (make_actor(session, "focal_point", countries=("FR",)), make_actor(session, "admin"),
                make_actor(session, "manager", programmes=("TACT",))):
        with pytest.raises(NotPermitted):
            minors.minors_by_stage(session, who, care)
