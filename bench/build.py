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
from sqlmodel import Session, select

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
