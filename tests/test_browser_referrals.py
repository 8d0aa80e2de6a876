"""A referral in the real browser: a coordinator sends it, `partner.ng` accepts it and logs the follow-up
assigned to them, the coordinator sees it on the case; then consent to sharing is withdrawn and the
partner's next click shows nothing of the case.

The server runs on its own copy of the demo database (this test changes it). The demo's Nigerian
case in follow-up already has an accepted referral to the shelter; the setup completes it through the
domain, so that the coordinator refers the case again from the browser.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import select

from care import referrals, users
from db.engine import engine_for, session_scope
from db.models import Case, FollowUp
from db.models.partner import PartnerReferral
from tests.browser_app import settle, streamlit_app
from tests.test_browser import (  # noqa: F401 (browser: a fixture)
    CHROMIUM, browser, click_until, log_in, open_page, wait_until,
)
from tests.demo_copy import demo_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]

CODE = "CARE-IT-2015-0001"  # Nigeria, in follow-up, consent to sharing given
PARTNER = "Ngozi Okonkwo-Bello"


@pytest.fixture(scope="module")
def own_db(demo_db_url, tmp_path_factory):
    target = tmp_path_factory.mktemp("referrals") / "care.db"
    with sqlite3.connect(demo_source(demo_db_url)) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    with session_scope(engine_for(url)) as s:
        coord = users.actor_load(s, "coord")
        case = s.exec(select(Case).where(Case.code == CODE)).one()
        for ref in s.exec(select(PartnerReferral).where(PartnerReferral.case_id == case.id,
                                                        PartnerReferral.state == "accepted")).all():
            referrals.referral_complete(s, coord, ref.id, outcome="implemented", expected_version=ref.version)
        # The demo cancels the open follow-ups of programmes that ended; this test needs the 6-month one open.
        for f in s.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.months_after == 6)).all():
            f.status = "planned"
            s.add(f)
    return url


@pytest.fixture(scope="module")
def own_server(own_db, tmp_path_factory):
    with streamlit_app(own_db, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def _state(url: str) -> list[str]:
    with session_scope(engine_for(url)) as s:
        case_id = s.exec(select(Case.id).where(Case.code == CODE)).one()
        return list(s.exec(select(PartnerReferral.state).where(PartnerReferral.case_id == case_id)
                           .order_by(PartnerReferral.id)).all())


def _pick_case(page, code: str) -> None:
    page.get_by_label("Find a case by code").first.fill(code)
    page.get_by_label("Find a case by code").first.press("Enter")
    page.get_by_role("heading", name=f"Referrals of {code}").first.wait_for(timeout=30_000)


def test_refer_accept_log_then_withdraw_consent(own_server, own_db, browser, tmp_path):  # noqa: F811
    coord_ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    coord = coord_ctx.new_page()
    log_in(coord, own_server, "coord")
    open_page(coord, "Referrals to partners")
    _pick_case(coord, CODE)
    # A new referral to the shelter (the first partner in Nigeria by name): follow-up at 6 months.
    settle(coord)  # the case's page has finished drawing: a click during a rerun is overtaken by it
    click_until(coord.get_by_label("Purposes").first,
                coord.get_by_role("option", name="Follow-ups at the months named in the referral"))
    coord.get_by_role("option", name="Follow-ups at the months named in the referral").click()
    coord.keyboard.press("Escape")
    coord.get_by_label("Follow-ups the partner carries out (months after return)").first.click()
    coord.get_by_role("option", name="6", exact=True).click()
    coord.keyboard.press("Escape")
    coord.get_by_label("Message to the partner").first.fill("Please carry out the 6-month follow-up.")
    click_until(coord.get_by_role("button", name="Save as draft").first,
                coord.get_by_text("Draft saved: send it from the list above.").first)
    coord.get_by_text("Edo State Women's Shelter (demo): Draft").first.click()
    click_until(coord.get_by_role("button", name="Send to the partner").first,
                coord.get_by_text("The referral is sent.").first)
    assert _state(own_db)[-1] == "sent"

    partner_ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    partner = partner_ctx.new_page()
    log_in(partner, own_server, "partner.ng")
    partner.get_by_role("heading", name="Referrals waiting for your answer").first.wait_for()
    open_page(partner, "Referrals to partners")
    # Oldest first: the demo's referral sent four days ago, then this one, sent today.
    partner.get_by_text("Please carry out the 6-month follow-up.").first.wait_for(timeout=30_000)
    offers = partner.get_by_role("button", name="Accept")
    wait_until(lambda: offers.count() == 2, timeout=30)
    offers.last.click()  # once: a second click would answer the other referral
    partner.get_by_text("Referral accepted: the case is in your list.").first.wait_for(timeout=90_000)
    assert _state(own_db)[-1] == "accepted"
    partner.get_by_role("heading", name="Follow-ups assigned to your organisation").first.wait_for()
    partner.get_by_text("Through a partner organisation", exact=True).first.click()
    partner.get_by_label("Where the person lives").first.fill("Shelter, Benin City")
    # The referral shares the identity: the partner reads the safe way to reach the person first.
    tick = partner.get_by_text("I read the safe contact and follow it")
    if tick.count():
        tick.first.click()
    click_until(partner.get_by_role("button", name="Log the follow-up").first,
                partner.get_by_text("Follow-up logged.").first)
    partner.screenshot(path=str(tmp_path / "partner-logged.png"))
    with session_scope(engine_for(own_db)) as s:
        case_id = s.exec(select(Case.id).where(Case.code == CODE)).one()
        six = s.exec(select(FollowUp).where(FollowUp.case_id == case_id, FollowUp.months_after == 6)).one()
        assert (six.status, six.mode, six.living_where) == ("done", "partner", "Shelter, Benin City")

    # The coordinator sees it on the case: the follow-up log shows it done, the timeline by whom.
    open_page(coord, "Case file")
    coord.get_by_label("Find a case by code").first.fill(CODE)
    coord.get_by_label("Find a case by code").first.press("Enter")
    coord.get_by_role("heading", name="Referrals to partners").first.wait_for(timeout=30_000)
    coord.get_by_role("tab", name="Timeline").first.click()
    # The table draws on a canvas; its cells are in the page for assistive technology.
    newest = coord.locator("[data-testid='glide-cell-1-0']").filter(has_text=PARTNER)  # "Who" of the first row
    newest.first.wait_for(state="attached", timeout=30_000)
    coord.locator("[data-testid='glide-cell-2-0']").filter(has_text="Follow-up logged").first.wait_for(
        state="attached", timeout=30_000)
    coord.screenshot(path=str(tmp_path / "coord-timeline.png"))

    # Consent to sharing withdrawn: the referral is revoked, the partner's next click shows nothing.
    open_page(coord, "Referrals to partners")
    _pick_case(coord, CODE)
    coord.get_by_text("Withdraw consent to sharing").first.click()
    coord.get_by_label("How the person withdrew it").first.fill("She asked the office to stop sharing.")
    coord.get_by_text("I confirm: the person withdrew consent to sharing").first.click()
    coord.get_by_role("button", name="Withdraw consent to sharing").first.click()
    coord.get_by_role("dialog").get_by_role("button", name="Withdraw consent to sharing").click()
    coord.get_by_text("Consent to sharing withdrawn; referrals revoked: 1.").first.wait_for(timeout=90_000)
    assert _state(own_db)[-1] == "revoked"

    click_until(partner.locator("[data-testid='stSidebarNav']").get_by_text("Home", exact=True),
                partner.get_by_role("heading", name="My work").first)
    open_page(partner, "Referrals to partners")
    partner.get_by_text("Your organisation has no accepted case at the moment.").first.wait_for(timeout=30_000)
    assert partner.get_by_text(CODE).count() == 0
    partner.screenshot(path=str(tmp_path / "partner-after-withdrawal.png"))
    coord_ctx.close()
    partner_ctx.close()
