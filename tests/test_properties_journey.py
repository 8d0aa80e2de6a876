"""Hostile notes, dates and scores in the checklists and the follow-up log: stored exactly, or refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from care import followups, journey
from care.followups import MAX_TEXT, FollowUpEntry, followup_log, followup_miss
from care.journey import DEPARTURE_ITEMS, ChecklistEntry, checklist_save
from db.models import FollowUp
from tests.factories import make_actor
from tests.factories_journey import DETAILS, approved_case
from tests.factories_path import arrived_case
from tests.properties import (
    PROPERTY, expect, hostile_date, hostile_int, hostile_text, or_valid, rolled_back, stored_or_refused, unstorable,
)

DAY = date(2014, 5, 20)
ARRIVED = date(2014, 6, 3)
FIRST = date(2014, 7, 3)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


@PROPERTY
@given(note=or_valid("Passport ready", hostile_text), route=or_valid("MAD-LOS", hostile_text),
       transit=or_valid("", hostile_text), focal=or_valid("Focal point (test)", hostile_text),
       done_on=or_valid(DAY, hostile_date), flight=or_valid(date(2014, 6, 2), hostile_date),
       nights=or_valid(3, hostile_int))
def test_a_departure_checklist_keeps_notes_and_details_exactly_or_refuses_them(session, coord, note, route,
                                                                               transit, focal, done_on, flight,
                                                                               nights):
    details = {"flight_booked": {"flight_date": flight, "route": route, "transit": transit},
               "return_office_informed": {"receiving_focal_point": focal}, "temporary_shelter": {"nights": nights}}
    entries = [ChecklistEntry(item, True, done_on, note, details.get(item, DETAILS.get(item, {})))
               for item in DEPARTURE_ITEMS]
    fields = {f"{item}_{name}" for item in DEPARTURE_ITEMS
              for name in ("note", "done_on", "flight_date", "route", "transit", "receiving_focal_point", "nights")}
    with rolled_back(session):
        case = approved_case(session, coord)
        call = lambda: checklist_save(session, coord, case.id, side="departure", entries=entries,  # noqa: E731
                                      today=DAY)
        saved = stored_or_refused(session, call, fields=fields, must_refuse=(
            unstorable(note, limit=journey.MAX_NOTE, multiline=True)
            or any(unstorable(t, limit=journey.MAX_TEXT) for t in (route, transit, focal))))
        if saved is not None:
            rows = {r.item: r for r in journey.checklists(session, coord, case.id).departure}
            assert all(r.note == expect(note, multiline=True) and r.done_on == done_on for r in rows.values())
            flight_row = rows["flight_booked"].details
            assert (flight_row["flight_date"], flight_row["route"], flight_row.get("transit", "")) == (
                flight, expect(route), expect(transit))
            assert rows["return_office_informed"].details["receiving_focal_point"] == expect(focal)


@pytest.fixture
def arrived(session, coord):
    case = arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)
    first = session.exec(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)).first()
    return case, first


SCORE_ITEMS = ("income_source", "wellbeing")


@PROPERTY
@given(texts=st.fixed_dictionaries({k: or_valid("With her aunt", hostile_text)
                                    for k in ("living_where", "living_with", "wellbeing", "alarm_note")}),
       done_on=or_valid(FIRST, hostile_date), score=or_valid(3, hostile_int),
       alarm=st.booleans())
def test_a_follow_up_log_keeps_its_notes_and_scores_exactly_or_refuses_them(session, coord, arrived, texts,
                                                                            done_on, score, alarm):
    case, first = arrived
    entry = FollowUpEntry(done_on=done_on, mode="phone", scores={item: score for item in SCORE_ITEMS},
                          alarms=("wants_irregular_migration",) if alarm else (), **texts)
    fields = {"done_on", *texts, *(f"score_{item}" for item in SCORE_ITEMS)}
    with rolled_back(session):
        call = lambda: followup_log(session, coord, first.id, entry=entry, expected_version=first.version,  # noqa
                                    today=FIRST)
        logged = stored_or_refused(session, call, fields=fields, must_refuse=any(
            unstorable(v, limit=MAX_TEXT, multiline=True) for v in texts.values()))
        if logged is not None:
            seen = followups.followup_form(session, coord, first.id).entry
            for name, value in texts.items():
                assert getattr(seen, name) == expect(value, multiline=True)
            assert seen.done_on == done_on and seen.scores == {item: score for item in SCORE_ITEMS}
            assert 1 <= score <= 5


@PROPERTY
@given(reason=hostile_text)
def test_a_missed_follow_up_keeps_its_reason_exactly_or_refuses_it(session, coord, arrived, reason):
    case, first = arrived
    with rolled_back(session):
        call = lambda: followup_miss(session, coord, first.id, reason=reason, expected_version=first.version,  # noqa
                                     today=FIRST)
        missed = stored_or_refused(session, call, fields={"missed_reason"},
                                   must_refuse=unstorable(reason, limit=MAX_TEXT, multiline=True))
        if missed is not None:
            assert followups.followup_form(session, coord, first.id).missed_reason == expect(reason, multiline=True)


@PROPERTY
@given(note=hostile_text)
def test_closing_an_alarm_keeps_the_note_or_refuses_it(session, coord, arrived, note):
    case, first = arrived
    with rolled_back(session):
        followup_log(session, coord, first.id, expected_version=first.version, today=FIRST, entry=FollowUpEntry(
            done_on=FIRST, mode="phone", alarms=("wants_irregular_migration",), alarm_note="Talks of leaving."))
        call = lambda: followups.case_alarm_close(session, coord, case.id, note=note, today=FIRST)  # noqa: E731
        closed = stored_or_refused(session, call, fields={"close_note"},
                                   must_refuse=unstorable(note, limit=MAX_TEXT, multiline=True))
        if closed is not None:
            view = followups.case_followups(session, coord, case.id, today=FIRST)
            assert not view.alarm_open
            assert view.alarm_note.endswith("alarm closed: " + " ".join(expect(note, multiline=True).split()))
