"""The list of cases a user may see: filters, paging, and the order every list uses.

Alarms and high risk come first, so that the most urgent case is never on page two.
Names are not part of a list row: a list shows case codes. A user allowed to see names
may find cases by name (`care.identity` does the matching); that search is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import exists, false
from sqlmodel import Session, col, func, select

from care import identity
from care.access import Actor, case_scope
from care.contacts import last_contacts
from care.flags import flags_by_case
from care.text import searchable
from care.vocab import Stage
from db.models import Case, FollowUp, Programme

CODE_MAX = 40  # the column's length: a longer code matches nothing
NAME_SEARCH_MAX = 500  # longer than any name with its aliases is a paste, not a search

RISK_ORDER = sql_case({"high": 0, "medium": 1, "low": 2}, value=Case.risk_level, else_=3)


def urgency_order():
    """Alarms first, then high, medium, low risk, then the most recent referral."""
    return [col(Case.alarm_open).desc(), RISK_ORDER, col(Case.referral_date).desc(), col(Case.id).desc()]


@dataclass(frozen=True)
class CaseFilter:
    programme_id: int | None = None
    host_country: str | None = None
    return_country: str | None = None
    stages: tuple[str, ...] = ()
    minor: bool | None = None
    code: str = ""
    name: str = ""  # words of a name; only for users allowed to see names
    overdue_on: date | None = None  # only cases with a follow-up overdue on that day
    ids: tuple[int, ...] = ()  # only these cases (a link names its case by id)


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    programme: str
    host_country: str
    return_country: str
    stage: str
    is_minor: bool
    risk_level: str | None
    alarm_open: bool
    referral_date: date
    flags: tuple[str, ...] = ()  # the active flags' kinds
    last_contact: date | None = None  # the last day the person was reached


def _filtered(actor: Actor, flt: CaseFilter):
    stmt = select(Case.id).where(case_scope(actor))
    if flt.ids:
        stmt = stmt.where(col(Case.id).in_(flt.ids))
    if flt.programme_id:
        stmt = stmt.where(Case.programme_id == flt.programme_id)
    if flt.host_country:
        stmt = stmt.where(Case.host_country == flt.host_country)
    if flt.return_country:
        stmt = stmt.where(Case.return_country == flt.return_country)
    if flt.stages:
        stmt = stmt.where(col(Case.stage).in_(flt.stages))
    if flt.minor is not None:
        stmt = stmt.where(Case.is_minor == flt.minor)
    code, name = searchable(flt.code, limit=CODE_MAX), searchable(flt.name, limit=NAME_SEARCH_MAX)
    if code is None or name is None:
        return stmt.where(false())
    if code:  # "_" and "%" are letters here, not wildcards
        stmt = stmt.where(col(Case.code).icontains(code, autoescape=True))
    if name:  # each word once: the search asks that the name holds every word
        stmt = stmt.where(col(Case.id).in_(identity.case_ids_named(actor, " ".join(dict.fromkeys(name.split())))))
    if flt.overdue_on is not None:
        stmt = stmt.where(Case.stage != Stage.CLOSED, exists().where(
            FollowUp.case_id == Case.id, FollowUp.status == "planned", FollowUp.due_on < flt.overdue_on))
    return stmt


def cases_list(session: Session, actor: Actor, flt: CaseFilter = CaseFilter(), *, limit: int = 50,
               offset: int = 0) -> tuple[list[CaseRow], int]:
    """One page of the cases this actor may see, and how many there are in all."""
    ids = _filtered(actor, flt)
    total = session.exec(select(func.count()).select_from(ids.subquery())).one()
    if flt.name.strip():
        identity.name_search_record(session, actor, total)
    rows = session.exec(
        select(Case.id, Case.code, Programme.code, Case.host_country, Case.return_country, Case.stage,
               Case.is_minor, Case.risk_level, Case.alarm_open, Case.referral_date)
        .join(Programme, Programme.id == Case.programme_id)
        .where(col(Case.id).in_(ids))
        .order_by(*urgency_order())
        .limit(limit)
        .offset(offset)
    ).all()
    ids = [r[0] for r in rows]
    flags, last = flags_by_case(session, ids, today=date.today()), last_contacts(session, ids)
    return [CaseRow(*r, flags=tuple(flags.get(r[0], ())), last_contact=last.get(r[0])) for r in rows], total
