"""Demo plans that use the parts of IOM's plan template (Handbook, Annex 3) added to the plan:
a summary and the expected improvement per dimension, "referral needed?" linked to the
directory's services, goods and services itemised under a line, and the newer kinds of help
(skills development, cash for work, collective projects, social protection, "other").

Written after the rest of the demo, from random generators of its own (one per case), so the
other demo data stays as it was. A line changes kind only within its category and never to or
from a kind the programmes cap on its own, so amounts, categories and caps, and with them every
indicator, stay the same. A revision's line continues its earlier line with the same kind and
items, as `plan_revise` would copy them.
"""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal

from sqlmodel import Session, col, select

from care.vocab import DIMENSIONS
from db.models import Case, PartnerOrganisation, PartnerService, Plan, PlanLine, PlanLineItem, Programme

SEED = 20203
CENT = Decimal("0.01")
# The cases whose plans show the Annex-3 parts: the ongoing Swiss programme's, and those returning
# to a country with partners in the directory (seeds/demo_partners.py).
PROGRAMMES = ("CH_VOT",)
DIRECTORY_COUNTRIES = ("NG", "AL", "MA", "UA", "CM")

# kind -> (new kind, chance, new description): same category, no cap of its own on either side.
CONVERSIONS = {
    "vocational_training": ("skills_development", 0.4, "Apprenticeship with a master craftsperson: {trade}"),
    "job_placement": ("cash_for_work", 0.5, "Cash for work: rebuilding the community market, 3 days a week"),
    "income_generating": ("collective_project", 0.2, "Collective {business} with two other returnees"),
    "community_activities": ("other_psychosocial", 0.4, "Peer support group for women who returned"),
    "documents": ("social_protection", 0.4, "Registration with the national health insurance scheme"),
    "temporary_housing": ("other_immediate", 0.15, "Bedding, clothes and a hygiene kit on arrival"),
}
TRADES = ("tailoring", "hairdressing", "catering", "welding", "phone repair")
BUSINESSES = ("poultry farm", "tailoring workshop", "food stall", "grocery shop")

# kind -> items (kind, description, share of the line): the last item takes what is left.
ITEMS = {
    "income_generating": (("equipment", "Work equipment: {equipment}", 45), ("goods", "First stock of goods", 35),
                          ("service", "Market stall fees for three months", 20)),
    "collective_project": (("equipment", "Shared equipment for the group", 50),
                           ("goods", "First inputs (feed, seeds or stock)", 35),
                           ("service", "Registration of the cooperative", 15)),
    "skills_development": (("service", "Apprenticeship fees", 70), ("goods", "Tools and work clothes", 30)),
    "vocational_training": (("service", "Course fees", 75), ("goods", "Course materials", 15),
                            ("service", "Transport to the course", 10)),
    "housing": (("service", "Rent for the first months", 70), ("service", "Deposit", 20),
                ("goods", "Bed, mattress and kitchen items", 10)),
}
# The equipment of the businesses seeds/demo.py names in a start-up kit's description.
EQUIPMENT = {"grocery": "display shelves and scales", "tailoring": "sewing machine and iron",
             "hairdressing": "hair dryers and two chairs", "poultry": "chicken coop and feeders",
             "phone": "display case and repair tools", "food": "gas cooker and pots", "fabric": "display table and shade"}

# Lines whose help comes from another organisation: "referral needed".
REFERRED = {"counselling", "community_activities", "other_psychosocial", "job_placement", "cash_for_work",
            "medical_care", "legal_assistance", "social_protection", "temporary_housing"}

SUMMARY_NONE = {
    "economic": "No economic help in this plan: the person works again with the family business.",
    "social": "No social help needed beyond the follow-ups.",
    "psychosocial": "Counselling offered at each follow-up; the person did not want more for now.",
}
IMPROVEMENTS = {
    "economic": ("A regular income within six months, enough to cover food and rent without new debt.",
                 "Able to borrow from the savings group and no longer dependent on the family's support.",
                 "A skill in demand locally and a first paid job or order within the year."),
    "social": ("Stable housing and access to health care; identity documents in hand.",
               "Children back in school; the person knows where to go for legal help.",
               "Registered with the health insurance scheme and living in a safe place."),
    "psychosocial": ("Feels safe at home and in the neighbourhood; sleeps better.",
                     "A support network of peers and family; less isolation.",
                     "Able to speak of the future and to stay by choice."),
}


