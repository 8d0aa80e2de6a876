"""Rows written into the tables as an earlier revision left them, for the migration tests.

The models describe today's tables; a test of a data migration needs rows in yesterday's.
The table is reflected from the database, and every NOT NULL column the test does not
give gets a neutral value of its type, so the test names only what it checks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa


def _neutral(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1 if column.name == "version" else 0
    if isinstance(kind, sa.DateTime):
        return datetime(2014, 3, 10, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2014, 3, 10)
    if isinstance(kind, sa.JSON):
        return []
    return ""


def insert_old_row(conn: sa.Connection, table_name: str, **values) -> int | None:
    """Insert one row into the table as it is in the database now; the new row's id, if it has one."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = {c.name: _neutral(c) for c in table.columns
           if not c.nullable and c.name not in values and not c.autoincrement is True
           and not (c.primary_key and isinstance(c.type, sa.Integer) and len(table.primary_key.columns) == 1)}
    result = conn.execute(sa.insert(table).values(**(row | values)))
    return result.inserted_primary_key[0] if result.inserted_primary_key else None
