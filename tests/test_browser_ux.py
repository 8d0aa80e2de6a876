"""Issue 25 in a real browser: nothing but the login form and the language picker before login
(no list of page files in the sidebar), in English and in French."""

from __future__ import annotations

import shutil

import pytest

from tests.browser_app import chromium, streamlit_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

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


def _nothing_but_the_login(page) -> None:
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0
    assert page.locator('[data-testid="stSidebar"]').count() == 0 or not page.locator(
        '[data-testid="stSidebar"]').first.is_visible()
    body = page.locator("body").inner_text().lower()
    for file_name in ("admin users", "admin_users", "case file", "case_file", "indicators"):
        assert file_name not in body


@pytest.mark.parametrize("path", ["", "/case_file?case=1", "/admin_users"])
def test_before_login_only_the_login_form_and_the_language_picker(server, browser, path):
    page = browser.new_page()
    try:
        page.goto(server + path)
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
        page.wait_for_timeout(1500)  # let a late sidebar arrive, if one were coming
        _nothing_but_the_login(page)
        # In French too: the picker reruns the page.
        page.get_by_label("Language / Langue").click()
        page.get_by_role("option", name="Français").click()
        page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
        page.wait_for_timeout(1500)
        _nothing_but_the_login(page)
    finally:
        page.close()
