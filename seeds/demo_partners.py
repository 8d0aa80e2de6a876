"""Demo partner organisations in the return countries, a partner user, and referrals to them.

Written after the cases, from a random generator of its own, so the rest of the demo data
stays exactly as it was. The referrals cover every state, and a few Nigerian cases whose
person said no to sharing show the return side working on a case code alone.
Synthetic organisations only: every name ends in "(demo)".
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from care import users
from care.access import Role
from care.vocab import Stage
from db.models import Case, FollowUp, Plan, PlanLine, Programme, User
from db.models.partner import PartnerOrganisation, PartnerReferral, PartnerService

PARTNER_USERNAME = "partner.ng"
PARTNER_NAME = "Ngozi Okonkwo-Bello"

# country, name, kind, contact, languages, services (plan category, plan line kind)
PARTNERS: tuple[tuple[str, str, str, str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    ("NG", "Edo State Women's Shelter (demo)", "shelter", "Ring Road, GRA, Edo State · +234 700 000 0101",
     ("en", "yo"), (("immediate", "temporary_housing"), ("psychosocial", "counselling"))),
    ("NG", "Ikeja Livelihoods Network (demo)", "ngo", "Allen Avenue, Ikeja · +234 700 000 0102",
     ("en", "ig", "yo"), (("economic", "income_generating"), ("economic", "vocational_training"))),
    ("NG", "Oredo Health Outreach (demo)", "health", "Sapele Road, Edo State · +234 700 000 0103",
     ("en",), (("immediate", "medical_immediate"), ("social", "medical_care"))),
    ("AL", "Qendra Shpresa e Re (demo)", "shelter", "Tiranë · +355 40 000 0101",
     ("sq",), (("immediate", "temporary_housing"), ("psychosocial", "counselling"))),
    ("AL", "Zyra Rajonale e Punësimit Vlorë (demo)", "government", "Vlorë · +355 40 000 0102",
     ("sq",), (("economic", "job_placement"),)),
    ("MA", "Association Aït Nour (demo)", "ngo", "Casablanca · +212 500 000 101",
     ("ar", "fr"), (("economic", "income_generating"), ("social", "education"))),
    ("MA", "Bureau OIM Rabat (demo)", "iom", "Rabat · +212 500 000 102",
     ("ar", "fr"), (("immediate", "cash_basic_needs"), ("social", "documents"))),
    ("UA", "Tsentr Nadiia Kyiv (demo)", "ngo", "Kyiv · +380 44 000 0101",
     ("uk", "ru"), (("psychosocial", "counselling"), ("economic", "vocational_training"))),
    ("UA", "Oblasnyi tsentr zainiatosti Lviv (demo)", "government", "Lviv · +380 32 000 0102",
     ("uk",), (("economic", "job_placement"),)),
    ("CM", "Maison Solidarité Littoral (demo)", "shelter", "Bonanjo, Littoral · +237 600 000 101",
     ("fr", "en"), (("immediate", "temporary_housing"),)),
)

SAFETY_NOTES = (
    "Meet at the shelter, never at the family home: an uncle is linked to the recruiter.",
    "Call only between 10:00 and 16:00; if someone else answers, say you are from the clinic.",
)
MESSAGES = (
    "Reception at the airport and two weeks in the shelter, then the follow-ups at 6 and 12 months.",
    "Please support the business start-up planned in the IRP and carry out the follow-ups named here.",
    "Temporary shelter and counselling on arrival.",
)


def write_partners(session: Session, *, today: date, user_ids: dict[str, int]) -> dict[str, int]:
    """Partners, their services, the partner user and referrals; returns the ids of the partners by name."""
    rng = random.Random(20171)
    coord = user_ids["coord"]
    partners: dict[str, PartnerOrganisation] = {}
    for country, name, kind, contact, languages, services in PARTNERS:
        org = PartnerOrganisation(name=name, country=country, kind=kind, contact=contact, languages=list(languages),
                                  updated_by_id=user_ids["admin"])
        session.add(org)
        session.flush()
        partners[name] = org
        for category, line_kind in services:
            session.add(PartnerService(partner_id=org.id, category=category, kind=line_kind))
    session.flush()
    _write_partner_user(session, partners[PARTNERS[0][1]])
    _write_referrals(session, rng, today, coord, partners)
    session.flush()
    return {name: org.id for name, org in partners.items()}


def _write_partner_user(session: Session, org: PartnerOrganisation) -> None:
    from seeds.demo import DEMO_PASSWORD  # the one demo password, kept in the demo seed

    users.user_create(session, users.NewUser(
        username=PARTNER_USERNAME, name=PARTNER_NAME, password=DEMO_PASSWORD, roles=(Role.PARTNER.value,),
        email=f"{PARTNER_USERNAME}@example.org", programme_codes=(), must_change_password=False,
        partner_id=org.id), actor=None)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _cases(session: Session, country: str, stages: tuple[str, ...]) -> list[Case]:
    return list(session.exec(select(Case).where(Case.return_country == country, col(Case.stage).in_(stages))
                             .order_by(col(Case.referral_date).desc(), Case.code)).all())


def _plan_lines(session: Session, case: Case) -> list[PlanLine]:
    plan = session.exec(select(Plan).where(Plan.case_id == case.id, Plan.status == "approved")
                        .order_by(col(Plan.revision_no).desc())).first()
    if plan is None:
        return []
    return list(session.exec(select(PlanLine).where(PlanLine.plan_id == plan.id).order_by(PlanLine.id)).all())


def _planned_months(session: Session, case: Case) -> list[int]:
    return sorted(m for m in session.exec(select(FollowUp.months_after).where(
        FollowUp.case_id == case.id, FollowUp.status == "planned", FollowUp.kind == "scheduled")).all()
        if m is not None)


def _write_referrals(session: Session, rng: random.Random, today: date, coord: int,
                     partners: dict[str, PartnerOrganisation]) -> None:
    by_country: dict[str, list[PartnerOrganisation]] = {}
    for org in partners.values():
        by_country.setdefault(org.country, []).append(org)
    ng_shelter, ng_livelihoods, ng_health = by_country["NG"]

    def referral(case: Case, org: PartnerOrganisation, state: str, day: date, **values) -> PartnerReferral:
        row = PartnerReferral(case_id=case.id, partner_id=org.id, state=state, created_by_id=coord,
                              created_at=_at(day, 9), updated_by_id=coord, message=rng.choice(MESSAGES), **values)
        if state != "draft":
            row.sent_on, row.sent_by_id = day, coord
        session.add(row)
        return row

    # Nigeria, in follow-up: the shelter accepted, identity shared (the person agreed), a safety note,
    # the next planned follow-ups and the plan lines it delivers.
    # A case of the CARE programme (the live programme's cases are drawn anew with the demo's date).
    care = session.exec(select(Programme.id).where(Programme.code == "CARE")).first()
    ng_follow = [c for c in _cases(session, "NG", (Stage.FOLLOW_UP,)) if c.programme_id == care]
    if ng_follow:
        case = ng_follow[0]
        case.consent_sharing, case.consent_sharing_on = True, case.consent_sharing_on or case.referral_date
        day = case.departure_date or case.referral_date
        lines = _plan_lines(session, case)
        referral(case, ng_shelter, "accepted", day - timedelta(days=10), purposes=["reception", "shelter", "followups",
                 "plan_lines"], followup_months=_planned_months(session, case),
                 plan_line_ids=[line.id for line in lines[:2]], shares_identity=True, shares_plan=True,
                 shares_safety=True, shares_assessment=True, safety_note=SAFETY_NOTES[0],
                 answer_by=day - timedelta(days=3), answered_at=_at(day - timedelta(days=8), 15),
                 answered_by_id=_partner_user_id(session))
    # Nigeria, plan approved: one referral sent and waiting for the shelter's answer, one still a draft.
    ng_plan = _cases(session, "NG", (Stage.PLAN_APPROVED,))
    if ng_plan:
        case = ng_plan[0]
        referral(case, ng_shelter, "sent", today - timedelta(days=4), purposes=["reception", "shelter"],
                 shares_identity=True, answer_by=today + timedelta(days=5))
    if len(ng_plan) > 1:
        referral(ng_plan[1], ng_health, "draft", today - timedelta(days=1), purposes=["medical"])
    # Nigeria, assessed: the person said no to sharing (the return side works on the case code).
    for case in _cases(session, "NG", (Stage.ASSESSED,))[:2]:
        case.consent_sharing, case.consent_sharing_on = False, None
    # Nigeria, closed cases: a completed referral and a declined one.
    ng_closed = [c for c in _cases(session, "NG", (Stage.CLOSED,)) if c.consent_sharing]
    if ng_closed:
        case = ng_closed[0]
        day = case.departure_date or case.referral_date
        referral(case, ng_livelihoods, "completed", day - timedelta(days=7), purposes=["plan_lines"],
                 shares_plan=True, answer_by=day, answered_at=_at(day - timedelta(days=5)),
                 completed_on=case.closed_on or day + timedelta(days=200), outcome="implemented")
    if len(ng_closed) > 1:
        case = ng_closed[1]
        day = case.departure_date or case.referral_date
        referral(case, ng_health, "declined", day - timedelta(days=7), purposes=["medical"],
                 answer_by=day, answered_at=_at(day - timedelta(days=6)),
                 decline_reason="No psychiatric care available in that district; see the state hospital.")
    # A closed case whose person withdrew consent to sharing during the follow-up year: the open
    # referral was revoked with it, and the return side no longer sees the name.
    if len(ng_closed) > 2:
        case = ng_closed[2]
        day = case.arrival_date or case.departure_date or case.referral_date
        withdrawn = min(today, day + timedelta(days=40))
        referral(case, ng_livelihoods, "revoked", day - timedelta(days=12), purposes=["plan_lines"],
                 shares_plan=True, answer_by=day - timedelta(days=5), answered_at=_at(day - timedelta(days=9), 11),
                 revoked_at=_at(withdrawn, 14), revoked_by_id=coord,
                 revoke_reason="The person withdrew consent to sharing.")
        case.consent_sharing, case.consent_sharing_withdrawn_on = False, withdrawn
    # Elsewhere: one referral unanswered past its date (on the coordinators' Home), one accepted.
    for country, state in (("AL", "sent"), ("MA", "accepted"), ("UA", "completed")):
        open_cases = [c for c in _cases(session, country, (Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED,
                                                           Stage.FOLLOW_UP)) if c.consent_sharing]
        if not open_cases:
            continue
        case, org = open_cases[0], by_country[country][0]
        sent = today - timedelta(days=20) if state == "sent" else (case.departure_date or case.referral_date)
        values = {"answer_by": sent + timedelta(days=7)}
        if state in ("accepted", "completed"):
            values |= {"answered_at": _at(sent + timedelta(days=2))}
        if state == "completed":
            values |= {"completed_on": min(today, sent + timedelta(days=120)), "outcome": "not_successful",
                       "outcome_reason": "The person moved to another region before the training started."}
        referral(case, org, state, sent, purposes=["shelter", "psychosocial"], **values)


def _partner_user_id(session: Session) -> int | None:
    return session.exec(select(User.id).where(User.username == PARTNER_USERNAME)).first()
