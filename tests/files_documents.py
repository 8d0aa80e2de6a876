"""Small real files for the case documents tests: a PNG, a JPEG and a PDF, each carrying a known
text (MARK) in clear inside its bytes, so a test can look for it in what the database stores."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from fpdf import FPDF
from PIL import Image, PngImagePlugin

MARK = "RECEIPT-MARK-Zuzanka-Okonkwo-4471"


def png(mark: str = MARK, size: tuple[int, int] = (40, 30)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", mark)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def jpeg(mark: str = MARK) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 200, 30)).save(out, format="JPEG", comment=mark.encode())
    return out.getvalue()


def pdf(mark: str = MARK) -> bytes:
    doc = FPDF()
    doc.set_creation_date(datetime(2014, 8, 1, tzinfo=UTC))  # the same bytes at every call
    doc.set_compression(False)  # the text stays readable in the file's bytes
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text=mark)
    return bytes(doc.output())
