"""Drafts: what a user typed in a long form is kept on the server while they type.

A dropped connection, a closed tab or a phone gone to sleep loses nothing: the form saves
its values as a draft (one per user, case and form) on every change, and offers it when
it opens again. The values are JSON, encrypted at rest like the identity (an address or
a name may be in them). Drafts live in their own table: no indicator, list or export
reads it. A draft nobody logs is deleted after `CARE_DRAFT_DAYS` days: on every save,
and with `python -m care drafts-expire` (e.g. daily from cron).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from care.access import Actor, case_get, field_case_get
from care.audit import audit_record
from care.config import settings
from care.errors import DomainError
from care.i18n import _
from care.access import Side, require_side
from db.models import Draft, utcnow

# The forms that keep drafts, and the side of the return each belongs to.
FORMS = {
    "followup": Side.ARRIVAL,
    "contact": Side.ARRIVAL,
    "checklist_departure": Side.DEPARTURE,
    "checklist_arrival": Side.ARRIVAL,
}
MAX_PAYLOAD = 60_000  # characters of JSON: far more than any form holds


@dataclass(frozen=True)
class DraftView:
    form: str
    values: dict
    saved_at: datetime  # UTC


def _check(session: Session, actor: Actor, case_id: int, form: str) -> None:
    if form not in FORMS:
        raise DomainError(_("This form keeps no drafts."))
    if FORMS[form] == Side.ARRIVAL:
        field_case_get(session, actor, case_id)  # the return side (and, merged, the partners who follow up)
    else:
        require_side(actor, case_get(session, actor, case_id), FORMS[form])


def _cutoff(now: datetime, days: int | None) -> datetime:
    return now - timedelta(days=settings().draft_days if days is None else days)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives back naive UTC


def _row(session: Session, actor: Actor, case_id: int, form: str) -> Draft | None:
    return session.exec(select(Draft).where(Draft.user_id == actor.id, Draft.case_id == case_id,
                                            Draft.form == form)).first()


def draft_save(session: Session, actor: Actor, case_id: int, *, form: str, values: dict,
               now: datetime | None = None) -> Draft:
    """Keep what the form holds now (replacing this user's earlier draft of the same form and case).

    The first save of a draft is audited; the saves that follow it, one per change, are not."""
    _check(session, actor, case_id, form)
    payload = json.dumps(values, default=str, ensure_ascii=False, sort_keys=True)
    if len(payload) > MAX_PAYLOAD:
        raise DomainError(_("This draft is too long to keep."))
    now = now or utcnow()
    drafts_expire(session, now=now)
    row = _row(session, actor, case_id, form)
    if row is None:
        row = Draft(user_id=actor.id, case_id=case_id, form=form)
        audit_record(session, actor, "draft.create", case_id=case_id, entity="draft", entity_id=form)
    row.payload, row.saved_at = payload, now
    session.add(row)
    session.flush()
    return row


def draft_get(session: Session, actor: Actor, case_id: int, *, form: str, now: datetime | None = None,
              resume: bool = False) -> DraftView | None:
    """This user's draft of the form for the case, unless it expired. `resume` reads its values: audited."""
    _check(session, actor, case_id, form)
    row = _row(session, actor, case_id, form)
    if row is None or _aware(row.saved_at) < _cutoff(now or utcnow(), None):
        return None
    if resume:
        audit_record(session, actor, "draft.resume", case_id=case_id, entity="draft", entity_id=form)
    return DraftView(form, json.loads(row.payload) if row.payload else {}, _aware(row.saved_at))


def draft_discard(session: Session, actor: Actor, case_id: int, *, form: str, logged: bool = False) -> bool:
    """Drop this user's draft of the form (the user discarded it, or `logged` it). True if there was one."""
    _check(session, actor, case_id, form)
    row = _row(session, actor, case_id, form)
    if row is None:
        return False
    session.delete(row)
    if not logged:
        audit_record(session, actor, "draft.discard", case_id=case_id, entity="draft", entity_id=form)
    session.flush()
    return True


def drafts_expire(session: Session, *, now: datetime | None = None, days: int | None = None) -> int:
    """Delete every draft older than the setting (or `days`); returns how many."""
    return session.execute(delete(Draft).where(Draft.saved_at < _cutoff(now or utcnow(), days))
                           .execution_options(synchronize_session=False)).rowcount
