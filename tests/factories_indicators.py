"""A hand-built data set whose every indicator is known, and small builders for it.

CARE, period 2014 (1 Jan to 31 Dec), report day 15 Jan 2015. Ten cases referred in 2014
(nine people assisted, one ineligible) and one referred in 2015 that no figure may count.
Each figure the tests expect is worked out by hand in tests/test_indicators.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from db.models import (
    Activity, ActivityModule, ActivityParticipants, Case, FollowUp, FollowUpScore, Payment, Plan, PlanLine, Referral,
    TrainingModule, User, utcnow,
)
from tests.factories import make_case, programme_id

PERIOD = (date(2014, 1, 1), date(2014, 12, 31))
TODAY = date(2015, 1, 15)


@dataclass
class KnownSet:
    programme_id: int
    cases: dict[int, Case] = field(default_factory=dict)
    retired_module: str = ""


def _author(session: Session) -> int:
    user = session.exec(select(User.id)).first()
    if user is None:
        user = User(username="seed.author", name="Seed Author", password_hash="x")
        session.add(user)
        session.flush()
        return user.id
    return user


def add_followup(session: Session, case: Case, months: int | None, due: date, status: str = "planned",
                 done_on: date | None = None, alarms: tuple[str, ...] = (), kind: str = "scheduled",
                 scores: dict[str, list[int]] | None = None) -> FollowUp:
    row = FollowUp(case_id=case.id, kind=kind, months_after=months, due_on=due, status=status, done_on=done_on,
                   alarms=list(alarms))
    session.add(row)
    session.flush()
    for dimension, values in (scores or {}).items():
        for i, score in enumerate(values):
            session.add(FollowUpScore(followup_id=row.id, dimension=dimension, item=f"item{i}", score=score))
    session.flush()
    return row


def add_plan(session: Session, case: Case, status: str, lines: list[tuple[str, str]], revision: int = 1,
             payments: dict[int, list[tuple[str, bool]]] | None = None) -> Plan:
    """`lines`: (category, amount); `payments`: line index -> [(amount, cancelled)]."""
    author = _author(session)
    plan = Plan(case_id=case.id, revision_no=revision, status=status, author_id=author)
    session.add(plan)
    session.flush()
    sub = {"immediate": "cash_basic_needs", "economic": "income_generating", "social": "housing",
           "psychosocial": "counselling"}
    for i, (category, amount) in enumerate(lines):
        line = PlanLine(plan_id=plan.id, category=category, subcategory=sub[category], description="line",
                        amount=Decimal(amount), currency="EUR", amount_programme=Decimal(amount))
        session.add(line)
        session.flush()
        for paid, cancelled in (payments or {}).get(i, []):
            session.add(Payment(plan_line_id=line.id, paid_on=date(2014, 12, 1), amount=Decimal(paid), method="cash",
                                recorded_by_id=author, cancelled_at=utcnow() if cancelled else None))
    session.flush()
    return plan


def add_activity(session: Session, pid: int, kind: str, held_on: date, *, participants: int = 0, quantity: int = 0,
                 by_org_kind: dict[str, int] | None = None, modules: tuple[int, ...] = ()) -> Activity:
    activity = Activity(programme_id=pid, kind=kind, held_on=held_on, place="Lyon", audience="Professionals",
                        participants=sum((by_org_kind or {}).values()) or participants, quantity=quantity)
    session.add(activity)
    session.flush()
    for org_kind, count in (by_org_kind or {}).items():
        session.add(ActivityParticipants(activity_id=activity.id, org_kind=org_kind, count=count))
    for module in modules:
        session.add(ActivityModule(activity_id=activity.id, module_id=module))
    session.flush()
    return activity


def build_known_set(session: Session) -> KnownSet:
    pid = programme_id(session, "CARE")
    known = KnownSet(pid)
    d = date
    specs = {  # number: (host, return, sex, birth, estimated age, minor, forms, stage, referral, departure, arrival)
        1: ("FR", "NG", "Female", d(1996, 2, 10), None, False, ["sexual"], "follow_up", d(2014, 2, 10),
            d(2014, 4, 11), d(2014, 4, 12)),
        2: ("FR", "NG", "Female", d(1985, 1, 15), None, False, ["sexual", "labour"], "follow_up", d(2014, 3, 1),
            d(2014, 5, 10), d(2014, 5, 11)),
        3: ("FR", "MA", "Male", None, 40, False, ["labour"], "closed", d(2014, 4, 1), d(2014, 6, 20), d(2014, 6, 20)),
        4: ("ES", "NG", "Female", d(1997, 5, 6), None, True, ["sexual"], "arrived", d(2014, 5, 5), d(2014, 7, 4),
            d(2014, 7, 5)),
        5: ("ES", "MA", "Female", d(1960, 1, 1), None, False, ["domestic_servitude"], "departed", d(2014, 6, 1),
            d(2014, 9, 29), None),
        6: ("IT", "AL", "Male", None, None, False, ["labour"], "plan_approved", d(2014, 7, 1), None, None),
        7: ("IT", "NG", "Female", d(2002, 5, 1), None, True, ["sexual"], "assessed", d(2014, 8, 1), None, None),
        8: ("FR", "NG", "Female", d(1990, 1, 1), None, False, ["sexual"], "eligible", d(2014, 9, 1), None, None),
        9: ("FR", "NG", "Female", d(1991, 1, 1), None, False, ["forced_begging"], "referred", d(2014, 10, 1),
            None, None),
        10: ("GR", "UA", "Transgender/NonConforming", d(1990, 1, 1), None, False, ["labour"], "ineligible",
             d(2014, 11, 1), None, None),
        11: ("FR", "NG", "Female", d(1990, 1, 1), None, False, ["sexual"], "follow_up", d(2015, 3, 1),
             d(2015, 5, 1), d(2015, 5, 2)),
    }
    for n, (host, ret, sex, birth, est, minor, forms, stage, referral, departure, arrival) in specs.items():
        case = make_case(session, host=host, ret=ret, birth_date=birth, estimated_age=est, is_minor=minor,
                         exploitation_forms=forms, stage=stage, referral_date=referral, departure_date=departure,
                         arrival_date=arrival, alarm_open=(n == 1))
        case.sex = sex  # make_case writes "Female"
        session.add(case)
        known.cases[n] = case
    session.flush()
    c = known.cases
    # Follow-ups: see test_indicators for the figures they make.
    add_followup(session, c[1], 1, d(2014, 5, 12), "done", d(2014, 5, 12),
                 scores={"economic": [2, 3], "social": [3], "psychosocial": [2]})
    add_followup(session, c[1], 3, d(2014, 7, 12), "done", d(2014, 7, 14), alarms=("contacted_by_traffickers",),
                 scores={"economic": [5], "social": [4], "psychosocial": [3]})
    add_followup(session, c[1], 6, d(2014, 10, 12), "done", d(2014, 10, 20))
    add_followup(session, c[1], 12, d(2015, 4, 12))
    add_followup(session, c[2], 1, d(2014, 6, 11), "done", d(2014, 6, 15),
                 alarms=("contacted_by_traffickers", "wants_irregular_migration"),
                 scores={"economic": [4, 4], "social": [2], "psychosocial": [3]})
    add_followup(session, c[2], 3, d(2014, 8, 11), "missed")
    add_followup(session, c[2], 6, d(2014, 11, 11))
    add_followup(session, c[2], 12, d(2015, 5, 11))
    add_followup(session, c[3], 1, d(2014, 7, 20), "done", d(2014, 7, 20),
                 scores={"economic": [3, 3], "social": [4], "psychosocial": [4]})
    for months, due in ((3, d(2014, 9, 20)), (6, d(2014, 12, 20)), (12, d(2015, 6, 20))):
        add_followup(session, c[3], months, due, "cancelled")
    add_followup(session, c[3], None, d(2014, 12, 1), "done", d(2014, 12, 1), kind="monitoring",
                 scores={"economic": [1]})
    for months, due in ((1, d(2014, 8, 5)), (3, d(2014, 10, 5)), (6, d(2015, 1, 5)), (12, d(2015, 7, 5))):
        add_followup(session, c[4], months, due)
    add_followup(session, c[11], 1, d(2015, 6, 2), "done", d(2015, 6, 2), alarms=("re_exploitation_suspected",),
                 scores={"economic": [1, 1], "social": [1], "psychosocial": [1]})
    # Plans, lines and payments.
    add_plan(session, c[1], "approved", [("immediate", "300.00"), ("economic", "2000.00"), ("social", "600.00")],
             payments={0: [("300.00", False)], 1: [("1000.00", False), ("500.00", True)]})
    add_plan(session, c[2], "superseded", [("economic", "9999.00")])
    add_plan(session, c[2], "approved", [("immediate", "200.00"), ("economic", "2600.00")], revision=2,
             payments={0: [("200.00", False)]})
    add_plan(session, c[3], "approved", [("immediate", "400.00"), ("psychosocial", "500.00")],
             payments={0: [("400.00", False)], 1: [("500.00", False)]})
    add_plan(session, c[5], "approved", [("economic", "1500.50"), ("social", "1000.25")])
    add_plan(session, c[6], "submitted", [("economic", "1000.00")])
    add_plan(session, c[7], "draft", [("social", "300.00")])
    add_plan(session, c[8], "rejected", [("immediate", "700.00")])
    add_plan(session, c[11], "approved", [("economic", "1234.00")], payments={0: [("1234.00", False)]})
    # Activities: two meetings, two trainings, brochures in 2014; one of each kind outside it.
    modules = session.exec(select(TrainingModule.id).order_by(TrainingModule.id)).all()
    retired = TrainingModule(name="Old module on labour law", retired=True)
    session.add(retired)
    session.flush()
    known.retired_module = retired.name
    add_activity(session, pid, "meeting", d(2014, 3, 1), participants=20)
    add_activity(session, pid, "meeting", d(2014, 6, 1), participants=3)
    add_activity(session, pid, "meeting", d(2013, 10, 1), participants=50)
    add_activity(session, pid, "training", d(2014, 4, 10), by_org_kind={"police": 4, "ngo": 6, "justice": 1},
                 modules=(modules[0], modules[1]))
    add_activity(session, pid, "training", d(2014, 9, 10), by_org_kind={"police": 2, "child_welfare": 5},
                 modules=(modules[0], retired.id))
    add_activity(session, pid, "training", d(2015, 2, 10), by_org_kind={"police": 30}, modules=(modules[0],))
    add_activity(session, pid, "brochures", d(2014, 2, 1), quantity=1000)
    add_activity(session, pid, "brochures", d(2015, 2, 1), quantity=500)
    # The register: seven referrals in 2014, one in 2015.
    for day, outcome in ((d(2014, 2, 10), "case"), (d(2014, 3, 1), "case"), (d(2014, 4, 1), "case"),
                         (d(2014, 4, 15), "not_eligible"), (d(2014, 5, 20), "declined"), (d(2014, 8, 8), "declined"),
                         (d(2014, 12, 1), "no_consent"), (d(2015, 1, 5), "declined")):
        session.add(Referral(programme_id=pid, host_country="FR", referral_date=day, outcome=outcome))
    session.flush()
    return known
