"""Demo sustainability surveys: a baseline for each returned person and a survey at each follow-up done.

Written after the cases from a random generator of its own, so the rest of the demo data stays as
it was. Every returned person has a baseline (at assessment or at arrival) and surveys whose scores
mostly rise over the year; the earlier 8-question check the demo also writes stays beside them as
history. A few people's safety, debt or wish to stay fall sharply between
two surveys, which raises an early warning on the coordinators' Home.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, col, select

from care.early_warning import warnings_from_survey
from care.rss import BASELINE, rss_settings
from care.rss_items import ITEMS
from care.rss_scores import survey_scores
from db.models import Case, FollowUp, RssAnswer, RssSurvey

SEED = 20261206
FALLING = {"safety": "very_unsafe", "debt": "more", "intention_to_migrate": "leaving"}


def _answers(rng: random.Random, level: float) -> dict[str, str]:
    """One answer per question, near `level` (0 to 1); now and then a question is not asked."""
    out = {}
    for item in ITEMS:
        scored = [o for o in item.options if o.value is not None]
        if item.code == "schooling" and rng.random() < 0.4:
            out[item.code] = "na"
            continue
        if rng.random() < 0.006:
            continue  # not asked: a partial survey
        noise = 0.05 if item.code in FALLING else 0.25  # the answers the early warning watches move slowly
        target = min(1.0, max(0.0, level + rng.uniform(-noise, noise)))
        out[item.code] = min(scored, key=lambda o: abs(o.value - target)).code
    return out


def _write(session: Session, case: Case, occasion: str, followup: FollowUp | None, taken_on, answers, settings,
           by_id, when: str = "") -> RssSurvey:
    s = survey_scores(answers, settings.weights)
    row = RssSurvey(case_id=case.id, occasion=occasion, followup_id=followup.id if followup else None,
                    months_after=followup.months_after if followup else None, baseline_when=when, taken_on=taken_on,
                    answered=s.answered, asked=s.asked, partial=s.partial, economic=s.economic, social=s.social,
                    psychosocial=s.psychosocial, composite=s.composite, weights_version=settings.weights.version,
                    weights_source=settings.weights.source, weights=settings.weights.as_json(), taken_by_id=by_id)
    session.add(row)
    session.flush()
    session.add_all(RssAnswer(survey_id=row.id, item=i, answer=a) for i, a in answers.items())
    return row


def write_demo_rss(session: Session, *, today, coordinator_id: int | None) -> int:
    """The demo surveys; returns how many were written."""
    rng = random.Random(SEED)
    cases = session.exec(select(Case).where(col(Case.arrival_date).is_not(None)).order_by(Case.id)).all()
    followups: dict[int, list[FollowUp]] = {}
    for f in session.exec(select(FollowUp).where(FollowUp.status == "done", FollowUp.kind == "scheduled",
                                                 col(FollowUp.case_id).in_([c.id for c in cases]))
                          .order_by(FollowUp.case_id, FollowUp.done_on)).all():
        followups.setdefault(f.case_id, []).append(f)
    settings = {}
    # At risk again: two people followed now (Home shows them) and two from the past (the indicators count them).
    recent = [c.id for c in cases if any(f.done_on >= today - timedelta(days=365) for f in followups.get(c.id, []))]
    past = [c.id for c in cases if c.id not in recent and len(followups.get(c.id, [])) >= 2]
    at_risk = set(recent[:2]) | set(rng.sample(past, k=min(2, len(past))))
    written = 0
    for case in cases:
        settings.setdefault(case.programme_id, rss_settings(session, case.programme_id))
        st = settings[case.programme_id]
        level = rng.uniform(0.25, 0.55)
        when = "assessment" if rng.random() < 0.6 else "arrival"
        base_day = case.arrival_date if when == "arrival" else case.arrival_date - timedelta(days=rng.randint(20, 60))
        base_day = max(base_day, case.referral_date)
        _write(session, case, BASELINE, None, base_day, _answers(rng, level), st, coordinator_id, when)
        written += 1
        done = followups.get(case.id, [])
        fall_at = len(done) - 1 if case.id in at_risk else None
        for i, f in enumerate(done):
            level = min(0.92, level + rng.uniform(0.04, 0.14))
            answers = _answers(rng, level)
            if i == fall_at:  # the person is at risk again: safety, debt and wish to stay fall
                answers.update(rng.sample(sorted(FALLING.items()), k=2))
            survey = _write(session, case, f"followup:{f.id}", f, f.done_on, answers, st, coordinator_id)
            written += 1
            warnings_from_survey(session, case, survey, st, today=min(today, f.done_on))
    session.flush()
    return written
