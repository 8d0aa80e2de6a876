"""On a phone (Chromium, 390×844, touch) as the Nigeria focal point: Home, the follow-up, a draft resumed.

Each test runs the app on its own copy of the demo database (the tests log follow-ups).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from care.crypto import decrypt
from tests.browser_app import chromium, login_form_ready, settle, streamlit_app
from tests.test_browser import CHROMIUM, PASSWORD, wait_until
from tests.demo_copy import demo_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]
PHONE = {"width": 390, "height": 844}
MAX_TAPS_TO_LOG = 5  # from Home after login: the follow-up, (how), the safe-contact tick, "Log the follow-up"


@pytest.fixture(scope="module")
def db_file(demo_db_url, tmp_path_factory):
    copy = tmp_path_factory.mktemp("phone") / "care.db"
    shutil.copy(demo_source(demo_db_url), copy)
    return copy


@pytest.fixture(scope="module")
def server(db_file, tmp_path_factory):
    with streamlit_app(f"sqlite:///{db_file}", tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


# A phone's browser says it is one. (Streamlit itself closes its page menu after a tap only for a mobile
# user agent; the app closes it on any narrow screen: see test_the_menu_closes_on_a_narrow_desktop_window.)
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


def phone(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, user_agent=ANDROID_CHROME)


def log_in(page, url: str) -> None:
    page.goto(url)
    login_form_ready(page)
    page.get_by_role("textbox", name="Username").fill("fp.ng")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    page.get_by_role("heading", name="My work").first.wait_for(timeout=30_000)
    wait_until(lambda: any(c["name"] == "care_session" for c in page.context.cookies()), timeout=30)
    settle(page)


CUT_CHECK = """() => {
  const w = window.innerWidth, out = [];
  const sel = "[data-testid='stMain'] [data-testid='stText'], [data-testid='stMain'] [data-testid='stMarkdownContainer'],"
    + " [data-testid='stMain'] [data-testid='stDataFrame'], [data-testid='stMain'] td, [data-testid='stMain'] th,"
    + " [data-testid='stMain'] button";
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // not shown (e.g. the wide table on a phone)
    if (r.left < -0.5 || r.right > w + 0.5) out.push(el.getAttribute('data-testid') + ': ' + el.innerText.slice(0, 60));
  }
  return out;
}"""
DATAFRAMES_SHOWN = """() => Array.from(document.querySelectorAll("[data-testid='stMain'] [data-testid='stDataFrame']"))
  .filter(el => el.getBoundingClientRect().width > 0).length"""


def assert_nothing_cut(page) -> None:
    assert page.evaluate(CUT_CHECK) == []
    assert page.evaluate(DATAFRAMES_SHOWN) == 0, "on a phone every table is drawn as cards"


def in_viewport(box) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5 \
        and box["y"] + box["height"] <= PHONE["height"] + 0.5


def done_count(db_file, code: str) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute("SELECT count(*) FROM followup JOIN care_case ON care_case.id = followup.case_id "
                           "WHERE care_case.code = ? AND followup.status = 'done'", (code,)).fetchone()[0]


def drafts(db_file) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute("SELECT count(*) FROM draft").fetchone()[0]


def worklist(page):
    return page.locator("[data-testid='stMain'] [class*='st-key-home_followup_'] button")


def log_panel(page):
    return page.get_by_role("tabpanel", name="Log")


def open_log(page) -> int:
    """Make sure the follow-up's "how" is chosen (it is filled in from the last follow-up): 0 or 1 tap."""
    page.get_by_role("tab", name="Contact", exact=True).wait_for(timeout=30_000)
    how = page.locator("[data-testid='stButtonGroup']").first
    if how.locator("button[aria-checked='true']").count():
        return 0
    how.locator("button", has_text="Visit").tap()
    settle(page)
    return 1


def test_home_starts_with_the_worklist_and_nothing_is_cut(server, browser, db_file, tmp_path):
    context = phone(browser)
    page = context.new_page()
    log_in(page, server)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.bounding_box() is None or sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0, \
        "the page menu is closed on a phone"
    first = worklist(page).first
    first.wait_for()
    assert in_viewport(first.bounding_box()), "the first follow-up to do is on the first screen"
    assert first.bounding_box()["height"] >= 44
    assert "overdue since" in first.inner_text()
    code = code_of(first)
    assert_nothing_cut(page)
    page.screenshot(path=str(tmp_path / "home.png"))

    # The page menu opens, and closes again once a page is chosen.
    page.locator("[data-testid='stExpandSidebarButton']").tap()
    nav = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Cases", exact=True)
    nav.wait_for()
    nav.tap()
    page.get_by_role("heading", name="Cases").first.wait_for(timeout=30_000)
    settle(page)
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the page menu does not stay over the page"

    # The case file of a case in follow-up: no table cut either.
    page.goto(f"{server}/case_file?case={case_id_of(db_file, code)}")
    page.get_by_role("heading", name="Case file").first.wait_for(timeout=30_000)
    settle(page)
    assert_nothing_cut(page)
    page.screenshot(path=str(tmp_path / "case_file.png"))
    context.close()


