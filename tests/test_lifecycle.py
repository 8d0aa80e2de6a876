"""The end of the retention period: a closed case loses its person, keeps its figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Text, func, or_, type_coerce
from sqlmodel import Session, SQLModel, col, select

from care import indicators, lifecycle
from care.casefile import case_file, timeline
from care.identity import identity_read
from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import AuditEvent, Case, Identity, Programme
from seeds.demo import seed_demo
from seeds.reference import seed_reference
from tests.factories import make_actor, make_case

TODAY = date(2026, 6, 1)


def closed(session, closed_on: date, **fields) -> Case:
    return make_case(session, stage="closed", closing_reason="completed", closed_on=closed_on,
                     closing_note="Lives with her aunt near the market", **fields)


def anonymised(session) -> list[AuditEvent]:
    return session.exec(select(AuditEvent).where(AuditEvent.action == "case.anonymise")).all()


def test_only_closed_cases_past_their_programmes_retention_are_due(session):
    # CARE keeps case files 60 months after closing.
    past = closed(session, date(2014, 1, 10))  # kept until 2019-01-10
    on_the_day = closed(session, date(2021, 6, 1))  # kept until 2026-06-01: that is today, not yet past
    inside = closed(session, date(2024, 1, 1))
    still_open = make_case(session, stage="follow_up")
    due = lifecycle.anonymisation_due(session, TODAY)
    assert [(d.code, d.retention_ends) for d in due] == [(past.code, date(2019, 1, 10))]
    lifecycle.anonymise_due(session, today=TODAY, username="cli:test")
    coord = make_actor(session, "coordinator")
    for case in (on_the_day, inside, still_open):
        session.refresh(case)
        assert case.anonymised_at is None and case.birth_date == date(1994, 5, 1)
        assert identity_read(session, coord, case.id).given_names == "Ada"
    assert lifecycle.anonymisation_due(session, TODAY) == []  # once only


def test_a_case_found_ineligible_is_due_from_the_day_it_was_found_so(session):
    from datetime import UTC, datetime

    long_ago = make_case(session, stage="ineligible", ineligible_reason="Returns to an EU country",
                         stage_changed_at=datetime(2014, 2, 3, 10, tzinfo=UTC))
    make_case(session, stage="ineligible", ineligible_reason="Returns to an EU country",
              stage_changed_at=datetime(2024, 2, 3, 10, tzinfo=UTC))
    due = lifecycle.anonymisation_due(session, TODAY)
    assert [(d.code, d.ended_on, d.retention_ends) for d in due] == [
        (long_ago.code, date(2014, 2, 3), date(2019, 2, 3))]
    lifecycle.anonymise_due(session, today=TODAY, username="cli:test")
    session.refresh(long_ago)
    assert long_ago.anonymised_at is not None and long_ago.ineligible_reason == ""


def test_the_programmes_own_retention_period_counts(session):
    tact = closed(session, date(2014, 1, 10), programme="TACT")
    session.get(Programme, tact.programme_id).retention_months = 200
    session.flush()
    assert lifecycle.anonymisation_due(session, TODAY) == []


def test_a_dry_run_lists_and_changes_nothing(session):
    case = closed(session, date(2014, 1, 10))
    before = session.exec(select(func.count()).select_from(AuditEvent)).one()
    due = lifecycle.anonymise_due(session, today=TODAY, username="cli:test", dry_run=True)
    assert [d.case_id for d in due] == [case.id]
    session.expire_all()
    assert session.get(Case, case.id).anonymised_at is None
    assert session.get(Case, case.id).closing_note.startswith("Lives")
    assert session.get(Identity, case.id).given_names == "Ada"
    assert session.exec(select(func.count()).select_from(AuditEvent)).one() == before


def test_the_identity_and_notes_go_the_age_group_stays_and_it_is_audited(session):
    case = closed(session, date(2014, 1, 10), birth_date=date(1996, 3, 11), referral_date=date(2014, 3, 10),
                  return_region="Benin City, Ugbowo", given="Blessing", family="Okafor")
    lifecycle.anonymise_due(session, today=TODAY, username="cli:ops")
    coord = make_actor(session, "coordinator")
    person = identity_read(session, coord, case.id)
    assert (person.given_names, person.family_names, person.aliases, person.phone) == ("", "", "", "")
    assert session.get(Identity, case.id).name_index == ""
    stored = session.get(Case, case.id, populate_existing=True)
    assert stored.birth_date is None and stored.estimated_age == 17  # the day before the 18th birthday
    assert stored.closing_note == "" and stored.return_region == "" and stored.anonymised_at is not None
    assert stored.code == case.code and stored.sex == "Female" and stored.closed_on == date(2014, 1, 10)
    (event,) = anonymised(session)
    assert (event.case_id, event.username, event.user_id) == (case.id, "cli:ops", None)
    assert "Blessing" not in event.detail and "Okafor" not in event.detail and "Benin" not in event.detail
    assert json.loads(event.detail)["rows"]["identity"] == 1
    cf = case_file(session, coord, case.id)
    assert dict(cf.summary.rows)["Anonymised"].endswith("the figures remain.")
    assert timeline(session, coord, case.id)[0].what == "Identity and notes removed at the end of the retention period"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('lifecycle') / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_reference(s)
        seed_demo(s, today=TODAY)
    yield engine
    engine.dispose()


def _reports(session: Session, actor) -> list[indicators.Report]:
    return [indicators.indicators_report(session, actor, programme_id=pid, today=TODAY)
            for pid in session.exec(select(Programme.id).order_by(Programme.id)).all()]


def _narrative(session: Session, model, fields, case_id: int | None, among: list[int] = ()) -> int:
    # Compared as stored: an empty value stays empty when encrypted.
    filled = [type_coerce(getattr(model, name), Text()) != "" for name in fields]
    rows = lifecycle.case_rows(model, case_id) if case_id is not None else col(model.case_id).in_(among)
    return session.exec(select(func.count()).select_from(model).where(rows, or_(*filled))).one()


def test_on_the_demo_data_every_indicator_is_the_same_afterwards(demo):
    with session_scope(demo) as s:
        coord = make_actor(s, "coordinator")
    with Session(demo) as s:
        before = _reports(s, coord)
        due = lifecycle.anonymisation_due(s, TODAY)
        names = {c: s.get(Identity, c).given_names for c in (d.case_id for d in due)}
        with_text = {model.__tablename__ for model, fields in lifecycle.NARRATIVE.items()
                     if any(_narrative(s, model, fields, d.case_id) for d in due)}
    assert len(due) > 50 and all(names.values())
    assert {"care_case", "followup", "plan_line", "minor_procedure"} <= with_text, with_text
    with session_scope(demo) as s:
        lifecycle.anonymise_due(s, today=TODAY, username="cli:test")
    with Session(demo) as s:
        assert _reports(s, coord) == before
        gone = list(names)
        assert _narrative(s, Identity, ("given_names", "family_names", "aliases", "phone", "contact_return",
                                        "emergency_contact", "name_index"), None, among=gone) == 0
        for model, fields in lifecycle.NARRATIVE.items():  # no narrative left on an anonymised case
            left = [case_id for case_id in gone if _narrative(s, model, fields, case_id)]
            assert left == [], model.__tablename__
        assert s.exec(select(func.count()).select_from(Case).where(
            col(Case.id).in_(gone), col(Case.birth_date).is_not(None))).one() == 0
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "case.anonymise")).all()
        assert sorted(e.case_id for e in events) == sorted(gone)
        kept = s.exec(select(func.count()).select_from(Case).where(col(Case.anonymised_at).is_(None))).one()
        assert kept > 0  # open cases and those inside retention keep their person


def test_every_narrative_field_named_exists():
    for model, fields in lifecycle.NARRATIVE.items():
        assert issubclass(model, SQLModel)
        for name in fields:
            assert name in model.__table__.c, (model.__tablename__, name)
