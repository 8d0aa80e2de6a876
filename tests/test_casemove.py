"""Moving a case: another focal point, another return country or region, another programme.

A coordinator's decision with a reason, on the timeline; access follows at once."""

import json

import pytest
from sqlmodel import select

from care import casemove
from care.access import case_get
from care.casefile import timeline
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from db.models import AuditEvent, Case, PartnerReferral
from tests.factories import make_actor, make_case, make_partner, programme_id

REASON = "The person now lives with an aunt in Accra."


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE", "CARE_PLUS"))


def detail(session, action) -> dict:
    event = session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())).first()
    return json.loads(event.detail)


def errors_of(call) -> dict:
    with pytest.raises(ValidationErrors) as err:
        call()
    return err.value.errors


# --- another focal point ------------------------------------------------------------------


def test_a_case_is_given_to_a_focal_point_of_its_return_country(session, coord):
    fp = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",), name="Ngozi Focal")
    case = make_case(session, host="FR", ret="NG")
    casemove.case_reassign(session, coord, case_id=case.id, focal_point_id=fp.id, reason="Closer to Benin City",
                           expected_version=case.version)
    assert session.get(Case, case.id).focal_point_id == fp.id
    assert detail(session, "case.reassign") == {"from": "", "to": "Ngozi Focal", "reason": "Closer to Benin City"}
    entry = timeline(session, coord, case.id)[0]
    assert (entry.what, entry.detail) == ("Case given to another focal point", "— → Ngozi Focal (Closer to Benin City)")


@pytest.mark.parametrize("countries, programmes, active", [
    (("GH",), ("CARE",), True),  # neither the host nor the return country
    (("NG",), ("TACT",), True),  # another programme
    (("NG",), ("CARE",), False),  # deactivated
])
def test_only_an_active_focal_point_of_the_programme_and_route_is_accepted(session, coord, countries, programmes,
                                                                          active):
    fp = make_actor(session, "focal_point", countries=countries, programmes=programmes)
    if not active:
        from care import users
        users.user_set_active(session, fp.username, False, actor=None)
    case = make_case(session, host="FR", ret="NG")
    assert errors_of(lambda: casemove.case_reassign(
        session, coord, case_id=case.id, focal_point_id=fp.id, reason="x", expected_version=case.version)) == {
        "focal_point_id": "Choose an active focal point of this programme for the case's host or return country."}


def test_a_move_needs_a_reason_and_a_coordinator_of_the_programme(session, coord):
    fp = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",))
    case = make_case(session, host="FR", ret="NG")
    assert errors_of(lambda: casemove.case_reassign(
        session, coord, case_id=case.id, focal_point_id=fp.id, reason="  ", expected_version=case.version)) == {
        "reason": "Say why the case is moved."}
    for other in (fp, make_actor(session, "coordinator", programmes=("TACT",)), make_actor(session, "manager")):
        with pytest.raises(NotPermitted):
            casemove.case_reassign(session, other, case_id=case.id, focal_point_id=fp.id, reason="x",
                                   expected_version=case.version)


def test_a_closed_case_is_not_moved_and_a_stale_form_is_refused(session, coord):
    fp = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",))
    closed = make_case(session, stage="closed")
    with pytest.raises(DomainError) as err:
        casemove.case_reassign(session, coord, case_id=closed.id, focal_point_id=fp.id, reason="x",
                               expected_version=closed.version)
    assert err.value.message == "This case is closed: it can no longer be moved."
    case = make_case(session)
    with pytest.raises(StaleEdit):
        casemove.case_reassign(session, coord, case_id=case.id, focal_point_id=fp.id, reason="x",
                               expected_version=case.version + 1)


# --- another return country or region ----------------------------------------------------


