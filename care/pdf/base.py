"""The document every export starts from: fonts for any script, a header and page numbers.

The fonts ship with the app (care/fonts, with their licences) so that a name in Cyrillic,
Arabic, Devanagari or Chinese prints as that name on any machine. Text shaping (HarfBuzz)
joins Arabic letters, orders right-to-left runs and places Devanagari vowel signs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from care.i18n import _, fmt_date

FONTS = Path(__file__).resolve().parent.parent / "fonts"
BODY = "DejaVu"
FALLBACKS = ["NotoDevanagari", "DroidFallback"]
# The Chinese font is 4 MB and takes a quarter of a second to load: it is added the first
# time the text needs a glyph the other fonts lack (see `get_fallback_font`).
LAZY_FALLBACK = ("DroidFallback", FONTS / "DroidSansFallbackFull.ttf")


class CareDocument(FPDF):
    def __init__(self, title: str, subtitle: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.doc_subtitle = subtitle
        self.generated_at = datetime.now(UTC)
        self.set_title(title)
        self.set_creator("CARE case management")
        self.add_font(BODY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(BODY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.add_font("NotoDevanagari", "", FONTS / "NotoSansDevanagari-Regular.ttf")
        self.add_font("NotoDevanagari", "B", FONTS / "NotoSansDevanagari-Bold.ttf")
        self.set_fallback_fonts([f for f in FALLBACKS if f != LAZY_FALLBACK[0]], exact_match=False)
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        found = super().get_fallback_font(char, style)
        if found is None and LAZY_FALLBACK[0].lower() not in self.fonts:
            self.add_font(LAZY_FALLBACK[0], "", LAZY_FALLBACK[1])
            self.set_fallback_fonts(FALLBACKS, exact_match=False)
            found = super().get_fallback_font(char, style)
        return found

    def header(self):
        self.set_font(BODY, "B", 9)
        self.set_text_color(90)
        self.cell(0, 5, self.doc_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(BODY, "", 8)
        line = _("Confidential: personal data of a protected person") if self.doc_subtitle == "" else self.doc_subtitle
        self.cell(0, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(3)

    def footer(self):
        self.set_y(-12)
        self.set_font(BODY, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, _("Generated {when}, page {page}/{pages}").format(
            when=fmt_date(self.generated_at, "short"), page=self.page_no(), pages="{nb}"), align="C")
        self.set_text_color(0)

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(2)
        self.set_font(BODY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font(BODY, "", size)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fields(self, rows: list[tuple[str, str]], label_width: float = 55) -> None:
        """Label and value pairs, one per line; values wrap, any script."""
        for label, value in rows:
            self.set_font(BODY, "B", 9)
            y, page = self.get_y(), self.page
            label_height = self.multi_cell(label_width, 5, label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP,
                                           output=MethodReturnValue.HEIGHT)
            self.set_font(BODY, "", 10)
            self.multi_cell(0, 5, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if self.page == page:  # a long label must not run into the next row
                self.set_y(max(self.get_y(), y + label_height))

    def table(self, headings: list[str], rows: list[list[str]], widths: list[float] | None = None,
              align_right: tuple[int, ...] = ()) -> None:
        self.set_font(BODY, "", 9)
        col_widths = widths or [1] * len(headings)
        text_align = ["RIGHT" if i in align_right else "LEFT" for i in range(len(headings))]
        with super().table(col_widths=col_widths, text_align=text_align, line_height=5,
                           first_row_as_headings=True) as t:
            head = t.row()
            for h in headings:
                head.cell(h)
            for r in rows:
                row = t.row()
                for value in r:
                    row.cell(value if value not in (None, "") else "—")

    def output_bytes(self) -> bytes:
        return bytes(self.output())
