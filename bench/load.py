"""Ten people at work on one app process: page times under load, errors, server memory (issue 23).

    CARE_DEMO=1 .venv/bin/python -m bench.load --database-url URL [--sessions 10] [--seconds 300]

Starts one Streamlit process on 127.0.0.1 (a free port, nothing else is bound) on the given
database (the 50,000-case PostgreSQL bench schema: `python -m care bench --database-url ...
--workdir DIR` leaves it), signs in `--sessions` real headless Chromium sessions spread over
five roles (coordinator, host focal point, return focal point, manager, admin), and has each
click through the pages its role may open, one after the other with no pause, until the time is
up. A page is timed from the click on its menu entry until Streamlit says the script run is over
and its title is drawn. Errors: a page that raises (Streamlit's exception box), or one that
does not finish within 60 s. The process's resident memory is sampled every 2 s.

Bounded: it stops by itself after `--seconds` (plus the sign-ins), and stops the app. Chromium
runs on the same machine and takes CPU from the app: the page times are an upper bound.
Prints a Markdown section; with `--out FILE` also replaces the "## Load" section of FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.sessions import PASSWORD, _port, rss_mb

ROOT = Path(__file__).resolve().parent.parent
ROLES = [("coordinator", "coord"), ("focal point (host)", "fp.es"), ("focal point (return)", "fp.ng"),
         ("manager", "manager"), ("admin", "admin")]
PAGE_TIMEOUT_MS = 60_000
SIGN_IN_TIMEOUT_MS = 180_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def pages_for(database_url: str) -> dict[str, list[str]]:
    """The page keys each username may open (the app's own rule), Home first."""
    os.environ["DATABASE_URL"] = database_url
    from care import config, users
    from care.access import may_open
    from care.ui.nav import PAGES
    from db.engine import make_engine, session_scope

    config.settings.cache_clear()
    engine = make_engine(database_url)
    out = {}
    with session_scope(engine) as session:
        for _role, username in ROLES:
            actor = users.actor_load(session, username)
            out[username] = [p.key for p in PAGES if may_open(actor, p.key)]
    engine.dispose()
    return out


async def _ready(page) -> None:
    """Until the script run is over (Streamlit marks it on its app element) and a title is drawn."""
    await page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && document.querySelector('h1') !== null; }", timeout=PAGE_TIMEOUT_MS, polling=50)


async def _drive(url: str, sessions: int, seconds: int, allowed: dict[str, list[str]], app_pid: int) -> dict:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {}
    errors: list[str] = []
    memory: list[float] = []
    gate = _Gate()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        box = {"stop_at": time.monotonic() + 10 ** 6}  # set when every session has signed in
        tasks = []
        for n in range(sessions):
            _role, username = ROLES[n % len(ROLES)]
            tasks.append(asyncio.create_task(_session_clock(box, browser, url, username, allowed[username], times,
                                                            errors, gate)))
        signed_in_by = time.monotonic() + 60 * sessions
        while time.monotonic() < signed_in_by:
            await asyncio.sleep(1)
            if gate.waiting + sum(t.done() for t in tasks) >= sessions:
                break
        box["stop_at"] = time.monotonic() + seconds
        memory.append(rss_mb(app_pid))
        gate.event.set()
        while not all(t.done() for t in tasks):
            await asyncio.sleep(2)
            memory.append(rss_mb(app_pid))
        await browser.close()
    return {"times": times, "errors": errors, "memory": memory}


async def _sign_in(page, url: str, username: str) -> None:
    await page.goto(url, timeout=SIGN_IN_TIMEOUT_MS)
    await page.get_by_role("textbox", name="Username").fill(username, timeout=SIGN_IN_TIMEOUT_MS)
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=SIGN_IN_TIMEOUT_MS)
    await _ready(page)


