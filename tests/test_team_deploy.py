"""Running it for a team, end to end, from the files in deploy/: PostgreSQL with the owner and app
roles, two app processes, nginx in front; a coordinator in Chromium logs a follow-up through one
process, another browser sees it through the other, and when the first process stops, the first
browser carries on through the second without losing what was saved.

Needs nginx, Chromium, PostgreSQL and psql; skipped with the reason otherwise (README: "Running
it for a team").
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests import deploy_env, pg
from tests.deploy_env import NGINX, PSQL, ROOT
from tests.browser_app import chromium, login_form_ready
from tests.test_browser import CHROMIUM, PASSWORD, click_until, has_login_cookie, wait_until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx; see README)"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
    pytest.mark.skipif(PSQL is None, reason="psql is not installed (apt-get install postgresql-client)"),
]

INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate


def wait_healthy(url: str, proc: subprocess.Popen, log, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[0]} exited: {log.read_text()[-3000:]}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=INSECURE).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not become healthy: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """The team deployment on this machine: roles, migration as the owner, demo data, two app
    processes as the app role, nginx from deploy/nginx/care.conf."""
    admin_url, reason = pg.test_url()
    if admin_url is None:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("team")
    db = deploy_env.create_team_database(admin_url)
    procs: list[subprocess.Popen] = []
    try:
        base = {**os.environ, "CARE_DEMO": "1", "CARE_APP_ROLE": db.app,
                "CARE_MIGRATE_DATABASE_URL": db.url(db.owner), "DATABASE_URL": db.url(db.app)}
        for cmd, env in ((["migrate"], base), (["seed-demo"], {**base, "DATABASE_URL": db.url(db.owner)})):
            done = subprocess.run([sys.executable, "-m", "care", *cmd], cwd=ROOT, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        ports = (deploy_env.free_port(), deploy_env.free_port())
        app_env = {**base, "STREAMLIT_SERVER_COOKIE_SECRET": uuid.uuid4().hex * 2}
        app_env.pop("CARE_MIGRATE_DATABASE_URL")  # the app processes never get the owner's URL
        logs = []
        for port in ports:
            log = folder / f"app-{port}.log"
            logs.append(log)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port),
                 "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=app_env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True))
        for port, proc, log in zip(ports, procs, logs):
            wait_healthy(f"http://127.0.0.1:{port}", proc, log)
        nginx = deploy_env.nginx_config(folder, ports)
        assert deploy_env.nginx_test(nginx).returncode == 0
        nginx_log = folder / "nginx.out"
        nginx_proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(nginx.conf)],
                                      stdout=nginx_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(nginx_proc)
        wait_healthy(nginx.url, nginx_proc, folder / "error.log")
        yield {"db": db, "nginx": nginx, "ports": ports, "apps": procs[:2], "logs": logs}
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        deploy_env.drop_team_database(db)


def route_to(nginx: deploy_env.Nginx, port: int) -> str:
    """A route cookie value that nginx's hash sends to the process on `port` (read from its log)."""
    for n in range(200):
        value = f"route-{n}"
        req = urllib.request.Request(f"{nginx.url}/", headers={"Cookie": f"care_route={value}"})
        urllib.request.urlopen(req, timeout=10, context=INSECURE).read()
        wait_until(lambda: nginx.access_log.read_text().strip() != "", timeout=10)  # nginx writes it after answering
        last = nginx.access_log.read_text().strip().splitlines()[-1]
        if last.endswith(f"127.0.0.1:{port}"):
            return value
    pytest.fail(f"no route reaches port {port}")


def case_with_followups(db: deploy_env.TeamDatabase) -> int:
    """A case in follow-up with one follow-up done (the form fills in from it) and two to do."""
    eng = create_engine(db.url(db.owner))
    with eng.connect() as conn:
        case_id = conn.execute(text(
            "SELECT c.id FROM care_case c WHERE c.stage = 'follow_up' "
            "AND (SELECT count(*) FROM followup f WHERE f.case_id = c.id AND f.status = 'done') >= 1 "
            "AND (SELECT count(*) FROM followup f WHERE f.case_id = c.id AND f.status = 'planned') >= 2 "
            "AND NOT c.alarm_open ORDER BY c.id LIMIT 1")).scalar_one()
    eng.dispose()
    return case_id


def browser_on(browser, nginx: deploy_env.Nginx, route: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, ignore_https_errors=True)
    context.add_cookies([{"name": "care_route", "value": route, "url": nginx.url}])
    return context, context.new_page()


def log_in(page, url: str) -> None:
    page.goto(url)
    login_form_ready(page)
    page.get_by_role("textbox", name="Username").fill("coord")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My work").first.wait_for(timeout=60_000)
    wait_until(lambda: has_login_cookie(page.context), timeout=30)


