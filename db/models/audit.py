"""The append-only audit log: who, when, what, which case.

The app has no update or delete path for it; the database refuses them too (triggers
below), so neither a bug nor someone with a SQL prompt under the app's login can
quietly rewrite history. The trigger DDL lives here once: the metadata creates it with
the table (tests build schemas with `create_all`) and the `audit_append_only`
migration creates it on deployed databases.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, DateTime, Index, Text, event, text
from sqlmodel import Field, SQLModel

from db.models.base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    username: str = Field(default="", max_length=64)
    action: str = Field(max_length=40, index=True)
    case_id: int | None = Field(default=None, foreign_key="care_case.id", index=True)
    entity: str = Field(default="", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    detail: str = Field(default="", sa_type=Text)


APPEND_ONLY_MESSAGE = "audit_event is append-only"

# One statement per string: sqlite3 runs one statement per call.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    ],
    "postgresql": [
        # No percent sign in the body: DDL text goes through the driver's paramstyle.
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION USING MESSAGE = '{APPEND_ONLY_MESSAGE} (' || TG_OP || ' refused)', "
        "ERRCODE = 'insufficient_privilege'; END $$",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    ],
}

DROP_APPEND_ONLY_DDL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
                   "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
                   "DROP FUNCTION IF EXISTS audit_event_append_only()"],
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _sql in _statements:
        event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))


# Events that change nothing (reads, searches, sign-ins), as SQL: the partial index below holds only
# the other events, so "the newest change" is one index read however many reads follow it
# (care.audit.audit_latest_change_id). Literal text, not bound parameters: a partial index is used
# only where the query's condition is the index's own. An action not listed counts as a change.
READ_ACTIONS = ("case.open", "plan.open", "assessment.open", "audit.view", "identity.search", "safe_contact.read",
                "login", "login.failed", "login.second_factor", "login.throttled", "logout")
NOT_A_READ = "action NOT IN (" + ", ".join(f"'{a}'" for a in READ_ACTIONS) + ")"

# The admin's audit page reads the newest events first, by user, action or case (issue 23).
Index("ix_audit_event_at_id", AuditEvent.at, AuditEvent.id)
Index("ix_audit_event_username_at", AuditEvent.username, AuditEvent.at, AuditEvent.id)
Index("ix_audit_event_action_at", AuditEvent.action, AuditEvent.at, AuditEvent.id)
Index("ix_audit_event_case_at", AuditEvent.case_id, AuditEvent.at, AuditEvent.id)
Index("ix_audit_event_change", AuditEvent.id, sqlite_where=text(NOT_A_READ), postgresql_where=text(NOT_A_READ))
