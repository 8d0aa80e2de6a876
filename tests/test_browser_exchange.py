"""The data exchange page in the real browser: the HTCDS file is built when the coordinator
clicks, and a file uploaded is checked row by row (AppTest reaches neither a download's bytes
nor an upload). Only a dry run here: the shared demo database is left as it was."""

from __future__ import annotations

import time

import openpyxl
import pytest

from sqlmodel import func, select

from db.engine import engine_for, session_scope
from db.models import Case, Programme
from tests.test_browser import CHROMIUM, browser, click_until, log_in, open_page, server  # noqa: F401 (fixtures)
from tests.test_bulk_import import ROW, csv_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]


def _care_cases(demo_db_url: str) -> int:
    """The CARE programme's cases now: other tests of the same run may have added some to the shared demo."""
    with session_scope(engine_for(demo_db_url)) as s:
        return s.exec(select(func.count()).select_from(Case).join(Programme, Programme.id == Case.programme_id)
                      .where(Programme.code == "CARE")).one()


def test_coordinator_downloads_the_htcds_file_and_checks_an_import(server, browser, tmp_path,  # noqa: F811
                                                                     demo_db_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, server, "coord")
    open_page(page, "Data exchange")
    page.get_by_label("Programme").first.click()
    page.get_by_role("option", name="CARE: Coordinated Approach").click()
    page.get_by_text("Download the HTCDS file").first.wait_for(timeout=30_000)
    for _attempt in range(10):  # the button is drawn again for CARE once the rerun the choice started ends
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name="Download the HTCDS file").click()
        if download.value.suggested_filename == "htcds-CARE.xlsx":
            break
        time.sleep(1)
    assert download.value.suggested_filename == "htcds-CARE.xlsx"
    download.value.save_as(tmp_path / "htcds.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "htcds.xlsx")["Cases"]
    headings = [c.value for c in ws[1]]
    assert "vic_TypeOfSexExploitation" in headings and "prs_FirstName" not in headings
    cases = _care_cases(demo_db_url)
    assert cases >= 130  # the demo's 130, and any another test added
    assert ws.max_row == 1 + cases  # a heading, then one row per case of the programme

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([ROW | {"prs_Nationality": "XX"}]))
    page.locator("input[type=file]").first.set_input_files(str(bad))
    click_until(page.get_by_role("button", name="Check the file").first,
                page.get_by_text("1 error(s): nothing was imported.").first)

    page.screenshot(path=str(tmp_path / "exchange.png"))
    context.close()
