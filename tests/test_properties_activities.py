"""Hostile places, notes, counts and dates in the activities and the register of referrals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import activities
from care.text import NOTE_MAX
from tests.factories import make_actor, programme_id
from tests.properties import (
    PROPERTY, expect, hostile_date, hostile_int, hostile_text, or_valid, rolled_back, stored_or_refused, unstorable,
)

TODAY = date(2019, 1, 15)  # within CARE_PLUS's period


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE_PLUS",))


@pytest.fixture
def plus(session):
    return programme_id(session, "CARE_PLUS")


@PROPERTY
@given(kind=st.sampled_from(["meeting", "brochures"]), held_on=or_valid(date(2018, 4, 26), hostile_date),
       place=or_valid("Lyon", hostile_text), audience=or_valid("Professionals", hostile_text),
       note=hostile_text, count=or_valid(18, hostile_int))
def test_an_activity_is_stored_exactly_or_refused(session, coord, plus, kind, held_on, place, audience, note,
                                                  count):
    values = {"held_on": held_on, "place": place, "audience": audience, "note": note,
              "participants" if kind == "meeting" else "quantity": count}
    with rolled_back(session):
        call = lambda: activities.activity_record(session, coord, programme_id=plus, kind=kind,  # noqa: E731
                                                  today=TODAY, **values)
        saved = stored_or_refused(session, call, fields={*values}, must_refuse=(
            unstorable(place, limit=activities.MAX_TEXT) or unstorable(audience, limit=activities.MAX_TEXT)
            or unstorable(note, limit=NOTE_MAX, multiline=True)))
        if saved is not None:
            (row,) = activities.activities_list(session, coord, programme_id=plus, kind=kind)
            assert (row.held_on, row.place, row.audience, row.note) == (
                held_on, expect(place), expect(audience), expect(note, multiline=True))
            assert (row.participants if kind == "meeting" else row.quantity) == count


@PROPERTY
@given(referral_date=or_valid(date(2018, 5, 22), hostile_date), note=hostile_text)
def test_a_referral_received_is_stored_exactly_or_refused(session, coord, plus, referral_date, note):
    with rolled_back(session):
        call = lambda: activities.referral_record(  # noqa: E731
            session, coord, programme_id=plus, today=TODAY, referral_date=referral_date, host_country="FR",
            organisation_id=None, outcome="declined", note=note)
        saved = stored_or_refused(session, call, fields={"referral_date", "note"},
                                  must_refuse=unstorable(note, limit=NOTE_MAX, multiline=True))
        if saved is not None:
            (row,), _total = activities.referrals_list(session, coord, programme_id=plus)
            assert (row.referral_date, row.note) == (referral_date, expect(note, multiline=True))
