"""The path: only steps on it, only when nothing is missing, always audited."""

import pytest
from sqlmodel import select

from care.errors import DomainError
from care.path import TRANSITIONS, stage_move
from care.vocab import Stage
from db.models import AuditEvent
from tests.factories import make_actor, make_case


def test_every_stage_has_its_exits():
    assert set(TRANSITIONS) == set(Stage)
    assert TRANSITIONS[Stage.CLOSED] == frozenset() and TRANSITIONS[Stage.INELIGIBLE] == frozenset()
    for stage, exits in TRANSITIONS.items():
        if stage not in (Stage.CLOSED, Stage.INELIGIBLE):
            assert Stage.CLOSED in exits


def test_a_step_off_the_path_is_refused(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage="referred")
    with pytest.raises(DomainError, match="cannot move"):
        stage_move(session, coord, case, Stage.DEPARTED, missing=[])


def test_missing_items_are_named(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage="eligible")
    with pytest.raises(DomainError, match="risk assessment; needs assessment"):
        stage_move(session, coord, case, Stage.ASSESSED, missing=["risk assessment", "needs assessment"])
    assert case.stage == "eligible"


def test_a_move_is_audited(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage="eligible")
    stage_move(session, coord, case, Stage.ASSESSED, missing=[])
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.stage")).one()
    assert event.case_id == case.id and '"to": "assessed"' in event.detail
