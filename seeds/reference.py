"""The programmes the tool was built for, as data.

Facts from the public project documents in shared/reference (periods, host countries,
targets, the Swiss programme's six months of medical aid). Budget caps and the TACT
period are not published there: the figures below are plausible settings for the demo,
to be edited by the admin for real use.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from db.models import BudgetCap, Programme, ProgrammeCountry, ProgrammeHistory, TrainingModule

CARE_RETURNS = ["NG", "AL", "MA", "UA", "BR", "PY", "PH", "CN", "VN", "CM", "MD", "GE", "TN", "SN",
                "GH", "CO", "DO", "NP", "IN", "TH", "MN", "KE", "BO", "DZ", "RS"]

PROGRAMMES = [
    {
        "code": "CARE",
        "name": "CARE: Coordinated Approach for the Reintegration of victims of trafficking",
        "funder": "European Return Fund (90 %), project partners (10 %)",
        "start_date": date(2013, 9, 1), "end_date": date(2015, 12, 31), "currency": "EUR",
        "target_people": 130, "target_minors": 10, "cap_per_person": Decimal("4000.00"),
        "followup_months": [1, 3, 6, 12], "followup_months_minor": [1, 2, 3, 6, 9, 12],
        "retention_months": 60,
        "hosts": ["AT", "ES", "FR", "GR", "IT", "PL", "PT", "GB"],
        "returns": CARE_RETURNS,
        "caps": {"immediate": (Decimal("1000.00"), None), "economic": (Decimal("2500.00"), None),
                 "social": (Decimal("1500.00"), None), "psychosocial": (Decimal("800.00"), None)},
    },
    {
        "code": "CARE_PLUS",
        "name": "CARE+",
        "funder": "Asylum, Migration and Integration Fund (AMIF), co-financed by OFII and the "
                  "French Ministry for Europe and Foreign Affairs",
        "start_date": date(2017, 11, 1), "end_date": date(2019, 4, 30), "currency": "EUR",
        "target_people": 0, "target_minors": 0, "cap_per_person": Decimal("3500.00"),
        "followup_months": [1, 3, 6, 12], "followup_months_minor": [1, 2, 3, 6, 9, 12],
        "retention_months": 60,
        "hosts": ["FR"],
        "returns": ["NP", "CM", "NG", "MA", "TN", "CN", "AL", "BR", "GE", "UA", "VN", "SN", "CI", "GN"],
        "caps": {"immediate": (Decimal("800.00"), None), "economic": (Decimal("2000.00"), None),
                 "social": (Decimal("1200.00"), None), "psychosocial": (Decimal("600.00"), None)},
    },
    {
        "code": "TACT",
        "name": "TACT: Transnational Action, safe and sustainable return and reintegration",
        "funder": "European Union (AMIF) and partners",
        "start_date": date(2015, 12, 1), "end_date": date(2017, 11, 30), "currency": "EUR",
        "target_people": 60, "target_minors": 5, "cap_per_person": Decimal("4000.00"),
        "followup_months": [1, 3, 6, 12], "followup_months_minor": [1, 2, 3, 6, 9, 12],
        "retention_months": 60,
        "hosts": ["AT", "CY", "ES", "FR", "GR", "IT", "PL", "PT"],
        "returns": ["AL", "MA", "UA"],
        "caps": {"immediate": (Decimal("1000.00"), None), "economic": (Decimal("2500.00"), None),
                 "social": (Decimal("1500.00"), None), "psychosocial": (Decimal("800.00"), None)},
    },
    {
        "code": "CH_VOT",
        "name": "Swiss return assistance for victims of trafficking (SEM)",
        "funder": "State Secretariat for Migration (SEM)",
        "start_date": date(2008, 1, 1), "end_date": date(2030, 12, 31), "currency": "CHF",
        "target_people": 0, "target_minors": 0, "cap_per_person": Decimal("6000.00"),
        "followup_months": [3, 6, 12], "followup_months_minor": [1, 3, 6, 12],
        "retention_months": 120,
        "hosts": ["CH"],
        "returns": ["NG", "BR", "TH", "PH", "CM", "MA", "UA", "AL", "CN", "DO", "VN", "RS"],
        "caps": {"cash_basic_needs": (Decimal("1000.00"), None),
                 "economic": (Decimal("3000.00"), None),
                 "medical_care": (Decimal("2000.00"), 6), "medical_immediate": (Decimal("500.00"), 6)},
    },
]

TRAINING_MODULES = [
    "Definitions, legal framework, facts and figures",
    "Identification: indicators and interview techniques",
    "Referral of victims",
]


def _snapshot(p: Programme, hosts, returns, caps) -> dict:
    return {
        "name": p.name, "funder": p.funder, "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(), "currency": p.currency, "target_people": p.target_people,
        "target_minors": p.target_minors, "cap_per_person": str(p.cap_per_person),
        "followup_months": p.followup_months, "followup_months_minor": p.followup_months_minor,
        "retention_months": p.retention_months, "hosts": hosts, "returns": returns,
        "caps": {k: [str(a) if a is not None else None, m] for k, (a, m) in caps.items()},
    }


def seed_reference(session: Session) -> None:
    """Insert the programmes and training modules that are not there yet (idempotent)."""
    for spec in PROGRAMMES:
        if session.exec(select(Programme).where(Programme.code == spec["code"])).first():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("hosts", "returns", "caps")}
        p = Programme(**fields)
        session.add(p)
        session.flush()
        for c in spec["hosts"]:
            session.add(ProgrammeCountry(programme_id=p.id, kind="host", country=c))
        for c in spec["returns"]:
            session.add(ProgrammeCountry(programme_id=p.id, kind="return", country=c))
        for cat, (amount, months) in spec["caps"].items():
            session.add(BudgetCap(programme_id=p.id, category=cat, cap_amount=amount, max_months=months))
        session.add(ProgrammeHistory(programme_id=p.id, version=1,
                                     snapshot=_snapshot(p, spec["hosts"], spec["returns"], spec["caps"])))
    existing = set(session.exec(select(TrainingModule.name)).all())
    for name in TRAINING_MODULES:
        if name not in existing:
            session.add(TrainingModule(name=name))
    session.flush()