def case_id_of(db_file, code: str) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute("SELECT id FROM care_case WHERE code = ?", (code,)).fetchone()[0]


def code_of(button) -> str:
    return button.inner_text().split("·")[0].strip().split()[-1]


def test_from_login_to_a_logged_follow_up_in_a_few_taps(server, browser, db_file, tmp_path):
    context = phone(browser)
    page = context.new_page()
    log_in(page, server)
    first = worklist(page).first
    code = code_of(first)
    before = done_count(db_file, code)
    taps = 1
    first.tap()
    page.get_by_role("heading", name="Follow-up log").first.wait_for(timeout=30_000)
    settle(page)
    assert_nothing_cut(page)
    assert page.get_by_text("Safe contact", exact=True).first.is_visible()
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        "[data-testid='stMain'] [data-testid='stButtonGroup'] button, [data-testid='stMain'] [data-testid='stTab'],"
        + " [data-testid='stMain'] .stButton button, [data-testid='stMain'] .stCheckbox label"))
      .map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && (r.height < 44 || r.width < 44))
      .map(r => [Math.round(r.width), Math.round(r.height)])""")
    assert small == [], "every answer is a touch target of at least 44 px"
    taps += open_log(page)
    log_panel(page).get_by_text("I read the safe contact and follow it").tap()
    taps += 1
    settle(page)
    page.get_by_role("button", name="Log the follow-up").tap()
    taps += 1
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for(timeout=30_000)
    assert "Follow-up logged. Next follow-up:" in toast.inner_text()
    assert in_viewport(toast.bounding_box()), "the confirmation is where the user looks"
    page.screenshot(path=str(tmp_path / "logged.png"))
    assert taps <= MAX_TAPS_TO_LOG
    wait_until(lambda: done_count(db_file, code) == before + 1)
    context.close()


def test_a_closed_page_loses_nothing_the_draft_is_resumed_and_logged(server, browser, db_file, tmp_path):
    context = phone(browser)
    page = context.new_page()
    log_in(page, server)
    link = worklist(page).first
    code = code_of(link)
    before = done_count(db_file, code)
    link.tap()
    page.get_by_role("heading", name="Follow-up log").first.wait_for(timeout=30_000)
    settle(page)
    note = "Started the food stall; sleeps better."
    box = page.get_by_role("textbox", name="Health and wellbeing")
    box.tap()
    page.keyboard.type(note, delay=15)  # typed, and the field still has the focus: Streamlit has not sent it
    wait_until(lambda: drafts(db_file) == 1, timeout=30)
    settle(page)
    context.close()  # the phone went to sleep mid-sentence

    context = phone(browser)
    page = context.new_page()
    log_in(page, server)
    worklist(page).first.tap()
    page.get_by_text("not yet logged").first.wait_for(timeout=30_000)
    offer = page.get_by_text("not yet logged").first.inner_text()
    assert offer.startswith("Draft from ")
    page.get_by_role("button", name="Resume the draft").tap()
    box = page.get_by_role("textbox", name="Health and wellbeing")
    box.wait_for(timeout=30_000)
    settle(page)
    assert box.input_value() == note
    open_log(page)
    log_panel(page).get_by_text("I read the safe contact and follow it").tap()
    settle(page)
    page.get_by_role("button", name="Log the follow-up").tap()
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for(timeout=30_000)
    assert in_viewport(toast.bounding_box())
    wait_until(lambda: done_count(db_file, code) == before + 1)
    assert drafts(db_file) == 0, "a logged draft is gone"
    with sqlite3.connect(db_file) as con:  # the notes are encrypted at rest: read them back with the key
        stored = [w for (w,) in con.execute("SELECT wellbeing FROM followup WHERE status = 'done' AND wellbeing != ''")]
    assert sum(decrypt(w) == note for w in stored) == 1
    context.close()


def test_the_menu_closes_on_a_narrow_desktop_window(server, browser):
    """A narrow window that does not say it is a phone: the page menu still closes after choosing a page."""
    context = browser.new_context(viewport=PHONE, has_touch=True)  # touch, but a desktop browser (no mobile agent)
    page = context.new_page()
    log_in(page, server)
    sidebar = page.locator("[data-testid='stSidebar']")
    page.locator("[data-testid='stExpandSidebarButton']").click()
    nav = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Cases", exact=True)
    nav.wait_for()
    nav.click()
    page.get_by_role("heading", name="Cases").first.wait_for(timeout=30_000)
    settle(page)
    wait_until(lambda: sidebar.get_attribute("data-collapsed") == "true", timeout=10)
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the page menu does not stay over the page"
    context.close()
