"""Referrals to partners: every state change, every refusal with its message, the consent gate,
withdrawal of consent to sharing, the partner's narrow view and follow-ups, and HTCDS fields."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from care import followups, referrals
from care.access import shared_case_get
from care.casefile import case_file, timeline
from care.errors import DomainError, NotPermitted, StaleEdit, ValidationErrors
from care.followups import FollowUpEntry
from care.identity import identity_read
from db.models import AuditEvent, Case, FollowUp, FollowUpLineProgress, Plan, PlanLine
from db.models.partner import PartnerReferral
from tests.factories import make_actor, make_case
from tests.factories_path import arrived_case
from tests.factories_referrals import make_partner, make_partner_user, referral_input, sent_referral

ARRIVED = date(2014, 6, 3)  # CARE's follow-ups: 1, 3, 6 and 12 months after return
TODAY = date(2014, 6, 10)


@pytest.fixture
def coord(session):
    return make_actor(session, "coordinator", programmes=("CARE",), name="Claire Coordinator")


@pytest.fixture
def case(session, coord):
    return arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED,
                        return_region="Edo State")


@pytest.fixture
def org(session):
    return make_partner(session, country="NG", name="Benin City Shelter (test)")


@pytest.fixture
def partner(session, org):
    return make_partner_user(session, org)


def _lines(session, case) -> list[int]:
    return list(session.exec(select(PlanLine.id).join(Plan).where(Plan.case_id == case.id)
                             .order_by(PlanLine.id)).all())


def _accepted(session, coord, partner, case, org, **changes) -> PartnerReferral:
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY, **changes)
    return referrals.referral_accept(session, partner, ref.id, expected_version=ref.version)


def _actions(session, case) -> list[str]:
    return list(session.exec(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                             .order_by(AuditEvent.id)).all())


# --- drafting -------------------------------------------------------------------------


def test_a_coordinator_drafts_a_referral(session, coord, case, org):
    lines = _lines(session, case)
    ref = referrals.referral_create(session, coord, case.id, referral_input(
        org.id, purposes=("shelter", "plan_lines"), plan_line_ids=(lines[0],), followup_months=(3, 6),
        shares_plan=True, safety_note="  Never at the family home.  "))
    stored = session.get(PartnerReferral, ref.id)
    assert (stored.state, stored.purposes, stored.plan_line_ids, stored.followup_months, stored.safety_note) == (
        "draft", ["shelter", "plan_lines"], [lines[0]], [3, 6], "Never at the family home.")
    assert _actions(session, case)[-1] == "partner_referral.create"
    assert timeline(session, coord, case.id)[0].what == "Referral to a partner drafted"


def test_a_host_focal_point_drafts_and_a_return_focal_point_may_not(session, case, org):
    host = make_actor(session, "focal_point", countries=("ES",), programmes=("CARE",))
    assert referrals.referral_create(session, host, case.id, referral_input(org.id)).state == "draft"
    ret = make_actor(session, "focal_point", countries=("NG",), programmes=("CARE",))
    with pytest.raises(NotPermitted) as err:
        referrals.referral_create(session, ret, case.id, referral_input(org.id))
    assert err.value.message == ("Only the coordinators and the focal points of the host country refer a case to "
                                 "a partner.")


def test_a_partner_or_a_stranger_cannot_draft(session, case, org, partner):
    stranger = make_actor(session, "focal_point", countries=("AL",), programmes=("CARE",))
    for actor in (partner, stranger):
        with pytest.raises(NotPermitted) as err:
            referrals.referral_create(session, actor, case.id, referral_input(org.id))
        assert err.value.message == "No such case, or you are not permitted to see it."


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"partner_id": None}, "partner_id", "Choose the partner organisation."),
    ({"purposes": ("reception", "teleportation")}, "purposes", "Choose purposes from the list."),
    ({"plan_line_ids": (999_999,)}, "plan_line_ids", "Name only lines of the case's current plan."),
    ({"followup_months": (2,)}, "followup_months", "Name only follow-ups of the case's schedule (1, 3, 6, 12)."),
    ({"message": "x" * 4001}, "message", None),
])
def test_a_draft_with_bad_fields_is_refused_by_field(session, coord, case, org, changes, field, message):
    data = referral_input(org.id) if "partner_id" not in changes else referral_input(None)
    data = referrals.ReferralInput(**{**data.__dict__, **changes})
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_create(session, coord, case.id, data)
    assert field in err.value.errors
    if message:
        assert err.value.errors[field] == message


def test_a_partner_elsewhere_or_retired_is_refused(session, coord, case):
    albanian = make_partner(session, country="AL")
    retired = make_partner(session, country="NG", active=False)
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_create(session, coord, case.id, referral_input(albanian.id))
    assert err.value.errors == {"partner_id": "This partner organisation is not in the case's return country."}
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_create(session, coord, case.id, referral_input(retired.id))
    assert err.value.errors == {"partner_id": "This partner organisation is no longer active."}


def test_options_list_the_partners_of_the_return_country_the_plan_and_the_schedule(session, coord, case, org):
    make_partner(session, country="AL", name="Elsewhere (test)")
    make_partner(session, country="NG", name="Retired (test)", active=False)
    options = referrals.referral_options(session, coord, case.id)
    assert list(options.partners.values()) == ["Benin City Shelter (test)"]
    assert list(options.plan_lines.values()) == ["Cash for basic needs: Test line cash_basic_needs",
                                                 "Income-generating activity or micro-business: Test line income_generating"]
    assert (options.followup_months, options.consent_sharing, options.may_refer) == ((1, 3, 6, 12), True, True)


def test_editing_a_draft_and_not_a_sent_referral(session, coord, case, org):
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id))
    edited = referrals.referral_edit(session, coord, ref.id, referral_input(org.id, purposes=("medical",)),
                                     expected_version=ref.version)
    assert (edited.purposes, edited.version) == (["medical"], 2)
    with pytest.raises(StaleEdit) as err:
        referrals.referral_edit(session, coord, ref.id, referral_input(org.id), expected_version=1)
    assert "it is now: Draft" in err.value.message
    sent = referrals.referral_send(session, coord, ref.id, expected_version=2, today=TODAY)
    with pytest.raises(DomainError) as err:
        referrals.referral_edit(session, coord, ref.id, referral_input(org.id), expected_version=sent.version)
    assert err.value.message == "This referral is sent, waiting for an answer: it cannot be changed."


# --- sending: the consent gate ------------------------------------------------------------


def test_sending(session, coord, case, org):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY, answer_by=TODAY + timedelta(days=7))
    assert (ref.state, ref.sent_on, ref.sent_by_id) == ("sent", TODAY, coord.id)
    assert _actions(session, case)[-2:] == ["partner_referral.create", "partner_referral.send"]


@pytest.mark.parametrize(("case_values", "field", "message"), [
    ({"consent_sharing": False, "consent_sharing_on": None}, "consent",
     "The person has not consented to sharing with the partner in the return country: a referral cannot be sent."),
    ({"consent_sharing_on": TODAY + timedelta(days=1)}, "consent",
     "Consent to sharing must be recorded with a date on or before the sending day."),
    ({"consent_sharing_on": None}, "consent",
     "Consent to sharing must be recorded with a date on or before the sending day."),
    ({"consent_sharing_withdrawn_on": TODAY - timedelta(days=1)}, "consent",
     "The person has not consented to sharing with the partner in the return country: a referral cannot be sent."),
])
def test_sending_needs_consent_to_sharing_dated_on_or_before_the_day(session, coord, case, org, case_values, field,
                                                                     message):
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id))
    for name, value in case_values.items():
        setattr(case, name, value)
    session.add(case)
    session.flush()
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_send(session, coord, ref.id, expected_version=ref.version, today=TODAY)
    assert err.value.errors == {field: message}
    assert session.get(PartnerReferral, ref.id).state == "draft"


def test_consent_given_on_the_sending_day_is_enough(session, coord, case, org):
    case.consent_sharing_on = TODAY
    session.add(case)
    assert sent_referral(session, coord, case.id, org.id, today=TODAY).state == "sent"


@pytest.mark.parametrize(("changes", "errors"), [
    ({"purposes": ()}, {"purposes": "Say what the referral is for: choose at least one purpose."}),
    ({"answer_by": TODAY - timedelta(days=1)}, {"answer_by": "The answer date is in the past."}),
])
def test_sending_needs_a_purpose_and_a_future_answer_date(session, coord, case, org, changes, errors):
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id, **changes))
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_send(session, coord, ref.id, expected_version=ref.version, today=TODAY)
    assert err.value.errors == errors


def test_a_partner_retired_after_the_draft_cannot_receive_it(session, coord, case, org):
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id))
    org.active = False
    session.add(org)
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_send(session, coord, ref.id, expected_version=ref.version, today=TODAY)
    assert err.value.errors == {"partner_id": "This partner organisation is no longer active."}


def test_a_referral_is_sent_once(session, coord, case, org):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    with pytest.raises(DomainError) as err:
        referrals.referral_send(session, coord, ref.id, expected_version=ref.version, today=TODAY)
    assert err.value.message == "This referral is sent, waiting for an answer: it cannot be sent."


# --- what the partner sees before and after accepting --------------------------------------


def test_before_accepting_the_partner_sees_the_offer_and_nothing_of_the_case(session, coord, case, org, partner):
    older_case = arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)
    first = sent_referral(session, coord, older_case.id, org.id, today=TODAY - timedelta(days=2))
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY, answer_by=TODAY + timedelta(days=5),
                        shares_identity=True)
    offers = referrals.referrals_for_partner(session, partner)
    assert [o.id for o in offers] == [first.id, ref.id]  # the oldest first
    assert (offers[1].case_code, offers[1].return_region, offers[1].purposes, offers[1].message,
            offers[1].answer_by) == (case.code, "Edo State", ("reception", "followups"),
                                     "Please meet her at the airport.", TODAY + timedelta(days=5))
    for read in (lambda: shared_case_get(session, partner, case.id),
                 lambda: identity_read(session, partner, case.id),
                 lambda: referrals.referral_shared_view(session, partner, case.id, today=TODAY)):
        with pytest.raises(NotPermitted) as err:
            read()
        assert err.value.message == "No such case, or you are not permitted to see it."
    assert referrals.accepted_for_partner(session, partner) == []


def test_a_draft_is_invisible_to_the_partner(session, coord, case, org, partner):
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id))
    assert referrals.referrals_for_partner(session, partner) == []
    with pytest.raises(NotPermitted) as err:
        referrals.referral_accept(session, partner, ref.id, expected_version=ref.version)
    assert err.value.message == "No such referral, or you are not permitted to see it."


def test_accepting_opens_what_the_referral_shares(session, coord, case, org, partner):
    lines = _lines(session, case)
    ref = _accepted(session, coord, partner, case, org, purposes=("shelter", "plan_lines", "followups"),
                    plan_line_ids=(lines[1],), followup_months=(3,), shares_plan=True,
                    safety_note="Meet at the shelter only.", shares_safety=False)
    assert (ref.state, ref.answered_by_id) == ("accepted", partner.id)
    view = referrals.referral_shared_view(session, partner, case.id, today=TODAY)
    assert (view.code, view.return_region, view.purposes) == (case.code, "Edo State",
                                                              ("shelter", "plan_lines", "followups"))
    assert [(line.description, line.category) for line in view.lines] == [("Test line income_generating",
                                                                            "Economic")]
    assert [(f.label, f.due_on, f.state) for f in view.followups] == [("3 months after return", date(2014, 9, 3),
                                                                       "planned")]
    assert view.safety_notes == ()  # written, but not shared
    assert (view.risk_level, view.needs, view.shares_assessment) == (None, (), False)
    # Identity not shared by this referral: hidden, with the reason.
    assert view.may_see_identity is False
    assert view.identity_hidden.startswith("The referral does not share the person's identity")
    with pytest.raises(NotPermitted):
        identity_read(session, partner, case.id)
    assert _actions(session, case)[-2:] == ["partner_referral.accept", "partner_referral.read"]


def test_the_safety_note_and_the_identity_when_shared(session, coord, case, org, partner):
    _accepted(session, coord, partner, case, org, safety_note="Meet at the shelter only.", shares_safety=True,
              shares_identity=True)
    view = referrals.referral_shared_view(session, partner, case.id, today=TODAY)
    assert (view.safety_notes, view.may_see_identity) == (("Meet at the shelter only.",), True)
    assert identity_read(session, partner, case.id).given_names == "Ada"
    read = session.exec(select(AuditEvent).where(AuditEvent.action == "identity.read")).one()
    assert (read.username, read.case_id) == (partner.username, case.id)


def test_another_partner_cannot_answer(session, coord, case, org):
    other = make_partner_user(session, make_partner(session, country="NG"))
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    with pytest.raises(NotPermitted) as err:
        referrals.referral_accept(session, other, ref.id, expected_version=ref.version)
    assert err.value.message == "No such referral, or you are not permitted to see it."
    assert referrals.referrals_for_partner(session, other) == []


def test_a_coordinator_cannot_answer_for_the_partner(session, coord, case, org):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    with pytest.raises(NotPermitted):
        referrals.referral_accept(session, coord, ref.id, expected_version=ref.version)


def test_declining_needs_a_reason(session, coord, case, org, partner):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_decline(session, partner, ref.id, reason="  ", expected_version=ref.version)
    assert err.value.errors == {"decline_reason": "Say why the referral is declined."}
    ref = referrals.referral_decline(session, partner, ref.id, reason="No bed free before March.",
                                     expected_version=ref.version)
    assert (ref.state, ref.decline_reason) == ("declined", "No bed free before March.")
    with pytest.raises(NotPermitted):
        shared_case_get(session, partner, case.id)
    with pytest.raises(DomainError) as err:
        referrals.referral_accept(session, partner, ref.id, expected_version=ref.version)
    assert err.value.message == "This referral is declined: it cannot be accepted."
    assert timeline(session, coord, case.id)[0].what == "Referral declined by the partner"


# --- completing and revoking ------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "reason", "on", "errors"), [
    (None, "", TODAY, {"outcome": "Choose the outcome."}),
    ("not_successful", "", TODAY, {"outcome_reason": "Say why it was not successful."}),
    ("implemented", "", TODAY + timedelta(days=1), {"completed_on": "The date of completion cannot be in the future."}),
    ("implemented", "", TODAY - timedelta(days=1), {"completed_on": "The date of completion cannot come before "
                                                                    "the sending of the referral (Jun 10, 2014)."}),
])
def test_completing_refusals(session, coord, case, org, partner, outcome, reason, on, errors):
    ref = _accepted(session, coord, partner, case, org)
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_complete(session, partner, ref.id, outcome=outcome, reason=reason, on=on,
                                    expected_version=ref.version, today=TODAY)
    assert err.value.errors == errors


def test_the_partner_completes_and_loses_the_case(session, coord, case, org, partner):
    ref = _accepted(session, coord, partner, case, org)
    done = referrals.referral_complete(session, partner, ref.id, outcome="not_successful",
                                       reason="She moved to Lagos.", expected_version=ref.version, today=TODAY)
    assert (done.state, done.outcome, done.outcome_reason, done.completed_on) == (
        "completed", "not_successful", "She moved to Lagos.", TODAY)
    with pytest.raises(NotPermitted):
        shared_case_get(session, partner, case.id)
    row = referrals.case_referrals(session, coord, case.id)[0]
    assert (row.state, row.answer) == ("completed", "Not successful: She moved to Lagos.")


def test_the_sender_completes(session, coord, case, org, partner):
    ref = _accepted(session, coord, partner, case, org)
    done = referrals.referral_complete(session, coord, ref.id, outcome="implemented", expected_version=ref.version,
                                       today=TODAY)
    assert done.state == "completed"
    with pytest.raises(DomainError) as err:
        referrals.referral_complete(session, coord, ref.id, outcome="implemented", expected_version=done.version,
                                    today=TODAY)
    assert err.value.message == "This referral is completed: it cannot be completed."


def test_a_sent_referral_cannot_be_completed(session, coord, case, org):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    with pytest.raises(DomainError) as err:
        referrals.referral_complete(session, coord, ref.id, outcome="implemented", expected_version=ref.version,
                                    today=TODAY)
    assert err.value.message == "This referral is sent, waiting for an answer: it cannot be completed."


def test_revoking_an_accepted_referral_closes_the_case_to_the_partner(session, coord, case, org, partner):
    ref = _accepted(session, coord, partner, case, org)
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_revoke(session, coord, ref.id, reason="", expected_version=ref.version)
    assert err.value.errors == {"revoke_reason": "Say why the referral is revoked."}
    with pytest.raises(NotPermitted) as err:
        referrals.referral_revoke(session, partner, ref.id, reason="Mine", expected_version=ref.version)
    assert err.value.message == "No such referral, or you are not permitted to see it."
    revoked = referrals.referral_revoke(session, coord, ref.id, reason="Another partner is closer.",
                                        expected_version=ref.version)
    assert (revoked.state, revoked.revoked_by_id, revoked.revoke_reason) == ("revoked", coord.id,
                                                                             "Another partner is closer.")
    with pytest.raises(NotPermitted):
        referrals.referral_shared_view(session, partner, case.id, today=TODAY)


@pytest.mark.parametrize("end", ["declined", "completed", "revoked"])
def test_an_ended_referral_cannot_be_revoked(session, coord, case, org, partner, end):
    ref = _accepted(session, coord, partner, case, org)
    ref.state = end
    session.add(ref)
    session.flush()
    with pytest.raises(DomainError) as err:
        referrals.referral_revoke(session, coord, ref.id, reason="Too late", expected_version=ref.version)
    assert err.value.message == f"This referral is {end}: it cannot be revoked."


def test_answering_a_referral_revoked_since_it_was_opened(session, coord, case, org, partner):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    opened_at = ref.version
    referrals.referral_revoke(session, coord, ref.id, reason="The person changed her mind.",
                              expected_version=opened_at)
    with pytest.raises(StaleEdit) as err:
        referrals.referral_accept(session, partner, ref.id, expected_version=opened_at)
    assert err.value.message.startswith("Claire Coordinator changed this referral on ")
    assert err.value.message.endswith("after you opened it; it is now: Revoked. Nothing was saved: reload to see it.")


# --- withdrawing consent to sharing -----------------------------------------------------


def test_withdrawing_consent_revokes_every_open_referral(session, coord, case, org, partner):
    other = make_partner(session, country="NG")
    draft = referrals.referral_create(session, coord, case.id, referral_input(other.id))
    accepted = _accepted(session, coord, partner, case, org)
    completed = _accepted(session, coord, partner, case, org)
    referrals.referral_complete(session, partner, completed.id, outcome="implemented",
                                expected_version=completed.version, today=TODAY)
    revoked = referrals.consent_sharing_withdraw(session, coord, case.id, TODAY, "She said so on the phone.",
                                                 today=TODAY)
    assert revoked == 2
    states = {r.id: (r.state, r.revoke_reason) for r in session.exec(select(PartnerReferral)).all()}
    text = "The person withdrew consent to sharing: She said so on the phone."
    assert states == {draft.id: ("revoked", text), accepted.id: ("revoked", text), completed.id: ("completed", "")}
    stored = session.get(Case, case.id)
    assert (stored.consent_sharing, stored.consent_sharing_withdrawn_on) == (False, TODAY)
    with pytest.raises(NotPermitted):  # the partner's next click
        referrals.referral_shared_view(session, partner, case.id, today=TODAY)
    assert referrals.accepted_for_partner(session, partner) == []
    assert "case.consent_sharing_withdraw" in _actions(session, case)
    # No new referral can be sent.
    ref = referrals.referral_create(session, coord, case.id, referral_input(org.id))
    with pytest.raises(ValidationErrors) as err:
        referrals.referral_send(session, coord, ref.id, expected_version=ref.version, today=TODAY)
    assert list(err.value.errors) == ["consent"]


@pytest.mark.parametrize(("on", "reason", "errors"), [
    (None, "Asked", {"withdrawn_on": "The day consent was withdrawn is required."}),
    (TODAY + timedelta(days=1), "Asked", {"withdrawn_on": "The day consent was withdrawn cannot be in the future."}),
    (date(2014, 3, 9), "Asked", {"withdrawn_on": "The day consent was withdrawn cannot come before the consent (Mar 10, 2014)."}),
    (TODAY, "", {"withdraw_reason": "Say how the person withdrew consent (in their words if possible)."}),
])
def test_withdrawing_consent_refusals(session, coord, case, on, reason, errors):
    with pytest.raises(ValidationErrors) as err:
        referrals.consent_sharing_withdraw(session, coord, case.id, on, reason, today=TODAY)
    assert err.value.errors == errors


def test_withdrawing_twice_or_without_consent(session, coord):
    case = make_case(session, consent_sharing=False, consent_sharing_on=None)
    with pytest.raises(ValidationErrors) as err:
        referrals.consent_sharing_withdraw(session, coord, case.id, TODAY, "Asked", today=TODAY)
    assert err.value.errors == {"withdrawn_on": "The person has not consented to sharing: there is nothing to "
                                                "withdraw."}


def test_a_partner_cannot_withdraw_consent(session, coord, case, org, partner):
    _accepted(session, coord, partner, case, org)
    with pytest.raises(NotPermitted):
        referrals.consent_sharing_withdraw(session, partner, case.id, TODAY, "Asked", today=TODAY)


# --- the partner's follow-ups -----------------------------------------------------------


def _followup(session, case, months) -> FollowUp:
    return session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.months_after == months)).one()


def test_the_partner_logs_the_follow_ups_assigned_and_nothing_else(session, coord, case, org, partner):
    lines = _lines(session, case)
    _accepted(session, coord, partner, case, org, purposes=("followups", "plan_lines"), followup_months=(1,),
              plan_line_ids=(lines[0],), shares_plan=True)
    first, third = _followup(session, case, 1), _followup(session, case, 3)
    form = followups.followup_form(session, partner, first.id)
    assert (form.label, form.entry.living_where, form.from_previous) == ("1 month after return", "", None)
    entry = FollowUpEntry(done_on=date(2014, 7, 3), mode="partner", living_where="Shelter",
                          progress={lines[0]: "ongoing"})
    logged = followups.followup_log(session, partner, first.id, entry=entry, expected_version=form.version,
                                    today=date(2014, 7, 4))
    assert (logged.status, logged.logged_by_id) == ("done", partner.id)
    assert session.exec(select(FollowUpLineProgress.plan_line_id, FollowUpLineProgress.progress).where(
        FollowUpLineProgress.followup_id == first.id)).all() == [(lines[0], "ongoing")]
    with pytest.raises(NotPermitted) as err:
        followups.followup_form(session, partner, third.id)
    assert err.value.message == "No such follow-up, or you are not permitted to see it."
    with pytest.raises(NotPermitted):
        followups.followup_log(session, partner, third.id, entry=entry, expected_version=third.version,
                               today=date(2014, 7, 4))
    # The coordinator sees it on the case, logged by the partner.
    assert timeline(session, coord, case.id)[0].what == "Follow-up logged"
    assert timeline(session, coord, case.id)[0].who == partner.name


def test_the_partner_reports_only_on_its_plan_lines(session, coord, case, org, partner):
    lines = _lines(session, case)
    _accepted(session, coord, partner, case, org, followup_months=(1,), plan_line_ids=(lines[0],), shares_plan=True)
    first = _followup(session, case, 1)
    entry = FollowUpEntry(done_on=date(2014, 7, 3), mode="visit", progress={lines[1]: "achieved"})
    with pytest.raises(ValidationErrors) as err:
        followups.followup_log(session, partner, first.id, entry=entry, expected_version=first.version,
                               today=date(2014, 7, 4))
    assert err.value.errors == {f"progress_{lines[1]}": "This plan line is not assigned to your organisation."}


def test_a_revoked_referral_takes_the_follow_ups_back(session, coord, case, org, partner):
    ref = _accepted(session, coord, partner, case, org, followup_months=(1,))
    referrals.referral_revoke(session, coord, ref.id, reason="Moved.", expected_version=ref.version)
    with pytest.raises(NotPermitted):
        followups.followup_form(session, partner, _followup(session, case, 1).id)


# --- Home, case file, HTCDS ---------------------------------------------------------------


def test_home_lists_for_the_partner_and_the_sender(session, coord, case, org, partner):
    lines = _lines(session, case)
    late = sent_referral(session, coord, case.id, org.id, today=date(2014, 6, 1), answer_by=date(2014, 6, 5))
    _accepted(session, coord, partner, case, org, followup_months=(1, 3), plan_line_ids=(lines[0],),
              shares_plan=True)
    assert [(r.case_code, r.state, r.answer_by) for r in referrals.referrals_needing_attention(
        session, coord, today=TODAY)] == [(case.code, "sent", date(2014, 6, 5))]
    referrals.referral_decline(session, partner, late.id, reason="Full.", expected_version=late.version)
    # Declined, but the case was referred again after it (the accepted referral): nothing to act on.
    assert [(r.state, r.reason) for r in referrals.referrals_needing_attention(session, coord, today=TODAY)] == []
    due = referrals.partner_followups_due(session, partner, today=date(2014, 7, 1))
    assert [(code, f.label, f.state) for code, f in due] == [(case.code, "1 month after return", "due"),
                                                             (case.code, "3 months after return", "planned")]
    assert [(code, line.description) for code, line in referrals.partner_lines_to_deliver(session, partner)] == [
        (case.code, "Test line cash_basic_needs")]


def test_a_declined_referral_waits_on_home_until_the_case_is_referred_again(session, coord, case, org, partner):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY)
    referrals.referral_decline(session, partner, ref.id, reason="Full.", expected_version=ref.version)
    assert [(r.state, r.reason, r.partner) for r in referrals.referrals_needing_attention(
        session, coord, today=TODAY)] == [("declined", "Full.", "Benin City Shelter (test)")]
    referrals.referral_create(session, coord, case.id, referral_input(make_partner(session, country="NG").id))
    assert referrals.referrals_needing_attention(session, coord, today=TODAY) == []
    assert referrals.referrals_needing_attention(session, partner, today=TODAY) == []


def test_the_case_file_shows_the_referrals(session, coord, case, org, partner):
    _accepted(session, coord, partner, case, org)
    section = next(s for s in case_file(session, coord, case.id).sections if s.title == "Referrals to partners")
    assert section.rows == [("Consent to sharing", "Yes, on Mar 10, 2014")]
    assert section.tables[0].rows == [["Benin City Shelter (test)", "Accepted",
                                       "Reception at arrival, Follow-ups at the months named in the referral",
                                       "Jun 10, 2014", "", ""]]


def test_htcds_outgoing_referral(session, coord, case, org):
    ref = sent_referral(session, coord, case.id, org.id, today=TODAY, purposes=("shelter", "medical"))
    assert referrals.htcds_outgoing_referral(session, ref) == {
        "cas_ReferredOrganisation": "Benin City Shelter (test)",
        "org_Name": "Benin City Shelter (test)",
        "org_ShippingCountry": "NG",
        "org_Type": "NGO",
        "cas_ReasonForOutgoingReferral": "MigrationOrChangeOfLocation",
        "cas_OutgoingReferralDate": "2014-06-10",
        "cas_OutgoingReferralDetails": "shelter; medical",
    }


def test_my_work_for_the_partner_and_the_coordinator(session, coord, case, org, partner):
    from care.mywork import my_work

    lines = _lines(session, case)
    waiting_case = arrived_case(session, coord, host="ES", ret="NG", arrived=ARRIVED, departed=ARRIVED)
    waiting = sent_referral(session, coord, waiting_case.id, org.id, today=TODAY, answer_by=date(2014, 6, 20))
    _accepted(session, coord, partner, case, org, followup_months=(1, 6), plan_line_ids=(lines[1],),
              shares_plan=True)
    work = my_work(session, partner, today=date(2014, 6, 28))
    assert (work.is_partner, work.sees_cases) == (True, False)
    assert [r.id for r in work.referrals_waiting] == [waiting.id]
    assert [(code, f.label) for code, f in work.partner_followups] == [(case.code, "1 month after return")]
    assert [(code, line.description) for code, line in work.partner_lines] == [
        (case.code, "Test line income_generating")]
    assert [(r.case_code, r.state) for r in my_work(session, coord, today=date(2014, 6, 28)).referrals_attention] == [
        (waiting_case.code, "sent")]
    assert my_work(session, coord, today=date(2014, 6, 20)).referrals_attention == []


@pytest.mark.parametrize("shares_identity", [True, False])
def test_the_partner_reads_the_safe_contact_only_with_the_identity_and_acknowledges_it(
        session, coord, case, org, partner, shares_identity):
    """Where the referral shares the identity, the partner reads the safe way to reach the person
    and must confirm it before logging; otherwise it never sees it, and is not asked to confirm it."""
    from care import safecontact

    safecontact.safe_contact_set(session, coord, case.id, expected_version=0, values=safecontact.SafeContactView(
        case.id, channel="phone", times="Weekdays 10:00-16:00", code_word="Mango"))
    _accepted(session, coord, partner, case, org, followup_months=(1,), shares_identity=shares_identity)
    first = _followup(session, case, 1)
    entry = FollowUpEntry(done_on=date(2014, 7, 3), mode="visit")
    if shares_identity:
        assert safecontact.safe_contact_read(session, partner, case.id).code_word == "Mango"
        with pytest.raises(DomainError) as err:
            followups.followup_log(session, partner, first.id, entry=entry, expected_version=first.version,
                                   today=date(2014, 7, 4))
        assert err.value.message == "Confirm that you read the safe contact before logging."
    else:
        with pytest.raises(NotPermitted):
            safecontact.safe_contact_read(session, partner, case.id)
    logged = followups.followup_log(session, partner, first.id, entry=entry, expected_version=first.version,
                                    today=date(2014, 7, 4), acknowledged=shares_identity)
    assert logged.status == "done"
