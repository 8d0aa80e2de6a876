"""Hostile text on PostgreSQL: it refuses NUL in text and any string that is not UTF-8, so the
domain must refuse those first, with a message, and store everything else exactly."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from care import assessment as a
from care.errors import ValidationErrors
from care.identity import NAME_MAX, TEXT_MAX, IdentityInput, identity_edit, identity_read
from care.text import NOTE_MAX
from tests import pg
from tests.factories import make_actor, make_case
from tests.properties import (
    PROPERTY, expect, fair_text, hostile_text, or_valid, rolled_back, stored_or_refused, unstorable,
)

pytestmark = pytest.mark.postgres

IDENTITY = {"given_names": (NAME_MAX, False), "family_names": (NAME_MAX, False), "aliases": (TEXT_MAX, True),
            "contact_return": (TEXT_MAX, True)}


@pytest.fixture(scope="module")
def pg_engine(pg_url):
    """A schema of this module's own (the session's `pg_url` may hold other tests' data), migrated and seeded."""
    with pg.seeded_engine(pg.test_url()[0]) as engine:
        yield engine


@pytest.fixture
def pg_session(pg_engine):
    """One transaction for the test, rolled back at its end: the schema stays as the seed left it."""
    with pg_engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint") as s:
            yield s
        outer.rollback()


@pytest.fixture
def world(pg_session):
    coord = make_actor(pg_session, "coordinator", programmes=("CARE",))
    case = make_case(pg_session, stage="eligible", referral_date=date(2014, 3, 10))
    return coord, case


@PROPERTY
@given(values=st.fixed_dictionaries({k: or_valid("Ada", hostile_text) for k in IDENTITY}))
def test_postgresql_keeps_names_exactly_or_the_domain_refuses_them(pg_session, world, values):
    coord, case = world
    with rolled_back(pg_session):
        version = identity_read(pg_session, coord, case.id).version
        data = IdentityInput(**values)
        saved = stored_or_refused(pg_session, lambda: identity_edit(pg_session, coord, case.id, data,
                                                                    expected_version=version),
                                  fields=values, must_refuse=any(unstorable(values[k], limit=lim, multiline=ml)
                                                                 for k, (lim, ml) in IDENTITY.items()))
        if saved is not None:
            seen = identity_read(pg_session, coord, case.id)
            for k, (_lim, ml) in IDENTITY.items():
                assert getattr(seen, k) == expect(values[k], multiline=ml)


@PROPERTY
@given(aspirations=st.one_of(fair_text, hostile_text))
def test_postgresql_keeps_needs_notes_exactly_or_the_domain_refuses_them(pg_session, world, aspirations):
    coord, case = world
    data = a.NeedsInput(assessed_on=date(2014, 4, 2), needs=tuple(a.NeedInput(area, "none") for area in a.NEED_AREAS),
                        aspirations=aspirations)
    with rolled_back(pg_session):
        call = lambda: a.needs_assess(pg_session, coord, case.id, data=data, based_on_version=0,  # noqa: E731
                                      today=date(2014, 6, 1))
        saved = stored_or_refused(pg_session, call, fields={"aspirations"},
                                  must_refuse=unstorable(aspirations, limit=NOTE_MAX, multiline=True))
        if saved is not None:
            view = a.assessment_file(pg_session, coord, case.id).needs
            assert view.aspirations == expect(aspirations, multiline=True)


def test_nul_is_refused_with_a_message_not_a_database_error(pg_session, world):
    coord, case = world
    version = identity_read(pg_session, coord, case.id).version
    with pytest.raises(ValidationErrors) as err:
        identity_edit(pg_session, coord, case.id, IdentityInput(given_names="Ada\x00"), expected_version=version)
    assert "control character" in err.value.errors["given_names"]
