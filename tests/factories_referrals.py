"""Factories for referrals to partners: a partner organisation, a user of it, a referral through the domain."""

from __future__ import annotations

import itertools
from datetime import date

from sqlmodel import Session

from care import referrals, users
from care.access import Actor
from db.models.partner import PartnerOrganisation
from tests.factories import PASSWORD

_counter = itertools.count(1)


def make_partner(session: Session, *, country: str = "NG", name: str | None = None, active: bool = True,
                 kind: str = "shelter") -> PartnerOrganisation:
    org = PartnerOrganisation(name=name or f"Test partner {next(_counter)}", country=country, kind=kind,
                              languages=["en"], active=active)
    session.add(org)
    session.flush()
    return org


def make_partner_user(session: Session, org: PartnerOrganisation, *, username: str | None = None) -> Actor:
    username = username or f"partner{next(_counter)}"
    users.user_create(session, users.NewUser(
        username=username, name=f"Partner user {username}", password=PASSWORD, roles=("partner",),
        programme_codes=(), must_change_password=False, partner_id=org.id), actor=None)
    session.flush()
    return users.actor_load(session, username)


def referral_input(partner_id: int | None, **changes) -> referrals.ReferralInput:
    values = dict(partner_id=partner_id, purposes=("reception", "followups"), message="Please meet her at the airport.",
                  answer_by=None)
    values.update(changes)
    return referrals.ReferralInput(**values)


def sent_referral(session: Session, actor: Actor, case_id: int, partner_id: int, *, today: date, **changes):
    ref = referrals.referral_create(session, actor, case_id, referral_input(partner_id, **changes))
    return referrals.referral_send(session, actor, ref.id, expected_version=ref.version, today=today)
