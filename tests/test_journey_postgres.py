"""The whole journey on PostgreSQL: row locks, JSON details, bulk cancel and stale edits, one
committed transaction per user action as the app does it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from care import followups, journey
from care.errors import StaleEdit
from care.followups import FollowUpEntry
from db.engine import session_scope
from db.models import Case, ChecklistItem, FollowUp
from tests import pg
from tests.factories import make_actor
from tests.factories_journey import approved_case, arrival_done, departure_done

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url):
    with pg.seeded_engine(pg.test_url()[0]) as eng:  # its own schema, as the demo seed test does
        yield eng


def test_departure_arrival_and_follow_up_on_postgresql(engine):
    with session_scope(engine) as s:
        coord = make_actor(s, "coordinator", programmes=("CARE",), username="pg.coord", name="PG Coordinator")
        fp_ng = make_actor(s, "focal_point", countries=("NG",), programmes=("CARE",), username="pg.fp.ng")
        case_id = approved_case(s, coord, host="ES", ret="NG").id
    with session_scope(engine) as s:
        departure_done(s, coord, s.get(Case, case_id))
    with session_scope(engine) as s:
        journey.case_depart(s, coord, case_id, departure_date=date(2014, 6, 2), today=date(2014, 6, 2))
    with session_scope(engine) as s:
        journey.case_arrive(s, fp_ng, case_id, arrival_date=date(2014, 6, 3), today=date(2014, 6, 3))
    with session_scope(engine) as s:
        arrival_done(s, fp_ng, s.get(Case, case_id), date(2014, 6, 10))
    with session_scope(engine) as s:
        case = s.get(Case, case_id)
        flight = s.exec(select(ChecklistItem).where(ChecklistItem.item == "flight_booked")).one()
        assert case.stage == "follow_up" and flight.details["flight_date"] == "2014-06-02"
        first = s.exec(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).first()
        first_id, version = first.id, first.version
    entry = FollowUpEntry(done_on=date(2014, 7, 3), mode="visit", scores={"wellbeing": 2, "safety_feeling": 1},
                          alarms=("contacted_by_traffickers",), alarm_note="Threats by phone.")
    with session_scope(engine) as s:
        followups.followup_log(s, fp_ng, first_id, entry=entry, expected_version=version, today=date(2014, 7, 3))
    with pytest.raises(StaleEdit, match="saved this record"), session_scope(engine) as s:
        followups.followup_log(s, fp_ng, first_id, entry=entry, expected_version=version, today=date(2014, 7, 3))
    with session_scope(engine) as s:
        assert followups.followup_consent_withdraw(s, fp_ng, case_id, withdrawn_on=date(2014, 8, 1),
                                                   today=date(2014, 8, 1)) == 3
    with session_scope(engine) as s:
        case = s.get(Case, case_id)
        assert case.alarm_open and case.risk_level == "high" and case.followup_consent_withdrawn_on
        statuses = s.exec(select(FollowUp.status).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).all()
        assert statuses == ["done", "cancelled", "cancelled", "cancelled"]
        assert followups.closable_as(s, case) == ["withdrew_consent"]
