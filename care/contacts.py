"""The contact log: every call, message, visit, partner's report or incident between follow-ups.

A follow-up is a few times a year; the people who work a case are in touch more often, and
a person nobody reaches any more is at risk. Each contact says when, who logged it, whether
the person was reached and a short note. "Last contact" is the last day the person was
reached, by a contact or a logged follow-up; two attempts in a row without reaching them
put the case on the coordinators' Home. Contacts are the return side's work, like follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, literal, union_all
from sqlmodel import Session, col, func, select

from care.access import Actor, Role, case_get, field_case_get
from care.audit import audit_record
from care.drafts import draft_discard
from care.errors import Problems
from care.i18n import N_, _, fmt_date
from care.safecontact import require_acknowledged
from care.sections import Section, Table
from care.access import Side, return_side_scope, works_on
from care.text import checked_text
from care.vocab import OPEN_STAGES, label
from care.days import check_day
from db.models import Case, Contact, FollowUp, User

KINDS = {
    "call": N_("Call"),
    "message": N_("Message"),
    "visit": N_("Visit"),
    "partner_report": N_("Partner report"),
    "incident": N_("Incident"),
}
NOTE_MAX = 1000
UNREACHED_IN_A_ROW = 2


@dataclass(frozen=True)
class ContactRow:
    id: int
    kind: str
    on: date
    by: str  # the name of the user who logged it
    reached: bool
    note: str


@dataclass(frozen=True)
class Unreached:
    case_id: int
    case_code: str
    last_attempt: date


def contact_log(session: Session, actor: Actor, case_id: int, *, kind: str | None, on: date | None, reached: bool,
                note: str, acknowledged: bool, today: date | None = None) -> Contact:
    """Log one contact (or attempt); the actor read the safe contact first. Drops the actor's contact draft."""
    today = today or date.today()
    case = field_case_get(session, actor, case_id)
    p = Problems()
    if kind not in KINDS:
        p.add("kind", _("Choose the kind of contact."))
    check_day(p, "on", on, label=_("The date of the contact"), today=today, earliest=case.referral_date,
              after=_("the referral"))
    text = checked_text(p, "note", note, limit=NOTE_MAX, multiline=True)
    p.raise_if_any()
    require_acknowledged(session, actor, case, acknowledged)
    row = Contact(case_id=case.id, kind=kind, on=on, by_id=actor.id, reached=bool(reached), note=text)
    session.add(row)
    session.flush()
    audit_record(session, actor, "contact.log", case_id=case.id, entity="contact", entity_id=row.id,
                 detail={"kind": kind, "on": on, "reached": bool(reached)})
    draft_discard(session, actor, case.id, form="contact", logged=True)
    return row


def contacts_of(session: Session, actor: Actor, case_id: int, *, limit: int = 50) -> list[ContactRow]:
    """The case's contacts, the latest first."""
    case = field_case_get(session, actor, case_id)
    rows = session.exec(select(Contact, User.name).join(User, User.id == Contact.by_id)
                        .where(Contact.case_id == case.id)
                        .order_by(col(Contact.on).desc(), col(Contact.id).desc()).limit(limit)).all()
    return [ContactRow(c.id, c.kind, c.on, name, c.reached, c.note) for c, name in rows]


def _attempts(case_ids=None):
    """Every contact and every logged follow-up, as (case, day, id, reached): one list of attempts
    (of the cases `case_ids` selects, when given)."""
    contact = select(Contact.case_id.label("case_id"), Contact.on.label("on"), Contact.id.label("seq"),
                     cast(Contact.reached, Integer).label("reached"))
    followup = (select(FollowUp.case_id, FollowUp.done_on, FollowUp.id + literal(0), cast(FollowUp.reached, Integer))
                .where(FollowUp.status == "done"))
    if case_ids is not None:
        contact, followup = contact.where(col(Contact.case_id).in_(case_ids)), followup.where(
            col(FollowUp.case_id).in_(case_ids))
    return union_all(contact, followup).subquery()


def _ever_unreached():
    """The cases with a logged contact attempt that did not reach the person: the candidates for
    "unreached twice in a row" (few, so the ranking reads few rows; reading every follow-up for its
    "reached" made the coordinators' Home 1.7 times slower at 10,000 cases). A follow-up logged as
    not reached counts in the streak of such a case, but alone does not make one."""
    return select(Contact.case_id).where(Contact.reached == False)  # noqa: E712


def last_contacts(session: Session, case_ids) -> dict[int, date]:
    """The last day each case's person was reached (a contact or a follow-up), for the cases listed."""
    ids = list(case_ids)
    if not ids:
        return {}
    a = _attempts()
    return dict(session.exec(select(a.c.case_id, func.max(a.c.on))
                             .where(a.c.reached == 1, col(a.c.case_id).in_(ids)).group_by(a.c.case_id)).all())


def days_since(last: date | None, today: date) -> int | None:
    return None if last is None else (today - last).days


def unreached_cases(session: Session, actor: Actor, *, limit: int = 50) -> list[Unreached]:
    """Coordinators: open cases whose last two attempts did not reach the person, the latest attempt first."""
    if not actor.has(Role.COORDINATOR) or not actor.programme_ids:
        return []
    a = _attempts(_ever_unreached())
    ranked = select(a.c.case_id, a.c.on, a.c.reached, func.row_number().over(
        partition_by=a.c.case_id, order_by=(a.c.on.desc(), a.c.seq.desc())).label("n")).subquery()
    latest = (select(ranked.c.case_id, func.max(ranked.c.on).label("last"))
              .where(ranked.c.n <= UNREACHED_IN_A_ROW).group_by(ranked.c.case_id)
              .having(func.count() == UNREACHED_IN_A_ROW, func.sum(ranked.c.reached) == 0).subquery())
    rows = session.exec(select(Case.id, Case.code, latest.c.last).join(latest, latest.c.case_id == Case.id)
                        .where(col(Case.programme_id).in_(actor.programme_ids), return_side_scope(actor),
                               col(Case.stage).in_(OPEN_STAGES))
                        .order_by(latest.c.last.desc()).limit(limit)).all()
    return [Unreached(*r) for r in rows]


def last_contact_of(session: Session, actor: Actor, case_id: int) -> date | None:
    """The last day the case's person was reached, for a case this actor may see."""
    case = case_get(session, actor, case_id)
    return last_contacts(session, [case.id]).get(case.id)


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The case file's flags (everyone who sees the case) and contacts (the return side)."""
    from care.flags import KINDS as FLAG_KINDS, case_flags

    today = date.today()
    rows = [(label(FLAG_KINDS, f.kind), f.reason + (_(" (until {date})").format(date=fmt_date(f.ends_on))
                                                     if f.ends_on else ""))
            for f in case_flags(session, actor, case.id, today=today)]
    tables = []
    if works_on(actor, case, Side.ARRIVAL) and case.arrival_date is not None:
        last = last_contacts(session, [case.id]).get(case.id)
        rows.append((_("Last contact"), _("{date} ({days} days ago)").format(date=fmt_date(last),
                                                                          days=days_since(last, today))
                     if last else _("never")))
        found = contacts_of(session, actor, case.id)
        if found:
            tables.append(Table([_("Date"), _("Kind"), _("Reached"), _("Who"), _("Note")],
                                [[fmt_date(c.on), label(KINDS, c.kind), _("Yes") if c.reached else _("No"), c.by, c.note]
                                 for c in found]))
    if not rows and not tables:
        return None
    return Section(title=_("Flags and contacts"), rows=rows, tables=tables)
