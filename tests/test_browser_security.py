"""Security seen from a real browser (headless Chromium against the real server):
- no request leaves the server's own origin (the page icon included);
- a known and an unknown username get the same answer at the real form, and five wrong
  passwords do not lock the account for good;
- a browser reopened with its login cookie after the idle time is signed out (the idle
  clock lives on the server).

Needs Debian's `chromium` package (see README). Without it the tests are skipped and say so.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import delete, select

from db.engine import engine_for, session_scope
from db.models import LoginThrottle, User
from tests.browser_app import chromium, streamlit_app
from tests.browser_app import login_form_ready
from tests.test_browser import CHROMIUM, has_login_cookie, log_in, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]
REFUSED = ("Username or password is incorrect, or the account must wait a few minutes after too many "
           "failed logins.")
IDLE_SECONDS = 12


@pytest.fixture(scope="module")
def short_idle_server(demo_db_url, tmp_path_factory):
    """The app with an idle time of a few seconds, so the test can wait it out."""
    with streamlit_app(demo_db_url, tmp_path_factory.mktemp("server") / "streamlit.log",
                       CARE_IDLE_MINUTES=str(IDLE_SECONDS / 60)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


@pytest.fixture
def no_failures_counted(demo_db_url):
    def clear():
        with session_scope(engine_for(demo_db_url)) as s:
            s.exec(delete(LoginThrottle))
            for row in s.exec(select(User)).all():
                row.failed_logins, row.lock_count, row.locked_until = 0, 0, None
                s.add(row)
    clear()
    yield
    clear()


def test_no_request_leaves_the_servers_origin(short_idle_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    hosts: list[str] = []

    def record(route):
        """Note every request's host; one for another host is stopped here, never sent."""
        host = urllib.parse.urlsplit(route.request.url).hostname or route.request.url.split(":")[0]
        hosts.append(host)
        if host in ("127.0.0.1", "data", "blob"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    log_in(page, short_idle_server, "coord")
    open_page(page, "Case file")
    open_page(page, "Intake")
    page.wait_for_timeout(1500)  # the favicon and late fonts
    page.screenshot(path=str(tmp_path / "account.png"))
    outside = sorted({h for h in hosts if h not in ("127.0.0.1", "data", "blob")})
    assert outside == []
    assert any(h == "127.0.0.1" for h in hosts)
    context.close()


def test_the_real_form_answers_the_same_and_never_locks_for_good(short_idle_server, browser, demo_db_url,
                                                                    no_failures_counted):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(short_idle_server)
    login_form_ready(page)
    answers = []

    def waiting() -> bool:
        with session_scope(engine_for(demo_db_url)) as s:
            return s.exec(select(User).where(User.username == "coord2")).one().locked_until is not None

    # Five wrong passwords for coord2 (a click a loaded machine swallows is tried again, at most twice).
    tries = ["coord2", "no.such.person", "coord2", "coord2", "coord2", "coord2", "coord2", "coord2"]
    for n, username in enumerate(tries):
        if n >= 6 and waiting():
            break
        page.get_by_role("textbox", name="Username").fill(username)
        page.get_by_role("textbox", name="Password").fill("a wrong guess")
        page.get_by_role("button", name="Log in").click()
        alert = page.locator("[data-testid='stAlertContentError']").first
        alert.wait_for(timeout=30_000)
        answers.append(alert.inner_text().strip())
        page.reload()  # a clean form for the next try
        login_form_ready(page)
    assert answers[:3] == [REFUSED] * 3, answers
    with session_scope(engine_for(demo_db_url)) as s:
        row = s.exec(select(User).where(User.username == "coord2")).one()
        assert not row.locked and row.locked_until is not None
        # The minute has passed, and so has the client's wait.
        row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        s.add(row)
        s.exec(delete(LoginThrottle))
    log_in(page, short_idle_server, "coord2")
    context.close()


def test_a_browser_reopened_with_its_cookie_after_the_idle_time_is_signed_out(short_idle_server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, short_idle_server, "fp.fr")
    cookies = context.cookies()
    assert has_login_cookie(context)
    context.close()  # the browser is closed...

    # ...reopened at once with the same cookie: still signed in (the sign-in is alive)...
    again = browser.new_context(viewport={"width": 1280, "height": 900})
    again.add_cookies(cookies)
    page = again.new_page()
    page.goto(short_idle_server)
    page.get_by_role("heading", name="My work").first.wait_for(timeout=30_000)
    cookies = again.cookies()
    again.close()

    time.sleep(IDLE_SECONDS + 3)  # ...then left idle past the limit, browser closed
    late = browser.new_context(viewport={"width": 1280, "height": 900})
    late.add_cookies(cookies)
    page = late.new_page()
    page.goto(short_idle_server)
    page.get_by_role("button", name="Log in").first.wait_for(timeout=30_000)
    page.wait_for_timeout(2000)  # the cookie has had its chance to sign the browser in
    page.screenshot(path=str(tmp_path / "reopened.png"))
    assert page.get_by_role("heading", name="My work").count() == 0
    assert page.get_by_role("button", name="Log in").count() >= 1
    late.close()
