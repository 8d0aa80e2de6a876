"""`python -m care digest [--dry-run] [--day YYYY-MM-DD]` and `python -m care outbox`: reminder e-mails.

`digest` writes each user's digest of the day to the outbox (once per user and day), then sends
everything waiting there (the alarms' e-mails too). `outbox` only sends what is waiting: a timer runs
it every few minutes, so that an alarm opened at night reaches the coordinators within minutes.
The exit code is 1 when an e-mail could not be sent: the timer's log shows it, and so does the
administrator's Home; the e-mail stays in the outbox for the next run.
"""

from __future__ import annotations

from datetime import date

from care.config import settings
from db.engine import get_engine, session_scope


def _report(delivery) -> int:
    print(f"{delivery.sent} e-mail(s) sent")
    for line in delivery.failed:
        print(f"not sent, kept for the next run: {line}")
    return 1 if delivery.failed else 0


def _digest(args) -> int:
    from care.reminders import digest_queue, outbox_deliver

    today = date.fromisoformat(args.day) if args.day else date.today()
    with session_scope(get_engine()) as session:
        queued = digest_queue(session, today=today, dry_run=args.dry_run)
    if args.dry_run:
        for q in queued:
            print(f"--- to {q.username} <{q.email}>: {q.subject}\n{q.body}")
        print(f"{len(queued)} digest(s) would be written; nothing was written or sent")
        return 0
    print(f"{len(queued)} digest(s) written to the outbox for {today.isoformat()}")
    with session_scope(get_engine()) as session:
        return _report(outbox_deliver(session, settings()))


def _outbox(_args) -> int:
    from care.reminders import outbox_deliver
    from care.tasks import tasks_derive

    with session_scope(get_engine()) as session:  # the tasks new records call for, on Home within minutes
        tasks_derive(session, today=date.today())
    with session_scope(get_engine()) as session:
        return _report(outbox_deliver(session, settings()))


def add_parsers(sub) -> None:
    dg = sub.add_parser("digest", help="write today's reminder e-mail of every user to the outbox, then send "
                        "the outbox (run daily; a second run the same day writes nothing new)")
    dg.add_argument("--dry-run", action="store_true", help="print the digests that would be written; send nothing")
    dg.add_argument("--day", help="the day of the digest (YYYY-MM-DD; default: today)")
    dg.set_defaults(func=_digest)
    sub.add_parser("outbox", help="send the e-mails waiting in the outbox (alarms, digests not yet sent)"
                   ).set_defaults(func=_outbox)
