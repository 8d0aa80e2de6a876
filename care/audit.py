"""The audit log: append-only from the app's point of view.

There is no update or delete function here, and no page offers one. Every read of
identifying data, every change and every export goes through `audit_record`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from care.access import Actor, Role, require
from db.models import AuditEvent, utcnow


def audit_record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    case_id: int | None = None,
    entity: str = "",
    entity_id: object = "",
    detail: dict | str = "",
    username: str | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction (it commits with the change)."""
    event = AuditEvent(
        at=utcnow(),
        user_id=actor.id if actor else None,
        username=(actor.username if actor else username) or "",
        action=action,
        case_id=case_id,
        entity=entity,
        entity_id=str(entity_id or ""),
        detail=detail if isinstance(detail, str) else json.dumps(detail, default=str, ensure_ascii=False),
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    case_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def audit_events(session: Session, actor: Actor, flt: AuditFilter, *, limit: int = 200, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """The admin's view of the log, newest first, with the total for paging."""
    require(actor, Role.ADMIN)
    stmt = select(AuditEvent)
    if flt.username:
        stmt = stmt.where(AuditEvent.username == flt.username.strip().lower())
    if flt.case_id:
        stmt = stmt.where(AuditEvent.case_id == flt.case_id)
    if flt.action:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.date_from:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(flt.date_from, datetime.min.time()))
    if flt.date_to:
        stmt = stmt.where(AuditEvent.at < datetime.combine(flt.date_to, datetime.max.time()))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit).offset(offset)).all()
    return list(rows), total
