"""The real thing: the server started as `make run` starts it, driven in headless Chromium.

Needs Debian's `chromium` package (see README). Without it the test is skipped and says so.
"""

from __future__ import annotations

import shutil
import time

import pytest

from care.access import PAGE_ROLES, Role
from care.ui.nav import PAGES
from tests.browser_app import chromium, login_form_ready, streamlit_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "Demo-only-2026!"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]


@pytest.fixture(scope="module")
def server(demo_db_url, tmp_path_factory):
    with streamlit_app(demo_db_url, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


# While Streamlit reruns a page it keeps the previous run's elements on screen until the new ones
# replace them, so for a moment a heading or a text may be there twice: the waits below take the
# first match (a plain locator would fail Playwright's strict mode on two elements).


def has_login_cookie(context) -> bool:
    return any(c["name"] == "care_session" for c in context.cookies())


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    login_form_ready(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My work").first.wait_for(timeout=30_000)
    # The cookie is set by a component after the login run; its answer reruns the page.
    wait_until(lambda: has_login_cookie(page.context), timeout=30)


def click_until(target, shown, timeout: float = 90) -> None:
    """Click `target` until `shown` is visible.

    A click made while the page is still rerunning (as it does when a component answers, e.g.
    the login cookie's right after a login or a reload) can be overtaken by that rerun, which
    draws the page as it was: what the click should show never comes. Click again (if the target
    is still there) until it does; a slow but successful click is not repeated once its target is gone."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout
    target.click()
    while True:
        try:
            shown.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
        if target.is_visible():
            try:
                target.click(timeout=5_000)
            except PlaywrightTimeout:
                pass  # gone meanwhile: the earlier click is being answered


def show_all_pages(page) -> None:
    """Past 12 pages Streamlit lists 10 and a "View N more" button: open the whole list."""
    more = page.locator("[data-testid='stSidebarNavViewButton']")
    if more.count() and "more" in more.first.inner_text():
        more.first.click()
        page.get_by_text("View less").first.wait_for(timeout=15_000)


def open_page(page, title: str) -> None:
    """Open a page from the sidebar and wait for its heading."""
    page.locator("[data-testid='stSidebarNav']").wait_for(timeout=15_000)
    show_all_pages(page)
    click_until(page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True),
                page.get_by_role("heading", name=title).first)


def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.2)


def sidebar_links(page) -> set[str]:
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.wait_for(timeout=15_000)
    show_all_pages(page)
    # A link reads "<icon ligature>\n\n<title>": keep the title.
    return {t.strip().splitlines()[-1] for t in nav.locator("a").all_inner_texts()}


@pytest.mark.parametrize(("username", "role"), [("coord", Role.COORDINATOR), ("manager", Role.MANAGER)])
def test_role_sees_its_pages_and_its_work(server, browser, username, role, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, server, username)
    expected = {p.title for p in PAGES if role in PAGE_ROLES[p.key]}
    assert sidebar_links(page) == expected
    if role is Role.COORDINATOR:
        page.get_by_text("Open cases by stage").first.wait_for()
        page.get_by_text("Plans waiting for approval").first.wait_for()
    else:
        page.get_by_text("Your programmes against their targets").first.wait_for()
        assert page.get_by_text("Open cases by stage").count() == 0
    assert page.get_by_role("button", name="Log in").count() == 0, "the login form is gone after login"
    page.screenshot(path=str(tmp_path / f"home-{username}.png"))
    assert has_login_cookie(context)
    page.reload()  # the cookie signs the browser back in
    page.get_by_role("heading", name="My work").first.wait_for(timeout=30_000)
    click_until(page.get_by_role("button", name="Log out").first, page.get_by_role("button", name="Log in").first)
    page.reload()  # and after logout it does not, even while the browser still holds the cookie
    page.get_by_role("button", name="Log in").first.wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="My work").count() == 0
    context.close()
