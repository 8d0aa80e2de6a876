"""SQL expressions the indicators need that SQLite and PostgreSQL spell differently.

The figures are computed by the database (GROUP BY, COUNT, SUM), never by loading every
case into Python; these few constructs keep those queries the same on both databases.
"""

from __future__ import annotations

from sqlalchemy import Integer, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlmodel import Session


class years_between(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """Whole years from `earlier` to `later` (an age on a day), as an integer."""

    type = Integer()
    inherit_cache = True
    name = "years_between"


@compiles(years_between, "sqlite")
def _years_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # YYYYMMDD as numbers: the difference divided by 10000 is the age in whole years.
    return (f"((CAST(strftime('%Y%m%d', {later}) AS INTEGER) - "
            f"CAST(strftime('%Y%m%d', {earlier}) AS INTEGER)) / 10000)")


@compiles(years_between, "postgresql")
def _years_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(date_part('year', age({later}, {earlier})) AS INTEGER)"


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
