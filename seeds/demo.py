"""The synthetic demo data set: users, organisations, cases, referrals and activities.

Loaded once by `python -m care seed-demo` (demo mode only) and by the page and browser
tests. Everything in it is invented: names are random combinations of common names
(seeds/names.py), phone numbers lie in ranges that reach nobody, every organisation
carries "(demo)" in its name, exchange rates are round illustrative figures.

CARE, CARE+ and TACT are shown as they stood when each programme ended: CARE has its
130 people assisted, 10 of them minors, most cases closed. The Swiss programme is
ongoing: its dates are relative to `today`, so that Home always shows follow-ups due,
plans waiting for approval and departures coming.

Rows are written directly, not through the stage functions, so that the seed is fast
and can date steps in the past; it keeps to the rules those functions enforce (the
order of steps, the budget caps, four-eyes approval, the minors' procedure).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, func, select

from care import activities, assessment, followups, journey, minors, users
from care.assessment import risk_level
from care.countries import language_name
from care.path import TRANSITIONS
from care.identity import name_index
from care.programmes import ProgrammeSettings, programme_settings
from care.schedule import add_months
from care.vocab import PLAN_SUBCATEGORIES, Stage
from db.models import (
    Activity, ActivityModule, ActivityParticipants, AuditEvent, Case, CaseCodeCounter, CaseFlag, ChecklistItem, ChildView,
    Contact, FollowUp, SafeContact,
    FollowUpLineProgress, FollowUpScore, Identity, MinorActor, MinorProcedure, Mitigation, NeedRating,
    NeedsAssessment, Organisation, Payment, Plan, PlanLine, Programme, Referral, RiskAssessment, RiskFactorRating,
    TrainingModule, User,
)
from seeds.demo_annex3 import write_demo_annex3
from seeds.demo_htcds import write_demo_htcds
from seeds.demo_partners import write_partners
from seeds.demo_rss import write_demo_rss
from seeds.names import STAFF_NAMES, TOWNS, fake_phone, pick_name
from seeds.reference import seed_reference

DEMO_PASSWORD = "Demo-only-2026!"
SEED = 20131
CENT = Decimal("0.01")
PROGRAMME_CODES = ("CARE", "CARE_PLUS", "TACT", "CH_VOT")


def _demo_user(username: str, name: str, role: str, *, countries: tuple[str, ...] = (),
               programmes: tuple[str, ...] = PROGRAMME_CODES) -> users.NewUser:
    return users.NewUser(username=username, name=name, password=DEMO_PASSWORD, roles=(role,),
                         email=f"{username}@example.org", countries=countries, programme_codes=programmes,
                         must_change_password=False)


# One login per role, plus a second coordinator (someone else must approve a plan) and
# focal points on both sides of a return: host (ES, FR) and return country (NG).
DEMO_USERS: tuple[users.NewUser, ...] = (
    _demo_user("admin", "Noor Verhoeven", "admin", programmes=()),
    _demo_user("coord", "Claire Fontanel", "coordinator"),
    _demo_user("coord2", "Matthieu Arnaud-Roy", "coordinator"),
    _demo_user("fp.es", "Lucía Ferrer Olmedo", "focal_point", countries=("ES",)),
    _demo_user("fp.fr", "Sophie Delorme", "focal_point", countries=("FR",)),
    _demo_user("fp.ng", "Chinedu Afolabi", "focal_point", countries=("NG",)),
    _demo_user("manager", "Henrik Aalto", "manager"),
)

ORGANISATIONS: tuple[tuple[str, str, str], ...] = (  # country, name, HTCDS organisation type
    ("AT", "Verein Morgenlicht (demo)", "NGO"),
    ("AT", "Ermittlungsgruppe Menschenhandel Ost (demo)", "LawEnforcement"),
    ("CH", "Fachstelle Lichtblick (demo)", "NGO"),
    ("CH", "Centre Solidarité Léman (demo)", "NGO"),
    ("CH", "Kantonale Opferhilfe Mittelland (demo)", "LocalGovernmentOrganisation"),
    ("CY", "Kalypso Support Centre (demo)", "NGO"),
    ("CY", "Anti-trafficking Office, District Police (demo)", "LawEnforcement"),
    ("ES", "Fundación Amanecer (demo)", "NGO"),
    ("ES", "Asociación Puerta Abierta (demo)", "NGO"),
    ("ES", "Unidad contra la Trata, Brigada Provincial (demo)", "LawEnforcement"),
    ("FR", "Association Le Phare (demo)", "NGO"),
    ("FR", "Refuge Sainte-Claire (demo)", "NGO"),
    ("FR", "Centre de santé des Lilas (demo)", "HealthServiceOrganisation"),
    ("GB", "Harbour Light Trust (demo)", "NGO"),
    ("GB", "Northgate Law Centre (demo)", "LegalService"),
    ("GB", "Riverside Police Modern Slavery Unit (demo)", "LawEnforcement"),
    ("GR", "Kyma Support Centre (demo)", "NGO"),
    ("GR", "Anti-trafficking Unit, Regional Police (demo)", "LawEnforcement"),
    ("IT", "Associazione Nuova Rotta (demo)", "NGO"),
    ("IT", "Cooperativa Il Ponte (demo)", "NGO"),
    ("IT", "Servizi sociali comunali, Area Sud (demo)", "LocalGovernmentOrganisation"),
    ("PL", "Fundacja Jutrzenka (demo)", "NGO"),
    ("PL", "Regional Border Guard Unit (demo)", "ImmigrationService"),
    ("PT", "Associação Porto Seguro (demo)", "NGO"),
    ("PT", "Centro de Acolhimento Maré (demo)", "NGO"),
)

# --- countries ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnCountry:
    languages: tuple[str, ...]  # ISO 639-1; the first one always spoken
    airport: str
    currency: str
    overnight: bool  # the flight from Europe lands the next day
    forms: dict[str, int]  # forms of exploitation met in the demo, by weight
    sectors: tuple[str, ...] = ("Agriculture", "Construction", "Hospitality", "Manufacturing")


_MIXED = {"sexual": 4, "labour": 3, "domestic_servitude": 2, "forced_begging": 1}
RETURN_COUNTRIES: dict[str, ReturnCountry] = {
    "NG": ReturnCountry(("en", "yo", "ig"), "LOS", "NGN", False, {"sexual": 9, "domestic_servitude": 1, "labour": 1}),
    "AL": ReturnCountry(("sq",), "TIA", "ALL", False,
                        {"sexual": 6, "labour": 2, "forced_criminality": 1, "forced_begging": 1}),
    "MA": ReturnCountry(("ar", "fr"), "CMN", "MAD", False,
                        {"labour": 4, "domestic_servitude": 3, "sexual": 2, "forced_criminality": 1}, ("Agriculture",)),
    "UA": ReturnCountry(("uk", "ru"), "KBP", "UAH", False, {"labour": 5, "sexual": 3},
                        ("Construction", "Manufacturing", "Agriculture")),
    "BR": ReturnCountry(("pt",), "GRU", "BRL", True, {"sexual": 6, "labour": 2}, ("Construction", "Hospitality")),
    "PY": ReturnCountry(("es", "gn"), "ASU", "PYG", True, {"sexual": 7, "domestic_servitude": 2}),
    "PH": ReturnCountry(("tl", "en"), "MNL", "PHP", True, {"domestic_servitude": 6, "labour": 3},
                        ("DomesticWork", "Hospitality", "Aquafarming")),
    "CN": ReturnCountry(("zh",), "PEK", "CNY", True, {"sexual": 4, "labour": 4}, ("Manufacturing", "Hospitality")),
    "VN": ReturnCountry(("vi",), "HAN", "VND", True, {"forced_criminality": 4, "labour": 4},
                        ("Hospitality", "Manufacturing", "Other")),
    "CM": ReturnCountry(("fr", "en"), "DLA", "XAF", False, {"domestic_servitude": 4, "sexual": 3}),
    "MD": ReturnCountry(("ro", "ru"), "KIV", "MDL", False, {"sexual": 5, "labour": 2}),
    "GE": ReturnCountry(("ka", "ru"), "TBS", "GEL", False, {"labour": 3, "domestic_servitude": 3, "sexual": 2}),
    "TN": ReturnCountry(("ar", "fr"), "TUN", "TND", False, {"labour": 3, "domestic_servitude": 2, "sexual": 1}),
    "SN": ReturnCountry(("fr", "wo"), "DSS", "XOF", False, {"domestic_servitude": 3, "sexual": 3, "forced_begging": 1}),
    "GH": ReturnCountry(("en", "ak"), "ACC", "GHS", False, {"domestic_servitude": 3, "sexual": 3}),
    "CO": ReturnCountry(("es",), "BOG", "COP", True, {"sexual": 6, "domestic_servitude": 1}),
    "DO": ReturnCountry(("es",), "SDQ", "DOP", True, {"sexual": 6, "domestic_servitude": 1}),
    "NP": ReturnCountry(("ne",), "KTM", "NPR", True, {"labour": 3, "domestic_servitude": 3, "sexual": 1},
                        ("DomesticWork", "Hospitality")),
    "IN": ReturnCountry(("hi", "en"), "DEL", "INR", True, {"labour": 4, "domestic_servitude": 2},
                        ("Hospitality", "Manufacturing", "DomesticWork")),
    "TH": ReturnCountry(("th",), "BKK", "THB", True, {"sexual": 4, "labour": 2}, ("Hospitality", "Agriculture")),
    "MN": ReturnCountry(("mn",), "ULN", "MNT", True, {"sexual": 3, "labour": 2}),
    "KE": ReturnCountry(("sw", "en"), "NBO", "KES", False, {"domestic_servitude": 4, "sexual": 2}),
    "BO": ReturnCountry(("es", "qu"), "VVI", "BOB", True, {"labour": 3, "domestic_servitude": 2, "sexual": 2},
                        ("Manufacturing", "Agriculture")),
    "DZ": ReturnCountry(("ar", "fr"), "ALG", "DZD", False, _MIXED),
    "RS": ReturnCountry(("sr",), "BEG", "RSD", False, {"sexual": 3, "forced_begging": 2, "labour": 2}),
}
HOST_AIRPORTS = {"AT": "VIE", "CH": "ZRH", "CY": "LCA", "ES": "MAD", "FR": "CDG", "GB": "LHR", "GR": "ATH",
                 "IT": "FCO", "PL": "WAW", "PT": "LIS"}
HOST_LANGUAGES = {"AT": "de", "CH": "de", "CY": "el", "ES": "es", "FR": "fr", "GB": "en", "GR": "el", "IT": "it",
                  "PL": "pl", "PT": "pt"}
HOST_FOCAL_POINTS = {"ES": "fp.es", "FR": "fp.fr"}
RETURN_FOCAL_POINTS = {"NG": "fp.ng"}

# Programme currency per one unit of local currency: round illustrative figures.
RATES: dict[str, dict[str, Decimal]] = {
    "EUR": {k: Decimal(v) for k, v in {
        "NGN": "0.0046", "ALL": "0.0071", "MAD": "0.0896", "UAH": "0.059", "BRL": "0.321", "PYG": "0.000168",
        "PHP": "0.017", "CNY": "0.121", "VND": "0.0000355", "XAF": "0.00152449", "XOF": "0.00152449",
        "MDL": "0.054", "GEL": "0.42", "TND": "0.455", "GHS": "0.245", "COP": "0.00037", "DOP": "0.0175",
        "NPR": "0.0077", "INR": "0.0122", "THB": "0.0232", "MNT": "0.00042", "KES": "0.0086", "BOB": "0.108",
        "DZD": "0.0093", "RSD": "0.0085"}.items()},
    "CHF": {k: Decimal(v) for k, v in {
        "NGN": "0.00055", "BRL": "0.15", "THB": "0.0245", "PHP": "0.015", "XAF": "0.00136", "MAD": "0.088",
        "UAH": "0.021", "ALL": "0.0094", "CNY": "0.12", "DOP": "0.014", "VND": "0.000034", "RSD": "0.0076"}.items()},
}

# --- vocabularies the seed fills in: the stages' own code lists, in their order ----------

RISK_FACTORS = tuple(assessment.RISK_FACTORS)
RISK_SOURCES = tuple(assessment.RISK_SOURCES)
NEED_AREAS = tuple(assessment.NEED_AREAS)
PRIORITIES = tuple(assessment.PRIORITIES)  # from none to urgent: the seed compares by position
DEPARTURE_ITEMS = tuple(journey.DEPARTURE_ITEMS)
ARRIVAL_ITEMS = tuple(journey.ARRIVAL_ITEMS)
SCORE_ITEMS = followups.SCORE_ITEMS
MINOR_ACTORS = tuple(minors.MINOR_ACTORS)
PARTICIPANT_KINDS = tuple(activities.ORG_KINDS)

# --- small helpers ------------------------------------------------------------------




def _between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _at(rng: random.Random, day: date) -> datetime:
    """A time of that working day, in UTC."""
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys, the heavier ones more likely."""
    pool, chosen = dict(weights), []
    for _ in range(min(k, len(pool))):
        pick = _weighted(rng, pool)
        chosen.append(pick)
        del pool[pick]
    return chosen


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- the seed's state ---------------------------------------------------------------


