"""Case flags: a warning that follows the case into every list until it ends.

"Do not call", "safety concern", "witness in proceedings", "health": each with a reason and
an optional end date; anyone who works on the case may add or remove one, both audited.
Lists and Home show the active flags of each case beside its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from care.access import Actor, case_get
from care.audit import audit_record
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _
from care.text import checked_text
from care.vocab import label
from care.days import check_day
from db.models import CaseFlag, utcnow

KINDS = {
    "safety_concern": N_("Safety concern"),
    "do_not_call": N_("Do not call"),
    "witness": N_("Witness in proceedings"),
    "health": N_("Health"),
}
REASON_MAX = 500


@dataclass(frozen=True)
class FlagRow:
    id: int
    kind: str
    reason: str
    ends_on: date | None


def _active(today: date):
    return CaseFlag.removed_at == None, or_(CaseFlag.ends_on == None, CaseFlag.ends_on >= today)  # noqa: E711


def flag_add(session: Session, actor: Actor, case_id: int, *, kind: str | None, reason: str, ends_on: date | None,
             today: date | None = None) -> CaseFlag:
    today = today or date.today()
    case = case_get(session, actor, case_id)
    p = Problems()
    if kind not in KINDS:
        p.add("kind", _("Choose a flag."))
    text = checked_text(p, "reason", reason, limit=REASON_MAX, multiline=True, required=_("Say why."))
    check_day(p, "ends_on", ends_on, label=_("The end date"), today=today, required=False, planned=True,
              earliest=today, after=_("today"))
    p.raise_if_any()
    row = CaseFlag(case_id=case.id, kind=kind, reason=text, ends_on=ends_on, created_by_id=actor.id)
    session.add(row)
    session.flush()
    audit_record(session, actor, "flag.add", case_id=case.id, entity="flag", entity_id=row.id,
                 detail={"kind": kind, "ends_on": ends_on})
    return row


def flag_remove(session: Session, actor: Actor, flag_id: int) -> None:
    row = session.get(CaseFlag, flag_id)
    if row is None:
        raise NotPermitted(_("No such flag, or you are not permitted to see it."))
    try:
        case_get(session, actor, row.case_id)
    except NotPermitted:
        raise NotPermitted(_("No such flag, or you are not permitted to see it.")) from None
    if row.removed_at is not None:
        raise DomainError(_("This flag was removed already."))
    row.removed_at, row.removed_by_id = utcnow(), actor.id
    session.add(row)
    audit_record(session, actor, "flag.remove", case_id=row.case_id, entity="flag", entity_id=row.id)
    session.flush()


def case_flags(session: Session, actor: Actor, case_id: int, *, today: date) -> list[FlagRow]:
    """The case's active flags."""
    case = case_get(session, actor, case_id)
    rows = session.exec(select(CaseFlag).where(CaseFlag.case_id == case.id, *_active(today))
                        .order_by(CaseFlag.id)).all()
    return [FlagRow(r.id, r.kind, r.reason, r.ends_on) for r in rows]


def flags_by_case(session: Session, case_ids, *, today: date) -> dict[int, list[str]]:
    """The active flags' kinds of each case listed (lists read the cases through access first)."""
    ids = list(case_ids)
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    for case_id, kind in session.exec(select(CaseFlag.case_id, CaseFlag.kind)
                                      .where(col(CaseFlag.case_id).in_(ids), *_active(today))
                                      .order_by(CaseFlag.case_id, CaseFlag.id)).all():
        if kind not in out.setdefault(case_id, []):
            out[case_id].append(kind)
    return out


def flag_labels(kinds) -> str:
    """"⚑ Do not call, Health" for a list cell, or ""."""
    return ("⚑ " + ", ".join(label(KINDS, k) for k in kinds)) if kinds else ""
