"""Synthetic databases of any size, with each case's full history.

The cases are written by the demo seed's own story writer (seeds/demo.py), so a bench case
looks like a demo case: identity, risk and needs assessments, plan lines within the budget
caps, checklists, payments, follow-ups with scores, some minors. Only the number of
stories changes: the demo's CARE and TACT buckets are scaled to the size asked for, and
the live Swiss programme's stories (dated from today) are repeated. Seeded: the same size
always gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from sqlalchemy import text
from sqlmodel import Session, func, select

from care.programmes import programme_settings
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Programme
from seeds import demo
from seeds.reference import seed_reference

SEED = 11_2026
BATCH = 500  # cases per flush of the bulk-inserted rows: keeps the builder's memory flat

# Share of the cases per programme; CARE+ keeps its own two stories.
SHARES = {"CARE": 0.72, "TACT": 0.18, "CH_VOT": 0.10}


def _scaled(buckets: list[demo.Bucket], total: int) -> list[demo.Bucket]:
    """The buckets with their counts (and minors, alarms, plans waiting) scaled to about `total` cases."""
    base = sum(b.count for b in buckets)
    out = []
    for b in buckets:
        f = total / base
        count = max(1, round(b.count * f))
        out.append(replace(b, count=count, minors=min(count, round(b.minors * f)),
                           alarms=min(count - min(count, round(b.minors * f)), round(b.alarms * f)),
                           submitted=min(count, round(b.submitted * f))))
    return out


def _stories(seed: demo._Seed, size: int) -> list[demo.Story]:
    """About `size` stories spread over the programmes like the demo's."""
    captured: dict[str, list] = {}
    real = demo._bucket_stories

    def capture(s, programme, buckets, as_of, route):
        captured[programme] = (buckets, as_of, route)
        return [SimpleNamespace(minor=False), SimpleNamespace(minor=False)]  # stand-ins, dropped

    demo._bucket_stories = capture  # read the demo's buckets and routes without writing them
    try:
        demo._care_stories(seed)
        demo._tact_stories(seed)
    finally:
        demo._bucket_stories = real
    stories = []
    for programme in ("CARE", "TACT"):
        buckets, as_of, route = captured[programme]
        stories += real(seed, programme, _scaled(buckets, round(size * SHARES[programme])), as_of, route)
    swiss = []
    while len(swiss) < round(size * SHARES["CH_VOT"]):
        swiss += demo._ch_vot_stories(seed)
    stories += swiss[:max(1, round(size * SHARES["CH_VOT"]))]
    stories += demo._care_plus_stories(seed)
    return stories