@dataclass
class _Seed:
    session: Session
    rng: random.Random
    today: date
    users: dict[str, int] = field(default_factory=dict)
    programmes: dict[str, ProgrammeSettings] = field(default_factory=dict)
    orgs: dict[str, list[Organisation]] = field(default_factory=dict)
    leaves: dict[type[SQLModel], list[dict]] = field(default_factory=dict)

    def add(self, *rows) -> None:
        self.session.add_all(rows)

    def leaf(self, model: type[SQLModel], **values) -> None:
        """A row no other row points to: kept for one bulk insert per table at the end (fast)."""
        self.leaves.setdefault(model, []).append(values)

    def insert_leaves(self) -> None:
        self.session.flush()
        for model, rows in self.leaves.items():
            self.session.execute(insert(model), rows)
        self.leaves.clear()


@dataclass
class Story:
    """One case to write: where, who, how far along its path, and the day of each step."""

    programme: str
    host: str
    ret: str
    stage: str
    steps: dict[str, date]  # the day each stage was reached, `referred` first
    as_of: date  # the day this programme's data shows it
    closing: str | None = None
    minor: bool = False
    sex: str | None = None
    native_script: bool | None = None
    plan_submitted: date | None = None  # a plan waiting for a second coordinator
    plan_author: str = "coord"
    alarm: bool = False
    flight_on: date | None = None  # a booked flight not yet taken
    ineligible_reason: str = ""
    code: str = ""

    @property
    def referral(self) -> date:
        return self.steps[Stage.REFERRED]

    def reached(self, stage: str) -> bool:
        return stage in self.steps


@dataclass(frozen=True)
class Bucket:
    """So many cases of a programme at one stage, and the dates they fall within."""

    stage: str
    count: int
    referred: tuple[date, date]
    reached: str | None = None  # the last path step before `stage`
    gap: tuple[int, int] = (0, 0)  # days from referral to that step...
    window: tuple[date, date] | None = None  # ...kept within these dates
    closing: str | None = None
    minors: int = 0
    alarms: int = 0
    submitted: int = 0


# --- entry points -------------------------------------------------------------------


def demo_loaded(session: Session) -> bool:
    return session.exec(select(User.id).where(User.username == "coord")).first() is not None


