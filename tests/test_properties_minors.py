"""Hostile names, reasons, words and dates in the minors' procedure: stored exactly, or refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from care import minors_write as record
from care.minors import CHILD_VIEW_STEPS, minor_file
from tests.factories import make_actor
from tests.factories_minors import TODAY, make_minor_case, procedure
from tests.properties import (
    PROPERTY, expect, hostile_date, hostile_text, or_valid, rolled_back, stored_or_refused, unstorable,
)

SHORT, LONG = record.TEXT_MAX, 5000
_PHONE_CHARACTERS = set("+0123456789 -().")


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


@pytest.fixture
def child(session, coord):
    case = make_minor_case(session)
    record.minor_procedure_open(session, coord, case_id=case.id)
    return case


def _file(session, coord, case):
    return minor_file(session, coord, case_id=case.id, today=TODAY, show_names=True)


@PROPERTY
@given(name=or_valid("Guardian Test", hostile_text), organisation=or_valid("ASE (test)", hostile_text),
       contact=or_valid("Office, Paris", hostile_text))
def test_the_guardian_is_stored_exactly_or_refused(session, coord, child, name, organisation, contact):
    with rolled_back(session):
        call = lambda: record.minor_guardian_set(  # noqa: E731
            session, coord, case_id=child.id, version=procedure(session, child).version, name=name,
            organisation=organisation, contact=contact)
        saved = stored_or_refused(session, call, fields={"name", "organisation", "contact"}, must_refuse=(
            unstorable(name, limit=SHORT) or unstorable(organisation, limit=SHORT)
            or unstorable(contact, limit=500, multiline=True)))
        if saved is not None:
            seen = _file(session, coord, child)
            assert (seen.guardian_name, seen.guardian_organisation) == (expect(name), expect(organisation))
            if not set(expect(contact, multiline=True)) <= _PHONE_CHARACTERS:  # a phone number is kept in E.164
                assert seen.guardian_contact == expect(contact, multiline=True)


@PROPERTY
@given(decided_on=or_valid(date(2014, 9, 15), hostile_date), body=or_valid("Panel (test)", hostile_text),
       person=or_valid("Panel Chair", hostile_text), reasons=or_valid("The child wishes to return.", hostile_text))
def test_a_best_interests_decision_is_stored_exactly_or_refused(session, coord, child, decided_on, body, person,
                                                                reasons):
    with rolled_back(session):
        call = lambda: record.minor_bid_record(  # noqa: E731
            session, coord, case_id=child.id, version=procedure(session, child).version, decided_on=decided_on,
            body=body, person=person, outcome="return", reasons=reasons, today=TODAY)
        saved = stored_or_refused(session, call, fields={"decided_on", "body", "person", "reasons"}, must_refuse=(
            unstorable(body, limit=SHORT) or unstorable(person, limit=SHORT)
            or unstorable(reasons, limit=LONG, multiline=True)))
        if saved is not None:
            seen = _file(session, coord, child)
            assert (seen.bid_on, seen.bid_body, seen.bid_person, seen.bid_reasons) == (
                decided_on, expect(body), expect(person), expect(reasons, multiline=True))
            assert date(1900, 1, 1) <= decided_on <= TODAY


@PROPERTY
@given(contacted_on=or_valid(date(2014, 10, 1), hostile_date), agreed=or_valid("Agrees.", hostile_text),
       contact_name=or_valid("Officer Test", hostile_text))
def test_a_coordinated_actor_is_stored_exactly_or_refused(session, coord, child, contacted_on, agreed,
                                                          contact_name):
    with rolled_back(session):
        row = next(r for r in _file(session, coord, child).actors)
        call = lambda: record.minor_actor_update(  # noqa: E731
            session, coord, minor_actor_id=row.id, version=row.version, required=True, contacted_on=contacted_on,
            agreed=agreed, contact_name=contact_name, today=TODAY)
        saved = stored_or_refused(session, call, fields={"contacted_on", "agreed", "contact_name"}, must_refuse=(
            unstorable(agreed, limit=LONG, multiline=True) or unstorable(contact_name, limit=SHORT)))
        if saved is not None:
            seen = next(r for r in _file(session, coord, child).actors if r.id == row.id)
            assert (seen.contacted_on, seen.agreed, seen.contact_name) == (
                contacted_on, expect(agreed, multiline=True), expect(contact_name))


@PROPERTY
@given(recorded_on=or_valid(date(2014, 4, 1), hostile_date), words=hostile_text)
def test_the_childs_own_words_are_kept_exactly_or_refused(session, coord, child, recorded_on, words):
    with rolled_back(session):
        step = next(iter(CHILD_VIEW_STEPS))
        call = lambda: record.child_view_add(session, coord, case_id=child.id, step=step,  # noqa: E731
                                             recorded_on=recorded_on, words=words, today=TODAY)
        saved = stored_or_refused(session, call, fields={"recorded_on", "words"},
                                  must_refuse=unstorable(words, limit=LONG, multiline=True))
        if saved is not None:
            (seen,) = _file(session, coord, child).views
            assert (seen.recorded_on, seen.words) == (recorded_on, expect(words, multiline=True))
