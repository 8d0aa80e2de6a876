"""Demo values for the HTCDS fields the intake form does not ask (care.htcds): types of sexual
exploitation, labour industries, websites and apps, and the historic trafficking events.

Synthetic, derived from each demo case's own forms of exploitation and countries with a
seeded generator, so the same demo data always gets the same values.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from care.htcds import WEBSITES
from db.models import Case, CaseHtcds, TraffickingEvent

SEED = 22
INDUSTRY = {"Agriculture": "A_AgricultureForestryAndFishing", "Construction": "F_Construction",
            "DomesticWork": "T_ActivitiesOfHouseholdsAsEmployers",
            "Hospitality": "I_AccommodationAndFoodServiceActivities", "Manufacturing": "C_Manufacturing",
            "MiningOrDrilling": "B_MiningAndQuarrying", "Transportation": "H_TransportationAndStorage"}
TOWNS = {"NG": "Benin City", "AL": "Elbasan", "MA": "Beni Mellal", "UA": "Chernivtsi", "CN": "Fuqing",
         "FR": "Lyon", "ES": "Almería", "IT": "Castel Volturno", "GB": "Birmingham", "LY": "Sabha", "NE": "Agadez"}
TRANSIT = {"NG": "NE", "CM": "NE", "GN": "ML", "AL": "GR", "MA": "ES"}


def write_demo_htcds(session: Session) -> int:
    """HTCDS values for every demo case (in its own order); how many cases got them."""
    rng = random.Random(SEED)
    cases = session.exec(select(Case).order_by(Case.id)).all()
    apps = [c for c in WEBSITES if c != "Other"]
    for case in cases:
        forms = set(case.exploitation_forms or [])
        extra = CaseHtcds(case_id=case.id)
        if "sexual" in forms:
            extra.sexual_exploitation_types = rng.sample(["Prostitution", "PrivateSexualServices", "Pornography"],
                                                         rng.choice([1, 1, 2]))
            extra.exploitation_websites = rng.sample(apps, rng.choice([0, 1]))
        if "labour" in forms and case.labour_sector in INDUSTRY:
            extra.labour_industries = [INDUSTRY[case.labour_sector]]
        extra.recruitment_websites = rng.sample(apps, rng.choice([0, 0, 1, 2]))
        session.add(extra)
        recruited = case.referral_date - timedelta(days=rng.randint(200, 900))
        session.add(TraffickingEvent(case_id=case.id, event_type="Recruitment", country=case.nationality,
                                     city=TOWNS.get(case.nationality, ""), on=recruited))
        if case.nationality in TRANSIT:
            session.add(TraffickingEvent(case_id=case.id, event_type="Transit", country=TRANSIT[case.nationality],
                                         city=TOWNS.get(TRANSIT[case.nationality], ""),
                                         on=recruited + timedelta(days=rng.randint(10, 90))))
        session.add(TraffickingEvent(case_id=case.id, event_type="Exploitation", country=case.host_country,
                                     city=TOWNS.get(case.host_country, ""),
                                     on=recruited + timedelta(days=rng.randint(100, 190))))
    session.flush()
    return len(cases)
