"""Intake inputs for tests: a valid referral that each test changes in one place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from care import intake
from care.access import Actor
from care.identity import IdentityInput
from tests.factories import programme_id

TODAY = date(2015, 6, 1)  # CARE runs from 1 Sep 2013 to 31 Dec 2015


def details(**changes) -> intake.ReferralDetails:
    base = intake.ReferralDetails(referral_date=date(2014, 3, 10), identified_by="self_referral")
    return replace(base, **changes)


def person(**changes) -> intake.PersonInput:
    base = intake.PersonInput(
        sex="Female", nationality="NG", return_country="NG", return_region="Benin City",
        birth_date=date(1994, 5, 1), languages=("en", "yo"), exploitation_forms=("sexual",))
    return replace(base, **changes)


def identity(**changes) -> IdentityInput:
    base = IdentityInput(given_names="Ada", family_names="Testperson", phone="+234 803 555 0101")
    return replace(base, **changes)


def consent(**changes) -> intake.ConsentInput:
    base = intake.ConsentInput(processing=True, on=date(2014, 3, 10), method="written", language="en",
                               followup=True, sharing=True)
    return replace(base, **changes)


def register(session: Session, actor: Actor, *, programme: str = "CARE", host: str = "FR", today: date = TODAY,
             duplicates_seen=frozenset(), **parts) -> intake.IntakeResult:
    """`parts` replaces whole inputs: details=..., person=..., identity=..., consent=..."""
    return intake.referral_register(
        session, actor, programme_id=programme_id(session, programme), host_country=host,
        details=parts.get("details", details()), person=parts.get("person", person()),
        identity=parts.get("identity", identity()), consent=parts.get("consent", consent()),
        today=today, duplicates_seen=frozenset(duplicates_seen))
