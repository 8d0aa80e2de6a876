"""Departure and arrival: the departure gate, the schedule planned on arrival, the two sides' scoping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from care import journey, stage_rules
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.journey import ARRIVAL_ITEMS, DEPARTURE_ITEMS, ChecklistEntry, case_arrive, case_depart, checklist_save
from care.schedule import add_months, followups_schedule
from care.vocab import Stage
from db.models import AuditEvent, ChecklistItem, FollowUp
from tests.factories import make_actor, make_case
from tests.factories_journey import DETAILS, approved_case, arrival_done, departure_done, entries
from tests.factories_minors import complete_procedure
from tests.factories_path import arrived_case

DAY = date(2014, 5, 20)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE", "CH_VOT"), name="Claire Coordinator")


# --- the departure gate ---------------------------------------------------------------


@pytest.mark.parametrize(("stage", "filled", "missing"), [
    ("assessed", {}, ["an approved reintegration plan", *[DEPARTURE_ITEMS[i] for i in DEPARTURE_ITEMS]]),
    ("plan_approved", {}, [DEPARTURE_ITEMS[i] for i in DEPARTURE_ITEMS]),
    ("plan_approved", {i: "done" for i in DEPARTURE_ITEMS}, []),
    ("plan_approved", {**{i: "done" for i in DEPARTURE_ITEMS}, "arrival_accommodation": "not_needed"}, []),
    ("plan_approved", {**{i: "done" for i in DEPARTURE_ITEMS}, "fit_to_travel": "open"},
     [DEPARTURE_ITEMS["fit_to_travel"]]),
    ("plan_approved", {"travel_document": "done", "flight_booked": "done"},
     [DEPARTURE_ITEMS[i] for i in DEPARTURE_ITEMS if i not in ("travel_document", "flight_booked")]),
])
def test_departure_needs_the_plan_and_every_needed_item(session, coord, stage, filled, missing):
    case = approved_case(session, coord, stage=stage)
    for item, state in filled.items():
        session.add(ChecklistItem(case_id=case.id, side="departure", item=item, needed=state != "not_needed",
                                  done_on=DAY if state == "done" else None))
    session.flush()
    assert journey.departed_missing(session, case) == missing
    assert stage_rules.missing_for(session, case, Stage.DEPARTED) == missing


def test_departure_refused_while_something_is_missing_then_recorded(session, coord):
    case = approved_case(session, coord)
    with pytest.raises(DomainError, match="Not yet: Travel document obtained; Fit to travel") as err:
        case_depart(session, coord, case.id, departure_date=DAY, today=DAY)
    assert err.value.field == "stage" and case.stage == "plan_approved" and case.departure_date is None
    departure_done(session, coord, case, DAY)
    case_depart(session, coord, case.id, departure_date=DAY + timedelta(days=1), today=DAY + timedelta(days=1))
    assert case.stage == "departed" and case.departure_date == DAY + timedelta(days=1)
    moves = session.exec(select(AuditEvent.detail).where(AuditEvent.action == "case.stage")).all()
    assert any('"to": "departed"' in m and "2014-05-21" in m for m in moves)


@pytest.mark.parametrize(("day", "message"), [
    (None, "The departure date is required."),
    (DAY + timedelta(days=1), "cannot be in the future"),
    (date(2014, 3, 1), "before the referral"),
    (DAY - timedelta(days=1), "A pre-departure item was done after this date"),
])
def test_departure_date_is_checked(session, coord, day, message):
    case = approved_case(session, coord)
    departure_done(session, coord, case, DAY)
    with pytest.raises(ValidationErrors) as err:
        case_depart(session, coord, case.id, departure_date=day, today=DAY)
    assert message in err.value.errors["departure_date"]


def test_a_minor_departs_only_when_the_minors_procedure_is_complete(session, coord):
    """The minors' rule (the minors' work, listed in the same entry checks) stops the departure too."""
    child = approved_case(session, coord, is_minor=True, birth_date=date(1998, 1, 1))
    adult = approved_case(session, coord)
    for case in (child, adult):
        departure_done(session, coord, case, DAY)
    view = journey.checklists(session, coord, child.id)
    assert view.minors_missing == ("best-interests decision not recorded",
                                   "family assessment in the return country not done",
                                   "coordination with the actors in both countries not recorded", "no escort named")
    assert view.departure_missing == view.minors_missing  # the checklist itself is done
    with pytest.raises(DomainError, match="Not yet: best-interests decision not recorded"):
        case_depart(session, coord, child.id, departure_date=DAY, today=DAY)
    assert child.stage == "plan_approved"
    assert journey.checklists(session, coord, adult.id).minors_missing == ()
    case_depart(session, coord, adult.id, departure_date=DAY, today=DAY)
    assert adult.stage == "departed"
    complete_procedure(session, coord, child, on=DAY)
    assert journey.checklists(session, coord, child.id).departure_missing == ()
    case_depart(session, coord, child.id, departure_date=DAY, today=DAY)
    assert child.stage == "departed"


# --- saving a checklist -----------------------------------------------------------------


@pytest.mark.parametrize(("side", "item", "change", "field", "message"), [
    ("departure", "travel_document", {"done_on": DAY + timedelta(days=1)}, "travel_document_done_on", "future"),
    ("departure", "travel_document", {"done_on": date(2014, 1, 2)}, "travel_document_done_on", "before the referral"),
    ("departure", "fit_to_travel", {"needed": False, "done_on": DAY}, "fit_to_travel_done_on", "not needed"),
    ("departure", "flight_booked", {"details": {"route": "MAD-LOS"}}, "flight_booked_flight_date",
     "Give the flight date"),
    ("departure", "flight_booked", {"details": {"flight_date": DAY}}, "flight_booked_route", "Give the route"),
    ("departure", "return_office_informed", {"details": {}}, "return_office_informed_receiving_focal_point",
     "Name the receiving focal point"),
    ("departure", "travel_document", {"note": "x" * 1001}, "travel_document_note", "At most 1000 characters"),
    ("arrival", "temporary_shelter", {"details": {}}, "temporary_shelter_done_on", "not departed yet"),
])
def test_a_bad_item_is_refused_by_its_field(session, coord, side, item, change, field, message):
    case = approved_case(session, coord)
    items = DEPARTURE_ITEMS if side == "departure" else ARRIVAL_ITEMS
    with pytest.raises(ValidationErrors) as err:
        checklist_save(session, coord, case.id, side=side, entries=entries(items, done_on=DAY, **{item: change}),
                       today=DAY)
    assert message in err.value.errors[field]
    assert session.exec(select(ChecklistItem).where(ChecklistItem.case_id == case.id)).all() == []


@pytest.mark.parametrize(("nights", "message"), [(None, "Give the number of nights"), (0, "from 1 to 365"),
                                                 (400, "from 1 to 365")])
def test_shelter_nights_are_counted(session, coord, nights, message):
    case = approved_case(session, coord)
    departure_done(session, coord, case, DAY)
    case_depart(session, coord, case.id, departure_date=DAY, today=DAY)
    bad = entries(ARRIVAL_ITEMS, done_on=DAY, temporary_shelter={"details": {"nights": nights}})
    with pytest.raises(ValidationErrors) as err:
        checklist_save(session, coord, case.id, side="arrival", entries=bad, today=DAY)
    assert message in err.value.errors["temporary_shelter_nights"]


def test_a_save_writes_only_what_changed_and_records_who(session, coord):
    other = make_actor(session, "coordinator", programmes=("CARE",), name="Other Coordinator")
    case = approved_case(session, coord)
    checklist_save(session, coord, case.id, side="departure",
                   entries=[ChecklistEntry("travel_document", done_on=DAY, note="Passport issued")], today=DAY)
    row = session.exec(select(ChecklistItem).where(ChecklistItem.item == "travel_document")).one()
    assert (row.done_on, row.done_by_id, row.note, row.side, row.version) == (DAY, coord.id, "Passport issued",
                                                                             "departure", 1)
    # An untouched item writes nothing; a note changed keeps who did it.
    checklist_save(session, other, case.id, side="departure", today=DAY, entries=[
        ChecklistEntry("travel_document", done_on=DAY, note="Passport issued, valid 10 years", version=1),
        ChecklistEntry("fit_to_travel")])
    session.refresh(row)
    assert row.version == 2 and row.done_by_id == coord.id and row.updated_by_id == other.id
    assert session.exec(select(ChecklistItem).where(ChecklistItem.item == "fit_to_travel")).first() is None
    view = journey.checklists(session, coord, case.id)
    assert view.departure[0].done_by == "Claire Coordinator" and view.departure[0].version == 2
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "checklist.save")).all()


def test_two_people_on_one_checklist_never_overwrite_each_other(session, coord):
    other = make_actor(session, "coordinator", programmes=("CARE",), name="Other Coordinator")
    case = approved_case(session, coord)
    checklist_save(session, coord, case.id, side="departure", entries=[ChecklistEntry("travel_document", done_on=DAY)],
                   today=DAY)
    opened = {r.item: r.version for r in journey.checklists(session, coord, case.id).departure}
    checklist_save(session, other, case.id, side="departure", today=DAY,
                   entries=[ChecklistEntry("travel_document", done_on=DAY, note="By the other",
                                           version=opened["travel_document"])])
    with pytest.raises(StaleEdit, match="Other Coordinator saved this record"):
        checklist_save(session, coord, case.id, side="departure", today=DAY,
                       entries=[ChecklistEntry("travel_document", done_on=DAY, note="Mine",
                                               version=opened["travel_document"])])
    # An item the other did not touch is saved; one they created after the form opened is refused.
    checklist_save(session, coord, case.id, side="departure", today=DAY,
                   entries=[ChecklistEntry("fit_to_travel", done_on=DAY, version=opened["fit_to_travel"])])
    checklist_save(session, other, case.id, side="departure", today=DAY,
                   entries=[ChecklistEntry("flight_booked", needed=False)])
    with pytest.raises(StaleEdit):
        checklist_save(session, coord, case.id, side="departure", today=DAY,
                       entries=[ChecklistEntry("flight_booked", done_on=DAY, details=DETAILS["flight_booked"],
                                               version=opened["flight_booked"])])


@pytest.mark.parametrize(("stage", "side", "message"), [
    ("referred", "departure", "opens once the case is eligible"),
    ("departed", "departure", "has departed"),
    ("assessed", "arrival", "opens once the plan is approved"),
    ("follow_up", "arrival", "arrival assistance is over"),
])
def test_each_side_is_open_only_at_its_stages(session, coord, stage, side, message):
    case = approved_case(session, coord, stage=stage)
    with pytest.raises(DomainError, match=message):
        checklist_save(session, coord, case.id, side=side, entries=[], today=DAY)


# --- arrival, the schedule, follow-up --------------------------------------------------


def test_arrival_plans_the_programmes_follow_ups(session, coord):
    case = arrived_case(session, coord, departed=date(2014, 6, 2), arrived=date(2014, 6, 3))
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).all()
    assert [(f.months_after, f.due_on, f.status, f.kind) for f in rows] == [
        (1, date(2014, 7, 3), "planned", "scheduled"), (3, date(2014, 9, 3), "planned", "scheduled"),
        (6, date(2014, 12, 3), "planned", "scheduled"), (12, date(2015, 6, 3), "planned", "scheduled")]
    assert case.stage == "arrived" and case.arrival_date == date(2014, 6, 3)
    assert followups_schedule(session, case, case.arrival_date) == []  # idempotent
    assert len(session.exec(select(FollowUp).where(FollowUp.case_id == case.id)).all()) == 4
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "followup.schedule")).one()
    assert event.case_id == case.id and "[1, 3, 6, 12]" in event.detail


@pytest.mark.parametrize(("programme", "minor", "months"), [
    ("CARE", False, [1, 3, 6, 12]), ("CARE", True, [1, 2, 3, 6, 9, 12]), ("CH_VOT", False, [3, 6, 12]),
    ("CH_VOT", True, [1, 3, 6, 12]),
])
def test_the_schedule_follows_the_programme_and_the_age(session, coord, programme, minor, months):
    referral = date(2014, 3, 10) if programme == "CARE" else date(2025, 3, 10)
    case = arrived_case(session, coord, programme=programme, host="FR" if programme == "CARE" else "CH",
                        is_minor=minor, referral_date=referral, departed=referral + timedelta(days=80),
                        arrived=referral + timedelta(days=81))
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).all()
    assert [f.months_after for f in rows] == months
    assert [f.due_on for f in rows] == [add_months(case.arrival_date, m) for m in months]


def test_no_follow_up_is_planned_without_consent(session, coord):
    case = arrived_case(session, coord, consent_followup=False)
    assert case.stage == "arrived"
    assert session.exec(select(FollowUp).where(FollowUp.case_id == case.id)).all() == []


@pytest.mark.parametrize(("day", "months", "due"), [
    (date(2014, 1, 31), 1, date(2014, 2, 28)), (date(2016, 1, 31), 1, date(2016, 2, 29)),
    (date(2014, 11, 15), 3, date(2015, 2, 15)), (date(2014, 6, 3), 12, date(2015, 6, 3)),
])
def test_add_months_keeps_the_day_or_the_months_last(day, months, due):
    assert add_months(day, months) == due


@pytest.mark.parametrize(("day", "message"), [
    (None, "The arrival date is required."), (date(2014, 6, 1), "before the departure"),
    (date(2014, 6, 10), "cannot be in the future"),
])
def test_arrival_date_is_checked(session, coord, day, message):
    case = approved_case(session, coord)
    departure_done(session, coord, case)
    case_depart(session, coord, case.id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    with pytest.raises(ValidationErrors) as err:
        case_arrive(session, coord, case.id, arrival_date=day, today=date(2014, 6, 5))
    assert message in err.value.errors["arrival_date"]
    assert case.stage == "departed"


def test_the_case_is_in_follow_up_once_the_arrival_assistance_is_over(session, coord):
    case = arrived_case(session, coord)
    assert journey.checklists(session, coord, case.id).follow_up_missing == tuple(ARRIVAL_ITEMS.values())
    partial = entries(ARRIVAL_ITEMS, done_on=date(2014, 6, 3), first_counselling={"done_on": None})
    checklist_save(session, coord, case.id, side="arrival", entries=partial, today=date(2014, 6, 3))
    assert case.stage == "arrived"
    assert journey.checklists(session, coord, case.id).follow_up_missing == (ARRIVAL_ITEMS["first_counselling"],)
    arrival_done(session, coord, case, date(2014, 6, 20))
    assert case.stage == "follow_up"


def test_nothing_needed_on_arrival_goes_straight_to_follow_up(session, coord):
    case = approved_case(session, coord)
    departure_done(session, coord, case)
    checklist_save(session, coord, case.id, side="arrival", entries=entries(ARRIVAL_ITEMS, done_on=None,
                                                                            needed=False), today=DAY)
    case_depart(session, coord, case.id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    case_arrive(session, coord, case.id, arrival_date=date(2014, 6, 2), today=date(2014, 6, 2))
    assert case.stage == "follow_up"
    stages = [e for e in session.exec(select(AuditEvent.detail).where(AuditEvent.action == "case.stage")).all()]
    assert [s.split('"to": "')[1].split('"')[0] for s in stages] == ["departed", "arrived", "follow_up"]


# --- the two sides: a focal point of each, on one case ---------------------------------


@pytest.fixture
def sides(session, coord):
    fp_es = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",), name="FP Spain")
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",), name="FP Nigeria")
    fp_fr = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",))
    fp_ng_tact = make_actor(session, "focal_point", countries=("NG",), programmes=("TACT",))
    case = approved_case(session, coord, host="ES", ret="NG")
    return case, fp_es, fp_ng, fp_fr, fp_ng_tact


def test_each_side_works_on_its_own_items(session, sides):
    case, fp_es, fp_ng, fp_fr, fp_ng_tact = sides
    assert journey.checklists(session, fp_es, case.id).editable == {"departure"}
    assert journey.checklists(session, fp_ng, case.id).editable == {"arrival"}
    for stranger in (fp_fr, fp_ng_tact):
        with pytest.raises(NotPermitted, match="No such case"):
            journey.checklists(session, stranger, case.id)
    with pytest.raises(NotPermitted, match="host country"):
        checklist_save(session, fp_ng, case.id, side="departure", entries=entries(DEPARTURE_ITEMS, done_on=DAY),
                       today=DAY)
    departure_done(session, fp_es, case)
    with pytest.raises(NotPermitted, match="host country"):
        case_depart(session, fp_ng, case.id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    case_depart(session, fp_es, case.id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    with pytest.raises(NotPermitted, match="return country"):
        checklist_save(session, fp_es, case.id, side="arrival", entries=[], today=DAY)
    with pytest.raises(NotPermitted, match="return country"):
        case_arrive(session, fp_es, case.id, arrival_date=date(2014, 6, 3), today=date(2014, 6, 3))
    case_arrive(session, fp_ng, case.id, arrival_date=date(2014, 6, 3), today=date(2014, 6, 3))
    arrival_done(session, fp_ng, case, date(2014, 6, 10))
    assert case.stage == "follow_up"
    # Both sides read the whole checklist; after departure nobody edits the departure side.
    view = journey.checklists(session, fp_es, case.id)
    assert all(r.done_on for r in view.arrival) and view.editable == frozenset()
    assert journey.checklists(session, fp_ng, case.id).departure[0].done_by == "FP Spain"


def test_coming_departures_and_arrivals_for_the_people_concerned(session, coord, sides):
    case, fp_es, fp_ng, fp_fr, _tact = sides
    today = date(2014, 5, 25)
    departure_done(session, fp_es, case)  # flight on 2 June 2014: in 8 days
    later = approved_case(session, coord, host="ES", ret="NG")
    checklist_save(session, fp_es, later.id, side="departure", today=DAY, entries=[ChecklistEntry(
        "flight_booked", done_on=DAY, details={**DETAILS["flight_booked"], "flight_date": date(2014, 7, 1)})])
    for actor in (coord, fp_es, fp_ng):
        coming = journey.journeys_coming(session, actor, today=today)
        assert [(j.case_id, j.on, j.route, j.late) for j in coming] == [
            (case.id, date(2014, 6, 2), "MAD-LOS via CMN", False)]
    assert journey.journeys_coming(session, fp_fr, today=today) == []
    # Once departed, the arrival stays on the return side's list until it is recorded.
    case_depart(session, fp_es, case.id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    after = date(2014, 6, 5)
    assert [j.late for j in journey.journeys_coming(session, fp_ng, today=after)] == [True]
    assert journey.journeys_coming(session, fp_es, today=after) == []
    case_arrive(session, fp_ng, case.id, arrival_date=date(2014, 6, 3), today=after)
    assert journey.journeys_coming(session, fp_ng, today=after) == []
    # A flight day past without a departure recorded stays on the host side's list.
    late = date(2014, 7, 5)
    assert [(j.case_id, j.late, journey.journey_status(j)) for j in journey.journeys_coming(session, fp_es, today=late)] \
        == [(later.id, True, "Flight day passed: departure to record")]
    assert journey.journeys_coming(session, fp_ng, today=late) == []
    assert [j.case_id for j in journey.journeys_coming(session, coord, today=late)] == [later.id]


def test_case_section_shows_both_sides_and_the_dates(session, coord):
    assert journey.case_section(session, coord, approved_case(session, coord)) is None
    case = arrived_case(session, coord)
    section = journey.case_section(session, coord, case)
    assert section.title == "Departure and arrival"
    assert ("Departure date", "Jun 2, 2014") in section.rows and ("Arrival date", "Jun 3, 2014") in section.rows
    before, after = section.tables
    assert before.rows[3][:3] == ["Flight booked", "Yes", "May 20, 2014"]
    assert "flight Jun 2, 2014 MAD-LOS via CMN" in before.rows[3][4]
    assert len(after.rows) == len(ARRIVAL_ITEMS)


def test_the_checklist_of_an_unknown_side_or_item_is_refused(session, coord):
    case = make_case(session, stage="plan_approved")
    with pytest.raises(DomainError, match="not an item of this checklist"):
        checklist_save(session, coord, case.id, side="departure", entries=[ChecklistEntry("airport_reception")],
                       today=DAY)
    with pytest.raises(ValueError):
        checklist_save(session, coord, case.id, side="elsewhere", entries=[], today=DAY)


def test_the_item_codes_are_those_the_demo_data_writes():
    from seeds import demo

    assert tuple(DEPARTURE_ITEMS) == demo.DEPARTURE_ITEMS and tuple(ARRIVAL_ITEMS) == demo.ARRIVAL_ITEMS


@pytest.mark.parametrize(("change", "same"), [
    ({}, True), ({"note": "  "}, True), ({"details": {"route": "MAD-LOS ", "flight_date": date(2014, 6, 2)}}, True),
    ({"note": "Booked by phone"}, False), ({"needed": False}, False), ({"done_on": DAY}, False),
    ({"details": {"route": "MAD-LOS", "flight_date": date(2014, 6, 3)}}, False),
])
def test_a_form_sends_only_what_the_user_changed(change, same):
    row = journey.ChecklistRow("flight_booked", "Flight booked", True, None, "", "",
                               {"route": "MAD-LOS", "flight_date": date(2014, 6, 2)}, 3)
    values = {"item": row.item, "needed": row.needed, "done_on": row.done_on, "note": row.note,
              "details": row.details, "version": row.version} | change
    assert journey.unchanged(ChecklistEntry(**values), row) is same


def test_home_lists_the_most_urgent_journeys_and_counts_the_others(session, coord, sides, monkeypatch):
    from care import mywork

    case, fp_es, _fp_ng, _fp_fr, _tact = sides
    departure_done(session, fp_es, case)  # flight on 2 June 2014
    later = approved_case(session, coord, host="ES", ret="NG")
    checklist_save(session, fp_es, later.id, side="departure", today=DAY, entries=[ChecklistEntry(
        "flight_booked", done_on=DAY, details={**DETAILS["flight_booked"], "flight_date": date(2014, 5, 20)})])
    monkeypatch.setattr(mywork, "LIST_LIMIT", 1)
    work = mywork.my_work(session, coord, today=date(2014, 5, 25))
    assert [(j.case_id, j.late) for j in work.journeys] == [(later.id, True)]  # the late one first
    assert work.journeys_total == 2
