"""Case codes: CARE-FR-2014-0007, readable, and unique even when two people save at once.

A counter per programme, host country and year is incremented inside the saving
transaction by a conditional UPDATE, which holds the counter's row lock until commit, so
a second save waits and takes the next number. The first case of a counter starts it;
if two start it at the same moment, its unique constraint settles it and the loser takes
the next number. The unique index on the code is the last guard.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from care.programmes import ProgrammeSettings
from db.models import Case, CaseCodeCounter


def _counter_bump(session: Session, programme_id: int, host: str, year: int) -> int | None:
    """Add one to the counter and return it. The UPDATE holds the row lock until commit."""
    return session.execute(
        update(CaseCodeCounter)
        .where(CaseCodeCounter.programme_id == programme_id, CaseCodeCounter.host_country == host,
               CaseCodeCounter.year == year)
        .values(last_number=CaseCodeCounter.last_number + 1)
        .returning(CaseCodeCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def _next_number(session: Session, programme_id: int, host: str, year: int) -> int:
    number = _counter_bump(session, programme_id, host, year)
    if number is not None:
        return number
    try:  # the first case of this programme, host and year: start the counter
        with session.begin_nested():
            session.add(CaseCodeCounter(programme_id=programme_id, host_country=host, year=year, last_number=1))
        return 1
    except IntegrityError:  # someone else started it at the same moment: take the next one
        return _counter_bump(session, programme_id, host, year)


def case_code_next(session: Session, programme: ProgrammeSettings, host: str, year: int) -> str:
    """The next free code, e.g. CARE-FR-2014-0007, inside the caller's transaction.

    A number already used (a case written with its code by an import) is skipped; the
    unique index on the code is the last guard.
    """
    while True:
        code = f"{programme.code}-{host}-{year}-{_next_number(session, programme.id, host, year):04d}"
        if session.exec(select(Case.id).where(Case.code == code)).first() is None:
            return code
