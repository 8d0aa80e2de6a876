"""The README's screenshots, taken from the demo app in headless Chromium.

    python tools/screenshots.py [--out docs/screenshots]

Builds a fresh demo database (synthetic data only) in a temporary folder, serves the app on a
free loopback port, and saves small PNGs: Home for each role, a case file, the indicators, and
Home on a phone (390 x 844). Needs Debian's `chromium` (see README); never `playwright install`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Demo-only-2026!"
ROLES = {"coord": "home-coordinator", "fp.ng": "home-focal-point", "manager": "home-manager", "admin": "home-admin",
         "partner.ng": "home-partner"}


def demo_database(folder: Path) -> str:
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from seeds.demo import seed_demo
    from seeds.reference import seed_reference

    url = f"sqlite:///{folder / 'care.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        seed_reference(s)
        seed_demo(s)
    engine.dispose()
    return url


def settle(page, quiet: float = 1.5, timeout: float = 60) -> None:
    """Wait until the app has stopped running for `quiet` seconds."""
    deadline, calm = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if page.locator("[data-testid='stStatusWidget']").count():
            calm = None
        elif calm is None:
            calm = time.monotonic()
        elif time.monotonic() - calm >= quiet:
            return
        page.wait_for_timeout(200)


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My work").first.wait_for(timeout=60_000)
    settle(page)


def shoot(page, out: Path, name: str) -> None:
    """A viewport PNG (full-page ones come out garbled), made small: 256 colours."""
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    try:
        from PIL import Image

        Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)
    except ImportError:
        pass
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium; see README)")
    os.environ.setdefault("CARE_DEMO", "1")
    from tests.browser_app import chromium as launch, streamlit_app

    with tempfile.TemporaryDirectory() as tmp:
        url = demo_database(Path(tmp))
        with streamlit_app(url, Path(tmp) / "streamlit.log") as server, launch(chromium) as browser:
            for username, name in ROLES.items():
                context = browser.new_context(viewport={"width": 1280, "height": 860})
                page = context.new_page()
                log_in(page, server, username)
                shoot(page, out, name)
                if username == "coord":
                    page.goto(f"{server}/case_file?case=1")
                    page.get_by_role("heading", name="Case file").first.wait_for(timeout=60_000)
                    settle(page)
                    shoot(page, out, "case-file")
                if username == "manager":
                    page.goto(f"{server}/indicators")
                    page.get_by_role("heading", name="Indicators").first.wait_for(timeout=60_000)
                    settle(page, quiet=3)
                    # The charts: the first topic's heading at the top of the screen.
                    page.get_by_role("heading", name="People assisted").first.evaluate(
                        "e => e.scrollIntoView({block: 'start'})")
                    settle(page)
                    shoot(page, out, "indicators")
                context.close()
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                        device_scale_factor=1)
            page = phone.new_page()
            log_in(page, server, "fp.ng")
            shoot(page, out, "phone-home")
            phone.close()


if __name__ == "__main__":
    main()
