"""The audit log: append-only from the app's point of view.

There is no update or delete function here, and no page offers one. Every read of
identifying data, every change and every export goes through `audit_record`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, text
from sqlmodel import Session, col, func, select

from care.access import Actor, Role, require
from care.errors import Problems
from care.i18n import _
from care.text import checked_text
from db.models import AuditEvent, Case, utcnow
from db.models.audit import NOT_A_READ


def _zone():
    """The acting user's time zone: the log's days are the user's days."""
    from zoneinfo import ZoneInfo

    from care.i18n import current_time_zone

    return ZoneInfo(current_time_zone())


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


VIEW_WINDOW = timedelta(minutes=10)


def audit_view(session: Session, actor: Actor, action: str, *, case_id: int | None = None, entity: str = "",
               detail: dict | str = "") -> None:
    """Record that `actor` looked at something (a case file, assessments, a plan, the audit log).

    Streamlit draws a page again at every click, so the same look is written once per
    `VIEW_WINDOW`: the log says who opened what and when, without a line per click.
    """
    text = detail if isinstance(detail, str) else json.dumps(detail, default=str, ensure_ascii=False)
    since = utcnow() - VIEW_WINDOW
    seen = session.exec(select(AuditEvent.id).where(
        AuditEvent.user_id == actor.id, AuditEvent.action == action, AuditEvent.case_id == case_id,
        AuditEvent.detail == text, AuditEvent.at >= since).limit(1)).first()
    if seen is None:
        audit_record(session, actor, action, case_id=case_id, entity=entity, detail=text)


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    case_id: int | None = None
    action: str | None = None
    date_from: date | None = None  # days in the acting user's time zone, both ends included
    date_to: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    case_code: str
    entity: str
    entity_id: str
    detail: str


def audit_latest_id(session: Session) -> int:
    """The id of the newest audit event: a counter of changes shared by every app process.

    Every change writes an audit event in its own transaction, so when this number is the
    same, nothing was changed anywhere since (reads move it too, which only costs a cache
    entry). Caches key on it to stay correct when another process wrote."""
    return session.exec(select(func.max(AuditEvent.id))).one() or 0


def audit_latest_change_id(session: Session) -> int:
    """The id of the newest audit event that records a change (not a read, a search or a login).

    Caches of figures key on it: the same number means no change anywhere since, in any
    process. A partial index holds the changes only (`ix_audit_event_change`), so this stays
    one index read with a million reads logged after the last change."""
    return session.exec(select(func.max(AuditEvent.id)).where(text(NOT_A_READ))).one() or 0


def audit_filter(session: Session, actor: Actor, *, username: str = "", case_code: str = "", action: str = "",
                 date_from: date | None = None, date_to: date | None = None) -> AuditFilter:
    """The filter the admin asked for, with the case code resolved to the case it names."""
    require(actor, Role.ADMIN)
    problems = Problems()
    case_id = None
    code = checked_text(problems, "case_code", case_code, limit=40)  # NUL would not even reach PostgreSQL
    if code and "case_code" not in problems.errors:
        case_id = session.exec(select(Case.id).where(func.upper(Case.code) == code.upper())).first()
        if case_id is None:
            problems.add("case_code", _("No case has this code."))
    if date_from and date_to and date_from > date_to:
        problems.add("date_to", _("The end date is before the start date."))
    problems.raise_if_any()
    return AuditFilter(username=username.strip().lower() or None, case_id=case_id, action=action.strip() or None,
                       date_from=date_from, date_to=date_to)


def _conditions(flt: AuditFilter) -> list:
    """The filter as conditions on audit_event alone: each one is the head of an index (username,
    action, case or time, then time and id), so a page of the newest events reads about its own rows."""
    where = []
    if flt.username:
        where.append(AuditEvent.username == flt.username.strip().lower())
    if flt.case_id:
        where.append(AuditEvent.case_id == flt.case_id)
    if flt.action:
        where.append(AuditEvent.action == flt.action)
    if flt.date_from:
        where.append(AuditEvent.at >= datetime.combine(flt.date_from, time.min, tzinfo=_zone()))
    if flt.date_to:
        where.append(AuditEvent.at < datetime.combine(flt.date_to + timedelta(days=1), time.min, tzinfo=_zone()))
    return where