def open_followups(page, url: str, case_id: int) -> None:
    """Open the case's follow-ups by its address; on a loaded machine the first load of a new session
    can be overtaken by its own rerun (the login cookie's answer): then reload, as a person would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{url}/followup?case={case_id}")
    heading = page.get_by_role("heading", name="Follow-up log").first
    try:
        heading.wait_for(timeout=60_000)
    except PlaywrightTimeout:
        page.reload()
        heading.wait_for(timeout=60_000)


def living_where(page):
    """Where the person lives: the next follow-up's form fills it in from the last one logged."""
    return page.get_by_label("Where the person lives").first


def read_safe_contact(page, db: deploy_env.TeamDatabase, case_id: int) -> None:
    """Tick "I read the safe contact" (in the form's Log tab) where the case has one: logging is
    refused without it. Asked of the database, not of a page that may still be drawing."""
    eng = create_engine(db.url(db.owner))
    with eng.connect() as conn:
        has_one = conn.execute(text("SELECT count(*) FROM safe_contact WHERE case_id = :c"), {"c": case_id}).scalar_one()
    eng.dispose()
    if has_one:
        page.get_by_role("tab", name="Log", exact=True).first.click()
        page.get_by_role("tabpanel", name="Log").get_by_text("I read the safe contact and follow it").first.click()


def test_two_processes_behind_nginx_share_the_data_and_survive_one_stopping(team, browser_chromium, tmp_path):
    nginx, ports, apps = team["nginx"], team["ports"], team["apps"]
    case_id = case_with_followups(team["db"])
    first, second = route_to(nginx, ports[0]), route_to(nginx, ports[1])
    saved = f"With an aunt in Benin City, {uuid.uuid4().hex[:8]}"

    # A coordinator logs a follow-up through the first process.
    context_a, page_a = browser_on(browser_chromium, nginx, first)
    log_in(page_a, nginx.url)
    open_followups(page_a, nginx.url, case_id)
    living_where(page_a).wait_for(timeout=30_000)
    living_where(page_a).fill(saved)
    read_safe_contact(page_a, team["db"], case_id)
    click_until(page_a.get_by_role("button", name="Log the follow-up"), page_a.get_by_text("Follow-up logged.").first)

    # Another browser, through the second process, sees it at once: the next follow-up's form
    # fills in from it.
    context_b, page_b = browser_on(browser_chromium, nginx, second)
    log_in(page_b, nginx.url)
    open_followups(page_b, nginx.url, case_id)
    living_where(page_b).wait_for(timeout=30_000)
    wait_until(lambda: living_where(page_b).input_value() == saved, timeout=30)
    page_b.screenshot(path=str(tmp_path / "second-process.png"))
    log = nginx.access_log.read_text()
    assert f"127.0.0.1:{ports[0]}" in log and f"127.0.0.1:{ports[1]}" in log

    # A login cookie made by one process signs the browser in on the other.
    context_c, page_c = browser_on(browser_chromium, nginx, first)
    log_in(page_c, nginx.url)
    context_c.add_cookies([{"name": "care_route", "value": second, "url": nginx.url}])
    page_c.reload()
    page_c.get_by_role("heading", name="My work").first.wait_for(timeout=60_000)
    assert page_c.get_by_role("button", name="Log in").count() == 0
    context_c.close()

    # The first process stops. The first browser reconnects (nginx passes it to the second
    # process), is signed in again by its cookie or logs in again, and finds what it saved.
    os.killpg(apps[0].pid, signal.SIGTERM)
    apps[0].wait(timeout=30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if page_a.get_by_role("button", name="Log in").count():
            log_in(page_a, nginx.url)
            open_followups(page_a, nginx.url, case_id)
        if living_where(page_a).count() and living_where(page_a).input_value() == saved:
            break
        time.sleep(1)
    else:
        page_a.screenshot(path=str(tmp_path / "after-stop.png"))
        pytest.fail("the first browser did not come back to the saved follow-up after its process stopped")
    # ... and carries on: the next follow-up is logged through the second process.
    again = saved + " (after the failover)"
    living_where(page_a).fill(again)
    read_safe_contact(page_a, team["db"], case_id)
    click_until(page_a.get_by_role("button", name="Log the follow-up"), page_a.get_by_text("Follow-up logged.").first)
    tail = nginx.access_log.read_text().splitlines()[-5:]
    assert any(line.endswith(f"127.0.0.1:{ports[1]}") for line in tail)
    eng = create_engine(team["db"].url(team["db"].owner))
    with eng.connect() as conn:
        done = conn.execute(text("SELECT count(*) FROM followup WHERE case_id = :c AND status = 'done'"),
                            {"c": case_id}).scalar_one()
        events = conn.execute(text("SELECT count(*) FROM audit_event WHERE case_id = :c AND action LIKE 'followup.log%'"),
                              {"c": case_id}).scalar_one()
    eng.dispose()
    assert done >= 3 and events >= 2
    context_a.close()
    context_b.close()


@pytest.fixture(scope="module")
def browser_chromium():
    with chromium(CHROMIUM) as b:
        yield b
