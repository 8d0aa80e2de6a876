"""Eligibility decided by a coordinator, and closing with a reason: both through the path."""

from datetime import date

import pytest
from sqlmodel import select

from care.decisions import case_close, eligibility_decide
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.stage_rules import missing_for
from care.vocab import CLOSING_REASONS, Stage
from db.models import AuditEvent, Case, Referral
from tests.factories import make_actor, make_case
from tests.factories_intake import register

TODAY = date(2015, 6, 1)


def test_a_case_meeting_every_criterion_is_confirmed_eligible(session):
    coord = make_actor(session, "coordinator")
    case = session.get(Case, register(session, coord).case_id)
    eligibility_decide(session, coord, case.id, eligible=True, expected_version=case.version)
    assert case.stage == Stage.ELIGIBLE
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.stage")).one()
    assert '"to": "eligible"' in event.detail


@pytest.mark.parametrize(("fields", "message"), [
    ({"ret": "RO"}, "Romania is a member of the European Union on Mar 10, 2014: the programme assists returns to "
                    "countries outside the EU only."),
    ({"ret": "PE"}, "Peru is not one of CARE's return countries."),
    ({"referral_date": date(2016, 2, 1)}, "The referral date, Feb 1, 2016, is outside CARE's period"),
    ({"no_consent": True}, "Consent to data processing is not recorded."),
])
def test_eligible_is_refused_in_plain_words_when_a_criterion_is_not_met(session, fields, message):
    coord = make_actor(session, "coordinator")
    fields = dict(fields)
    no_consent = fields.pop("no_consent", False)
    case = make_case(session, **fields)  # written directly, as an import or an old record could be
    if no_consent:
        case.consent_processing_on = None
    with pytest.raises(DomainError) as err:
        eligibility_decide(session, coord, case.id, eligible=True, expected_version=case.version)
    assert err.value.message.startswith("Not yet: ") and message in err.value.message
    session.refresh(case)
    assert case.stage == Stage.REFERRED
    assert message in "; ".join(missing_for(session, case, Stage.ELIGIBLE))


def test_ineligible_needs_a_reason_and_marks_the_referral(session):
    coord = make_actor(session, "coordinator")
    case = session.get(Case, register(session, coord).case_id)
    with pytest.raises(ValidationErrors) as err:
        eligibility_decide(session, coord, case.id, eligible=False, reason=" ", expected_version=case.version)
    assert "reason" in err.value.errors
    eligibility_decide(session, coord, case.id, eligible=False, reason="Wishes to stay <b>here</b>.",
                       expected_version=case.version)
    assert (case.stage, case.ineligible_reason) == (Stage.INELIGIBLE, "Wishes to stay <b>here</b>.")
    assert session.exec(select(Referral.outcome).where(Referral.case_id == case.id)).one() == "not_eligible"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.stage")).one()
    assert "Wishes" not in event.detail  # the reason stays on the case, out of the log the admin reads
    with pytest.raises(DomainError, match="decided once"):
        eligibility_decide(session, coord, case.id, eligible=True, expected_version=case.version)


def test_only_a_coordinator_of_the_programme_decides(session):
    fp = make_actor(session, "focal_point", countries=("FR",))
    other = make_actor(session, "coordinator", programmes=("TACT",))
    case = make_case(session)
    with pytest.raises(NotPermitted):
        eligibility_decide(session, fp, case.id, eligible=True, expected_version=case.version)
    with pytest.raises(NotPermitted):
        case_close(session, other, case.id, reason="completed", note="", on=TODAY, expected_version=case.version)


def test_a_decision_on_an_outdated_view_is_refused(session):
    alice = make_actor(session, "coordinator", name="Alice Example")
    bob = make_actor(session, "coordinator", name="Bob Example")
    case = make_case(session)
    opened = case.version
    eligibility_decide(session, alice, case.id, eligible=False, reason="Not a victim of trafficking.",
                       expected_version=opened)
    with pytest.raises(DomainError):
        case_close(session, bob, case.id, reason="other", note="x", on=TODAY, expected_version=opened)


@pytest.mark.parametrize("reason", list(CLOSING_REASONS))
def test_a_case_closes_with_each_reason(session, reason):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage=Stage.FOLLOW_UP)
    case_close(session, coord, case.id, reason=reason, note="Written note.", on=TODAY, expected_version=case.version,
               today=TODAY)
    assert (case.stage, case.closing_reason, case.closed_on) == (Stage.CLOSED, reason, TODAY)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.stage")).one()
    assert f'"reason": "{reason}"' in event.detail and "Written note" not in event.detail


@pytest.mark.parametrize(("reason", "note", "on", "field"), [
    ("", "", TODAY, "reason"),
    ("finished", "", TODAY, "reason"),
    ("other", "  ", TODAY, "note"),
    ("completed", "", None, "on"),
    ("completed", "", date(2014, 3, 9), "on"),  # before the referral
    ("completed", "", date(2015, 6, 2), "on"),  # in the future
])
def test_closing_needs_a_reason_and_a_sensible_date(session, reason, note, on, field):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage=Stage.ARRIVED, referral_date=date(2014, 3, 10))
    with pytest.raises(ValidationErrors) as err:
        case_close(session, coord, case.id, reason=reason, note=note, on=on, expected_version=case.version,
                   today=TODAY)
    assert field in err.value.errors
    assert case.stage == Stage.ARRIVED


def test_withdrawn_consent_stops_follow_up(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage=Stage.FOLLOW_UP)
    case_close(session, coord, case.id, reason="withdrew_consent", note="", on=TODAY, expected_version=case.version)
    assert (case.consent_followup, case.followup_consent_withdrawn_on) == (False, TODAY)


def test_a_closed_case_cannot_be_closed_again(session):
    coord = make_actor(session, "coordinator")
    case = make_case(session, stage=Stage.CLOSED)
    with pytest.raises(DomainError, match="cannot move"):
        case_close(session, coord, case.id, reason="other", note="again", on=TODAY, expected_version=case.version)


def test_a_stale_close_is_refused_with_who(session):
    alice = make_actor(session, "coordinator", name="Alice Example")
    case = make_case(session, stage=Stage.ASSESSED)
    with pytest.raises(StaleEdit):
        case_close(session, alice, case.id, reason="completed", note="", on=TODAY, expected_version=case.version + 1)
