"""Plain factory functions for tests: actors of each role, and cases.

`make_case` writes a case row directly with plausible defaults; stage tests then move it
along through the domain functions.
"""

from __future__ import annotations

import itertools
from datetime import date

from sqlmodel import Session, select

from care import users
from care.access import Actor
from care.identity import name_index
from care.vocab import PLAN_SUBCATEGORIES
from db.models import Case, Identity, PartnerOrganisation, PartnerService, Programme

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def programme_id(session: Session, code: str = "CARE") -> int:
    return session.exec(select(Programme.id).where(Programme.code == code)).one()


def make_partner(session: Session, *, name: str | None = None, country: str = "NG", kind: str = "ngo",
                 services: tuple[str, ...] = ()) -> PartnerOrganisation:
    """A partner organisation of the directory, with its services (plan line kinds)."""
    org = PartnerOrganisation(name=name or f"Partner {next(_counter)}", country=country, kind=kind, languages=["en"])
    session.add(org)
    session.flush()
    for kind_code in services:
        session.add(PartnerService(partner_id=org.id, category=PLAN_SUBCATEGORIES[kind_code][0], kind=kind_code))
    session.flush()
    return org


def make_actor(session: Session, *roles: str, countries=(), programmes=("CARE", "CARE_PLUS", "TACT", "CH_VOT"),
               username: str | None = None, name: str | None = None, partner_id: int | None = None) -> Actor:
    """A user of these roles; a partner user works for `partner_id` (a new organisation if not given)."""
    n = next(_counter)
    username = username or f"{roles[0].replace('_', '')}{n}"
    if "partner" in roles:  # a partner user has no country or programme (care/users.py)
        programmes, countries = (), ()
        partner_id = partner_id or make_partner(session).id
    users.user_create(session, users.NewUser(
        username=username, name=name or f"Test User {n}", password=PASSWORD, roles=tuple(roles),
        countries=tuple(countries), programme_codes=tuple(programmes), must_change_password=False,
        partner_id=partner_id,
    ), actor=None)
    session.flush()
    return users.actor_load(session, username)


def make_case(session: Session, *, programme: str = "CARE", host: str = "FR", ret: str = "NG",
              stage: str = "referred", referral_date: date = date(2014, 3, 10), birth_date: date | None = date(1994, 5, 1),
              is_minor: bool = False, given: str = "Ada", family: str = "Test", **fields) -> Case:
    n = next(_counter)
    case = Case(
        code=f"{programme}-{host}-{referral_date.year}-{n:04d}", programme_id=programme_id(session, programme),
        host_country=host, return_country=ret, referral_date=referral_date, identified_by="ngo",
        sex="Female", birth_date=birth_date, is_minor=is_minor, nationality=ret, stage=stage,
        consent_processing_on=referral_date, consent_method="written", consent_language="en",
        **({"consent_followup": True, "consent_sharing": True, "consent_sharing_on": referral_date} | fields),
    )
    session.add(case)
    session.flush()
    session.add(Identity(case_id=case.id, given_names=given, family_names=family, name_index=name_index(given, family)))
    session.flush()
    return case
