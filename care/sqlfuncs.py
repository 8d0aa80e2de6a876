"""SQL expressions the indicators need that SQLite and PostgreSQL spell differently.

The figures are computed by the database (GROUP BY, COUNT, SUM), never by loading every
case into Python; these few constructs keep those queries the same on both databases.
"""

from __future__ import annotations

from sqlalchemy import Integer, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session


class days_between(FunctionElement):  # noqa: N801
    """Days from `earlier` to `later`, as an integer."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"


def json_values(session: Session, column):
    """A table of the values of a JSON list column, one row per value, to join and GROUP BY."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value")
    return func.json_each(column).table_valued("value")
