"""The referrals page, run headless: a coordinator drafts and sends a referral, the partner accepts or
declines, and withdrawing consent to sharing (confirmed) takes the case away from the partner.

Each test works on its own copy of the demo database.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from db.engine import engine_for, session_scope
from db.models import Case
from db.models.partner import PartnerOrganisation, PartnerReferral
from tests.test_pages import errors, signed_in
from tests.demo_copy import private_demo

PAGE = "../pages/referrals.py"


@pytest.fixture
def ref_db_url(demo_db_url, tmp_path):
    with private_demo(demo_db_url, tmp_path) as url:
        yield url


def _button(at, text: str):
    return next(b for b in at.button if b.label == text)


def _referrals(url: str, case_id: int) -> list[tuple[str, str]]:
    with session_scope(engine_for(url)) as s:
        return [(r.state, r.revoke_reason) for r in s.exec(
            select(PartnerReferral).where(PartnerReferral.case_id == case_id).order_by(PartnerReferral.id)).all()]


def _unreferred_nigerian_case(url: str) -> tuple[int, str]:
    with session_scope(engine_for(url)) as s:
        referred = select(PartnerReferral.case_id)
        case = s.exec(select(Case).where(Case.return_country == "NG", Case.consent_sharing.is_(True),
                                         col(Case.consent_sharing_withdrawn_on).is_(None), Case.code.startswith("CARE-"),
                                         col(Case.stage).in_(("assessed", "plan_approved", "departed")),
                                         col(Case.id).not_in(referred)).order_by(Case.code)).first()
        return case.id, case.code


def test_a_coordinator_drafts_then_sends(ref_db_url):
    case_id, code = _unreferred_nigerian_case(ref_db_url)
    at = signed_in(PAGE, "coord")
    at.run()
    at.text_input(key="referrals_code").input(code).run()
    assert at.subheader[0].value == f"Referrals of {code}"
    key = f"ref_new_{case_id}"
    _button(at, "Save as draft").click().run()  # no purpose: a draft may still be incomplete
    assert not at.exception, at.exception
    assert _referrals(ref_db_url, case_id) == [("draft", "")]
    _button(at, "Send to the partner").click().run()
    assert "Say what the referral is for: choose at least one purpose." in errors(at)
    assert _referrals(ref_db_url, case_id) == [("draft", "")]
    at.multiselect(key=f"{key}_purposes").select("reception").select("shelter")
    _button(at, "Save as draft").click().run()
    drafts = [r for r in _referrals(ref_db_url, case_id)]
    assert drafts == [("draft", ""), ("draft", "")]
    with session_scope(engine_for(ref_db_url)) as s:
        first = s.exec(select(PartnerReferral).where(PartnerReferral.case_id == case_id)
                       .order_by(col(PartnerReferral.id).desc())).first()
        assert first.purposes == ["reception", "shelter"]
    # The newest draft is listed first: send it.
    _button(at, "Send to the partner").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["The referral is sent."]
    assert sorted(_referrals(ref_db_url, case_id)) == [("draft", ""), ("sent", "")]


def test_the_partner_accepts_then_sees_the_case(ref_db_url):
    at = signed_in(PAGE, "partner.ng")
    at.run()
    assert [s.value for s in at.subheader][:2] == ["Waiting for your answer, the oldest first", "Cases you accepted"]
    with session_scope(engine_for(ref_db_url)) as s:
        offer = s.exec(select(PartnerReferral, Case.code).join(Case, Case.id == PartnerReferral.case_id)
                       .where(PartnerReferral.state == "sent", PartnerReferral.partner_id == PartnerOrganisation.id,
                              PartnerOrganisation.name == "Edo State Women's Shelter (demo)")).one()
    ref, code = offer
    assert any(t.value.startswith(f"{code} · ") for t in at.text)
    _button(at, "Decline").click().run()
    assert "Say why the referral is declined." in errors(at)
    _button(at, "Accept").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Referral accepted: the case is in your list."]
    assert _referrals(ref_db_url, ref.case_id)[-1] == ("accepted", "")
    assert code in at.selectbox(key="ref_partner_case").options


def test_withdrawing_consent_needs_confirmation_and_closes_the_case_to_the_partner(ref_db_url):
    with session_scope(engine_for(ref_db_url)) as s:
        ref = s.exec(select(PartnerReferral).where(PartnerReferral.state == "accepted",
                                                   PartnerReferral.shares_identity.is_(True))).first()
        case_id, code = ref.case_id, s.get(Case, ref.case_id).code
    partner = signed_in(PAGE, "partner.ng")
    partner.run()
    assert code in partner.selectbox(key="ref_partner_case").options
    at = signed_in(PAGE, "coord")
    at.run()
    at.text_input(key="referrals_code").input(code).run()
    key = f"ref_withdraw_{case_id}"
    at.date_input(key=f"{key}_on").set_value(date.today())
    at.text_area(key=f"{key}_reason").input("She called the office and asked us to stop sharing.")
    _button(at, "Withdraw consent to sharing").click().run()
    assert errors(at) == ["Tick the confirmation first."]
    assert _referrals(ref_db_url, case_id)[0][0] == "accepted"
    at.checkbox(key=f"{key}_sure").check()
    _button(at, "Withdraw consent to sharing").click().run()
    assert _referrals(ref_db_url, case_id)[0][0] == "accepted"  # nothing before the dialog's confirmation
    at.button(key=f"_confirm_{key}_go").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Consent to sharing withdrawn; referrals revoked: 1."]
    assert _referrals(ref_db_url, case_id)[0] == (
        "revoked", "The person withdrew consent to sharing: She called the office and asked us to stop sharing.")
    partner.run()  # the partner's next click
    assert not partner.exception
    assert "Your organisation has no accepted case at the moment." in [c.value for c in partner.caption]
    assert not partner.selectbox and not partner.dataframe
    assert code not in " ".join([m.value for m in partner.markdown] + [t.value for t in partner.text])


def test_home_of_the_partner_and_of_the_coordinator(demo_db_url):
    at = signed_in("../pages/home.py", "partner.ng")
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader] == ["Referrals waiting for your answer", "Follow-ups due or overdue",
                                               "Plan lines to deliver"]
    assert len(at.dataframe[0].value) == 1  # the demo referral sent to the shelter
    coord = signed_in("../pages/home.py", "coord")
    coord.run()
    assert not coord.exception, coord.exception
    assert "Referrals to partners: declined or unanswered" in [s.value for s in coord.subheader]
