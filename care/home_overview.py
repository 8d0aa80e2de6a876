"""First screens for the roles that do not work on case files: managers and administrators.

Managers: the headline figures of each of their programmes against its targets, as the
indicators page discloses them (small counts hidden the same way). Administrators: what needs an
administrator's eye, from the users table and the audit log: locked accounts, recent exports,
failed logins, settings changed, and reminder failures (filled in by the reminders' digest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, func, or_, select

from care.access import Actor, Role, require
from care.indicators import indicators_report
from care.programmes import programmes_for
from care.smallcells import cell_text
from db.models import AuditEvent, User

RECENT = timedelta(days=7)
SETTINGS_ACTIONS = ("programme.create", "programme.update", "data_key.rotate", "restore")


@dataclass(frozen=True)
class Headline:
    programme_code: str
    programme_name: str
    people: str  # as disclosed: "37", "<5" or "–"
    people_target: str
    people_share: str
    minors: str
    minors_target: str
    minors_share: str


def manager_headlines(session: Session, actor: Actor, *, today: date) -> list[Headline]:
    """Each programme of the actor: people assisted and minors, against the programme's targets."""
    require(actor, Role.MANAGER, Role.COORDINATOR)
    out = []
    for p in programmes_for(session, actor):
        report = indicators_report(session, actor, programme_id=p.id, today=today)
        rows = {r.key: r for r in report.table("people_target").rows}
        people, minors = rows["people"].cells, rows["minors"].cells
        out.append(Headline(p.code, p.name, *(cell_text(c) for c in people), *(cell_text(c) for c in minors)))
    return out


@dataclass(frozen=True)
class Event:
    at: datetime
    username: str
    action: str
    detail: str


@dataclass(frozen=True)
class AdminOverview:
    locked: list[tuple[str, str, datetime | None]]  # username, name, waiting until (None: locked by an administrator)
    exports: list[Event]
    failed_logins: int
    failed_by_account: list[tuple[str, int]]
    settings_changed: list[Event]
    # Reminders that could not be sent: the reminders' digest adds its failures here.
    reminder_failures: list[str] = field(default_factory=list)


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _events(session: Session, condition, since: datetime, limit: int) -> list[Event]:
    rows = session.exec(select(AuditEvent).where(condition, AuditEvent.at >= since)
                        .order_by(col(AuditEvent.at).desc()).limit(limit)).all()
    return [Event(_aware(r.at), r.username, r.action, r.detail) for r in rows]


def admin_overview(session: Session, actor: Actor, *, now: datetime | None = None) -> AdminOverview:
    """What an administrator should look at today (the last 7 days of the audit log)."""
    require(actor, Role.ADMIN)
    now = now or datetime.now(UTC)
    since = now - RECENT
    users = session.exec(select(User).where(or_(User.locked.is_(True), User.locked_until > now))
                         .order_by(User.username)).all()
    locked = [(u.username, u.name, None if u.locked else _aware(u.locked_until)) for u in users]
    failed = session.exec(select(AuditEvent.username, func.count()).where(
        AuditEvent.action == "login.failed", AuditEvent.at >= since).group_by(AuditEvent.username)).all()
    return AdminOverview(
        locked=locked,
        exports=_events(session, col(AuditEvent.action).startswith("export."), since, 10),
        failed_logins=sum(n for _u, n in failed),
        failed_by_account=sorted(((u, n) for u, n in failed if u), key=lambda x: -x[1])[:5],
        settings_changed=_events(session, col(AuditEvent.action).in_(SETTINGS_ACTIONS), since, 10),
    )