def seed_demo(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Load the demo data set into `session` and flush (the caller commits).

    Does nothing and returns {} if the demo data is already there. The same `today`
    always gives the same data: one seeded random generator drives every choice.
    """
    if demo_loaded(session):
        return {}
    seed_reference(session)
    before = _counts(session)
    seed = _Seed(session, random.Random(SEED), today or date.today())
    seed.programmes = {code: programme_settings(session, pid) for code, pid in
                       session.exec(select(Programme.code, Programme.id)).all()}
    _write_users(seed)
    _write_organisations(seed)
    stories = _care_stories(seed) + _care_plus_stories(seed) + _tact_stories(seed) + _ch_vot_stories(seed)
    for story in _numbered(seed, stories):
        _write_case(seed, story)
    _write_care_plus_register(seed)
    _write_activities(seed)
    seed.insert_leaves()
    _write_field_work(seed)
    write_partners(session, today=seed.today, user_ids=seed.users)
    write_demo_htcds(session)
    write_demo_annex3(session)
    write_demo_rss(session, today=seed.today, coordinator_id=seed.users.get("coord"))
    return {k: v - before[k] for k, v in _counts(session).items()}


def _counts(session: Session) -> dict[str, int]:
    tables = {"users": User, "organisations": Organisation, "cases": Case, "referrals": Referral, "plans": Plan,
              "payments": Payment, "followups": FollowUp, "activities": Activity}
    return {k: session.exec(select(func.count()).select_from(t)).one() for k, t in tables.items()}


def _write_users(seed: _Seed) -> None:
    for new in DEMO_USERS:
        seed.users[new.username] = users.user_create(seed.session, new, actor=None).id


def _write_organisations(seed: _Seed) -> None:
    for country, name, org_type in ORGANISATIONS:
        org = Organisation(name=name, org_type=org_type, country=country)
        seed.add(org)
        seed.orgs.setdefault(country, []).append(org)
    seed.session.flush()


# --- stories: which cases, at which stage, on which days ------------------------------

PATH_STEPS = [Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED]
# Every stage in the order a case meets them (for steps on the same day).
PATH_ORDER = [Stage.REFERRED, Stage.ELIGIBLE, Stage.INELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED,
              Stage.ARRIVED, Stage.FOLLOW_UP, Stage.CLOSED]


def _path(rng: random.Random, referral: date, last: str, last_on: date, *, overnight: bool) -> dict[str, date]:
    """The day each path stage was reached, up to `last` on `last_on`, strictly increasing."""
    steps = {Stage.REFERRED: referral, last: last_on}
    before = PATH_STEPS[:PATH_STEPS.index(last)]
    end = last_on
    if last == Stage.ARRIVED:
        end = last_on - _days(1 if overnight else 0)
        steps[Stage.DEPARTED] = end
        before = before[:-1]
    offsets = sorted(rng.sample(range(1, (end - referral).days), len(before)))
    steps.update({stage: referral + _days(o) for stage, o in zip(before, offsets)})
    return steps


def _story(seed: _Seed, programme: str, *, host: str, ret: str, stage: str, referral: date, as_of: date,
           reached: str | None = None, reached_on: date | None = None, decided_on: date | None = None,
           **details) -> Story:
    """A story whose steps run from `referral` to `reached` on `reached_on`, then to `stage`."""
    rng = seed.rng
    steps = {Stage.REFERRED: referral}
    if reached:
        steps = _path(rng, referral, reached, reached_on, overnight=RETURN_COUNTRIES[ret].overnight)
    if stage == Stage.INELIGIBLE:
        steps[Stage.INELIGIBLE] = decided_on or referral + _days(rng.randint(3, 12))
    if stage in (Stage.FOLLOW_UP, Stage.CLOSED) and Stage.ARRIVED in steps:
        steps[Stage.FOLLOW_UP] = min(steps[Stage.ARRIVED] + _days(rng.randint(3, 10)), as_of)
    if stage == Stage.CLOSED and reached == Stage.ASSESSED:
        steps[Stage.CLOSED] = min(reached_on + _days(rng.randint(20, 60)), as_of)
    return Story(programme, host, ret, stage, steps, as_of, **details)


def _bucket_stories(seed: _Seed, programme: str, buckets: list[Bucket], as_of: date,
                    route: Callable[[], tuple[str, str]]) -> list[Story]:
    rng, stories = seed.rng, []
    for b in buckets:
        minors = set(rng.sample(range(b.count), b.minors))
        alarms = set(rng.sample(sorted(set(range(b.count)) - minors), b.alarms))
        # Plans waiting for approval: written by either coordinator, so each sees one to approve.
        authors = {i: ("coord2", "coord")[n % 2] for n, i in enumerate(rng.sample(range(b.count), b.submitted))}
        for i in range(b.count):
            host, ret = route()
            referral = _between(rng, *b.referred)
            reached_on = None
            if b.reached:
                reached_on = referral + _days(rng.randint(*b.gap))
                if b.window:
                    reached_on = min(max(reached_on, b.window[0]), b.window[1])
            plan_submitted = None
            if i in authors:
                plan_submitted = _between(rng, reached_on + _days(2), as_of - _days(2))
            stories.append(_story(
                seed, programme, host=host, ret=ret, stage=b.stage, referral=referral, as_of=as_of,
                reached=b.reached, reached_on=reached_on, closing=b.closing, minor=i in minors, alarm=i in alarms,
                plan_submitted=plan_submitted, plan_author=authors.get(i, "coord"),
            ))
    return stories


ROUTE_AFFINITY = {
    "PY": {"ES": 5}, "BO": {"ES": 4}, "CO": {"ES": 4}, "DO": {"ES": 3}, "BR": {"PT": 4, "ES": 2},
    "NG": {"IT": 3, "ES": 2, "GB": 2}, "AL": {"GR": 4, "IT": 3, "GB": 2}, "VN": {"GB": 5}, "CN": {"FR": 3, "ES": 2},
    "PH": {"GB": 2, "IT": 2}, "UA": {"PL": 5, "CY": 2}, "MA": {"ES": 3, "FR": 3}, "MD": {"IT": 2, "PT": 2},
    "TN": {"FR": 3, "IT": 2}, "DZ": {"FR": 4}, "SN": {"FR": 3}, "CM": {"FR": 3}, "GH": {"GB": 3}, "KE": {"GB": 3},
    "IN": {"GB": 3}, "NP": {"GB": 2}, "TH": {"AT": 2}, "MN": {"AT": 2, "PL": 2},
}


def _router(rng: random.Random, hosts: dict[str, int], returns: dict[str, int]) -> Callable[[], tuple[str, str]]:
    """Draws (host, return country) pairs, with the routes seen in the field made likelier."""
    def route() -> tuple[str, str]:
        ret = _weighted(rng, returns)
        affinity = ROUTE_AFFINITY.get(ret, {})
        return _weighted(rng, {h: w * affinity.get(h, 1) for h, w in hosts.items()}), ret
    return route


def _care_stories(seed: _Seed) -> list[Story]:
    """CARE on 31 Dec 2015: 130 people assisted, 10 minors, referrals Sept 2013 to Oct 2015."""
    d = date
    closed_dates = {"referred": (d(2013, 9, 2), d(2014, 9, 10)), "reached": Stage.ARRIVED, "gap": (35, 100),
                    "window": (d(2013, 11, 1), d(2014, 12, 10))}
    buckets = [
        Bucket(Stage.CLOSED, 55, closing="completed", minors=4, **closed_dates),
        Bucket(Stage.CLOSED, 7, closing="lost_contact", **closed_dates),
        Bucket(Stage.CLOSED, 2, closing="re_trafficked", **closed_dates),
        Bucket(Stage.CLOSED, 5, closing="withdrew_consent", **closed_dates),
        Bucket(Stage.CLOSED, 1, (d(2014, 1, 10), d(2014, 10, 31)), Stage.ASSESSED, (15, 40), closing="other"),
        Bucket(Stage.FOLLOW_UP, 25, (d(2014, 11, 1), d(2015, 8, 20)), Stage.ARRIVED, (35, 90),
               (d(2014, 12, 24), d(2015, 11, 11)), minors=2, alarms=2),
        Bucket(Stage.ARRIVED, 5, (d(2015, 8, 20), d(2015, 10, 20)), Stage.ARRIVED, (50, 100),
               (d(2015, 12, 3), d(2015, 12, 28)), minors=1),
        Bucket(Stage.DEPARTED, 4, (d(2015, 8, 20), d(2015, 10, 25)), Stage.DEPARTED, (60, 120),
               (d(2015, 12, 29), d(2015, 12, 31)), minors=1),
        Bucket(Stage.PLAN_APPROVED, 8, (d(2015, 6, 1), d(2015, 10, 31)), Stage.PLAN_APPROVED, (30, 120),
               (d(2015, 7, 1), d(2015, 12, 22)), minors=1),
        Bucket(Stage.ASSESSED, 8, (d(2015, 6, 15), d(2015, 10, 31)), Stage.ASSESSED, (15, 90),
               (d(2015, 7, 1), d(2015, 12, 22)), minors=1, submitted=3),
        Bucket(Stage.ELIGIBLE, 6, (d(2015, 8, 1), d(2015, 10, 31)), Stage.ELIGIBLE, (2, 20)),
        Bucket(Stage.REFERRED, 4, (d(2015, 10, 1), d(2015, 10, 31))),
    ]
    hosts = {"FR": 28, "ES": 22, "IT": 20, "GB": 20, "GR": 12, "PT": 10, "AT": 10, "PL": 8}
    returns = {"NG": 18, "AL": 10, "MA": 9, "UA": 9, "BR": 8, "PY": 7, "PH": 7, "CN": 7, "VN": 6, "CM": 6,
               "MD": 3, "GE": 2, "TN": 2, "SN": 3, "GH": 2, "CO": 2, "DO": 2, "NP": 2, "IN": 2, "TH": 2, "MN": 1,
               "KE": 2, "BO": 2, "DZ": 2, "RS": 1}
    stories = _bucket_stories(seed, "CARE", buckets, date(2015, 12, 31), _router(seed.rng, hosts, returns))
    for story in seed.rng.sample([s for s in stories if not s.minor], 2):
        story.sex = "Transgender/NonConforming"
    return stories


def _care_plus_stories(seed: _Seed) -> list[Story]:
    """CARE+ (France, 2017-2019): the two people supported, to Nepal and Cameroon, both completed."""
    rng, as_of = seed.rng, date(2019, 4, 30)
    stories = []
    windows = {"NP": (date(2017, 12, 4), date(2017, 12, 20)), "CM": (date(2018, 1, 8), date(2018, 1, 31))}
    for ret, referred in windows.items():
        referral = _between(rng, *referred)
        stories.append(_story(seed, "CARE_PLUS", host="FR", ret=ret, stage=Stage.CLOSED, referral=referral,
                              as_of=as_of, reached=Stage.ARRIVED, reached_on=referral + _days(rng.randint(40, 70)),
                              closing="completed", native_script=True))
    return stories


def _tact_stories(seed: _Seed) -> list[Story]:
    """TACT on 30 Nov 2017: returns to Albania, Morocco and Ukraine, two referrals found ineligible."""
    d, as_of = date, date(2017, 11, 30)
    closed_dates = {"referred": (d(2015, 12, 5), d(2016, 4, 30)), "reached": Stage.ARRIVED, "gap": (35, 100),
                    "window": (d(2016, 1, 15), d(2016, 10, 31))}
    buckets = [
        Bucket(Stage.CLOSED, 2, closing="completed", **closed_dates),
        Bucket(Stage.CLOSED, 1, closing="lost_contact", **closed_dates),
        Bucket(Stage.FOLLOW_UP, 3, (d(2016, 6, 1), d(2017, 6, 30)), Stage.ARRIVED, (35, 90),
               (d(2016, 12, 1), d(2017, 10, 15)), minors=1),
        Bucket(Stage.ARRIVED, 1, (d(2017, 7, 15), d(2017, 9, 15)), Stage.ARRIVED, (60, 120),
               (d(2017, 11, 5), d(2017, 11, 25))),
        Bucket(Stage.DEPARTED, 1, (d(2017, 7, 15), d(2017, 9, 20)), Stage.DEPARTED, (60, 120),
               (d(2017, 11, 27), d(2017, 11, 30))),
        Bucket(Stage.PLAN_APPROVED, 1, (d(2017, 6, 1), d(2017, 9, 30)), Stage.PLAN_APPROVED, (30, 120),
               (d(2017, 7, 1), d(2017, 11, 20))),
        Bucket(Stage.ASSESSED, 1, (d(2017, 8, 1), d(2017, 10, 31)), Stage.ASSESSED, (15, 30), submitted=1),
    ]
    hosts = {"IT": 3, "GR": 3, "ES": 2, "FR": 2, "AT": 1, "CY": 2, "PL": 2, "PT": 1}
    stories = _bucket_stories(seed, "TACT", buckets, as_of, _router(seed.rng, hosts, {"AL": 5, "MA": 4, "UA": 4}))
    stories.append(_story(
        seed, "TACT", host="IT", ret="AL", stage=Stage.INELIGIBLE, referral=date(2015, 11, 16), as_of=as_of,
        decided_on=date(2015, 12, 2),
        ineligible_reason="Referral received on 16 Nov 2015, before the programme started (1 Dec 2015). "
                          "Referred to the national return programme instead."))
    stories.append(_story(
        seed, "TACT", host="GR", ret="RS", stage=Stage.INELIGIBLE, referral=date(2016, 9, 14), as_of=as_of,
        ineligible_reason="Return country Serbia is not one of the programme's return countries "
                          "(Albania, Morocco, Ukraine). Referred to the IOM office for other return assistance."))
    return stories


def _ch_vot_stories(seed: _Seed) -> list[Story]:
    """The Swiss programme, live: every date is counted from `today`."""
    rng, t = seed.rng, seed.today
    returns = {c: 1 for c in seed.programmes["CH_VOT"].return_countries} | {"NG": 3, "BR": 2, "TH": 2}

    def story(stage, referral_ago, reached=None, reached_on=None, ret=None, **details):
        ret = _weighted(rng, returns) if ret is None else (_weighted(rng, returns) and ret)  # same draws either way
        return _story(seed, "CH_VOT", host="CH", ret=ret, stage=stage, referral=t - _days(referral_ago), as_of=t,
                      reached=reached, reached_on=reached_on, **details)

    def in_follow_up(next_due: date, months: int, **details):
        """A case whose follow-up at `months` falls on (about) `next_due`. They return to Nigeria, where
        the demo's return-side focal point (fp.ng) works: their Home has follow-ups to log."""
        arrival = add_months(next_due, -months)
        return story(Stage.FOLLOW_UP, (t - arrival).days + rng.randint(60, 90), Stage.ARRIVED, arrival, ret="NG",
                     **details)

    return [
        story(Stage.REFERRED, 3),
        story(Stage.REFERRED, 9),
        story(Stage.ELIGIBLE, 30, Stage.ELIGIBLE, t - _days(22)),
        story(Stage.ASSESSED, 55, Stage.ASSESSED, t - _days(15), plan_submitted=t - _days(2), plan_author="coord2"),
        story(Stage.ASSESSED, 48, Stage.ASSESSED, t - _days(12), plan_submitted=t - _days(6)),
        story(Stage.ASSESSED, 40, Stage.ASSESSED, t - _days(8), minor=True),
        story(Stage.PLAN_APPROVED, 95, Stage.PLAN_APPROVED, t - _days(16), flight_on=t + _days(5)),
        story(Stage.PLAN_APPROVED, 85, Stage.PLAN_APPROVED, t - _days(10), flight_on=t + _days(11)),
        story(Stage.ARRIVED, 110, Stage.ARRIVED, t - _days(20)),
        in_follow_up(t + _days(3), 6),
        in_follow_up(t - _days(4), 6),
        in_follow_up(t + _days(6), 12),
        story(Stage.CLOSED, 500, Stage.ARRIVED, t - _days(420), closing="completed"),
    ]


def _numbered(seed: _Seed, stories: list[Story]) -> list[Story]:
    """Give each story its case code, in referral order per programme, host and year; record the counters."""
    order = {code: i for i, code in enumerate(PROGRAMME_CODES)}
    ranked = sorted(enumerate(stories), key=lambda p: (order[p[1].programme], p[1].referral, p[0]))
    last: dict[tuple[str, str, int], int] = {}
    for _, story in ranked:
        key = (story.programme, story.host, story.referral.year)
        last[key] = last.get(key, 0) + 1
        story.code = f"{story.programme}-{story.host}-{story.referral.year}-{last[key]:04d}"
    for (programme, host, year), number in last.items():
        seed.leaf(CaseCodeCounter, programme_id=seed.programmes[programme].id, host_country=host, year=year,
                  last_number=number)
    return [story for _, story in ranked]


# --- one case -----------------------------------------------------------------------


def _write_case(seed: _Seed, story: Story) -> None:
    rng, session = seed.rng, seed.session
    creator = _creator(seed, story)
    person = _person(seed, story)
    org = _referring_organisation(seed, story.host, person["identified_by"])
    case = Case(code=story.code, programme_id=seed.programmes[story.programme].id, host_country=story.host,
                return_country=story.ret, referral_date=story.referral, organisation_id=org.id, stage=story.stage,
                ineligible_reason=story.ineligible_reason, created_by_id=creator, updated_by_id=creator,
                created_at=_at(rng, story.referral), **person)
    session.add(case)
    session.flush()
    _write_identity(seed, story, case, org, creator)
    seed.leaf(Referral, programme_id=case.programme_id, host_country=story.host, organisation_id=org.id,
              referral_date=story.referral, outcome="not_eligible" if story.ineligible_reason else "case",
              case_id=case.id, created_by_id=creator, created_at=case.created_at)
    lines: list[PlanLine] = []
    if story.reached(Stage.ASSESSED):
        needs = _needs(rng, story)
        kinds = []
        if story.reached(Stage.PLAN_APPROVED) or story.plan_submitted:
            kinds = _plan_subcategories(rng, story, needs)
        for kind in kinds:  # a plan line answers an assessed need
            area = LINE_KINDS[kind].need_area
            if area and PRIORITIES.index(needs[area]) < PRIORITIES.index("medium"):
                needs[area] = "medium"
        _write_risk_and_needs(seed, story, case, needs)
        if kinds:
            lines = _write_plan(seed, story, case, kinds)
    if story.reached(Stage.PLAN_APPROVED):
        _write_departure_checklist(seed, story, case)
    if story.reached(Stage.ARRIVED):
        _write_arrival_checklist(seed, story, case)
    if story.reached(Stage.DEPARTED):
        _write_after_departure(seed, story, case, lines)
    if story.minor:
        _write_minor(seed, story, case)
    _finish(seed, story, case)


def _creator(seed: _Seed, story: Story) -> int:
    """Host-country focal points open most of their cases; the coordinators the others."""
    fp = HOST_FOCAL_POINTS.get(story.host)
    if fp and seed.rng.random() < 0.7:
        return seed.users[fp]
    return seed.users["coord" if seed.rng.random() < 0.7 else "coord2"]


def _identified_by(rng: random.Random, forms: list[str]) -> str:
    weights = {"police": 30, "ngo": 35, "labour_inspection": 2, "health_services": 7, "self_referral": 12, "other": 3}
    if "labour" in forms:
        weights["labour_inspection"] = 20
    return _weighted(rng, weights)


REFERRING_TYPES = {"police": "LawEnforcement", "health_services": "HealthServiceOrganisation"}


def _referring_organisation(seed: _Seed, host: str, identified_by: str) -> Organisation:
    """The police or a health service refer those they identified, where the demo has one; NGOs the others."""
    orgs = seed.orgs[host]
    fitting = [o for o in orgs if o.org_type == REFERRING_TYPES.get(identified_by)]
    return seed.rng.choice(fitting or [o for o in orgs if o.org_type == "NGO"] or orgs)


def _person(seed: _Seed, story: Story) -> dict:
    """Who the person is, without identifying data: the Case fields of the referral form."""
    rng, country = seed.rng, RETURN_COUNTRIES[story.ret]
    sex = story.sex or ("Female" if rng.random() < (0.8 if story.minor else 0.76) else "Male")
    forms = _exploitation(rng, country, sex)
    age = rng.randint(14, 17) if story.minor else int(rng.triangular(18, 46, 24))
    birth = None
    if story.minor or rng.random() < 0.9:
        birth = _between(rng, _years_before(story.referral, age + 1) + _days(1), _years_before(story.referral, age))
    languages = [country.languages[0]] + [lang for lang in country.languages[1:] if rng.random() < 0.5]
    return {
        "sex": sex, "birth_date": birth, "estimated_age": None if birth else age, "is_minor": story.minor,
        "nationality": story.ret, "languages": languages, "exploitation_forms": forms,
        # The country's main language first: the person's documents come in it when it has a catalog.
        "preferred_languages": languages[:1],
        "interpreter_needed": languages[0] not in (HOST_LANGUAGES[story.host], "en"),
        "labour_sector": rng.choice(country.sectors) if "labour" in forms else None,
        "control_methods": _weighted_sample(rng, CONTROL_METHODS, rng.randint(1, 4)),
        "recruitment_method": _weighted(rng, RECRUITMENT | ({"IntimatePartnerOrMarriageProposition": 12}
                                                            if story.ret == "AL" else {})),
        "vulnerabilities": _weighted_sample(rng, VULNERABILITIES | ({"Caste": 4} if story.ret in ("NP", "IN") else {}),
                                            rng.randint(0, 3)),
        "return_region": rng.choice(TOWNS[story.ret]),
        "identified_by": _identified_by(rng, forms),
        "consent_processing_on": story.referral,
        "consent_method": _weighted(rng, {"written": 70, "oral_witnessed": 20, "oral_recorded": 10}),
        "consent_language": languages[0],
        "consent_interpreter": languages[0] not in (HOST_LANGUAGES[story.host], "en"),
        "consent_followup": story.reached(Stage.ARRIVED) or rng.random() < 0.9,
        "consent_sharing": (sharing := rng.random() < 0.88),
        "consent_sharing_on": story.referral if sharing else None,
    }


CONTROL_METHODS = {"DebtBondage": 5, "TakesEarnings": 6, "Threats": 6, "WithholdsDocuments": 5, "RestrictsMovement": 4,
                   "PsychologicalAbuse": 4, "PhysicalAbuse": 3, "FalsePromises": 5, "SexualAbuse": 2,
                   "ExcessiveWorkingHours": 2, "ThreatOfLawEnforcement": 2, "WithholdsNecessities": 1,
                   "PsychoactiveSubstances": 1, "RestrictsFinancialAccess": 1}
RECRUITMENT = {"JobOffer": 8, "IntimatePartnerOrMarriageProposition": 4, "Familial": 2, "Internet": 2,
               "PosingAsBenefactor": 3, "OfferOfAccommodation": 1, "Smuggling": 2, "PublicArea": 1, "Unknown": 1}
VULNERABILITIES = {"Poverty": 8, "Education": 4, "Migration": 3, "MentalHealth": 2, "DisabilityAndPhysicalHealth": 1,
                   "AbusePhysical": 2, "Homelessness": 1, "Addiction": 1, "Discrimination": 1}


def _exploitation(rng: random.Random, country: ReturnCountry, sex: str) -> list[str]:
    """One form of exploitation, sometimes two; sexual exploitation less often for men."""
    weights = {k: w * (0.15 if sex == "Male" and k == "sexual" else 1) for k, w in country.forms.items()}
    forms = [_weighted(rng, weights)]
    if rng.random() < 0.15:
        others = {k: w for k, w in (_MIXED | {"forced_criminality": 1}).items() if k not in forms}
        forms.append(_weighted(rng, others))
    return forms


RELATIVES = ("Mother", "Sister", "Aunt", "Brother", "Grandmother", "Cousin", "Father")


def _write_identity(seed: _Seed, story: Story, case: Case, org: Organisation, creator: int) -> None:
    rng = seed.rng
    name = pick_name(rng, story.ret, case.sex, native_script=story.native_script)
    seed.leaf(
        Identity, case_id=case.id, given_names=name.given, family_names=name.family, aliases=name.alias,
        phone=fake_phone(rng, story.ret),
        contact_return=f"{rng.choice(RELATIVES)}, {case.return_region}: {fake_phone(rng, story.ret)}",
        emergency_contact=f"Caseworker, {org.name}: {fake_phone(rng, story.host)}",
        name_index=name_index(name.given, name.family, name.alias), updated_by_id=creator, updated_at=case.created_at,
    )


# --- risk and needs -----------------------------------------------------------------

FACTOR_NOTES = {
    "traffickers_threat": "Recruiter's network still active in the home town; threats by phone reported.",
    "family_involved": "A relative took part in the recruitment.",
    "debt": "Says a 'travel debt' is still claimed from the family.",
    "stigma": "Fears rejection by the community if the exploitation becomes known.",
    "physical_health": "Untreated health condition; needs follow-up care after return.",
    "mental_health": "Signs of trauma: poor sleep, anxiety; counselling recommended.",
    "regional_safety": "Unstable security situation in the region of return.",
    "earlier_retrafficking": "Was trafficked before, after an earlier return.",
    "no_documents": "No identity document; a new one must be issued before or after return.",
    "dependants_at_risk": "Child stays with a relative close to the recruiter.",
    "legal_proceedings": "Witness in criminal proceedings in the host country.",
}
MITIGATIONS = (
    "Return to another town than the recruitment area; new phone number; partner NGO briefed.",
    "Safety plan agreed with the person; contact with the police liaison officer in the return country.",
    "Counselling started before departure and continued by the partner NGO after return.",
    "Family mediation by the return office before the return; the recruiter's relatives kept out of the plan.",
)


def _write_risk_and_needs(seed: _Seed, story: Story, case: Case, needs: dict[str, str]) -> None:
    """The current risk and needs assessments, version 1."""
    rng, on, author = seed.rng, story.steps[Stage.ASSESSED], seed.users["coord"]
    ratings = {f: _weighted(rng, {"none": 85, "low": 10, "medium": 4, "high": 1} if f == "earlier_retrafficking"
                            else {"none": 45, "low": 38, "medium": 15, "high": 2}) for f in RISK_FACTORS}
    if story.minor:
        ratings["dependants_at_risk"] = "none"
    if story.closing == "re_trafficked":
        ratings["traffickers_threat"] = "high"
    level = risk_level(list(ratings.values()))
    serious = [f for f in RISK_FACTORS if ratings[f] in ("medium", "high")]
    risk = RiskAssessment(case_id=case.id, version_no=1, assessed_on=on, author_id=author, computed_level=level,
                          overall_level=level, justification=" ".join(FACTOR_NOTES[f] for f in serious[:2]),
                          created_at=_at(rng, on))
    case.risk_level = level
    assessment = NeedsAssessment(
        case_id=case.id, version_no=1, assessed_on=on, author_id=author,
        education_level=rng.choice(("none", "primary", "lower_secondary", "upper_secondary", "vocational")),
        work_experience=rng.choice(WORK_EXPERIENCE), skills=rng.choice(SKILLS),
        languages="; ".join(language_name(code, "en") for code in case.languages),
        aspirations=rng.choice(ASPIRATIONS_MINOR if story.minor else ASPIRATIONS),
        opportunities=rng.choice(OPPORTUNITIES).format(town=case.return_region), created_at=_at(rng, on))
    seed.add(risk, assessment)
    seed.session.flush()
    for f in RISK_FACTORS:
        seed.leaf(RiskFactorRating, assessment_id=risk.id, factor=f, rating=ratings[f],
                  source=rng.choice(RISK_SOURCES), note=FACTOR_NOTES[f] if f in serious else "")
    if level != "low":
        seed.leaf(Mitigation, assessment_id=risk.id, what=rng.choice(MITIGATIONS),
                  who=f"IOM return office, {case.return_region}", by_when=on + _days(rng.randint(14, 40)))
    for area, priority in needs.items():
        seed.leaf(NeedRating, assessment_id=assessment.id, area=area, priority=priority)


def _needs(rng: random.Random, story: Story) -> dict[str, str]:
    """Priorities by area: work (or school, for a minor) always matters; childcare only with a child."""
    needs = {a: _weighted(rng, {"none": 30, "low": 30, "medium": 25, "high": 10, "urgent": 5}) for a in NEED_AREAS}
    needs["childcare"] = "none" if story.minor or rng.random() < 0.75 else rng.choice(("medium", "high"))
    main = "education_training" if story.minor else "employment"
    if PRIORITIES.index(needs[main]) < PRIORITIES.index("medium"):
        needs[main] = rng.choice(("medium", "high"))
    return needs


WORK_EXPERIENCE = ("Market trading with her family", "Farm work", "Cleaning and housework", "Restaurant kitchen",
                   "Hairdressing apprentice", "Factory work (textiles)", "None before leaving")
SKILLS = ("Sewing; basic bookkeeping", "Cooking for groups", "Hairdressing and braiding", "Driving; mechanics basics",
          "Phone repairs", "Care of children and elderly people", "Farming and animal husbandry")
ASPIRATIONS = ("Open a small grocery shop near the family home", "Train as a hairdresser and rent a chair in a salon",
               "Start a tailoring workshop", "Raise poultry with the family", "Find a job as a cook",
               "Run a food stall at the market")
ASPIRATIONS_MINOR = ("Go back to school and finish secondary education", "Learn a trade (tailoring) after school",
                     "Live with the grandmother and go to school")
OPPORTUNITIES = ("Market stalls available in {town}; partner NGO runs business training.",
                 "Vocational centre in {town} offers six-month courses.",
                 "Family can host the person; relatives run a shop in {town}.")

# --- the plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class LineKind:
    need_area: str | None
    amount: tuple[int, int]  # in the programme's currency
    local: bool  # may be costed in local currency
    months: tuple[int, int] | None
    description: str
    provider: str


LINE_KINDS = {
    "cash_basic_needs": LineKind(None, (150, 400), False, None,
                                 "Cash for food, clothes and transport in the first weeks", "IOM return office"),
    "temporary_housing": LineKind("housing_temporary", (100, 350), True, None,
                                  "Room in a guesthouse for the first month", "Guesthouse"),
    "medical_immediate": LineKind("medical", (80, 300), True, (1, 3),
                                  "Consultation and medicines on arrival", "District health centre"),
    "income_generating": LineKind("employment", (800, 2000), True, None, "Start-up kit: {business}",
                                  "Suppliers chosen with the person"),
    "job_placement": LineKind("employment", (200, 700), False, (3, 6), "Wage subsidy during a trial period",
                              "Employer found by the partner NGO"),
    "vocational_training": LineKind("education_training", (300, 1200), True, (3, 9), "Training course: {trade}",
                                    "Vocational training centre"),
    "housing": LineKind("housing_long_term", (300, 1000), True, (3, 6), "Rent and deposit for a room",
                        "Landlord (rental contract)"),
    "medical_care": LineKind("medical", (150, 700), True, (2, 6), "Follow-up treatment and medicines",
                             "Regional hospital"),
    "education": LineKind("education_training", (150, 600), True, None, "School fees, uniform and books",
                          "Local secondary school"),
    "legal_assistance": LineKind("legal", (150, 500), True, None, "Lawyer's fees", "Legal aid clinic"),
    "documents": LineKind("documents", (40, 150), True, None, "New identity card and birth certificate",
                          "Civil registry"),
    "childcare": LineKind("childcare", (150, 500), True, (3, 6), "Nursery fees for the person's child",
                          "Community nursery"),
    "security_measures": LineKind("security", (100, 400), False, None, "New phone and SIM card; door lock",
                                  "IOM return office"),
    "counselling": LineKind("psychosocial", (150, 600), True, (3, 6), "Individual counselling sessions",
                            "Partner NGO psychologist"),
    "community_activities": LineKind("psychosocial", (50, 250), True, None,
                                     "Women's group and savings club membership", "Partner NGO"),
}
BUSINESSES = ("grocery shop", "tailoring workshop", "hairdressing salon", "poultry farm", "phone accessories stall",
              "food stall", "fabric stall at the market")
TRADES = ("hairdressing", "tailoring", "cooking and catering", "computer skills", "nail care")


def _plan_subcategories(rng: random.Random, story: Story, needs: dict[str, str]) -> list[str]:
    """Three to five lines: immediate help, a livelihood (or school), and the other pressing needs."""
    chosen = [_weighted(rng, {"cash_basic_needs": 60, "temporary_housing": 25, "medical_immediate": 15})]
    if story.minor:
        chosen.append(rng.choice(("education", "vocational_training")))
    else:
        chosen.append(_weighted(rng, {"income_generating": 55, "vocational_training": 30, "job_placement": 15}))
    size = rng.randint(3, 5)
    for area in sorted(needs, key=lambda a: -PRIORITIES.index(needs[a])):
        kinds = [k for k, v in LINE_KINDS.items() if v.need_area == area and PLAN_SUBCATEGORIES[k][0] != "immediate"]
        if PRIORITIES.index(needs[area]) >= PRIORITIES.index("medium") and kinds:
            kind = rng.choice(kinds)
            if kind not in chosen and len(chosen) < size:
                chosen.append(kind)
    if len(chosen) < 3:
        chosen.append(rng.choice(("counselling", "community_activities")))
    return chosen


def _fit_line(rng: random.Random, kind: str, settings: ProgrammeSettings, spent: dict[str, Decimal],
              local: str) -> tuple[Decimal, str, Decimal, Decimal, int | None] | None:
    """Amount, currency, rate, amount in programme currency and months of a line that fits the caps."""
    spec, category = LINE_KINDS[kind], PLAN_SUBCATEGORIES[kind][0]
    caps = [c for c in settings.caps if c.category in (category, kind)]
    room = [c.amount - spent.get(c.category, Decimal(0)) for c in caps if c.amount is not None]
    if settings.cap_per_person is not None:
        room.append(settings.cap_per_person - spent.get("person", Decimal(0)))
    scale = Decimal("1.3") if settings.currency == "CHF" else Decimal(1)
    target = Decimal(rng.randint(*spec.amount)) * scale
    if room:
        target = min(target, min(room) * Decimal("0.95"))
    target = (target / 10).to_integral_value(ROUND_DOWN) * 10
    if target < 20:
        return None
    months = None
    if spec.months:
        limit = min([c.max_months for c in caps if c.max_months] or [spec.months[1]])
        months = min(rng.randint(*spec.months), limit)
    rate = RATES[settings.currency].get(local)
    if not (spec.local and rate and rng.random() < 0.5):
        return target.quantize(CENT), settings.currency, Decimal(1), target.quantize(CENT), months
    raw = target / rate
    step = Decimal(10) ** max(raw.adjusted() - 2, 0)  # three significant digits
    amount = ((raw / step).to_integral_value(ROUND_DOWN) * step).quantize(CENT)
    return amount, local, rate, (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP), months


def _write_plan(seed: _Seed, story: Story, case: Case, kinds: list[str]) -> list[PlanLine]:
    """Revision 1: approved by a second coordinator, or submitted and waiting for one."""
    rng, settings = seed.rng, seed.programmes[story.programme]
    approved = story.reached(Stage.PLAN_APPROVED)
    if approved:
        decided = story.steps[Stage.PLAN_APPROVED]
        submitted = max(decided - _days(rng.randint(1, 5)), story.steps[Stage.ASSESSED])
    else:
        decided, submitted = None, story.plan_submitted
    plan = Plan(case_id=case.id, revision_no=1, status="approved" if approved else "submitted",
                author_id=seed.users["coord" if approved else story.plan_author],
                agreed_with_person=True, agreed_with_organisation=True, submitted_at=_at(rng, submitted),
                created_at=_at(rng, submitted), updated_at=_at(rng, decided or submitted))
    if approved:
        plan.decided_by_id, plan.decided_at = seed.users["coord2"], _at(rng, decided)
        plan.decision_comment = "Within the programme's caps; agreed with the person and the referring organisation."
        plan.caps_snapshot = settings.snapshot()
    seed.add(plan)
    seed.session.flush()
    spent: dict[str, Decimal] = {}
    lines = []
    start = story.steps.get(Stage.DEPARTED) or (decided or submitted) + _days(30)
    for kind in kinds:
        fitted = _fit_line(rng, kind, settings, spent, RETURN_COUNTRIES[story.ret].currency)
        if fitted is None:
            continue
        amount, currency, rate, in_programme, months = fitted
        category, spec = PLAN_SUBCATEGORIES[kind][0], LINE_KINDS[kind]
        for key in (category, kind, "person"):
            spent[key] = spent.get(key, Decimal(0)) + in_programme
        lines.append(PlanLine(
            plan_id=plan.id, category=category, subcategory=kind,
            description=spec.description.format(business=rng.choice(BUSINESSES), trade=rng.choice(TRADES)),
            provider=f"{spec.provider}, {case.return_region}",
            planned_on=start if category == "immediate" else start + _days(rng.randint(15, 150)),
            amount=amount, currency=currency, rate=rate, amount_programme=in_programme, duration_months=months,
            need_area=spec.need_area, updated_by_id=plan.author_id, updated_at=plan.created_at))
    seed.add(*lines)
    seed.session.flush()
    return lines


# --- departure and arrival ----------------------------------------------------------


def _route(story: Story) -> str:
    return f"{HOST_AIRPORTS[story.host]}-{RETURN_COUNTRIES[story.ret].airport}"


def _write_departure_checklist(seed: _Seed, story: Story, case: Case) -> None:
    """All done before a departure; some still open while a departure is being prepared."""
    rng = seed.rng
    by = seed.users[HOST_FOCAL_POINTS.get(story.host, "coord")]
    approved = story.steps[Stage.PLAN_APPROVED]
    departure = story.steps.get(Stage.DEPARTED)
    flight = departure or story.flight_on or (story.as_of + _days(rng.randint(5, 25)) if rng.random() < 0.3 else None)
    for item in DEPARTURE_ITEMS:
        done = departure is not None or rng.random() < {"travel_document": 0.7, "return_counselling": 0.8,
                                                        "fit_to_travel": 0.4, "return_office_informed": 0.5,
                                                        "arrival_accommodation": 0.3}.get(item, 0)
        details = {}
        if item == "flight_booked":
            done = flight is not None
            details = {"flight_date": flight.isoformat(), "route": _route(story)} if flight else {}
        done_on = _between(rng, approved, min(departure or story.as_of, story.as_of)) if done else None
        seed.leaf(ChecklistItem, case_id=case.id, side="departure", item=item, needed=True, done_on=done_on,
                  done_by_id=by if done else None, details=details, updated_by_id=by,
                  updated_at=_at(rng, done_on or approved))


def _write_arrival_checklist(seed: _Seed, story: Story, case: Case) -> None:
    """What was needed on arrival, and done on the day (a health check or counselling a few days later)."""
    rng = seed.rng
    by = seed.users[RETURN_FOCAL_POINTS.get(story.ret, "coord")]
    arrival, departure = story.steps[Stage.ARRIVED], story.steps[Stage.DEPARTED]
    needed = {"transit_assistance": RETURN_COUNTRIES[story.ret].overnight and rng.random() < 0.6 or story.minor,
              "airport_reception": rng.random() < 0.9 or story.minor, "temporary_shelter": rng.random() < 0.5,
              "onward_transport": rng.random() < 0.7, "health_check": rng.random() < 0.4,
              "first_counselling": rng.random() < 0.7}
    done_on = {"transit_assistance": departure, "health_check": arrival + _days(rng.randint(1, 4)),
               "first_counselling": arrival + _days(rng.randint(1, 7))}
    for item in ARRIVAL_ITEMS:
        day = min(done_on.get(item, arrival), story.as_of)
        details = {"nights": rng.randint(2, 14)} if item == "temporary_shelter" and needed[item] else {}
        seed.leaf(ChecklistItem, case_id=case.id, side="arrival", item=item, needed=needed[item],
                  done_on=day if needed[item] else None, done_by_id=by if needed[item] else None,
                  details=details, updated_by_id=by, updated_at=_at(rng, day))


# --- after departure: payments and follow-ups ---------------------------------------


@dataclass
class _Visit:
    months: int
    due: date
    status: str = "planned"
    done_on: date | None = None
    alarm: str | None = None


@dataclass
class _Schedule:
    visits: list[_Visit]
    closed_on: date | None = None
    withdrawn_on: date | None = None


ALARM_NOTES = {
    "contacted_by_traffickers": "Received calls from an unknown number about the 'debt'; safety plan reviewed "
                                "with the partner NGO.",
    "re_exploitation_suspected": "Left for the capital with a 'job offer' from an acquaintance; family worried.",
    "wants_irregular_migration": "Talks of leaving again within months; counselling offered.",
    "serious_health_or_safety": "In hospital for two weeks; medical line to be extended.",
}
MISSED_REASONS = ("Phone switched off; the family says the person moved to another town.",
                  "Not at the address; neighbours have not seen the person for weeks.",
                  "No answer to calls or messages; partner NGO visited twice.")


def _schedule(seed: _Seed, story: Story) -> _Schedule:
    """Which follow-ups were done, missed or cancelled, and when the case closed, if it did."""
    rng, settings = seed.rng, seed.programmes[story.programme]
    arrival, as_of = story.steps[Stage.ARRIVED], story.as_of
    months = settings.followup_months_minor if story.minor else settings.followup_months
    schedule = _Schedule([_Visit(m, add_months(arrival, m)) for m in months])
    visits = schedule.visits

    def done(upto: int) -> None:
        previous = arrival
        for v in visits[:upto]:
            v.status = "done"
            v.done_on = min(max(v.due + _days(rng.randint(-3, 7)), previous + _days(1)), as_of)
            previous = v.done_on

    if story.stage == Stage.FOLLOW_UP:
        logged = sum(v.due <= as_of - _days(10) for v in visits)
        done(logged)
        if story.alarm and logged:
            visits[logged - 1].alarm = rng.choice(
                ("contacted_by_traffickers", "wants_irregular_migration", "serious_health_or_safety"))
    elif story.closing == "completed":
        done(len(visits))
    elif story.closing == "lost_contact":
        kept = rng.randint(1, 2)
        done(kept)
        for v in visits[kept:kept + 2]:
            v.status = "missed"
        for v in visits[kept + 2:]:
            v.status = "cancelled"
        schedule.closed_on = visits[min(kept + 1, len(visits) - 1)].due + _days(rng.randint(14, 30))
    elif story.closing == "withdrew_consent":
        kept = rng.randint(1, 2)
        done(kept)
        schedule.withdrawn_on = visits[kept - 1].done_on + _days(rng.randint(10, 40))
        for v in visits[kept:]:
            v.status = "cancelled"
        schedule.closed_on = schedule.withdrawn_on + _days(rng.randint(0, 5))
    elif story.closing == "re_trafficked":
        kept = rng.randint(1, 2)
        done(kept + 1)
        visits[kept].alarm = "re_exploitation_suspected"
        for v in visits[kept + 1:]:
            v.status = "cancelled"
        schedule.closed_on = visits[kept].done_on + _days(rng.randint(20, 40))
    if schedule.closed_on:
        schedule.closed_on = min(schedule.closed_on, as_of)
    if as_of < seed.today:  # the programme has ended: its follow-ups not done by then never will be
        for v in visits:
            if v.status == "planned":
                v.status = "cancelled"
    return schedule


def _write_after_departure(seed: _Seed, story: Story, case: Case, lines: list[PlanLine]) -> None:
    """Payments stop when the case closed; the monitoring visit of a completed case follows the last one."""
    schedule = _schedule(seed, story) if story.reached(Stage.ARRIVED) else None
    cutoff = schedule.closed_on if schedule and schedule.closed_on else story.as_of
    last_paid = _write_payments(seed, story, lines, cutoff)
    if schedule:
        _write_followups(seed, story, case, lines, schedule, last_paid)


def _write_payments(seed: _Seed, story: Story, lines: list[PlanLine], cutoff: date) -> date | None:
    """Immediate help on the day of departure; the rest in one or two instalments after arrival."""
    rng, by = seed.rng, seed.users["coord"]
    departure, arrival = story.steps[Stage.DEPARTED], story.steps.get(Stage.ARRIVED)
    last = None
    for n, line in enumerate(lines, start=1):
        if line.category == "immediate":
            instalments = [(departure, line.amount_programme)]
        elif arrival:
            first = arrival + _days(rng.randint(15, 90))
            second = min(first + _days(rng.randint(45, 150)), arrival + _days(300))
            half = (line.amount_programme / 2).quantize(CENT, rounding=ROUND_HALF_UP)
            instalments = ([(first, line.amount_programme)] if line.amount_programme < 600
                           else [(first, half), (second, line.amount_programme - half)])
        else:
            continue
        method = {"cash_basic_needs": "cash", "income_generating": "bank_transfer"}.get(line.subcategory, "provider")
        for k, (day, amount) in enumerate(instalments, start=1):
            if day <= cutoff:
                seed.leaf(Payment, plan_line_id=line.id, paid_on=day, amount=amount, method=method,
                          receipt_ref=f"RC-{story.code}-{n}{k}", recorded_by_id=by, recorded_at=_at(rng, day))
                last = max(last or day, day)
    return last


LIVING_WHERE = ("Family home, {town}", "Rented room in {town}", "Partner NGO's shelter, {town}",
                "With relatives on the outskirts of {town}")
LIVING_WITH = ("Mother and two younger siblings", "Own child (6 years)", "Alone", "Aunt's family", "Partner and child")
WELLBEING = ("Sleeping better; attends counselling every two weeks.", "Worried about money but motivated.",
             "Stable; training going well.", "Business started; first customers.", "Tired, some headaches; "
             "referred to the health centre.", "Feels safe at home; reconnected with friends.")


def _write_followups(seed: _Seed, story: Story, case: Case, lines: list[PlanLine], schedule: _Schedule,
                     last_paid: date | None) -> None:
    rng, visits = seed.rng, schedule.visits
    by = seed.users[RETURN_FOCAL_POINTS.get(story.ret) or rng.choice(("coord", "coord2"))]
    rows = []
    for i, v in enumerate(visits):
        row = FollowUp(case_id=case.id, kind="scheduled", months_after=v.months, due_on=v.due, status=v.status,
                       done_on=v.done_on, updated_by_id=by, updated_at=_at(rng, _last_changed(story, schedule, v)))
        if v.status == "done":
            row.mode = _weighted(rng, {"visit": 40, "phone": 35, "video": 10, "partner": 15})
            row.reached, row.logged_by_id = True, by
            row.living_where = rng.choice(LIVING_WHERE).format(town=case.return_region)
            row.living_with, row.wellbeing = rng.choice(LIVING_WITH), rng.choice(WELLBEING)
        elif v.status == "missed":
            row.reached, row.logged_by_id, row.missed_reason = False, by, rng.choice(MISSED_REASONS)
        if v.alarm:
            row.alarms, row.alarm_note = [v.alarm], ALARM_NOTES[v.alarm]
            if story.stage == Stage.FOLLOW_UP:
                case.alarm_open, case.alarm_note = True, ALARM_NOTES[v.alarm]
        rows.append((i, v, row))
    monitoring = None
    if story.closing == "completed" and last_paid:
        day = last_paid + _days(rng.randint(14, 30))
        monitoring = FollowUp(case_id=case.id, kind="monitoring", due_on=day, status="done",
                              done_on=day + _days(rng.randint(0, 5)), mode="visit", reached=True, logged_by_id=by,
                              living_where=rng.choice(LIVING_WHERE).format(town=case.return_region),
                              wellbeing="Monitoring visit after the last payment: plan carried out as agreed.",
                              updated_by_id=by, updated_at=_at(rng, day))
        seed.add(monitoring)
    seed.add(*(row for _, _, row in rows))
    seed.session.flush()
    for i, v, row in rows:
        if v.status == "done":
            _write_scores(seed, row, (i + 1) / len(visits), v.alarm)
            _write_progress(seed, row, lines, (i + 1) / len(visits), v.alarm == "re_exploitation_suspected")
    if monitoring:
        _write_progress(seed, monitoring, lines, 1.0, False)
    case.followup_consent_withdrawn_on = schedule.withdrawn_on
    closed = schedule.closed_on
    if story.closing == "completed":
        last_done = max([v.done_on for v in visits] + ([monitoring.done_on] if monitoring else []))
        closed = min(last_done + _days(rng.randint(3, 14)), story.as_of)
    if closed:
        story.steps[Stage.CLOSED] = closed


def _last_changed(story: Story, schedule: _Schedule, v: _Visit) -> date:
    """Done: the day it was done; planned: the day the schedule was set; missed: its due day;
    cancelled: the day the case closed."""
    if v.status == "done":
        return v.done_on
    if v.status == "planned":
        return story.steps.get(Stage.FOLLOW_UP, story.steps[Stage.ARRIVED])
    return min(v.due if v.status == "missed" else (schedule.closed_on or story.as_of), story.as_of)


def _write_scores(seed: _Seed, row: FollowUp, progress: float, alarm: str | None) -> None:
    """Scores from 1 to 5 that tend to rise over the year; safety drops when there is an alarm."""
    rng, base = seed.rng, seed.rng.randint(2, 3)
    for dimension, items in SCORE_ITEMS.items():
        for item in items:
            score = base + round(progress * 2) + rng.randint(-1, 1)
            if alarm and item in ("safety_feeling", "wellbeing"):
                score = rng.randint(1, 2)
            seed.leaf(FollowUpScore, followup_id=row.id, dimension=dimension, item=item, score=max(1, min(5, score)))


def _write_progress(seed: _Seed, row: FollowUp, lines: list[PlanLine], progress: float, abandoned: bool) -> None:
    for line in lines:
        if abandoned and line.category != "immediate":
            state = "abandoned"
        elif line.category == "immediate" or progress >= 0.75:
            state = "achieved"
        else:
            state = "ongoing" if progress >= 0.3 or seed.rng.random() < 0.7 else "not_started"
        seed.leaf(FollowUpLineProgress, followup_id=row.id, plan_line_id=line.id, progress=state)


# --- minors -------------------------------------------------------------------------

GUARDIAN_SERVICES = {"AT": "Kinder- und Jugendhilfe", "CH": "KESB Kindesschutz", "CY": "Social Welfare Services",
                     "ES": "Servicio de Protección de Menores", "FR": "Aide sociale à l'enfance",
                     "GB": "Children's Services", "GR": "Office of the Public Prosecutor for Minors",
                     "IT": "Servizio tutela minori", "PL": "Family court guardianship service",
                     "PT": "Comissão de Proteção de Crianças e Jovens"}
ACTOR_AGREEMENTS = {
    "guardian": "Agrees with the return; will sign the travel consent.",
    "child_protection_host": "Best-interests decision shared; no objection to the return.",
    "child_protection_return": "A social worker will receive the child and visit the family monthly.",
    "judge_or_prosecutor": "No objection; the child's statement has been taken.",
    "partner_organisation": "School enrolment and counselling arranged in the home town.",
}
CHILD_WORDS = {
    "intake": ("I want to see my mother again.", "I don't want to stay here. I want to go to school at home."),
    "before_departure": ("I am a bit afraid but I want to go home.", "My grandmother is waiting for me."),
    "after_return": ("I am back at school. I like it.", "It is good to be home; I help my aunt in her shop."),
}


def _write_minor(seed: _Seed, story: Story, case: Case) -> None:
    """The minors' procedure, as far as the case has gone: guardian, best interests, family, escort."""
    rng, steps, host, by = seed.rng, story.steps, story.host, seed.users["coord"]
    guardian, panel, host_officer, judge = rng.sample(STAFF_NAMES[host], 4)  # four different people
    service = f"{GUARDIAN_SERVICES[host]} (demo)"
    proc = {"guardian_name": guardian, "guardian_organisation": service, "guardian_contact": fake_phone(rng, host)}
    assessed, approved = steps.get(Stage.ASSESSED), steps.get(Stage.PLAN_APPROVED)
    if assessed:
        proc["family_requested_on"] = assessed
    if approved:
        family_done = _between(rng, assessed + _days((approved - assessed).days // 2), approved)
        proc |= {"family_done_on": family_done, "family_done_by": f"IOM return office, {case.return_region}",
                 "family_outcome": "positive", "family_documents": "Family assessment report; letter from the school.",
                 "bid_on": _between(rng, family_done, approved), "bid_body": f"{service}: best-interests panel",
                 "bid_person": panel, "bid_outcome": "return",
                 "bid_reasons": "Safe family environment confirmed by the family assessment; the child wishes to "
                                "return; school place available."}
    if story.reached(Stage.DEPARTED):
        escort = rng.choice(("guardian", "staff"))
        proc |= {"escort_kind": escort, "escort_name": guardian if escort == "guardian" else host_officer}
    if story.reached(Stage.ARRIVED):
        proc |= {"handover_on": steps[Stage.ARRIVED],
                 "handover_to": "Mother, with the district child-protection officer"}
    changed = min(steps.get(Stage.ARRIVED) or story.as_of, story.as_of)
    seed.leaf(MinorProcedure, case_id=case.id, updated_by_id=by, updated_at=_at(rng, changed), **proc)
    contacts = {"guardian": guardian, "child_protection_host": host_officer,
                "child_protection_return": f"Child-protection officer, {case.return_region}",
                "judge_or_prosecutor": judge, "partner_organisation": f"Partner NGO, {case.return_region}"}
    _write_minor_actors(seed, story, case, contacts)
    _write_child_views(seed, story, case)


def _write_minor_actors(seed: _Seed, story: Story, case: Case, contacts: dict[str, str]) -> None:
    """Everyone required is contacted before departure; earlier, only the first ones."""
    rng, steps = seed.rng, story.steps
    end = min(steps.get(Stage.DEPARTED) or story.as_of, story.as_of)
    contacted = len(MINOR_ACTORS) if story.reached(Stage.DEPARTED) else rng.randint(1, 3)
    for i, actor in enumerate(MINOR_ACTORS):
        required = actor != "judge_or_prosecutor" or rng.random() < 0.5
        done = i < contacted and required
        contacted_on = _between(rng, steps[Stage.REFERRED], end) if done else None
        agreed = done and (story.reached(Stage.PLAN_APPROVED) or rng.random() < 0.5)
        seed.leaf(MinorActor, case_id=case.id, actor=actor, required=required, contact_name=contacts[actor],
                  contacted_on=contacted_on, agreed=ACTOR_AGREEMENTS[actor] if agreed else "",
                  updated_by_id=seed.users["coord"], updated_at=_at(rng, contacted_on or steps[Stage.REFERRED]))


def _write_child_views(seed: _Seed, story: Story, case: Case) -> None:
    rng, steps, by = seed.rng, story.steps, seed.users["coord"]
    views = [("intake", steps[Stage.REFERRED] + _days(rng.randint(1, 10)))]
    if story.reached(Stage.DEPARTED):
        views.append(("before_departure", steps[Stage.DEPARTED] - _days(rng.randint(2, 10))))
    if story.reached(Stage.FOLLOW_UP):
        views.append(("after_return", steps[Stage.FOLLOW_UP]))
    for step, day in views:
        day = min(day, story.as_of)
        seed.leaf(ChildView, case_id=case.id, step=step, recorded_on=day, words=rng.choice(CHILD_WORDS[step]),
                  recorded_by_id=by, created_at=_at(rng, day))


# --- closing ------------------------------------------------------------------------

CLOSING_NOTES = {
    "completed": "All follow-ups done and every plan line paid; monitoring visit confirmed the reintegration.",
    "withdrew_consent": "The person withdrew consent to follow-up; no further contact, as agreed.",
    "lost_contact": "No contact after two missed follow-ups and several attempts by the partner NGO.",
    "re_trafficked": "Re-exploitation reported by the family and the partner NGO; referred to the local "
                     "anti-trafficking unit.",
    "other": "Obtained a residence permit in the host country and chose to stay; no return.",
}


def _finish(seed: _Seed, story: Story, case: Case) -> None:
    """The case's end state: the day of its last stage change, and the closing, if closed."""
    rng = seed.rng
    if story.stage == Stage.CLOSED:
        case.closed_on, case.closing_reason = story.steps[Stage.CLOSED], story.closing
        case.closing_note = CLOSING_NOTES[story.closing]
    case.departure_date = story.steps.get(Stage.DEPARTED)
    case.arrival_date = story.steps.get(Stage.ARRIVED)
    changed = _at(rng, story.steps[story.stage])
    case.stage_changed_at = case.updated_at = changed
    if story.stage != Stage.REFERRED:
        case.updated_by_id = seed.users["coord"]
    _write_history(seed, story, case)


def _write_history(seed: _Seed, story: Story, case: Case) -> None:
    """The audit events the case's timeline is read from: its opening and each stage change.

    Written as the app would have written them (same actions and details), without drawing
    on the random generator, so the rest of the demo data stays the same.
    """
    by_id = {uid: name for name, uid in seed.users.items()}
    creator, coordinator = case.created_by_id, seed.users["coord"]

    def event(at: datetime, user_id: int, action: str, detail: dict) -> None:
        seed.leaf(AuditEvent, at=at, user_id=user_id, username=by_id.get(user_id, ""), action=action,
                  case_id=case.id, entity="case", entity_id=str(case.id),
                  detail=json.dumps(detail, ensure_ascii=False))

    event(case.created_at, creator, "case.create", {"code": case.code})
    # In the order of the path, not of the dictionary: a departure and an arrival on the same day
    # are written departure first, a few minutes apart, so the timeline reads them in that order.
    steps = sorted(story.steps.items(), key=lambda step: (step[1], PATH_ORDER.index(step[0])))
    for n, ((before, _on), (after, on)) in enumerate(zip(steps, steps[1:])):
        if Stage(after) not in TRANSITIONS[Stage(before)]:  # the app's own rule: the demo cannot tell otherwise
            raise ValueError(f"demo case {case.code}: the path does not go from {before} to {after}")
        detail = {"from": before, "to": after}
        if after == Stage.CLOSED and story.closing:
            detail["reason"] = story.closing
        event(datetime.combine(on, time(16, n), tzinfo=UTC), coordinator, "case.stage", detail)
    if steps[-1][0] != story.stage:
        raise ValueError(f"demo case {case.code}: its steps end at {steps[-1][0]}, not at its stage {story.stage}")


# --- the register and the activities ------------------------------------------------


def _write_care_plus_register(seed: _Seed) -> None:
    """CARE+'s four referrals that did not become a case (the two that did are written with their case)."""
    programme, creator = seed.programmes["CARE_PLUS"].id, seed.users["fp.fr"]
    rows = (
        (date(2018, 3, 12), "not_eligible", "Return to Romania, an EU member state: outside the programme."),
        (date(2018, 5, 22), "declined", "Decided to stay in France while a residence permit application is examined."),
        (date(2018, 9, 4), "declined", "Prefers to wait for the outcome of the criminal proceedings."),
        (date(2018, 11, 27), "no_consent", "Did not agree to the processing of personal data; told about other "
                                           "support services."),
    )
    orgs = seed.orgs["FR"]
    for day, outcome, note in rows:
        seed.leaf(Referral, programme_id=programme, host_country="FR", organisation_id=seed.rng.choice(orgs).id,
                  referral_date=day, outcome=outcome, note=note, created_by_id=creator, created_at=_at(seed.rng, day))


def _write_activities(seed: _Seed) -> None:
    t = seed.today
    meetings = {
        "CARE": [
            (date(2013, 10, 17), "Paris, France", "Launch meeting: IOM offices and partners in the 8 host countries",
             24),
            (date(2014, 1, 23), "Madrid, Spain", "NGOs, police and prosecutors: the referral procedure", 32),
            (date(2014, 2, 20), "Rome, Italy", "Anti-trafficking NGOs and shelters", 40),
            (date(2014, 3, 27), "London, United Kingdom", "First responders and support providers", 28),
            (date(2014, 5, 15), "Athens, Greece", "Police, prosecutors and NGOs", 22),
            (date(2014, 6, 12), "Lisbon, Portugal", "Gender-equality commission and NGOs", 19),
            (date(2014, 9, 25), "Vienna, Austria", "Criminal police office and victim-support NGOs", 26),
            (date(2014, 10, 16), "Warsaw, Poland", "Border guard, police and NGOs", 17),
            (date(2015, 11, 26), "Paris, France", "Closing conference: results and lessons learnt", 65),
        ],
        "CARE_PLUS": [
            (date(2017, 11, 23), "Paris", "Launch meeting with OFII and partner NGOs", 16),
            (date(2019, 3, 21), "Paris", "Closing meeting: the trainings and the returns", 21),
        ],
        "TACT": [
            (date(2016, 2, 18), "Tirana, Albania", "Partners' meeting with the return-country focal points", 18),
            (date(2016, 5, 12), "Rabat, Morocco", "Return and reintegration partners in Morocco", 23),
        ],
        "CH_VOT": [(t - _days(45), "Bern", "Exchange with cantonal victim-support services", 14)],
    }
    brochures = [
        ("CARE", date(2013, 12, 2), "8 host countries", 4000, "NGOs, police, labour inspectorates and shelters; "
                                                              "six languages"),
        ("CARE", date(2015, 2, 10), "8 host countries", 1500, "Reprint for shelters and police"),
        ("CARE_PLUS", date(2018, 3, 15), "France", 1200, "Front-line professionals: prefectures, police, "
                                                          "gendarmerie, child welfare, NGOs"),
        ("TACT", date(2016, 4, 1), "Host countries", 2500, "Albanian, Arabic, French, Ukrainian and English versions"),
    ]
    by = seed.users["coord"]
    for code, rows in meetings.items():
        for day, place, audience, participants in rows:
            seed.add(Activity(programme_id=seed.programmes[code].id, kind="meeting", held_on=day, place=place,
                              audience=audience, participants=participants, created_by_id=by,
                              created_at=_at(seed.rng, day), updated_by_id=by, updated_at=_at(seed.rng, day)))
    for code, day, place, quantity, audience in brochures:
        seed.add(Activity(programme_id=seed.programmes[code].id, kind="brochures", held_on=day, place=place,
                          quantity=quantity, audience=audience, created_by_id=by, created_at=_at(seed.rng, day),
                          updated_by_id=by, updated_at=_at(seed.rng, day)))
    _write_trainings(seed, by)


# CARE+'s two one-day trainings: 41 front-line professionals, by kind of organisation.
TRAININGS = (
    (date(2018, 4, 26), "Lyon", {"immigration_office": 3, "child_welfare": 4, "police": 5, "border_police": 2,
                                 "gendarmerie": 2, "justice": 1, "ngo": 4, "other": 1}),
    (date(2018, 6, 5), "Bordeaux", {"immigration_office": 2, "child_welfare": 3, "police": 4, "border_police": 1,
                                    "gendarmerie": 3, "justice": 2, "ngo": 3, "other": 1}),
)


def _write_trainings(seed: _Seed, by: int) -> None:
    modules = seed.session.exec(select(TrainingModule.id).order_by(TrainingModule.id)).all()
    for day, place, by_kind in TRAININGS:
        training = Activity(programme_id=seed.programmes["CARE_PLUS"].id, kind="training", held_on=day, place=place,
                            audience="Front-line professionals (one-day training, three modules)",
                            participants=sum(by_kind.values()), created_by_id=by, created_at=_at(seed.rng, day),
                            updated_by_id=by, updated_at=_at(seed.rng, day))
        seed.add(training)
        seed.session.flush()
        for kind, count in by_kind.items():
            seed.leaf(ActivityParticipants, activity_id=training.id, org_kind=kind, count=count)
        for module in modules:
            seed.leaf(ActivityModule, activity_id=training.id, module_id=module)


# --- field work: safe contact, contacts between follow-ups, flags ---------------------

SAFE_CONTACTS = [
    dict(channel="phone", times="Weekdays 10:00-12:00", who_may_answer="Only her; her aunt may pick up",
         code_word="Say you call from the tailoring school", no_voicemail=True, language="Edo, English",
         note="Never mention the programme if a man answers: hang up."),
    dict(channel="message", times="Evenings after 18:00", who_may_answer="Only him", code_word="Ask about the football",
         no_voicemail=True, language="Pidgin, English", note="Shares the phone with his brother."),
    dict(channel="through_partner", times="Through the shelter's social worker, weekdays",
         who_may_answer="The social worker", code_word="", no_voicemail=True, language="Yoruba",
         note="Visits only together with the partner organisation."),
]
FLAG_REASONS = [
    ("do_not_call", "The phone is shared with a relative who was involved in the recruitment."),
    ("witness", "Witness in the trial of the recruiters; the prosecutor's office must be told of any move."),
    ("health", "Needs regular medication: ask whether the supply is running out."),
    ("safety_concern", "Saw a recruiter near the market last month."),
]


def _write_field_work(seed: _Seed) -> None:
    """The return side's cases in follow-up get a safe contact; some get contacts between follow-ups and flags.

    One case's last two attempts failed, so it shows on the coordinators' Home."""
    rows = seed.session.exec(select(Case.id, Case.return_country).where(Case.stage == Stage.FOLLOW_UP.value)
                             .order_by(Case.return_country, Case.code)).all()
    by_country: dict[str, list[int]] = {}
    for case_id, country in rows:
        by_country.setdefault(country, []).append(case_id)
    today, rng = seed.today, seed.rng
    for country, ids in by_country.items():
        author = seed.users.get(RETURN_FOCAL_POINTS.get(country, ""), seed.users["coord"])
        for n, case_id in enumerate(ids[:6]):
            seed.add(SafeContact(case_id=case_id, updated_by_id=author, **SAFE_CONTACTS[n % len(SAFE_CONTACTS)]))
            outcomes = [True, False, False] if n == 1 else [True, rng.random() < 0.7]
            for k, reached in enumerate(outcomes):
                seed.add(Contact(case_id=case_id, kind=("call", "message", "call")[k], reached=reached, by_id=author,
                                 on=today - _days(40 - 12 * k - n),
                                 note="Doing fine, starts work next week." if reached else "No answer."))
            if n < len(FLAG_REASONS) and n % 2 == 0:
                kind, reason = FLAG_REASONS[(n // 2 + len(country)) % len(FLAG_REASONS)]
                seed.add(CaseFlag(case_id=case_id, kind=kind, reason=reason, created_by_id=author,
                                  ends_on=today + _days(180) if kind == "witness" else None))
    seed.session.flush()
