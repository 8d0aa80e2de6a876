"""The document every export starts from: fonts for any script, a header and page numbers.

The fonts ship with the app (care/fonts, with their licences) so that a name in Cyrillic,
Arabic, Devanagari or Chinese prints as that name on any machine. Text shaping (HarfBuzz)
joins Arabic letters, orders right-to-left runs and places Devanagari vowel signs.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, PDFResourceType, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from care.i18n import _, fmt_date

FONTS = Path(__file__).resolve().parent.parent / "fonts"
BODY = "DejaVu"
FALLBACKS = ["NotoDevanagari", "DroidFallback"]
# The Chinese font is 4 MB and takes a quarter of a second to load: it is added the first
# time the text needs a glyph the other fonts lack (see `get_fallback_font`).
LAZY_FALLBACK = ("DroidFallback", FONTS / "DroidSansFallbackFull.ttf")


# Parsed fonts, shared by every document of the process: reading a font's tables (widths,
# character map) took 0.1-0.2 s per font and per document. What a document changes (the
# glyphs it uses, the font file it subsets when written) stays its own, see `_add_font`.
_PARSED: dict[tuple[str, str], TTFFont] = {}


def needs_shaping(text: object) -> bool:
    """Whether HarfBuzz must lay `text` out: combining marks, or a script from Hebrew on (Arabic,
    Devanagari, Thai...). Latin, Greek and Cyrillic print right without it, and shaping every
    cell was most of a case summary's time."""
    return isinstance(text, str) and any(ch >= "\u0590" or "\u0300" <= ch <= "\u036f" for ch in text)


class CareDocument(FPDF):
    def __init__(self, title: str, subtitle: str = "", *, page_format: str | tuple[float, float] = "A4", margin: float = 18):
        super().__init__(orientation="P", unit="mm", format=page_format)
        self.doc_title = title
        self.doc_subtitle = subtitle
        self.generated_at = datetime.now(UTC)
        self.set_title(title)
        self.set_creator("CARE case management")
        self._add_font(BODY, "", FONTS / "DejaVuSans.ttf")
        self._add_font(BODY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self._add_font("NotoDevanagari", "", FONTS / "NotoSansDevanagari-Regular.ttf")
        self._add_font("NotoDevanagari", "B", FONTS / "NotoSansDevanagari-Bold.ttf")
        self.set_fallback_fonts([f for f in FALLBACKS if f != LAZY_FALLBACK[0]], exact_match=False)
        self.set_text_shaping(True)
        self._shaping = self.text_shaping  # switched on per text that needs it (see `needs_shaping`)
        self.set_auto_page_break(True, margin=margin)
        self.set_margins(margin, margin, margin)
        self.add_page()

    def _add_font(self, family: str, style: str, path: Path) -> None:
        """`add_font` from the process-wide parsed copy: the metrics are shared (read only), the
        glyph subset and the font file (subsetting rewrites it in place) are this document's."""
        key = (str(path), style)
        parsed = _PARSED.get(key)
        if parsed is None:
            parsed = _PARSED[key] = TTFFont(self, path, f"{family.lower()}{style}", style)
        font = copy.copy(parsed)
        font.i = len(self.fonts) + 1
        font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, lazy=True)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        self.fonts[font.fontkey] = font

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        found = super().get_fallback_font(char, style)
        if found is None and LAZY_FALLBACK[0].lower() not in self.fonts:
            self._add_font(LAZY_FALLBACK[0], "", LAZY_FALLBACK[1])
            self.set_fallback_fonts(FALLBACKS, exact_match=False)
            found = super().get_fallback_font(char, style)
        return found

    def _shaped(self, text: object) -> None:
        self.text_shaping = self._shaping if needs_shaping(text) else None

    def cell(self, *args, **kwargs):
        self._shaped(kwargs.get("text", args[2] if len(args) > 2 else ""))
        return super().cell(*args, **kwargs)

    def multi_cell(self, *args, **kwargs):
        self._shaped(kwargs.get("text", args[2] if len(args) > 2 else ""))
        return super().multi_cell(*args, **kwargs)

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
        # Fonts no page uses are left out: every font added is otherwise subset and embedded,
        # and subsetting the two Devanagari fonts took a fifth of a case summary's time.
        used = self._resource_catalog.get_used_resources(PDFResourceType.FONT)
        for key in [k for k, font in self.fonts.items() if font.i not in used]:
            del self.fonts[key]
        return bytes(self.output())
