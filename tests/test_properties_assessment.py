"""Hostile notes and dates in the risk and needs assessments: stored exactly, or refused next to the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import assessment as a
from care.text import NOTE_MAX
from tests.factories import make_actor, make_case
from tests.properties import (
    PROPERTY, expect, hostile_date, hostile_text, or_valid, rolled_back, stored_or_refused, unstorable,
)

TODAY = date(2014, 6, 1)
ON = date(2014, 4, 2)
FIRST = next(iter(a.RISK_FACTORS))
AREA = next(iter(a.NEED_AREAS))


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


@pytest.fixture
def case(session):
    return make_case(session, stage="eligible", referral_date=date(2014, 3, 10))


def _factors(note: str) -> tuple[a.FactorInput, ...]:
    return tuple(a.FactorInput(code, "high", "person", note) if code == FIRST else a.FactorInput(code, "none")
                 for code in a.RISK_FACTORS)


@PROPERTY
@given(note=or_valid("Threats by phone", hostile_text), justification=or_valid("", hostile_text),
       what=or_valid("Move to another town", hostile_text), who=or_valid("Return office", hostile_text),
       by_when=or_valid(date(2014, 5, 1), hostile_date), on=or_valid(ON, hostile_date))
def test_a_risk_assessment_keeps_notes_and_measures_exactly_or_refuses_them(session, coord, case, note,
                                                                            justification, what, who, by_when, on):
    data = a.RiskInput(assessed_on=on, factors=_factors(note), overall_level="", justification=justification,
                       mitigations=(a.MitigationInput(what, who, by_when),))
    call = lambda: a.risk_assess(session, coord, case.id, data=data, based_on_version=0, today=TODAY)  # noqa: E731
    cannot = (unstorable(note, limit=NOTE_MAX, multiline=True) or unstorable(justification, limit=NOTE_MAX,
                                                                             multiline=True)
              or unstorable(what, limit=NOTE_MAX, multiline=True) or unstorable(who, limit=a.MAX_WHO))
    with rolled_back(session):
        saved = stored_or_refused(session, call, must_refuse=cannot,
                                  fields={f"{FIRST}.note", "justification", "mitigations", "assessed_on"})
        if saved is not None:
            view = a.risk_current(session, coord, case.id)
            assert view.factor(FIRST).note == expect(note, multiline=True)
            assert view.justification == expect(justification, multiline=True)
            assert view.mitigations == (a.MitigationView(expect(what, multiline=True), expect(who), by_when),)
            assert view.assessed_on == on and on <= TODAY and by_when.year < 2100


@PROPERTY
@given(texts=st.fixed_dictionaries({name: or_valid("Sewing", hostile_text) for name in (*a.NEEDS_TEXTS, "note")}),
       on=or_valid(ON, hostile_date))
def test_a_needs_assessment_keeps_every_text_exactly_or_refuses_it(session, coord, case, texts, on):
    needs = tuple(a.NeedInput(area, "high" if area == AREA else "none", texts["note"] if area == AREA else "")
                  for area in a.NEED_AREAS)
    data = replace(a.NeedsInput(assessed_on=on, needs=needs, education_level="primary"),
                   **{name: texts[name] for name in a.NEEDS_TEXTS})
    call = lambda: a.needs_assess(session, coord, case.id, data=data, based_on_version=0, today=TODAY)  # noqa: E731
    fields = {*a.NEEDS_TEXTS, f"{AREA}.note", "assessed_on"}
    with rolled_back(session):
        cannot = any(unstorable(v, limit=NOTE_MAX, multiline=True) for v in texts.values())
        saved = stored_or_refused(session, call, fields=fields, must_refuse=cannot)
        if saved is not None:
            view = a.assessment_file(session, coord, case.id).needs
            for name in a.NEEDS_TEXTS:
                assert getattr(view, name) == expect(texts[name], multiline=True)
            assert view.need(AREA).note == expect(texts["note"], multiline=True)
