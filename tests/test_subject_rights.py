"""The person's rights: everything stored about them (JSON and PDF), and erasure on request."""

import json
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from care import subject_rights
from care.casefile import timeline
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.identity import identity_read
from care.pdf.subject_access import subject_access_pdf
from db.models import AuditEvent, Case, Identity, PartnerReferral, PlanLine
from tests.factories import make_actor, make_case, make_partner
from tests.factories_plan import assessed_case, draft_plan, line

TODAY = date(2015, 3, 1)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",), name="Claire Coordinator")


@pytest.fixture
def story(session, coord):
    """A case with a plan line, an identity read by a focal point, and a referral to a partner."""
    case = assessed_case(session, coord, given="Blessing", family="Okafor", ret="NG", return_region="Benin City",
                         closing_note="")
    draft_plan(session, coord, case, [line("housing", description="Room near the market for Blessing")])
    fp = make_actor(session, "focal_point", countries=("FR",), programmes=("CARE",), name="Farid Focal")
    identity_read(session, fp, case.id)
    partner = make_partner(session, name="Hope Shelter Lagos", country="NG")
    session.add(PartnerReferral(case_id=case.id, partner_id=partner.id, state="accepted", message="Meet at the bus"))
    session.flush()
    return case


def events(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# --- the export ---------------------------------------------------------------------------


def test_the_json_holds_every_table_and_who_read_the_identity(session, coord, story):
    data = json.loads(subject_access_export_json(session, coord, story.id))
    assert data["case_code"] == story.code and data["case"]["return_region"] == "Benin City"
    assert (data["identity"]["given_names"], data["identity"]["family_names"]) == ("Blessing", "Okafor")
    assert "name_index" not in data["identity"]
    assert [ln["description"] for ln in data["plan_lines"]] == ["Room near the market for Blessing"]
    assert data["risk_assessments"][0]["overall_level"] == "low"
    assert data["need_ratings"] == [{"assessment_id": data["needs_assessments"][0]["id"], "area": "employment",
                                     "priority": "high", "note": ""}]
    assert [(r["partner_name"], r["state"], r["message"]) for r in data["partner_referrals"]] == [
        ("Hope Shelter Lagos", "accepted", "Meet at the bus")]
    reads = [(r["user"], r["action"]) for r in data["identity_reads"]]
    assert reads == [("Farid Focal", "identity.read"), ("Claire Coordinator", "export.subject_access")]
    assert "plan.line_add" in [e["action"] for e in data["audit_events"]]
    (export,) = events(session, "export.subject_access")
    assert (export.case_id, export.user_id, json.loads(export.detail)) == (story.id, coord.id, {"format": "json"})


def subject_access_export_json(session, actor, case_id) -> bytes:
    return subject_rights.subject_access_json(session, actor, case_id)


def test_the_pdf_says_the_same_and_is_audited(session, coord, story):
    pdf = subject_access_pdf(session, coord, story.id)
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    for expected in ("Blessing", "Okafor", "Room near the market for Blessing", "Hope Shelter Lagos",
                     "Who read the identity, and when", "Farid Focal", "identity.read"):
        assert expected in text, expected
    assert json.loads(events(session, "export.subject_access")[0].detail) == {"format": "pdf"}


@pytest.mark.parametrize("who", ["focal_point", "manager", "admin", "other_coordinator"])
def test_only_a_coordinator_of_the_programme_exports(session, story, who):
    actor = (make_actor(session, "coordinator", programmes=("TACT",)) if who == "other_coordinator"
             else make_actor(session, who, countries=("FR",) if who == "focal_point" else ()))
    with pytest.raises(NotPermitted):
        subject_rights.subject_access_json(session, actor, story.id)
    assert events(session, "export.subject_access") == []


# --- erasure ------------------------------------------------------------------------------


def test_erasure_closes_an_open_case_revokes_its_referrals_and_anonymises_it(session, coord, story):
    counts = subject_rights.erasure_request(session, coord, story.id, requested_on=date(2015, 2, 20),
                                            reason="Asked in person at the office", expected_version=story.version,
                                            today=TODAY)
    case = session.get(Case, story.id)
    assert (case.stage, case.closing_reason, case.closed_on) == ("closed", "withdrew_consent", TODAY)
    assert case.anonymised_at is not None and case.return_region == "" and case.birth_date is None
    identity = session.get(Identity, story.id)
    assert (identity.given_names, identity.family_names, identity.name_index) == ("", "", "")
    assert session.exec(select(PlanLine.description)).all() == [""]
    referral = session.exec(select(PartnerReferral)).one()
    assert (referral.state, referral.message, referral.revoke_reason) == ("revoked", "", "")
    assert counts["identity"] == 1 and counts["partner_referral"] == 1
    (request,) = events(session, "case.erasure_request")
    assert json.loads(request.detail) == {"requested_on": "2015-02-20", "reason": "Asked in person at the office"}
    (erase,) = events(session, "case.erase")
    assert (erase.user_id, erase.username, erase.case_id) == (coord.id, coord.username, story.id)
    assert [(e.what, e.detail) for e in timeline(session, coord, story.id)][:4] == [
        ("Identity and notes erased at the person's request", ""),
        ("Stage changed", "Assessed → Closed (Withdrew consent)"),
        ("Referral to a partner revoked", ""),
        ("The person asked for their data to be erased", "Asked in person at the office")]


def test_a_closed_case_stays_closed_with_its_reason(session, coord):
    case = make_case(session, stage="closed", closing_reason="completed", closed_on=date(2014, 12, 1))
    subject_rights.erasure_request(session, coord, case.id, requested_on=TODAY, reason="By letter",
                                   expected_version=case.version, today=TODAY)
    stored = session.get(Case, case.id)
    assert (stored.closing_reason, stored.closed_on) == ("completed", date(2014, 12, 1))
    assert stored.anonymised_at is not None and events(session, "case.stage") == []
    with pytest.raises(DomainError) as err:
        subject_rights.erasure_request(session, coord, case.id, requested_on=TODAY, reason="Again",
                                       expected_version=stored.version, today=TODAY)
    assert err.value.message == "The person's identity and notes were already removed from this case."


@pytest.mark.parametrize("requested_on, reason, field, message", [
    (None, "By letter", "requested_on", "The date of the request is required."),
    (date(2015, 3, 2), "By letter", "requested_on", "The date of the request cannot be in the future."),
    (date(2014, 3, 9), "By letter", "requested_on", "The date of the request cannot come before the referral (Mar 10, 2014)."),
    (TODAY, " ", "reason", "Say how the person asked (in person, by letter...) and what they asked for."),
])
def test_an_erasure_needs_the_requests_date_and_reason(session, coord, requested_on, reason, field, message):
    case = make_case(session)
    with pytest.raises(ValidationErrors) as err:
        subject_rights.erasure_request(session, coord, case.id, requested_on=requested_on, reason=reason,
                                       expected_version=case.version, today=TODAY)
    assert err.value.errors == {field: message}
    assert session.get(Case, case.id).anonymised_at is None


def test_only_a_coordinator_of_the_programme_erases_and_a_stale_form_is_refused(session, coord):
    case = make_case(session)
    for other in (make_actor(session, "focal_point", countries=("FR",)), make_actor(session, "admin"),
                  make_actor(session, "coordinator", programmes=("TACT",))):
        with pytest.raises(NotPermitted):
            subject_rights.erasure_request(session, other, case.id, requested_on=TODAY, reason="x",
                                           expected_version=case.version, today=TODAY)
    with pytest.raises(StaleEdit):
        subject_rights.erasure_request(session, coord, case.id, requested_on=TODAY, reason="x",
                                       expected_version=case.version + 1, today=TODAY)
    assert session.get(Identity, case.id).given_names == "Ada"
