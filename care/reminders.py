"""Reminders by e-mail: each user's daily digest, and the coordinators' alarm e-mail.

An e-mail leaves the building: it carries counts and case CODES only, never a name, a place,
a note or any other detail of a person. Every section below builds its line from codes alone,
and the digest's text is assembled here, not from any free text of a record.

Nothing is sent from a page. What is to be sent is written to the outbox (`EmailOutbox`) in the
same transaction as what it announces (the alarm) or by `python -m care digest` (the digest, once
per user and day: its key is unique); `outbox_deliver` then sends what is waiting, retries a
failing server a few times per run, and leaves what still failed in the outbox for the next run
and for the administrator's Home. A reminder is never dropped.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from sqlmodel import Session, col, select

from care.access import Actor, Role, case_scope, require
from care.audit import audit_record
from care.config import Settings
from care.i18n import N_, _, fmt_date, use_language
from care.sides import return_side_scope
from care.vocab import Stage
from care.outbox import _outbox_add, _recipients
from db.models import Case, EmailOutbox, FollowUp, Plan, ReminderOptOut, Task, User, utcnow

CODES_LISTED = 30  # codes written out per line; more are counted ("and 12 more")
JOURNEY_DAYS = 7
TRIES_PER_RUN = 3  # a failing server is tried this many times per message and run, then left for the next run


@dataclass(frozen=True)
class DigestLine:
    title: str  # msgid (N_), translated when the e-mail is written
    codes: tuple[str, ...]  # case codes, sorted; "" stands for a task without a case
    count: int


# --- Sections: each takes (session, actor, today) and returns the case codes it counts ----------------

def _codes(rows) -> tuple[str, ...]:
    return tuple(sorted(code or "" for code in rows))


def overdue_followups(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    return _codes(session.exec(
        select(Case.code).join(FollowUp, FollowUp.case_id == Case.id)
        .where(return_side_scope(actor), FollowUp.status == "planned", FollowUp.due_on < today,
               Case.stage != Stage.CLOSED)).all())


def tasks_due(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    rows = session.exec(select(Task.id, Case.code).outerjoin(Case, Case.id == Task.case_id)
                        .where(Task.assignee_id == actor.id, Task.state == "open", Task.due_on <= today)).all()
    return _codes(code for _id, code in rows)


def plans_to_approve(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    if not actor.has(Role.COORDINATOR):
        return ()
    return _codes(session.exec(select(Case.code).join(Plan, Plan.case_id == Case.id)
                               .where(case_scope(actor), Plan.status == "submitted", Plan.author_id != actor.id)).all())


def alarms_opened(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    return _codes(session.exec(select(Case.code).where(case_scope(actor), Case.alarm_open == True)).all())  # noqa: E712


def referrals_waiting(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    from care.referrals import referrals_for_partner, referrals_needing_attention

    if actor.has(Role.PARTNER):
        return _codes(r.case_code for r in referrals_for_partner(session, actor))
    return _codes(r.case_code for r in referrals_needing_attention(session, actor, today=today, limit=10_000))


def journeys_next_days(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    from care.journey import journeys_coming

    return _codes(j.case_code for j in journeys_coming(session, actor, today=today, days=JOURNEY_DAYS))


def early_warnings_opened(session: Session, actor: Actor, today: date) -> tuple[str, ...]:
    """Early warnings of re-trafficking risk raised since yesterday and still open (care/early_warning.py)."""
    from datetime import UTC, datetime, time, timedelta

    from care.early_warning import early_warnings_new

    since = datetime.combine(today - timedelta(days=1), time.min, tzinfo=UTC)
    return _codes(w.case_code for w in early_warnings_new(session, actor, since=since, limit=10_000))


# The digest, in order. A new section is one more entry (e.g. early warnings opened).
SECTIONS: list[tuple[str, Callable[[Session, Actor, date], tuple[str, ...]]]] = [
    (N_("Overdue follow-ups"), overdue_followups),
    (N_("Tasks due"), tasks_due),
    (N_("Plans waiting for your approval"), plans_to_approve),
    (N_("Open alarms"), alarms_opened),
    (N_("Early warnings raised since yesterday"), early_warnings_opened),
    (N_("Referrals waiting"), referrals_waiting),
    (N_("Departures and arrivals in the next 7 days"), journeys_next_days),
]


@dataclass(frozen=True)
class Digest:
    lines: list[DigestLine] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)


def digest_for(session: Session, actor: Actor, *, today: date) -> Digest:
    """What this user's digest says today: one line per section that has something."""
    lines = []
    for title, section in SECTIONS:
        codes = section(session, actor, today)
        if codes:
            lines.append(DigestLine(title, codes, len(codes)))
    return Digest(lines)


def _code_list(codes: tuple[str, ...]) -> str:
    named = [c for c in dict.fromkeys(codes) if c]
    shown = ", ".join(named[:CODES_LISTED])
    more = len(named) - CODES_LISTED
    if more > 0:
        shown += " " + _("and {n} more").format(n=more)
    return shown


def digest_text(digest: Digest, *, language: str, today: date) -> tuple[str, str]:
    """The e-mail's subject and body in the user's language: counts and case codes only."""
    with use_language(language):
        subject = _("CARE: your work for {date}").format(date=fmt_date(today))
        body = [_("What is waiting for you in CARE today ({date}):").format(date=fmt_date(today)), ""]
        for line in digest.lines:
            body.append(_("{title}: {count}").format(title=_(line.title), count=line.count))
            listed = _code_list(line.codes)
            if listed:
                body.append("  " + listed)
        body += ["", _("Open CARE for the details. This e-mail names no person: only case codes."),
                 _("You can stop these e-mails in My account.")]
    return subject, "\n".join(body) + "\n"