def build(url: str, size: int, *, today: date | None = None) -> dict[str, int]:
    """Migrate `url` (empty), write about `size` cases with their history, ANALYZE; the row counts."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            seed_reference(session)
            seed = demo._Seed(session, random.Random(SEED + size), today or date.today())
            seed.programmes = {code: programme_settings(session, pid) for code, pid in
                               session.exec(select(Programme.code, Programme.id)).all()}
            demo._write_users(seed)
            demo._write_organisations(seed)
            for n, story in enumerate(demo._numbered(seed, _stories(seed, size)), 1):
                demo._write_case(seed, story)
                if n % BATCH == 0:
                    _flush(seed, session)
            demo._write_care_plus_register(seed)
            demo._write_activities(seed)
            seed.insert_leaves()
            counts = demo._counts(session)
        with engine.begin() as conn:  # the planner needs statistics after a bulk load (PostgreSQL: 60 s -> 2 s)
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return counts


def _flush(seed: demo._Seed, session: Session) -> None:
    seed.insert_leaves()
    keep = [org for orgs in seed.orgs.values() for org in orgs]
    session.expunge_all()  # the written cases are not needed again; the organisations are (ids, names)
    for org in keep:
        session.add(org)


# What the story writer does not give a bench database of a year's use (issue 23): about five
# follow-ups per case (the stories hold about 3.3) and a year of audited reads, searches and logins.
FOLLOWUPS_PER_CASE = 5
AUDIT_PER_CASE = 20  # 50,000 cases: 1,000,000 events over a year
AUDIT_ACTIONS = (("case.open", 0.55), ("identity.search", 0.15), ("plan.open", 0.1), ("assessment.open", 0.08),
                 ("login", 0.1), ("logout", 0.02))


def enrich(url: str, size: int, *, today: date | None = None) -> dict[str, int]:
    """Top the built database up to ~5 follow-ups a case and a year of audit events; the rows added.

    The extra follow-ups are monitoring visits after arrival (done, some raising an alarm), so
    Home, the case file and the indicators read as many rows as a programme in its second year.
    The audit events are the reads that every case opening, search and login write."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from db.models import AuditEvent, Case, FollowUp
    from db.models import User as AppUser

    today = today or date.today()
    rnd = random.Random(SEED + size + 1)
    engine = make_engine(url)
    added = {"followups": 0, "audit_events": 0}
    try:
        with engine.begin() as conn:
            per_case = dict(conn.execute(select(FollowUp.case_id, func.count()).group_by(FollowUp.case_id)).all())
            arrived = conn.execute(select(Case.id, Case.arrival_date, Case.programme_id)
                                   .where(Case.arrival_date.is_not(None))).all()
            users = conn.execute(select(AppUser.id, AppUser.username)).all()
            cases = conn.execute(select(Case.id)).scalars().all()
        missing = FOLLOWUPS_PER_CASE * len(cases) - sum(per_case.values())
        rows = []
        if missing > 0 and arrived:
            for n in range(missing):
                case_id, arrival, _programme = arrived[n % len(arrived)]
                day = arrival + timedelta(days=rnd.randint(5, 400))
                done = day <= today
                rows.append({"case_id": case_id, "kind": "monitoring", "months_after": None, "due_on": day,
                             "status": "done" if done else "planned", "done_on": day if done else None,
                             "mode": rnd.choice(("visit", "phone", "video")) if done else "",
                             "reached": True if done else None,
                             "alarms": ["health"] if done and rnd.random() < 0.03 else []})
        for start in range(0, len(rows), 5000):
            with engine.begin() as conn:
                conn.execute(insert(FollowUp), rows[start:start + 5000])
        added["followups"] = len(rows)
        actions = [a for a, _w in AUDIT_ACTIONS]
        weights = [w for _a, w in AUDIT_ACTIONS]
        year_ago = datetime.combine(today, datetime.min.time(), tzinfo=UTC) - timedelta(days=365)
        total = AUDIT_PER_CASE * len(cases)
        batch = []
        for n in range(total):
            uid, uname = users[rnd.randrange(len(users))]
            action = rnd.choices(actions, weights)[0]
            case_id = cases[rnd.randrange(len(cases))] if action.endswith(".open") else None
            batch.append({"at": year_ago + timedelta(seconds=n * 365 * 86400 // total), "user_id": uid,
                          "username": uname, "action": action, "case_id": case_id,
                          "entity": "care_case" if case_id else "", "entity_id": str(case_id or ""),
                          "detail": '{"purpose": "bench"}' if action == "identity.search" else ""})
            if len(batch) == 10_000 or n == total - 1:
                with engine.begin() as conn:
                    conn.execute(insert(AuditEvent), batch)
                batch = []
        added["audit_events"] = total
        ensure_partners(engine)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return added


def ensure_partners(engine) -> None:
    """A partner directory to refer cases to (one organisation per country of return), if the stories wrote none."""
    from sqlalchemy import insert

    from db.models import Case, PartnerOrganisation

    with engine.begin() as conn:
        if not conn.execute(select(func.count()).select_from(PartnerOrganisation)).scalar_one():
            countries = conn.execute(select(Case.return_country).distinct()).scalars().all()
            conn.execute(insert(PartnerOrganisation), [
                {"name": f"Partner {c} (bench)", "country": c, "kind": "ngo", "languages": ["en"]}
                for c in countries if c])
