"""The app served on a free loopback port, and headless Chromium: what every browser test starts.

One place, so that every browser test starts the app and the browser the same way (the same
flags, the same wait for health, the same clean stop).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_app(database_url: str, log_path: Path, **env: str):
    """`streamlit run Home.py` on a free port of 127.0.0.1, in demo mode, on `database_url`;
    yields its address once `/_stcore/health` answers, and stops it afterwards."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": database_url, "CARE_DEMO": "1", **env}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                        break
                except OSError:
                    time.sleep(0.25)
            else:
                pytest.fail("streamlit did not start")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=15)


@contextmanager
def chromium(executable: str):
    """Debian's headless Chromium through Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page, quiet: float = 1.5, timeout: float = 30) -> None:
    """Wait until the app stopped running (no "running" indicator for `quiet` seconds)."""
    deadline, calm_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count() > 0
        if running:
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.2)


def login_form_ready(page) -> None:
    """The login form is drawn and the page is still: the first page of a fresh server runs twice (the
    login page declares the hidden navigation), and a person types once the page is still."""
    page.get_by_role("textbox", name="Username").wait_for(timeout=30_000)
    settle(page)
