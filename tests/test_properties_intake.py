"""Hostile input at intake and in the identity: stored exactly, or refused next to its field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from care import intake
from care.caselist import CaseFilter, cases_list
from care.decisions import REASON_MAX, case_close, eligibility_decide
from care.errors import ValidationErrors
from care.followups import followup_cases
from care.identity import NAME_MAX, TEXT_MAX, IdentityInput, identity_edit, identity_read
from care.vocab import Stage
from db.models import Case
from tests.factories import make_actor, make_case
from tests.factories_intake import consent, details, identity, person, register
from tests.properties import (
    PROPERTY, expect, fair_text, hostile_date, hostile_int, hostile_text, or_valid, rolled_back, stored_or_refused,
    unstorable,
)

IDENTITY_LIMITS = {"given_names": (NAME_MAX, False), "family_names": (NAME_MAX, False),
                   "aliases": (TEXT_MAX, True), "contact_return": (TEXT_MAX, True),
                   "emergency_contact": (TEXT_MAX, True)}
VALID = {"given_names": "Ada", "family_names": "Testperson", "aliases": "", "contact_return": "Lagos",
         "emergency_contact": ""}


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


def _unstorable_identity(values: dict) -> bool:
    return any(unstorable(values[k], limit=lim, multiline=ml) for k, (lim, ml) in IDENTITY_LIMITS.items())


@PROPERTY
@given(values=st.fixed_dictionaries({k: or_valid(VALID[k], hostile_text) for k in IDENTITY_LIMITS}))
def test_a_new_case_keeps_the_names_and_contacts_exactly_or_refuses_them(session, coord, values):
    with rolled_back(session):
        result = stored_or_refused(session, lambda: register(session, coord, identity=identity(**values)),
                                   fields=values, must_refuse=_unstorable_identity(values))
        if result is not None:
            assert result.outcome in ("case", "possible_duplicate")
            if result.outcome == "case":
                seen = identity_read(session, coord, result.case_id)
                for k, (_lim, ml) in IDENTITY_LIMITS.items():
                    assert getattr(seen, k) == expect(values[k], multiline=ml)


@PROPERTY
@given(region=or_valid("Benin City", hostile_text), organisation=or_valid("Accueil (test)", hostile_text))
def test_a_new_case_keeps_the_region_and_a_new_organisation_exactly_or_refuses_them(session, coord, region,
                                                                                      organisation):
    call = lambda: register(session, coord, person=person(return_region=region),  # noqa: E731
                            details=details(identified_by="ngo", new_organisation=organisation,
                                            new_organisation_type="NGO"))
    with rolled_back(session):
        result = stored_or_refused(session, call, fields={"return_region", "organisation"},
                                   must_refuse=unstorable(region, limit=intake.REGION_MAX)
                                   or unstorable(organisation, limit=intake.ORGANISATION_MAX))
        if result is not None:
            form = intake.case_form(session, coord, result.case_id)
            assert form.person.return_region == expect(region)
            names = {o.id: o.name for o in intake.organisations_for(session, coord, country="FR")}
            assert names[form.details.organisation_id] == expect(organisation)


@PROPERTY
@given(referral_on=or_valid(date(2014, 3, 10), hostile_date), birth=or_valid(date(1994, 5, 1), hostile_date),
       consent_on=or_valid(date(2014, 3, 10), hostile_date), age=or_valid(None, hostile_int))
def test_far_dates_and_huge_ages_at_intake_are_stored_exactly_or_refused(session, coord, referral_on, birth,
                                                                         consent_on, age):
    call = lambda: register(session, coord, details=details(referral_date=referral_on),  # noqa: E731
                            person=person(birth_date=birth, estimated_age=age), consent=consent(on=consent_on))
    with rolled_back(session):
        result = stored_or_refused(session, call, fields={"referral_date", "birth_date", "estimated_age",
                                                          "consent_on"})
        if result is not None and result.outcome == "case":
            form = intake.case_form(session, coord, result.case_id)
            assert (form.details.referral_date, form.person.birth_date, form.person.estimated_age,
                    form.consent.on) == (referral_on, birth, age, consent_on)


@pytest.fixture
def opened(session, coord):
    return register(session, coord).case_id


@PROPERTY
@given(values=st.fixed_dictionaries({k: or_valid(VALID[k], hostile_text) for k in IDENTITY_LIMITS}))
def test_an_identity_edit_keeps_the_text_exactly_or_refuses_it_and_changes_nothing(session, coord, opened, values):
    with rolled_back(session):
        version = identity_read(session, coord, opened).version
        data = replace(IdentityInput(phone="+234 803 555 0101"), **values)
        saved = stored_or_refused(session, lambda: identity_edit(session, coord, opened, data,
                                                                 expected_version=version),
                                  fields=values, must_refuse=_unstorable_identity(values))
        if saved is not None:
            seen = identity_read(session, coord, opened)
            for k, (_lim, ml) in IDENTITY_LIMITS.items():
                assert getattr(seen, k) == expect(values[k], multiline=ml)


@PROPERTY
@given(name=fair_text)
def test_names_in_any_script_survive_an_edit_unchanged(session, coord, opened, name):
    with rolled_back(session):
        version = identity_read(session, coord, opened).version
        data = IdentityInput(given_names=name, family_names="Test")
        saved = stored_or_refused(session, lambda: identity_edit(session, coord, opened, data,
                                                                 expected_version=version), fields={"given_names"})
        if saved is not None:
            assert identity_read(session, coord, opened).given_names == name.strip()
        else:
            assert not name.strip() or len(name.strip()) > NAME_MAX


def test_a_register_refuses_nul_escape_and_lone_surrogates_next_to_the_field(session, coord):
    with pytest.raises(ValidationErrors) as err:
        register(session, coord, identity=identity(given_names="Ada\x00", family_names="Te\x1bst",
                                                   contact_return="Lagos \ud800"),
                 person=person(return_region="Benin\x85City"))
    assert set(err.value.errors) == {"given_names", "family_names", "contact_return", "return_region"}
    assert "control character" in err.value.errors["given_names"]
    assert "surrogate" in err.value.errors["contact_return"]
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


# --- the coordinator's decisions: the reasons are free text --------------------------------


@PROPERTY
@given(reason=hostile_text, note=hostile_text, on=or_valid(date(2015, 6, 1), hostile_date))
def test_the_reasons_of_a_decision_are_stored_exactly_or_refused(session, coord, reason, note, on):
    today = date(2015, 6, 1)
    with rolled_back(session):
        case = make_case(session, stage=Stage.REFERRED)
        call = lambda: eligibility_decide(session, coord, case.id, eligible=False, reason=reason,  # noqa: E731
                                          expected_version=case.version)
        decided = stored_or_refused(session, call, fields={"reason"},
                                    must_refuse=unstorable(reason, limit=REASON_MAX, multiline=True))
        if decided is not None:
            assert session.get(Case, case.id, populate_existing=True).ineligible_reason == expect(reason,
                                                                                                 multiline=True)
        other = make_case(session, stage=Stage.FOLLOW_UP)
        call = lambda: case_close(session, coord, other.id, reason="other", note=note, on=on,  # noqa: E731
                                  expected_version=other.version, today=today)
        closed = stored_or_refused(session, call, fields={"note", "on"},
                                   must_refuse=unstorable(note, limit=REASON_MAX, multiline=True))
        if closed is not None:
            row = session.get(Case, other.id, populate_existing=True)
            assert (row.closing_note, row.closed_on) == (expect(note, multiline=True), on)
            assert row.referral_date <= on <= today


# --- searches: hostile text finds nothing, never breaks ------------------------------------


@PROPERTY
@given(code=hostile_text, name=hostile_text)
def test_a_search_with_hostile_text_finds_what_it_names_or_nothing(session, coord, opened, code, name):
    rows, total = cases_list(session, coord, CaseFilter(code=code, name=name))
    assert total == len(rows) <= 1
    picks, found = followup_cases(session, coord, code=code)
    assert found == len(picks) == 0  # the case is not in follow-up


def test_a_code_search_takes_underscore_and_percent_as_letters(session, coord, opened):
    assert cases_list(session, coord, CaseFilter(code="CARE-FR"))[1] == 1
    assert cases_list(session, coord, CaseFilter(code="CARE_FR"))[1] == 0
    assert cases_list(session, coord, CaseFilter(code="%"))[1] == 0
