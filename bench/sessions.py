"""How many people one app process serves: memory per session and response under load.

    CARE_DEMO=1 .venv/bin/python -m bench.sessions --database-url sqlite:///path/bench-10000.db --steps 1,5,10,20

Starts one Streamlit process on the database, signs in N coordinators in headless Chromium
(each a browser context of its own: a session in the process, kept open), and at each step
prints the process's resident memory and how long one browser takes to show Home again after
a reload (the heaviest click: a new session, the cookie login and the page) while the others
stay signed in. With `--all` every browser reloads at once instead. Chromium runs on the same
machine and takes CPU from the app: the times are an upper bound. Needs Debian's chromium.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo-only-2026!"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill("coord")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My work").first.wait_for(timeout=120_000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sessions")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--steps", default="1,10,20,30")
    parser.add_argument("--all", action="store_true", help="every browser reloads at once")
    args = parser.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    port = _port()
    env = {**os.environ, "DATABASE_URL": args.database_url, "CARE_DEMO": os.environ.get("CARE_DEMO", "1")}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "Home.py", "--server.port", str(port),
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.25)
        print(f"process started: {rss_mb(proc.pid):.0f} MB")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            pages = []
            what = "all reload at once: last Home shown after (s)" if args.all else "one reloads: Home shown after (s)"
            print(f"| sessions | process memory (MB) | {what} |")
            print("|---|---|---|")
            for n in steps:
                while len(pages) < n:
                    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                    _sign_in(page, url)
                    pages.append(page)
                time.sleep(3)
                memory = rss_mb(proc.pid)
                started = time.monotonic()
                reloading = pages if args.all else pages[-1:]
                for page in reloading:
                    page.reload(wait_until="commit")
                for page in reloading:
                    page.get_by_role("heading", name="My work").first.wait_for(timeout=300_000)
                print(f"| {n} | {memory:.0f} | {time.monotonic() - started:.1f} |", flush=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
