"""The real thing: the server started as `make run` starts it, driven in headless Chromium.

Needs Debian's `chromium` package (see README). Without it the test is skipped and says so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from care.access import PAGE_ROLES, Role
from care.ui.nav import PAGES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "Demo-only-2026!"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db_url, tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": demo_db_url, "CARE_DEMO": "1"}
    log = (tmp_path_factory.mktemp("server") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.25)
    else:
        proc.terminate()
        pytest.fail("streamlit did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My work").wait_for(timeout=30_000)


def wait_until(condition, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.2)


def sidebar_links(page) -> set[str]:
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.wait_for(timeout=15_000)
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
        page.get_by_text("Open cases by stage").wait_for()
        page.get_by_text("Plans waiting for approval").wait_for()
    else:
        page.get_by_text("Your role works with programme figures").wait_for()
        assert page.get_by_text("Open cases by stage").count() == 0
    assert page.get_by_role("button", name="Log in").count() == 0, "the login form is gone after login"
    page.screenshot(path=str(tmp_path / f"home-{username}.png"))
    has_cookie = lambda: any(c["name"] == "care_session" for c in context.cookies())  # noqa: E731
    wait_until(has_cookie)
    page.reload()  # the cookie signs the browser back in
    page.get_by_role("heading", name="My work").wait_for(timeout=30_000)
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=15_000)
    page.reload()  # and after logout it does not, even while the browser still holds the cookie
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="My work").count() == 0
    context.close()