def _targets(session: Session) -> list[int]:
    swiss = select(Programme.id).where(col(Programme.code).in_(PROGRAMMES))
    return list(session.exec(select(Case.id).where(
        col(Case.programme_id).in_(swiss) | col(Case.return_country).in_(DIRECTORY_COUNTRIES),
        col(Case.anonymised_at).is_(None)).order_by(Case.id)).all())


def _equipment(description: str) -> str:
    return next((e for word, e in EQUIPMENT.items() if word in description), "tools for the business")


def _split(amount: Decimal, shares: tuple[tuple[str, str, int], ...], equipment: str) -> list[tuple]:
    """The items' costs in the line's currency, adding up exactly to `amount`."""
    total_share = sum(s for _k, _d, s in shares)
    out, left = [], amount
    for i, (kind, text, share) in enumerate(shares):
        if i == len(shares) - 1:
            cost = left
        else:
            cost = (amount * share / total_share).quantize(CENT, rounding=ROUND_DOWN)
            left -= cost
        out.append((kind, text.format(equipment=equipment), cost))
    return out


def _services(session: Session) -> dict[str, list[tuple[int, str, str]]]:
    """country -> [(service id, category, kind)] of active services of active partners."""
    rows = session.exec(select(PartnerService.id, PartnerService.category, PartnerService.kind,
                               PartnerOrganisation.country)
                        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerService.partner_id)
                        .where(PartnerService.active == True, PartnerOrganisation.active == True)  # noqa: E712
                        .order_by(PartnerService.id)).all()
    found: dict[str, list[tuple[int, str, str]]] = {}
    for sid, category, kind, country in rows:
        found.setdefault(country, []).append((sid, category, kind))
    return found


def _service_for(services: list[tuple[int, str, str]], kind: str) -> int | None:
    """A service of this very kind (the rule allows the category; the demo reads better this way)."""
    return next((sid for sid, _c, k in services if k == kind), None)


def _summary(lines: list[PlanLine], dimension: str) -> str:
    texts = [ln.description for ln in lines if ln.category == dimension]
    return "; ".join(texts) + "." if texts else SUMMARY_NONE[dimension]


def write_demo_annex3(session: Session) -> int:
    """Give the chosen cases' plans their Annex-3 parts; returns the number of plans touched."""
    services = _services(session)
    touched = 0
    for case_id in _targets(session):
        case = session.get(Case, case_id)
        rng = random.Random(f"{SEED}-{case_id}")
        # One decision per case and kind, so that a revision's line matches the line it continues.
        converted = {kind: (new, text.format(trade=rng.choice(TRADES), business=rng.choice(BUSINESSES)))
                     for kind, (new, chance, text) in CONVERSIONS.items() if rng.random() < chance}
        improvement = {d: rng.choice(options) for d, options in IMPROVEMENTS.items()}
        for plan in session.exec(select(Plan).where(Plan.case_id == case_id).order_by(Plan.revision_no)).all():
            lines = list(session.exec(select(PlanLine).where(PlanLine.plan_id == plan.id).order_by(PlanLine.id)))
            for line in lines:
                if line.subcategory in converted:
                    line.subcategory, line.description = converted[line.subcategory]
                if line.subcategory in ITEMS:
                    split = _split(line.amount, ITEMS[line.subcategory], _equipment(line.description))
                    session.add_all([PlanLineItem(line_id=line.id, position=n, kind=kind, description=text, cost=cost)
                                     for n, (kind, text, cost) in enumerate(split, start=1)])
                if line.subcategory in REFERRED:
                    line.referral_needed = True
                    line.referral_service_id = _service_for(services.get(case.return_country, []), line.subcategory)
                session.add(line)
            for d in DIMENSIONS:
                setattr(plan, f"summary_{d}", _summary(lines, d))
                setattr(plan, f"improvement_{d}", improvement[d])
            session.add(plan)
            touched += 1
    session.flush()
    return touched