# --- Recipients and the outbox ------------------------------------------------------------------------

@dataclass(frozen=True)
class Queued:
    username: str
    email: str
    subject: str
    body: str


def digest_queue(session: Session, *, today: date, dry_run: bool = False) -> list[Queued]:
    """Write each user's digest of the day to the outbox (once: a second run the same day writes nothing).

    Tasks are derived first (care/tasks.py), so that the "tasks due" line is up to date. A user with
    nothing waiting gets no e-mail. `dry_run`: only return what would be written.
    """
    from care.tasks import tasks_derive
    from care.users import _actor_of

    if not dry_run:
        tasks_derive(session, today=today)
    out = []
    for user in _recipients(session):
        key = f"digest:{today.isoformat()}:{user.id}"
        if session.exec(select(EmailOutbox.id).where(EmailOutbox.key == key)).first() is not None:
            continue
        actor = _actor_of(session, user)
        digest = digest_for(session, actor, today=today)
        if not digest:
            continue
        subject, body = digest_text(digest, language=user.language, today=today)
        out.append(Queued(user.username, user.email, subject, body))
        if not dry_run:
            _outbox_add(session, key=key, kind="digest", user_id=user.id, subject=subject, body=body)
    return out


# --- Delivery -----------------------------------------------------------------------------------------

@dataclass
class Delivery:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # "username: error", one per message still waiting


def _smtp(settings: Settings):
    if settings.smtp_tls not in ("starttls", "ssl", "none"):
        raise smtplib.SMTPException(f"CARE_SMTP_TLS must be starttls, ssl or none, not {settings.smtp_tls!r}")
    if settings.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=30,
                                context=ssl.create_default_context())
    client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    if settings.smtp_tls == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def _send(settings: Settings, to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.smtp_sender, to, subject
    msg.set_content(body)
    with _smtp(settings) as client:
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password)
        client.send_message(msg)


def outbox_deliver(session: Session, settings: Settings, *, wait_seconds: float = 2.0) -> Delivery:
    """Send every e-mail waiting in the outbox, the oldest first; commit after each, so that a message
    sent is never sent again. A failure is tried `TRIES_PER_RUN` times, then recorded on the row
    (attempts, error) and left for the next run."""
    report = Delivery()
    if not settings.smtp_host or not settings.smtp_sender:
        waiting = session.exec(select(EmailOutbox.id).where(col(EmailOutbox.sent_at).is_(None))).all()
        if waiting:
            report.failed.append(f"{len(waiting)} e-mail(s) waiting: CARE_SMTP_HOST or CARE_SMTP_SENDER is not set")
        return report
    rows = session.exec(select(EmailOutbox, User).join(User, User.id == EmailOutbox.user_id)
                        .where(col(EmailOutbox.sent_at).is_(None)).order_by(EmailOutbox.id)).all()
    for row, user in rows:
        error = ""
        for attempt in range(TRIES_PER_RUN):
            try:
                _send(settings, user.email, row.subject, row.body)
                error = ""
                break
            except (OSError, smtplib.SMTPException) as err:
                error = f"{type(err).__name__}: {err}"[:500]
                if attempt + 1 < TRIES_PER_RUN and wait_seconds:
                    time.sleep(wait_seconds * (attempt + 1))
        row.last_try_at = utcnow()
        if error:
            row.attempts += TRIES_PER_RUN
            row.last_error = error
            report.failed.append(f"{user.username}: {error}")
        else:
            row.sent_at, row.last_error = utcnow(), ""
            report.sent += 1
            audit_record(session, None, "email.sent", entity="email_outbox", entity_id=row.id,
                         detail={"kind": row.kind, "user_id": user.id}, username="system")
        session.add(row)
        session.commit()
    return report


# --- My account and the administrator's Home ----------------------------------------------------------

def reminders_wanted(session: Session, actor: Actor) -> bool:
    return session.get(ReminderOptOut, actor.id) is None


def reminders_set(session: Session, actor: Actor, wanted: bool) -> None:
    """The user's own choice: reminder e-mails (digest and alarm) or none. Audited."""
    row = session.get(ReminderOptOut, actor.id)
    if wanted and row is not None:
        session.delete(row)
    elif not wanted and row is None:
        session.add(ReminderOptOut(user_id=actor.id))
    else:
        return
    audit_record(session, actor, "reminders.opt_in" if wanted else "reminders.opt_out", entity="user", entity_id=actor.id)
    session.flush()


@dataclass(frozen=True)
class FailedReminder:
    id: int
    kind: str
    username: str
    created_at: object
    attempts: int
    last_error: str


def reminders_failed(session: Session, actor: Actor) -> list[FailedReminder]:
    """For the administrator: e-mails still waiting after a failed try (no content: kind, user, error)."""
    require(actor, Role.ADMIN)
    rows = session.exec(select(EmailOutbox, User.username).join(User, User.id == EmailOutbox.user_id)
                        .where(col(EmailOutbox.sent_at).is_(None), EmailOutbox.attempts > 0)
                        .order_by(EmailOutbox.id)).all()
    return [FailedReminder(r.id, r.kind, username, r.created_at, r.attempts, r.last_error) for r, username in rows]
