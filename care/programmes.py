"""Programmes as data: what a programme allows, read by every stage.

A programme's settings are read through `ProgrammeSettings` so that rules never reach
into the table directly, and so that a snapshot of them can be stored with an approval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from care.access import Actor, Role
from care.errors import NotPermitted
from care.i18n import _
from db.models import BudgetCap, Programme, ProgrammeCountry


@dataclass(frozen=True)
class Cap:
    category: str
    amount: Decimal | None
    max_months: int | None


@dataclass(frozen=True)
class ProgrammeSettings:
    id: int
    code: str
    name: str
    funder: str
    start_date: date
    end_date: date
    currency: str
    target_people: int
    target_minors: int
    cap_per_person: Decimal | None
    followup_months: tuple[int, ...]
    followup_months_minor: tuple[int, ...]
    retention_months: int
    host_countries: tuple[str, ...]
    return_countries: tuple[str, ...]
    caps: tuple[Cap, ...] = field(default_factory=tuple)
    version: int = 1

    def in_period(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    def snapshot(self) -> dict:
        """What an approval records of the settings it was made under."""
        return {
            "programme_version": self.version,
            "currency": self.currency,
            "cap_per_person": str(self.cap_per_person) if self.cap_per_person is not None else None,
            "caps": {c.category: {"amount": str(c.amount) if c.amount is not None else None,
                                  "max_months": c.max_months} for c in self.caps},
        }


def programme_settings(session: Session, programme_id: int) -> ProgrammeSettings:
    p = session.get(Programme, programme_id)
    if p is None:
        raise NotPermitted(_("No such programme."))
    countries = session.exec(select(ProgrammeCountry).where(ProgrammeCountry.programme_id == p.id)).all()
    caps = session.exec(select(BudgetCap).where(BudgetCap.programme_id == p.id).order_by(BudgetCap.category)).all()
    return ProgrammeSettings(
        id=p.id, code=p.code, name=p.name, funder=p.funder, start_date=p.start_date, end_date=p.end_date,
        currency=p.currency, target_people=p.target_people, target_minors=p.target_minors,
        cap_per_person=p.cap_per_person, followup_months=tuple(p.followup_months),
        followup_months_minor=tuple(p.followup_months_minor or p.followup_months),
        retention_months=p.retention_months,
        host_countries=tuple(sorted(c.country for c in countries if c.kind == "host")),
        return_countries=tuple(sorted(c.country for c in countries if c.kind == "return")),
        caps=tuple(Cap(c.category, c.cap_amount, c.max_months) for c in caps),
        version=p.version,
    )


def programmes_for(session: Session, actor: Actor) -> list[ProgrammeSettings]:
    """The programmes this actor works in (admins see all of them)."""
    stmt = select(Programme.id).order_by(Programme.start_date)
    if not actor.has(Role.ADMIN):
        stmt = stmt.where(col(Programme.id).in_(actor.programme_ids))
    return [programme_settings(session, pid) for pid in session.exec(stmt).all()]
