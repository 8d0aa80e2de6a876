"""The case summary PDF: names in any script come out as text and as the right glyphs; audited."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from sqlmodel import select

from care.i18n import use_language
from care.pdf.case_summary import case_summary_pdf
from db.models import AuditEvent
from tests.factories import make_actor
from tests.factories_intake import identity, person, register

NAMES = {
    "cyrillic": ("Олена", "Коваленко"),
    "arabic": ("فاطمة", "بنعلي"),
    "devanagari": ("सीता", "श्रेष्ठ"),
}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _summary(session, given: str, family: str, **person_changes) -> bytes:
    coord = make_actor(session, "coordinator")
    case_id = register(session, coord, identity=identity(given_names=given, family_names=family, phone=""),
                       person=person(**person_changes)).case_id
    return case_summary_pdf(session, coord, case_id)


@pytest.mark.parametrize("script", list(NAMES))
def test_a_name_in_any_script_is_in_the_pdf_as_text(session, script):
    given, family = NAMES[script]
    data = _summary(session, given, family)
    text = pdf_text(data)
    if script == "arabic":  # right-to-left: extractors give the words in visual or logical order
        assert given in text or given[::-1] in text
        assert family in text or family[::-1] in text
    else:
        assert given in text and family in text
    assert "CARE-FR-2014-0001" in text and "Referral and person" in text


def test_the_scripts_are_drawn_with_fonts_that_have_their_glyphs(session):
    data = _summary(session, "सीता Олена", "فاطمة")
    fonts = font_names(data)
    assert any("NotoSansDevanagari" in f for f in fonts), fonts  # Devanagari, shaped by HarfBuzz
    assert any("DejaVuSans" in f for f in fonts), fonts  # Latin, Cyrillic and Arabic
    assert not any("DroidSans" in f for f in fonts), "the Chinese font is loaded only when needed"


def test_a_chinese_name_brings_the_chinese_font(session):
    data = _summary(session, "秀英", "王")
    assert any("DroidSans" in f for f in font_names(data))
    assert "秀英" in pdf_text(data)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_pdf_renders(session, tmp_path):
    given, family = NAMES["devanagari"]
    (tmp_path / "case.pdf").write_bytes(_summary(session, given, family))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "case.pdf"), str(tmp_path / "page")], check=True,
                   capture_output=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.stat().st_size > 5_000 for p in pages)


def test_the_export_is_audited_and_html_stays_text(session):
    data = _summary(session, "<b>Ada</b>", "Test'; DROP TABLE identity;--", return_region="<i>Benin</i> City")
    text = pdf_text(data)
    assert "<b>Ada</b>" in text and "<i>Benin</i> City" in text and "DROP TABLE identity" in text
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "export.case_pdf")).one()
    assert event.case_id is not None and '"identity": true' in event.detail


def test_the_pdf_speaks_the_users_language(session):
    with use_language("fr"):
        text = pdf_text(_summary(session, "Ada", "Test"))
    assert "Chronologie" in text or "Orientation et personne" in text
