"""The e-mail outbox: what the reminders and the alarm e-mails write, in the caller's transaction.

Apart from `care/reminders.py` (the digest and the delivery) so that the follow-ups, which queue
the alarm e-mail, do not import the digest (which reads the follow-ups, referrals and journeys).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from care.access import Role
from care.i18n import _, fmt_date, use_language
from db.models import Case, EmailOutbox, ReminderOptOut, User


def _recipients(session: Session, user_ids=None) -> list[User]:
    """Active users with an e-mail address who did not opt out."""
    stmt = select(User).where(User.is_active == True, User.locked == False, User.email != "",  # noqa: E712
                              col(User.id).not_in(select(ReminderOptOut.user_id)))
    if user_ids is not None:
        stmt = stmt.where(col(User.id).in_(list(user_ids)))
    return list(session.exec(stmt.order_by(User.id)).all())



def _outbox_add(session: Session, *, key: str, kind: str, user_id: int, subject: str, body: str) -> bool:
    try:
        with session.begin_nested():  # two runs at once: the unique key keeps one
            session.add(EmailOutbox(key=key, kind=kind, user_id=user_id, subject=subject, body=body))
            session.flush()
    except IntegrityError:
        return False
    return True


def alarm_queue(session: Session, case: Case, *, alarms: list[str], followup_id: int | None, on: date) -> int:
    """In the alarm's own transaction: one e-mail to each coordinator of the case's programme (the code only)."""
    from care.users import _actor_of

    n = 0
    for user in _recipients(session):
        actor = _actor_of(session, user)
        if not (actor.has(Role.COORDINATOR) and case.programme_id in actor.programme_ids):
            continue
        with use_language(user.language):
            subject = _("CARE: alarm opened on case {code}").format(code=case.code)
            body = "\n".join([
                _("An alarm was opened on case {code} on {date}.").format(code=case.code, date=fmt_date(on)),
                _("Open CARE to read the follow-up and decide what to do. This e-mail names no person."),
                _("You can stop these e-mails in My account."),
            ]) + "\n"
        key = f"alarm:{case.id}:{followup_id or 0}:{'-'.join(sorted(alarms))}:{user.id}"[:120]
        n += _outbox_add(session, key=key, kind="alarm", user_id=user.id, subject=subject, body=body)
    return n
