"""What the app's own PostgreSQL role may do: read and write rows, nothing more.

The owner role (`CARE_MIGRATE_DATABASE_URL`) owns the tables and runs the migrations; the
app connects as a role that owns nothing, so it cannot change the schema, drop the audit
log's triggers or read another schema, and may only add to and read the audit log. The
grants are applied by `python -m care migrate` after every upgrade (a new table gets its
rights at once) and after a restore (pg_restore runs with --no-privileges).
"""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Rows only; the audit log is append-only for the app (UPDATE, DELETE, TRUNCATE never granted,
# the triggers refuse them for the owner too); the schema revision is read, never written.
GRANTS = [
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM {role}",
    "REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
]


def grant_app(owner_url: str, role: str) -> None:
    """Give `role` the app's rights on every table of the owner URL's schema (PostgreSQL only)."""
    if not owner_url.startswith("postgresql"):
        return
    if not _ROLE.match(role):
        raise ValueError(f"CARE_APP_ROLE {role!r} is not a plain role name (lower-case letters, digits, _).")
    from db.engine import make_engine

    engine = make_engine(owner_url)
    try:
        with engine.begin() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
            for sql in GRANTS:
                conn.exec_driver_sql(sql.format(schema=f'"{schema}"', role=f'"{role}"'))
    finally:
        engine.dispose()


def same_role(owner_url: str, app_url: str) -> bool:
    """True if the app would connect as the owner (the README's least-privilege setup says no)."""
    return bool(owner_url) and make_url(owner_url).username == make_url(app_url).username
