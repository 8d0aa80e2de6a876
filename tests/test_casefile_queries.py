"""The case file reads its case once per access question, not once per section.

A case file is drawn from a dozen sections, each of which checks that the user may see the
case. `access.case_get` remembers its answer for the rest of the session (one user action),
until anything is written; a refusal is never remembered.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from care import access, casefile
from care.errors import NotPermitted
from tests.factories import make_actor
from tests.factories_path import arrived_case

CASE_BY_ID = re.compile(r"FROM care_case\b.*care_case\.id = ", re.S)


@contextmanager
def case_reads(session):
    """The statements that read one case by its id, while the block runs."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        if CASE_BY_ID.search(statement):
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",))


def test_the_case_file_reads_the_case_three_times_not_a_dozen(session, coord):
    case = arrived_case(session, coord)
    session.flush()
    with case_reads(session) as seen:
        cf = casefile.case_file(session, coord, case.id)
    assert cf.code == case.code and len(cf.sections) >= 4
    # Once for staff (case_get), once for field work (contacts: shared_case_get), once for the identity.
    assert len(seen) == 3, "\n---\n".join(s[-150:] for s in seen)


def test_a_write_makes_access_asked_again(session, coord):
    case = arrived_case(session, coord)
    other = make_actor(session, "coordinator", programmes=("TACT",))
    access.case_get(session, coord, case.id)
    with case_reads(session) as seen:
        access.case_get(session, coord, case.id)
    assert seen == []  # remembered
    with pytest.raises(NotPermitted):
        access.case_get(session, other, case.id)
    case.programme_id = other.programme_ids and next(iter(other.programme_ids))
    session.add(case)
    with case_reads(session) as seen:
        assert access.case_get(session, other, case.id).id == case.id  # moved: the other programme sees it
        with pytest.raises(NotPermitted):
            access.case_get(session, coord, case.id)  # and the first one no longer does
    assert len(seen) == 2