class _Gate:
    """Where every signed-in session waits until all have signed in: then the clock starts."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.signing_in = asyncio.Lock()
        self.waiting = 0

    async def wait(self) -> None:
        self.waiting += 1
        await self.event.wait()


async def _session_clock(box, browser, url, username, keys, times, errors, gate) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        async with gate.signing_in:  # one at a time: ten logins at once time out on a busy machine
            await _sign_in(page, url, username)
    except Exception as err:
        errors.append(f"{username}: sign-in: {type(err).__name__}: {str(err)[:200]}")
        await context.close()
        return
    await gate.wait()
    n = 1  # the session stands on Home (its first page) after signing in: the first click goes elsewhere
    while time.monotonic() < box["stop_at"]:
        key = keys[n % len(keys)]
        n += 1
        started = time.monotonic()
        try:
            # Home is the default page: its menu entry points at the root
            href = f'a[href="{url}/"]' if key == "home" else f'a[href$="/{key}"]'
            await page.locator(f'[data-testid="stSidebarNav"] {href}').first.click()
            # The menu changes pages inside the document (no "load" event to wait for): the address is enough
            await page.wait_for_url(re.compile(r"/(\?.*)?$" if key == "home" else rf"/{key}(\?.*)?$"),
                                    wait_until="commit")
            await asyncio.sleep(0.05)
            await _ready(page)
            elapsed = time.monotonic() - started
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"{username} {key}: exception shown")
            else:
                times.setdefault(key, []).append(elapsed)
        except Exception as err:
            errors.append(f"{username} {key}: {type(err).__name__}: {str(err)[:200]}")
    await context.close()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def markdown(result: dict, *, sessions: int, seconds: int, database: str) -> str:
    from bench.report import machine

    every = [t for ts in result["times"].values() for t in ts]
    lines = ["## Load", "", *[f"- {m}" for m in machine()],
             f"- {sessions} headless Chromium sessions ({', '.join(r for r, _u in ROLES)}, in turn) on one app "
             f"process, {database}, for {seconds} s; each clicks through its pages with no pause. A page is timed "
             "from the click to the end of the script run, title drawn. Chromium shares the machine's cores.", ""]
    if every:
        lines += [f"- Pages shown: {len(every)}; p50 {_pct(every, 50):.2f} s, p95 {_pct(every, 95):.2f} s "
                  f"(target p95 ≤ 2 s: {'met' if _pct(every, 95) <= 2 else '**not met**'}).",
                  f"- Errors: {len(result['errors'])} (target: none: "
                  f"{'met' if not result['errors'] else '**not met**'}).",
                  f"- Server memory with {sessions} sessions: peak {max(result['memory']):.0f} MB, at the end "
                  f"{result['memory'][-1]:.0f} MB (target < 600 MB: "
                  f"{'met' if max(result['memory']) < 600 else '**not met**'}).", "",
                  "| page | shown | p50 (s) | p95 (s) |", "|---|---|---|---|"]
        for key, ts in sorted(result["times"].items()):
            lines.append(f"| {key} | {len(ts)} | {_pct(ts, 50):.2f} | {_pct(ts, 95):.2f} |")
    else:
        lines.append("- No page was shown.")
    if result["errors"]:
        lines += ["", "Errors (first 20):", "", *[f"- {e}" for e in result["errors"][:20]]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--log", default=os.devnull, help="the app's output goes here")
    parser.add_argument("--out", help="replace the '## Load' section of this Markdown file with the result")
    args = parser.parse_args(argv)
    allowed = pages_for(args.database_url)
    port = _port()
    env = {**os.environ, "DATABASE_URL": args.database_url, "CARE_DEMO": os.environ.get("CARE_DEMO", "1")}
    log = open(args.log, "w")  # noqa: SIM115 (closed with the app)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.25)
        result = asyncio.run(asyncio.wait_for(_drive(url, args.sessions, args.seconds, allowed, proc.pid),
                                              timeout=args.seconds + 900))
        database = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
        text = markdown(result, sessions=args.sessions, seconds=args.seconds, database=database)
        print(text, flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    if args.out:
        path = Path(args.out)
        old = path.read_text() if path.exists() else ""
        head = old.split("\n## Load\n")[0].rstrip("\n")
        path.write_text((head + "\n\n" if head else "") + text)


if __name__ == "__main__":
    main()
