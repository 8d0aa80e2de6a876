"""Hostile names, amounts, months and dates in the reference lists, programme settings and users."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import programme_admin as pa
from care import reference_lists as refs
from care import users
from care.errors import Problems
from care.programmes import programme_settings
from tests.factories import make_actor, programme_id
from tests.properties import (
    PROPERTY, expect, hostile_amount, hostile_date, hostile_int, hostile_text, or_valid, rolled_back,
    storable, stored_or_refused, unstorable,
)


@pytest.fixture
def admin(session):
    return make_actor(session, "admin", username="root", name="Noor Admin", programmes=())


def _one_line(value: str) -> str:
    return " ".join(value.split())


@PROPERTY
@given(name=hostile_text, module=st.booleans())
def test_a_reference_list_entry_is_stored_as_written_or_refused(session, admin, name, module):
    with rolled_back(session):
        if module:
            call = lambda: refs.training_module_add(session, admin, name=name)  # noqa: E731
        else:
            call = lambda: refs.organisation_add(session, admin, name=name, org_type="NGO", country="FR")  # noqa
        row = stored_or_refused(session, call, fields={"name"},
                                must_refuse=bool(_one_line(name)) and not storable(_one_line(name),
                                                                                   limit=refs.NAME_MAX))
        if row is not None:
            listed = (refs.training_modules_list(session, admin) if module
                      else refs.organisations_list(session, admin, country="FR"))
            assert _one_line(name) in [r.name for r in listed]


@PROPERTY
@given(name=or_valid("CARE (test)", hostile_text), funder=or_valid("EU", hostile_text),
       start=or_valid(date(2013, 9, 1), hostile_date), end=or_valid(date(2015, 12, 31), hostile_date),
       cap=or_valid("4500.00", hostile_amount), cap_months=or_valid("6", st.one_of(hostile_text, hostile_int)),
       months=or_valid("1, 3, 6, 12", st.one_of(hostile_text, st.lists(hostile_int, max_size=4))),
       retention=or_valid(120, hostile_int), targets=st.tuples(or_valid(100, hostile_int), or_valid(10, hostile_int)))
def test_programme_settings_are_stored_exactly_or_refused(session, admin, name, funder, start, end, cap, cap_months,
                                                          months, retention, targets):
    with rolled_back(session):
        care = programme_settings(session, programme_id(session, "CARE"))
        caps = dict(pa.programme_input_of(care).caps)
        caps["medical_care"] = ("100", cap_months)
        data = replace(pa.programme_input_of(care), name=name, funder=funder, start_date=start, end_date=end,
                       cap_per_person=cap, caps=caps, followup_months=months, retention_months=retention,
                       target_people=targets[0], target_minors=targets[1])
        call = lambda: pa.programme_update(session, admin, programme_id=care.id, data=data,  # noqa: E731
                                           version=care.version)
        fields = {"name", "funder", "start_date", "end_date", "cap_per_person", "caps", "followup_months",
                  "retention_months", "target_people", "target_minors", "return_countries"}
        saved = stored_or_refused(session, call, fields=fields, must_refuse=(
            unstorable(name, limit=pa.NAME_MAX) or unstorable(funder, limit=pa.FUNDER_MAX)))
        if saved is not None:
            now = programme_settings(session, care.id)
            assert (now.name, now.funder, now.start_date, now.end_date) == (expect(name), expect(funder), start, end)
            assert now.cap_per_person == pa._amount(cap, Problems(), "x")
            assert (now.retention_months, now.target_people, now.target_minors) == (retention, *targets)
            months_cap = {c.category: c.max_months for c in now.caps}["medical_care"]
            assert months_cap == pa._whole(cap_months, Problems(), "x")
            assert list(now.followup_months) == pa._months(months, Problems(), "x", required=True)


@PROPERTY
@given(name=or_valid("Test User", hostile_text), email=or_valid("", hostile_text),
       password=or_valid("a-long-synthetic-passphrase", hostile_text), username=or_valid("newuser", hostile_text))
def test_a_user_is_stored_exactly_or_refused(session, admin, name, email, password, username):
    data = users.NewUser(username=username, name=name, password=password, roles=("coordinator",), email=email,
                         programme_codes=("CARE",))
    with rolled_back(session):
        saved = stored_or_refused(session, lambda: users.user_add(session, admin, data=data) or "added",
                                  fields={"username", "name", "email", "password"},
                                  must_refuse=unstorable(name, limit=users.NAME_MAX)
                                  or unstorable(email, limit=users.EMAIL_MAX))
        if saved is None:
            return
        (row,) = [u for u in users.users_list(session, actor=admin) if u.username == username.strip().lower()]
        assert (row.name, row.email) == (expect(name), expect(email))
        version = row.version
        change = users.ProfileChange(name=email or "Renamed", email="", roles=("coordinator",))
        updated = stored_or_refused(session, lambda: users.user_update(session, admin, username=row.username,
                                                                       change=change, version=version),
                                    fields={"name"})
        if updated is not None:
            (row,) = [u for u in users.users_list(session, actor=admin) if u.username == username.strip().lower()]
            assert row.name == expect(email or "Renamed")