@dataclass(frozen=True)
class AuditCursor:
    """Where a page of the log ends: the next page holds the events older than this one (keyset paging)."""

    at: datetime
    id: int


def _rows(session: Session, flt: AuditFilter, *, limit: int | None, offset: int = 0,
          after: AuditCursor | None = None) -> list[AuditRow]:
    where = _conditions(flt)
    if after is not None:
        at = after.at if session.get_bind().dialect.name == "postgresql" else after.at.replace(tzinfo=None)
        where.append(or_(AuditEvent.at < at, and_(AuditEvent.at == at, col(AuditEvent.id) < after.id)))
    stmt = (
        select(AuditEvent.id, AuditEvent.at, AuditEvent.username, AuditEvent.action, Case.code, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.detail)
        .join(Case, Case.id == AuditEvent.case_id, isouter=True)
        .where(*where)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [AuditRow(i, _utc(at), user, action, code or "", entity, entity_id, detail)
            for i, at, user, action, code, entity, entity_id, detail in session.exec(stmt).all()]


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)  # SQLite returns naive UTC


COUNT_CAP = 10_000  # beyond it the page says "more than 10,000": counting a million rows is not worth a wait


def audit_events(session: Session, actor: Actor, flt: AuditFilter, *, limit: int = 200, offset: int = 0,
                 after: AuditCursor | None = None) -> tuple[list[AuditRow], int]:
    """The admin's view of the log, newest first (older than `after`, if given), and how many
    events match, counted up to COUNT_CAP + 1 (more than COUNT_CAP when it says so)."""
    require(actor, Role.ADMIN)
    capped = select(AuditEvent.id).where(*_conditions(flt)).limit(COUNT_CAP + 1).subquery()
    total = session.exec(select(func.count()).select_from(capped)).one()
    rows = _rows(session, flt, limit=limit, offset=offset, after=after)
    # Written after the read, so the page shows the log as it was when asked.
    audit_view(session, actor, "audit.view", entity="audit_event",
               detail={"filter": asdict(flt), "offset": offset, "after": after.id if after else None})
    return rows, total


def audit_choices(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    """The usernames and the actions the log holds, for the filter's pickers."""
    require(actor, Role.ADMIN)
    names = _distinct(session, "username")
    actions = _distinct(session, "action")
    return [n for n in names if n], list(actions)


def _distinct(session: Session, column: str) -> list[str]:
    """The distinct values of an indexed column, one index probe per value (a loose index scan):
    a million events hold a few dozen users and actions, and SELECT DISTINCT would read them all."""
    return list(session.execute(text(
        f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM audit_event UNION ALL "
        f"SELECT (SELECT min({column}) FROM audit_event WHERE {column} > v.x) FROM v WHERE v.x IS NOT NULL) "
        "SELECT x FROM v WHERE x IS NOT NULL ORDER BY x")).scalars().all())


CSV_COLUMNS = ("at_utc", "username", "action", "case_code", "entity", "entity_id", "detail")


def _cell(value: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv(session: Session, actor: Actor, flt: AuditFilter) -> bytes:
    """The filtered log as CSV (UTF-8 with BOM, so spreadsheets read accents); the export is audited."""
    require(actor, Role.ADMIN)
    rows = _rows(session, flt, limit=None)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.at.isoformat(timespec="seconds"), *(_cell(v) for v in (
            r.username, r.action, r.case_code, r.entity, r.entity_id, r.detail))])
    audit_record(session, actor, "export.audit_csv", entity="audit_event",
                 detail={"filter": asdict(flt), "rows": len(rows)})
    return buf.getvalue().encode("utf-8-sig")