def test_moving_to_another_country_moves_access_and_revokes_the_old_countrys_referrals(session, coord):
    fp_ng = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    fp_gh = make_actor(session, "focal_point", countries=("GH",), programmes=("CARE",))
    ng, gh = make_partner(session, country="NG"), make_partner(session, country="GH")
    case = make_case(session, host="FR", ret="NG", return_region="Edo", focal_point_id=fp_ng.id)
    refs = {state: PartnerReferral(case_id=case.id, partner_id=ng.id, state=state)
            for state in ("draft", "sent", "accepted", "declined", "completed")}
    kept = PartnerReferral(case_id=case.id, partner_id=gh.id, state="sent")
    session.add_all([*refs.values(), kept])
    session.flush()
    case_get(session, fp_ng, case.id)
    with pytest.raises(NotPermitted):
        case_get(session, fp_gh, case.id)

    casemove.case_move_return(session, coord, case_id=case.id, return_country="gh", return_region="Greater Accra",
                              reason=REASON, expected_version=case.version)
    moved = session.get(Case, case.id)
    assert (moved.return_country, moved.return_region, moved.focal_point_id) == ("GH", "Greater Accra", None)
    assert case_get(session, fp_gh, case.id).id == case.id
    with pytest.raises(NotPermitted):
        case_get(session, fp_ng, case.id)
    states = {s: session.get(PartnerReferral, r.id) for s, r in refs.items()}
    assert {s: r.state for s, r in states.items()} == {
        "draft": "revoked", "sent": "revoked", "accepted": "revoked", "declined": "declined", "completed": "completed"}
    assert states["accepted"].revoke_reason == "case moved" and states["accepted"].revoked_by_id == coord.id
    assert session.get(PartnerReferral, kept.id).state == "sent"
    assert detail(session, "case.move_return") == {
        "from": "NG", "to": "GH", "region_changed": True, "reason": REASON,
        "referrals_revoked": [refs["draft"].id, refs["sent"].id, refs["accepted"].id], "focal_point_dropped": True}
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "partner_referral.revoke")).all()) == 3
    entry = timeline(session, coord, case.id)[0]
    assert (entry.what, entry.detail) == ("Return country or region changed", f"Nigeria → Ghana ({REASON})")


def test_a_new_region_in_the_same_country_keeps_the_referrals(session, coord):
    partner = make_partner(session, country="NG")
    case = make_case(session, ret="NG", return_region="Edo")
    ref = PartnerReferral(case_id=case.id, partner_id=partner.id, state="accepted")
    session.add(ref)
    session.flush()
    casemove.case_move_return(session, coord, case_id=case.id, return_country="NG", return_region="Lagos",
                              reason="Moved to Lagos", expected_version=case.version)
    assert session.get(Case, case.id).return_region == "Lagos"
    assert session.get(PartnerReferral, ref.id).state == "accepted"


@pytest.mark.parametrize("country, region, field, message", [
    ("RO", "", "return_country", "Romania is a member of the European Union: the programme assists returns to "
                                 "countries outside the EU only."),
    ("US", "", "return_country", "United States is not one of CARE's return countries."),
    ("ZZ", "", "return_country", "Choose a country."),
    ("NG", "Edo", "return_region", "This is where the case already returns to."),
])
def test_a_return_country_outside_the_programme_or_in_the_eu_is_refused(session, coord, country, region, field,
                                                                       message):
    case = make_case(session, ret="NG", return_region="Edo")
    assert errors_of(lambda: casemove.case_move_return(
        session, coord, case_id=case.id, return_country=country, return_region=region, reason="x",
        expected_version=case.version)) == {field: message}


# --- another programme --------------------------------------------------------------------


def test_a_case_moves_to_another_programme_and_keeps_its_code(session, coord):
    fp_care = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    case = make_case(session, programme="CARE", host="FR", ret="NG", focal_point_id=fp_care.id)
    code = case.code
    casemove.case_move_programme(session, coord, case_id=case.id, programme_id=programme_id(session, "CARE_PLUS"),
                                 reason="CARE+ funds the longer follow-up", expected_version=case.version)
    moved = session.get(Case, case.id)
    assert (moved.code, moved.programme_id, moved.focal_point_id) == (code, programme_id(session, "CARE_PLUS"), None)
    with pytest.raises(NotPermitted):
        case_get(session, fp_care, case.id)
    assert detail(session, "case.move_programme") == {
        "from": "CARE", "to": "CARE_PLUS", "reason": "CARE+ funds the longer follow-up", "focal_point_dropped": True}


def test_the_new_programme_must_take_the_route_and_be_coordinated_by_the_actor(session, coord):
    from_es = make_case(session, programme="CARE", host="ES", ret="NG")
    assert errors_of(lambda: casemove.case_move_programme(
        session, coord, case_id=from_es.id, programme_id=programme_id(session, "CARE_PLUS"), reason="x",
        expected_version=from_es.version)) == {"programme_id": "CARE_PLUS does not take referrals from Spain."}
    to_gh = make_case(session, programme="CARE", host="FR", ret="GH")
    assert errors_of(lambda: casemove.case_move_programme(
        session, coord, case_id=to_gh.id, programme_id=programme_id(session, "CARE_PLUS"), reason="x",
        expected_version=to_gh.version)) == {"programme_id": "Ghana is not one of CARE_PLUS's return countries."}
    with pytest.raises(NotPermitted):
        casemove.case_move_programme(session, coord, case_id=to_gh.id, programme_id=programme_id(session, "TACT"),
                                     reason="x", expected_version=to_gh.version)
