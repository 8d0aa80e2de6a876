"""The demo data set: the programmes' published figures, the rules of the path, live work on Home.

Most tests read one seeded database (module fixture); those that seed themselves use the
`session` fixture's fresh database.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlmodel import Session, SQLModel, func, select

from care import assessment, minors, users
from care.mywork import my_work
from care.passwords import password_problem
from care.vocab import Stage
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import (
    Activity, ActivityModule, ActivityParticipants, Case, CaseCodeCounter, ChecklistItem, FollowUp, Identity,
    MinorActor, MinorProcedure, Mitigation, NeedRating, NeedsAssessment, Organisation, Payment, Plan, PlanLine,
    Programme, Referral, RiskAssessment, RiskFactorRating,
)
from seeds.demo import DEMO_PASSWORD, DEMO_USERS, PARTICIPANT_KINDS, demo_loaded, seed_demo
from seeds.reference import seed_reference
from tests import pg
from tests.factories import make_actor

TODAY = date(2026, 3, 10)
# The day each programme's data shows: the end of the three past ones, today for the Swiss one.
AS_OF = {"CARE": date(2015, 12, 31), "CARE_PLUS": date(2019, 4, 30), "TACT": date(2017, 11, 30), "CH_VOT": TODAY}
SCRIPTS = {
    "latin_accented": re.compile(r"[\u00C0-\u024F\u1E00-\u1EFF]"),
    "cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "arabic": re.compile(r"[\u0600-\u06FF]"),
    "devanagari": re.compile(r"[\u0900-\u097F]"),
    "chinese": re.compile(r"[\u4E00-\u9FFF]"),
}


def _fresh_engine():
    """A new in-memory database with the programmes, as tests/conftest.py builds it."""
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        seed_reference(s)
        s.commit()
    return engine


@pytest.fixture(scope="module")
def demo():
    engine = _fresh_engine()
    with Session(engine, expire_on_commit=False) as s:
        seed_demo(s, today=TODAY)
        s.commit()
        yield s
    engine.dispose()


def _programme_id(s: Session, code: str) -> int:
    return s.exec(select(Programme.id).where(Programme.code == code)).one()


def _cases(s: Session, code: str) -> list[Case]:
    return s.exec(select(Case).where(Case.programme_id == _programme_id(s, code)).order_by(Case.id)).all()


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- loading ------------------------------------------------------------------------


def test_demo_password_passes_the_rules_for_every_demo_user():
    for user in DEMO_USERS:
        assert password_problem(DEMO_PASSWORD, username=user.username, name=user.name) is None


def test_seeds_once_and_is_then_left_alone(session):
    assert not demo_loaded(session)
    counts = seed_demo(session, today=TODAY)
    assert demo_loaded(session)
    assert counts["users"] == 8 and counts["cases"] == 157 and counts["referrals"] == 161
    assert seed_demo(session, today=TODAY) == {}
    assert session.exec(select(func.count()).select_from(Case)).one() == 157


@pytest.mark.postgres
def test_seeds_a_migrated_postgresql_database():
    url, reason = pg.test_url()
    if url is None:
        pytest.skip(reason)
    schema_url = pg.create_schema(url)  # its own schema: the migration test upgrades the shared one
    try:
        upgrade(schema_url)
        engine = make_engine(schema_url)
        with session_scope(engine) as s:
            assert seed_demo(s, today=TODAY)["cases"] == 157
        with session_scope(engine) as s:
            assert demo_loaded(s) and len(_cases(s, "CARE")) == 130
        engine.dispose()
    finally:
        pg.drop_schema(schema_url)


def test_demo_users_load_with_their_roles_countries_and_programmes(demo):
    every_programme = {_programme_id(demo, c) for c in ("CARE", "CARE_PLUS", "TACT", "CH_VOT")}
    expected = {"admin": ("admin", set()), "coord": ("coordinator", set()), "coord2": ("coordinator", set()),
                "fp.es": ("focal_point", {"ES"}), "fp.fr": ("focal_point", {"FR"}),
                "fp.ng": ("focal_point", {"NG"}), "manager": ("manager", set())}
    for username, (role, countries) in expected.items():
        actor = users.actor_load(demo, username)
        assert {r.value for r in actor.roles} == {role} and set(actor.countries) == countries
        assert not actor.must_change_password
        if role != "admin":
            assert actor.programme_ids == every_programme


def test_same_seed_gives_the_same_data(demo):
    engine = _fresh_engine()
    with Session(engine) as other:
        seed_demo(other, today=TODAY)
        again = other.exec(select(Case.code, Identity.given_names, Identity.family_names)
                           .join(Identity, Identity.case_id == Case.id).order_by(Case.id)).all()
    engine.dispose()
    first = demo.exec(select(Case.code, Identity.given_names, Identity.family_names)
                      .join(Identity, Identity.case_id == Case.id).order_by(Case.id)).all()
    assert first == again


# --- the programmes' figures --------------------------------------------------------


def test_care_has_its_130_people_and_10_minors(demo):
    cases = _cases(demo, "CARE")
    assert len(cases) == 130
    assert all(c.stage != Stage.INELIGIBLE for c in cases)
    assert all(date(2013, 9, 1) <= c.referral_date <= date(2015, 10, 31) for c in cases)
    minors = [c for c in cases if c.is_minor]
    assert len(minors) == 10 and len({c.stage for c in minors}) >= 4
    assert all(14 <= _age(c.birth_date, c.referral_date) <= 17 for c in minors)
    assert Counter(c.stage for c in cases) == {"closed": 70, "follow_up": 25, "arrived": 5, "departed": 4,
                                               "plan_approved": 8, "assessed": 8, "eligible": 6, "referred": 4}
    assert Counter(c.closing_reason for c in cases if c.closing_reason) == {
        "completed": 55, "withdrew_consent": 5, "lost_contact": 7, "re_trafficked": 2, "other": 1}
    assert {c.host_country for c in cases} == {"AT", "ES", "FR", "GR", "IT", "PL", "PT", "GB"}
    assert 1 <= sum(c.sex == "Transgender/NonConforming" for c in cases) <= 2


def test_every_stage_appears(demo):
    assert set(demo.exec(select(Case.stage).distinct()).all()) == {s.value for s in Stage}


def test_care_plus_register_cases_and_trainings(demo):
    pid = _programme_id(demo, "CARE_PLUS")
    referrals = demo.exec(select(Referral).where(Referral.programme_id == pid)).all()
    assert len(referrals) == 6
    assert all(date(2017, 12, 1) <= r.referral_date <= date(2018, 12, 31) and r.host_country == "FR"
               for r in referrals)
    assert Counter(r.outcome for r in referrals) == {"case": 2, "not_eligible": 1, "declined": 2, "no_consent": 1}
    assert all((r.case_id is not None) == (r.outcome == "case") for r in referrals)
    cases = _cases(demo, "CARE_PLUS")
    assert sorted(c.return_country for c in cases) == ["CM", "NP"]
    assert all(c.stage == "closed" and c.closing_reason == "completed" for c in cases)
    nepal = next(c for c in cases if c.return_country == "NP")
    assert SCRIPTS["devanagari"].search(demo.get(Identity, nepal.id).given_names)

    trainings = demo.exec(select(Activity).where(Activity.programme_id == pid, Activity.kind == "training")
                          .order_by(Activity.held_on)).all()
    assert [(t.held_on, t.place) for t in trainings] == [(date(2018, 4, 26), "Lyon"), (date(2018, 6, 5), "Bordeaux")]
    assert sum(t.participants for t in trainings) == 41
    for t in trainings:
        by_kind = demo.exec(select(ActivityParticipants).where(ActivityParticipants.activity_id == t.id)).all()
        assert sum(p.count for p in by_kind) == t.participants
        assert {p.org_kind for p in by_kind} <= set(PARTICIPANT_KINDS)
        assert len(demo.exec(select(ActivityModule).where(ActivityModule.activity_id == t.id)).all()) == 3
    kinds = demo.exec(select(Activity.kind).where(Activity.programme_id == pid)).all()
    assert kinds.count("meeting") >= 1 and kinds.count("brochures") == 1


def test_tact_returns_and_its_two_ineligible_referrals(demo):
    cases = _cases(demo, "TACT")
    ineligible = [c for c in cases if c.stage == Stage.INELIGIBLE]
    assert len(ineligible) == 2 and all(c.ineligible_reason for c in ineligible)
    assert {c.return_country for c in cases if c not in ineligible} <= {"AL", "MA", "UA"}
    for c in ineligible:  # the data bears the reason out: outside the period, or not a return country
        assert c.referral_date < date(2015, 12, 1) or c.return_country not in {"AL", "MA", "UA"}
        referral = demo.exec(select(Referral).where(Referral.case_id == c.id)).one()
        assert referral.outcome == "not_eligible"


def test_identities_are_written_in_many_scripts(demo):
    names = [f"{i.given_names} {i.family_names}" for i in demo.exec(select(Identity)).all()]
    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(n) for n in names), script


def test_contacts_are_fictional(demo):
    for ident in demo.exec(select(Identity)).all():
        assert re.fullmatch(r"\+\d{8,15}", ident.phone)
        assert "555" in ident.phone[4:]
        assert ident.name_index == ident.name_index.lower()
    assert all(o.name.endswith("(demo)") for o in demo.exec(select(Organisation)).all())


# --- the rules of the path ----------------------------------------------------------


def test_case_codes_are_unique_and_continue_from_their_counters(demo):
    cases = demo.exec(select(Case).order_by(Case.referral_date, Case.id)).all()
    assert len({c.code for c in cases}) == len(cases)
    codes = {p.id: p.code for p in demo.exec(select(Programme)).all()}
    numbers = defaultdict(list)
    for c in cases:
        prefix = f"{codes[c.programme_id]}-{c.host_country}-{c.referral_date.year}-"
        assert c.code.startswith(prefix)
        numbers[(c.programme_id, c.host_country, c.referral_date.year)].append(int(c.code.removeprefix(prefix)))
    counters = {(k.programme_id, k.host_country, k.year): k.last_number
                for k in demo.exec(select(CaseCodeCounter)).all()}
    assert counters.keys() == numbers.keys()
    for key, used in numbers.items():
        assert used == list(range(1, len(used) + 1)) and counters[key] == len(used), key


def test_steps_follow_each_other(demo):
    departed = {"departed", "arrived", "follow_up"}
    for c in demo.exec(select(Case)).all():
        assert c.consent_processing_on == c.referral_date
        assert c.referral_date <= c.stage_changed_at.date()
        if c.stage in departed or c.closing_reason in ("completed", "lost_contact", "re_trafficked"):
            assert c.departure_date and c.referral_date < c.departure_date
        if c.arrival_date:
            assert c.departure_date <= c.arrival_date
        if c.stage == "closed":
            assert c.closing_reason and c.closed_on >= (c.arrival_date or c.referral_date)
        if c.stage not in ("referred", "eligible", "ineligible"):
            assert c.risk_level is not None
        for item in demo.exec(select(ChecklistItem).where(ChecklistItem.case_id == c.id)).all():
            if item.side == "departure" and item.done_on and c.departure_date:
                assert item.done_on <= c.departure_date
        for f in demo.exec(select(FollowUp).where(FollowUp.case_id == c.id)).all():
            assert c.arrival_date and f.due_on > c.arrival_date
            assert (f.status == "done") == (f.done_on is not None)


def test_nothing_is_recorded_after_the_day_the_data_shows(demo):
    for code, as_of in AS_OF.items():
        for c in _cases(demo, code):
            recorded = [c.stage_changed_at.date(), c.departure_date, c.arrival_date, c.closed_on]
            recorded += demo.exec(select(FollowUp.done_on).where(FollowUp.case_id == c.id)).all()
            recorded += demo.exec(select(ChecklistItem.done_on).where(ChecklistItem.case_id == c.id)).all()
            recorded += demo.exec(select(Payment.paid_on).join(PlanLine).join(Plan).where(Plan.case_id == c.id)).all()
            assert all(day <= as_of for day in recorded if day), c.code


def test_risk_level_follows_the_ratings_and_is_mitigated(demo):
    for ra in demo.exec(select(RiskAssessment)).all():
        ratings = demo.exec(select(RiskFactorRating.rating).where(RiskFactorRating.assessment_id == ra.id)).all()
        # The app's rule, called (tests/test_assessment.py checks it against hand-written levels).
        expected = assessment.risk_level(ratings)
        assert len(ratings) == 11 and ra.computed_level == expected == ra.overall_level
        mitigations = demo.exec(select(Mitigation).where(Mitigation.assessment_id == ra.id)).all()
        assert bool(mitigations) == (ra.overall_level != "low")
        assert demo.get(Case, ra.case_id).risk_level == ra.overall_level


def test_approved_plans_respect_caps_and_four_eyes(demo):
    plans = demo.exec(select(Plan).where(Plan.status == "approved")).all()
    assert plans
    for plan in plans:
        assert plan.decided_by_id and plan.decided_by_id != plan.author_id
        assert plan.agreed_with_person and plan.agreed_with_organisation
        lines = demo.exec(select(PlanLine).where(PlanLine.plan_id == plan.id)).all()
        assert 3 <= len(lines) <= 5
        snapshot = plan.caps_snapshot
        for line in lines:
            assert line.amount_programme == (line.amount * line.rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert (line.currency == snapshot["currency"]) == (line.rate == 1)
        assert sum(line.amount_programme for line in lines) <= Decimal(snapshot["cap_per_person"])
        needs = dict(demo.exec(select(NeedRating.area, NeedRating.priority).join(NeedsAssessment)
                               .where(NeedsAssessment.case_id == plan.case_id, NeedsAssessment.is_current)).all())
        assert all(needs[line.need_area] in ("medium", "high", "urgent") for line in lines if line.need_area)
        for key, cap in snapshot["caps"].items():
            capped = [line for line in lines if key in (line.category, line.subcategory)]
            if cap["amount"] is not None:
                assert sum(line.amount_programme for line in capped) <= Decimal(cap["amount"]), (plan.id, key)
            if cap["max_months"] is not None:
                assert all((line.duration_months or 0) <= cap["max_months"] for line in capped)


def test_completed_cases_were_paid_in_full_then_monitored(demo):
    for c in demo.exec(select(Case).where(Case.closing_reason == "completed")).all():
        followups = demo.exec(select(FollowUp).where(FollowUp.case_id == c.id)).all()
        assert all(f.status == "done" for f in followups)
        lines = demo.exec(select(PlanLine).join(Plan).where(Plan.case_id == c.id)).all()
        paid_on = []
        for line in lines:
            payments = demo.exec(select(Payment).where(Payment.plan_line_id == line.id)).all()
            assert sum(p.amount for p in payments) == line.amount_programme
            paid_on += [p.paid_on for p in payments]
        monitoring = [f for f in followups if f.kind == "monitoring"]
        assert len(monitoring) == 1 and monitoring[0].done_on > max(paid_on)
        assert c.closed_on >= max(f.done_on for f in followups)


def test_ended_follow_ups_are_recorded_as_such(demo):
    cases = demo.exec(select(Case).where(Case.stage == "closed")).all()
    for c in cases:
        statuses = demo.exec(select(FollowUp.status).where(FollowUp.case_id == c.id)).all()
        if c.closing_reason == "withdrew_consent":
            assert c.followup_consent_withdrawn_on and "cancelled" in statuses
        if c.closing_reason == "lost_contact":
            assert "missed" in statuses
        if c.closing_reason == "re_trafficked":
            alarms = demo.exec(select(FollowUp.alarms).where(FollowUp.case_id == c.id)).all()
            assert any("re_exploitation_suspected" in a for a in alarms)
    open_alarms = demo.exec(select(Case).where(Case.alarm_open == True)).all()  # noqa: E712
    assert len(open_alarms) >= 2 and all(c.stage == "follow_up" and c.alarm_note for c in open_alarms)


def test_minors_have_their_procedure_before_departure(demo):
    """The app's own departure gate (care.minors.departed_missing) finds nothing missing for any
    child who departed, and the handover at arrival is recorded."""
    departed = 0
    for c in demo.exec(select(Case).where(Case.is_minor == True)).all():  # noqa: E712
        proc = demo.get(MinorProcedure, c.id)
        assert proc is not None and proc.guardian_name
        if c.departure_date:
            departed += 1
            assert minors.departed_missing(demo, c) == [], c.code
            assert proc.bid_on <= c.departure_date and proc.family_done_on <= c.departure_date
        if c.arrival_date:
            assert proc.handover_on == c.arrival_date and proc.handover_to
    assert departed >= 5


# --- the Swiss programme: live work relative to today -------------------------------


def test_swiss_cases_are_dated_around_today(demo):
    cases = _cases(demo, "CH_VOT")
    assert 10 <= len(cases) <= 14
    assert all(date(2008, 1, 1) <= c.referral_date <= TODAY for c in cases)
    assert sum(c.is_minor for c in cases) == 1
    flights = []
    for c in cases:
        if c.stage == "plan_approved":
            item = demo.exec(select(ChecklistItem).where(ChecklistItem.case_id == c.id,
                                                         ChecklistItem.item == "flight_booked")).one()
            flights.append(date.fromisoformat(item.details["flight_date"]))
    assert len(flights) == 2 and all(TODAY < d <= TODAY + timedelta(days=14) for d in flights)


def test_home_shows_swiss_work_near_the_chosen_day(session):
    seed_demo(session, today=TODAY)
    work = my_work(session, users.actor_load(session, "coord"), today=TODAY)
    assert work.followups_due and work.plans_pending
    swiss = make_actor(session, "coordinator", programmes=("CH_VOT",))
    work = my_work(session, swiss, today=TODAY)
    due = [f.due_on for f in work.followups_due]
    assert len(due) >= 3 and all(TODAY - timedelta(days=10) <= d <= TODAY + timedelta(days=7) for d in due)
    assert any(f.overdue for f in work.followups_due)
    assert len(work.plans_pending) == 2


def test_a_demo_case_has_a_timeline_from_its_opening_to_its_closing(session):
    from care.casefile import timeline

    seed_demo(session, today=TODAY)
    coord = users.actor_load(session, "coord")
    case = session.exec(select(Case).where(Case.stage == Stage.CLOSED, Case.closing_reason == "completed")
                        .order_by(Case.code)).first()
    entries = timeline(session, coord, case.id)
    assert entries[-1].what == "Referral registered and case opened" and entries[-1].detail == case.code
    stages = [e.detail for e in entries if e.what == "Stage changed"]
    assert stages[0].startswith("In follow-up → Closed")
    assert len(stages) == 7  # referred, eligible, assessed, plan approved, departed, arrived, in follow-up, closed


# --- the demo tells only stories the app would accept --------------------------------

# An open follow-up may be late, as in real work, but not by more than this on the demo's day.
BELIEVABLY_LATE = timedelta(days=30)


def test_every_timeline_walks_the_path_the_app_allows(demo):
    """Each case's stage changes, in the order the timeline shows them, are steps `care.path`
    allows, one after the other from "referred" to the case's stage (no "arrived" before
    "departed", no step skipped)."""
    from care.path import TRANSITIONS
    from db.models import AuditEvent

    bad = []
    for c in demo.exec(select(Case)).all():
        events = demo.exec(select(AuditEvent.detail).where(AuditEvent.case_id == c.id, AuditEvent.action == "case.stage")
                           .order_by(AuditEvent.at, AuditEvent.id)).all()
        stage = Stage.REFERRED
        for detail in events:
            step = json.loads(detail)
            if step["from"] != stage or Stage(step["to"]) not in TRANSITIONS[stage]:
                bad.append((c.code, stage.value, step["from"], step["to"]))
                break
            stage = Stage(step["to"])
        else:
            if stage != c.stage:
                bad.append((c.code, stage.value, "ends at", c.stage))
    assert bad == []


def test_every_open_case_meets_the_entry_rule_of_its_stage(demo):
    """The app's own rules (`care.stage_rules.missing_for`) find nothing missing for the stage
    each open demo case is at: the demo never shows a case the app would have refused to move."""
    from care.stage_rules import missing_for

    missing = {}
    for c in demo.exec(select(Case).where(Case.stage.not_in(("referred", "closed", "ineligible")))).all():
        m = missing_for(demo, c, Stage(c.stage))
        if m:
            missing[c.code] = m
    assert missing == {}


def test_no_open_follow_up_is_years_overdue(demo):
    """Follow-ups still to do are due at most a few weeks before the demo's day, in every programme
    (a programme that has ended has no open follow-up left)."""
    late = demo.exec(select(Case.code, FollowUp.due_on).join(Case, Case.id == FollowUp.case_id)
                     .where(FollowUp.status.in_(("planned", "due", "overdue")), FollowUp.due_on < TODAY - BELIEVABLY_LATE)
                     ).all()
    assert late == []
