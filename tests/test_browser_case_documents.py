"""In Chromium, as a coordinator: the scan of a receipt added to a payment, then downloaded, identical.

The app runs on its own copy of the demo database (the test adds a document).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.browser_app import chromium, streamlit_app
from tests.files_documents import png
from tests.test_browser import CHROMIUM, log_in
from tests.test_browser_phone import settle
from tests.demo_copy import demo_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; see README)"),
]


@pytest.fixture(scope="module")
def db_file(demo_db_url, tmp_path_factory):
    copy = tmp_path_factory.mktemp("documents") / "care.db"
    shutil.copy(demo_source(demo_db_url), copy)
    return copy


@pytest.fixture(scope="module")
def server(db_file, tmp_path_factory):
    with streamlit_app(f"sqlite:///{db_file}", tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM) as b:
        yield b


def case_with_a_payment(db_file) -> int:
    with sqlite3.connect(db_file) as con:
        return con.execute(
            "SELECT plan.case_id FROM payment JOIN plan_line ON plan_line.id = payment.plan_line_id "
            "JOIN plan ON plan.id = plan_line.plan_id JOIN care_case ON care_case.id = plan.case_id "
            "WHERE payment.cancelled_at IS NULL AND care_case.stage IN ('plan_approved', 'departed', 'arrived', "
            "'follow_up') "
            "ORDER BY plan.case_id LIMIT 1").fetchone()[0]


def stored(db_file) -> list[tuple[str, bytes]]:
    with sqlite3.connect(db_file) as con:
        return con.execute("SELECT d.kind, f.content FROM case_document d "
                           "JOIN case_document_file f ON f.document_id = d.id").fetchall()


def test_a_receipt_uploaded_to_a_payment_downloads_identical(server, browser, db_file, tmp_path):
    case_id = case_with_a_payment(db_file)
    scan = tmp_path / "receipt 0042.png"
    scan.write_bytes(png())
    wrong = tmp_path / "receipt.pdf"
    wrong.write_bytes(png())  # a PNG named .pdf: refused, with the reason next to the field

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    log_in(page, server, "coord")
    page.goto(f"{server}/plan?case={case_id}")
    page.get_by_role("heading", name="Plan and budget").first.wait_for(timeout=30_000)
    settle(page)
    page.get_by_role("tab", name="Payments").click()
    page.get_by_text("Add the receipt of a payment").first.click()
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Add the receipt"))

    form.locator("input[type=file]").set_input_files(str(wrong))
    settle(page)
    form.get_by_role("button", name="Add the receipt").click()
    page.get_by_text("but its content is a PNG image").first.wait_for(timeout=30_000)
    assert stored(db_file) == []

    form.locator("input[type=file]").set_input_files(str(scan))
    settle(page)
    form.get_by_role("button", name="Add the receipt").click()
    page.get_by_text("Receipt added.").first.wait_for(timeout=30_000)
    settle(page)
    (kind, blob), = stored(db_file)
    assert kind == "receipt" and png()[:8] not in blob

    page.get_by_role("tab", name="Payments").click()
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download").first.click()
    download = info.value
    assert download.suggested_filename == "receipt 0042.png"
    assert open(download.path(), "rb").read() == png()
    with sqlite3.connect(db_file) as con:
        actions = [r[0] for r in con.execute(
            "SELECT action FROM audit_event WHERE entity = 'case_document' ORDER BY id")]
    assert actions == ["document.add", "document.download"]
    context.close()
