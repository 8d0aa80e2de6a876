"""Who sees which case: the one rule every stage relies on."""

import pytest
from sqlmodel import select

from care.access import Role, case_get, case_scope, may_open, may_see_identity
from care.errors import NotPermitted
from db.models import Case
from tests.factories import make_actor, make_case


def visible_codes(session, actor):
    return set(session.exec(select(Case.code).where(case_scope(actor))).all())


@pytest.fixture
def cases(session):
    return {
        "fr_ng": make_case(session, host="FR", ret="NG"),
        "pt_br": make_case(session, host="PT", ret="BR"),
        "es_ma": make_case(session, host="ES", ret="MA"),
        "tact_cy_al": make_case(session, programme="TACT", host="CY", ret="AL"),
    }


def test_coordinator_sees_every_case_of_their_programmes_only(session, cases):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    assert visible_codes(session, coord) == {cases[k].code for k in ("fr_ng", "pt_br", "es_ma")}


def test_focal_point_sees_cases_of_their_host_or_return_country(session, cases):
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    fp_ng = make_actor(session, "focal_point", countries=("NG",))
    assert visible_codes(session, fp_es) == {cases["es_ma"].code}
    assert visible_codes(session, fp_ng) == {cases["fr_ng"].code}


def test_focal_point_for_spain_cannot_open_portugal_brazil_case_by_id(session, cases):
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    with pytest.raises(NotPermitted):
        case_get(session, fp_es, cases["pt_br"].id)
    assert case_get(session, fp_es, cases["es_ma"].id).id == cases["es_ma"].id


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_no_case(session, cases, role):
    actor = make_actor(session, role)
    assert visible_codes(session, actor) == set()
    with pytest.raises(NotPermitted):
        case_get(session, actor, cases["fr_ng"].id)


def test_missing_and_hidden_cases_give_the_same_answer(session, cases):
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    with pytest.raises(NotPermitted) as hidden:
        case_get(session, fp_es, cases["pt_br"].id)
    with pytest.raises(NotPermitted) as missing:
        case_get(session, fp_es, 999_999)
    assert hidden.value.message == missing.value.message


def test_identity_is_for_coordinators_and_focal_points_in_scope(session, cases):
    coord = make_actor(session, "coordinator", programmes=("CARE",))
    fp_es = make_actor(session, "focal_point", countries=("ES",))
    manager = make_actor(session, "manager")
    assert may_see_identity(coord, cases["pt_br"])
    assert may_see_identity(fp_es, cases["es_ma"])
    assert not may_see_identity(fp_es, cases["pt_br"])
    assert not may_see_identity(manager, cases["pt_br"])


def test_every_role_may_open_home_and_account(session):
    for role in Role:
        actor = make_actor(session, role.value, countries=("FR",))
        assert may_open(actor, "home") and may_open(actor, "account")
        assert not may_open(actor, "no-such-page")
