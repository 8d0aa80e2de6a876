"""The "Departure and arrival" and "Follow-up log" pages, driven as a person would (AppTest).

Each test writes its own case into the shared demo database (a code no demo case uses), so
that it does not depend on which demo case happens to be first in a list.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from care import journey, users
from care.journey import ARRIVAL_ITEMS, ChecklistEntry
from db.engine import engine_for, session_scope
from db.models import Case, ChecklistItem, Draft, FollowUp, Identity, Plan, PlanLine, Programme
from tests.factories_journey import DETAILS
from tests.test_pages import errors, signed_in

_numbers = itertools.count(1)
REFERRED = date(2015, 3, 2)
DEPARTED = date(2015, 6, 1)
ARRIVED = date(2015, 6, 2)


def _new_case(s, *, stage: str) -> Case:
    """A CARE case from Spain to Nigeria with an approved plan, written straight into the demo database."""
    coord = users.actor_load(s, "coord")
    programme = s.exec(select(Programme.id).where(Programme.code == "CARE")).one()
    case = Case(code=f"TEST-JOURNEY-{next(_numbers):04d}", programme_id=programme, host_country="ES",
                return_country="NG", referral_date=REFERRED, identified_by="ngo", sex="Female",
                birth_date=date(1993, 4, 1), nationality="NG", stage=stage, consent_processing_on=REFERRED,
                consent_method="written", consent_followup=True, risk_level="low")
    s.add(case)
    s.flush()
    s.add(Identity(case_id=case.id, given_names="Test", family_names="Journey"))
    plan = Plan(case_id=case.id, revision_no=1, status="approved", author_id=coord.id)
    s.add(plan)
    s.flush()
    s.add(PlanLine(plan_id=plan.id, category="economic", subcategory="income_generating",
                   description="Start-up kit: food stall", amount=Decimal("900.00"), currency="EUR",
                   amount_programme=Decimal("900.00")))
    return case


def _by_key(widgets, suffix: str):
    found = [w for w in widgets if str(w.key).endswith(suffix)]
    assert len(found) == 1, (suffix, [w.key for w in widgets])
    return found[0]


def _chosen_followup(at, case_id: int):
    """The "follow-up to log" choice (its key changes when the choice moves on)."""
    found = [b for b in at.selectbox if str(b.key).startswith(f"followup_choice_{case_id}_")]
    assert len(found) == 1
    return found[0]


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def db(demo_db_url):
    return engine_for(demo_db_url)


def test_host_focal_point_fills_the_checklist_and_records_the_departure(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = signed_in("../pages/journey.py", "fp.es")
    at.run()
    at.text_input(key="journey_code").input(code).run()
    assert not at.exception and [t.value for t in at.title] == ["Departure and arrival"]
    assert any("Travel document obtained" in w.value for w in at.warning)  # what still stops the departure
    assert not [w for w in at.date_input if str(w.key).startswith("checklist_arrival")], "the return side: read only"

    # A first try with the flight booked but no flight date and no route.
    day = date(2015, 5, 20)
    for item in ("travel_document", "fit_to_travel", "return_counselling", "flight_booked", "arrival_accommodation"):
        _by_key(at.date_input, f"_{item}_done_on").set_value(day)
    _by_key(at.text_input, "_travel_document_note").input("Passport issued by the embassy")
    _button(at, "Save the checklist").click().run()
    assert "Give the flight date." in errors(at) and "Give the route, for example CDG-LOS." in errors(at)
    assert _by_key(at.date_input, "_travel_document_done_on").value == day  # nothing typed is lost
    assert _by_key(at.text_input, "_travel_document_note").value == "Passport issued by the embassy"
    with session_scope(db) as s:
        assert s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case_id)).all() == []

    _by_key(at.date_input, "_flight_booked_flight_date").set_value(DEPARTED)
    _by_key(at.text_input, "_flight_booked_route").input("MAD-LOS")
    _by_key(at.date_input, "_return_office_informed_done_on").set_value(day)
    _by_key(at.text_input, "_return_office_informed_receiving_focal_point").input("Return office, Lagos (test)")
    _by_key(at.date_input, "_arrival_accommodation_done_on").set_value(day)
    _button(at, "Save the checklist").click().run()
    assert not errors(at) and [s.value for s in at.success] == ["Saved."]
    assert not at.warning

    _by_key(at.date_input, "depart_" + str(case_id) + "_date").set_value(DEPARTED)
    _button(at, "Record the departure").click().run()
    assert not errors(at), errors(at)
    with session_scope(db) as s:
        case = s.get(Case, case_id)
        assert (case.stage, case.departure_date) == ("departed", DEPARTED)
        items = s.exec(select(ChecklistItem).where(ChecklistItem.case_id == case_id)).all()
        assert len(items) == 6 and all(i.done_on == day for i in items)
        assert {i.done_by_id for i in items} == {users.actor_load(s, "fp.es").id}


def test_return_focal_point_records_the_arrival(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="departed")
        case.departure_date = DEPARTED
        case_id, code = case.id, case.code
    at = signed_in("../pages/journey.py", "fp.ng")
    at.run()
    at.text_input(key="journey_code").input(code).run()
    _button(at, "Record the arrival").click().run()
    assert "The arrival date is required." in errors(at)
    _by_key(at.date_input, f"arrive_{case_id}_date").set_value(ARRIVED)
    _button(at, "Record the arrival").click().run()
    assert not errors(at), errors(at)
    with session_scope(db) as s:
        assert s.get(Case, case_id).stage == "arrived"
        due = s.exec(select(FollowUp.due_on).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).all()
        assert due == [date(2015, 7, 2), date(2015, 9, 2), date(2015, 12, 2), date(2016, 6, 2)]


def _in_follow_up(db) -> tuple[int, str]:
    """A new case that arrived on 2 June 2015, its arrival assistance over: in follow-up."""
    with session_scope(db) as s:
        case = _new_case(s, stage="departed")
        case.departure_date = DEPARTED
        coord = users.actor_load(s, "coord")
        journey.case_arrive(s, coord, case.id, arrival_date=ARRIVED, today=ARRIVED)
        journey.checklist_save(s, coord, case.id, side="arrival", today=date(2015, 6, 20), entries=[
            ChecklistEntry(item, done_on=ARRIVED, details=DETAILS.get(item, {})) for item in ARRIVAL_ITEMS])
        return case.id, case.code


def test_return_focal_point_logs_a_follow_up(db):
    case_id, code = _in_follow_up(db)
    at = signed_in("../pages/followup.py", "fp.ng")
    at.run()
    assert [t.value for t in at.title] == ["Follow-up log"] and not errors(at)
    at.text_input(key="followup_code_0").input(code).run()
    choice = _chosen_followup(at, case_id)
    assert choice.options[choice.index].startswith("1 month after return")  # the most urgent first

    # A date before the arrival: refused, with everything typed kept.
    _by_key(at.date_input, "_done_on").set_value(date(2015, 5, 30))
    _by_key(at.segmented_control, "_mode").set_value("phone")
    _by_key(at.text_input, "_living_where").input("With her sister, Benin City")
    _by_key(at.text_area, "_wellbeing").input("Sleeping better; started the food stall.")
    _by_key(at.segmented_control, "_score_safety_feeling").set_value(4)
    _button(at, "Log the follow-up").click().run()
    assert "The date of the follow-up cannot come before the arrival (Jun 2, 2015)." in errors(at)
    assert _by_key(at.text_area, "_wellbeing").value == "Sleeping better; started the food stall."
    assert _by_key(at.segmented_control, "_score_safety_feeling").value == 4
    assert _by_key(at.segmented_control, "_mode").value == "phone"

    _by_key(at.date_input, "_done_on").set_value(date(2015, 7, 3))
    _button(at, "Log the follow-up").click().run()
    assert not errors(at) and "Follow-up logged. Next follow-up: 3 months after return, overdue since September 2, 2015" in [
        s.value for s in at.success]
    choice = _chosen_followup(at, case_id)
    assert choice.options[choice.index].startswith("3 months after return")  # on to the next one
    with session_scope(db) as s:
        first = s.exec(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).first()
        assert (first.status, first.done_on, first.mode, first.living_where) == (
            "done", date(2015, 7, 3), "phone", "With her sister, Benin City")
        assert s.get(Case, case_id).stage == "follow_up"


def test_consent_withdrawn_from_the_page_stops_the_follow_ups(db):
    case_id, code = _in_follow_up(db)
    at = signed_in("../pages/followup.py", "fp.ng")
    at.run()
    at.text_input(key="followup_code_0").input(code).run()
    _button(at, "Withdraw consent and cancel the follow-ups").click().run()
    at.button(key=f"_confirm_withdraw_{case_id}_go").click().run()  # the dialog says what will happen
    assert "The day consent was withdrawn is required." in errors(at)
    at.date_input(key=f"withdraw_{case_id}_date").set_value(date(2015, 8, 1))
    _button(at, "Withdraw consent and cancel the follow-ups").click().run()
    at.button(key=f"_confirm_withdraw_{case_id}_go").click().run()
    assert not errors(at) and "Consent withdrawn: the remaining follow-ups are cancelled." in [
        s.value for s in at.success]
    assert any("withdrew consent to follow-up on Aug 1, 2015" in i.value for i in at.info)
    assert "This case can now be closed as: Withdrew consent. Close it from the case file." in [
        s.value for s in at.success]
    assert not [b for b in at.button if b.label == "Log the follow-up"]
    with session_scope(db) as s:
        statuses = s.exec(select(FollowUp.status).where(FollowUp.case_id == case_id)).all()
        assert statuses == ["cancelled"] * 4


def test_two_people_on_one_checklist(db):
    """Items someone else completed while the form was open are kept; the same item is refused, with who."""
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = signed_in("../pages/journey.py", "fp.es")
    at.run()
    at.text_input(key="journey_code").input(code).run()
    day = date(2015, 5, 20)
    with session_scope(db) as s:  # the coordinator, meanwhile, on another item
        journey.checklist_save(s, users.actor_load(s, "coord"), case_id, side="departure", today=day,
                               entries=[ChecklistEntry("travel_document", done_on=day, note="By the coordinator")])
    _by_key(at.date_input, "_fit_to_travel_done_on").set_value(day)
    _button(at, "Save the checklist").click().run()
    assert not errors(at) and [s.value for s in at.success] == ["Saved."]
    assert _by_key(at.text_input, "_travel_document_note").value == "By the coordinator"  # reopened on the news

    with session_scope(db) as s:  # and now on the same item as the focal point
        journey.checklist_save(s, users.actor_load(s, "coord"), case_id, side="departure", today=day,
                               entries=[ChecklistEntry("return_counselling", done_on=day, note="In Yoruba")])
    _by_key(at.text_input, "_return_counselling_note").input("In English")
    _button(at, "Save the checklist").click().run()
    assert any(e.startswith("Claire Fontanel saved this record on") for e in errors(at)), errors(at)
    assert _by_key(at.text_input, "_return_counselling_note").value == "In English"  # kept, not overwritten
    _button(at, "Reload the checklist").click().run()
    assert not errors(at) and _by_key(at.text_input, "_return_counselling_note").value == "In Yoruba"
    with session_scope(db) as s:
        notes = dict(s.exec(select(ChecklistItem.item, ChecklistItem.note)
                            .where(ChecklistItem.case_id == case_id)).all())
        assert notes == {"travel_document": "By the coordinator", "fit_to_travel": "", "return_counselling": "In Yoruba"}


# --- drafts: a checklist typed and left is offered again; discarding asks first ---------------


def _open_journey(code: str):
    at = signed_in("../pages/journey.py", "fp.es")
    at.run()
    at.text_input(key="journey_code").input(code).run()
    return at


def _journey_drafts(db, case_id: int) -> list[Draft]:
    with session_scope(db) as s:
        return list(s.exec(select(Draft).where(Draft.case_id == case_id)).all())


def test_a_checklist_left_unsaved_is_offered_again_then_resumed_or_discarded(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = _open_journey(code)
    _by_key(at.text_input, "_travel_document_note").input("Passport at the embassy, ready Friday").run()
    assert not errors(at)
    assert [d.form for d in _journey_drafts(db, case_id)] == ["checklist_departure"]

    at = _open_journey(code)  # another session: the tab was closed
    assert any(i.value.startswith("Draft from ") and i.value.endswith(", not yet logged.") for i in at.info)
    assert not [w for w in at.text_input if str(w.key).endswith("_travel_document_note")], "offered first"
    _button(at, "Resume the draft").click().run()
    assert _by_key(at.text_input, "_travel_document_note").value == "Passport at the embassy, ready Friday"

    at = _open_journey(code)
    _button(at, "Discard the draft").click().run()
    assert any(w.value == "Discard the draft? What it holds is lost." for w in at.warning)
    assert len(_journey_drafts(db, case_id)) == 1, "nothing is discarded before the confirmation"
    _button(at, "Keep it").click().run()
    _button(at, "Discard the draft").click().run()
    _button(at, "Yes, discard it").click().run()
    assert _journey_drafts(db, case_id) == []
    assert _by_key(at.text_input, "_travel_document_note").value == ""


def test_saving_the_checklist_drops_its_draft(db):
    with session_scope(db) as s:
        case = _new_case(s, stage="plan_approved")
        case_id, code = case.id, case.code
    at = _open_journey(code)
    _by_key(at.text_input, "_travel_document_note").input("Passport requested").run()
    assert len(_journey_drafts(db, case_id)) == 1
    _button(at, "Save the checklist").click().run()
    assert not errors(at) and "Saved." in [s.value for s in at.success]
    assert _journey_drafts(db, case_id) == []
