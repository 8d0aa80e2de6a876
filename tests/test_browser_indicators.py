"""The indicators in the real browser: the PDF is built when the manager clicks, and hides
small counts. (AppTest cannot reach a download's bytes, so this path is tested here.)"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.test_browser import CHROMIUM, browser, log_in, open_page, server  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]


def test_manager_downloads_the_pdf_report_with_small_counts_hidden(server, browser, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, server, "manager")
    open_page(page, "Indicators")
    page.get_by_label("Programme").first.click()
    page.get_by_role("option", name="CARE+").click()
    page.get_by_text("Cases referred from Nov 1, 2017 to Apr 30, 2019").first.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "indicators-manager.png"))
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Report as PDF").click()
    assert download.value.suggested_filename == "indicators-CARE_PLUS-2017-11-01-2019-04-30.pdf"
    download.value.save_as(tmp_path / "report.pdf")
    reader = PdfReader(io.BytesIO((tmp_path / "report.pdf").read_bytes()))
    lines = "\n".join(p.extract_text() for p in reader.pages).splitlines()
    assert "Declined by the person <5" in lines and "Referrals received 6" in lines
    assert b" re f" in b"".join(p.get_contents().get_data() for p in reader.pages), "the charts, drawn"
    context.close()
