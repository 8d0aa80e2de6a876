"""The person's documents on paper: each text in the person's language, then in the staff's.

Every text comes from the person-facing catalogs (`care.persontext`, marked with `P_`);
a text missing in the person's language stops the document (`MissingTranslation`), it
never falls back to English. Arabic pages are mirrored as a whole: text aligned right,
table columns from right to left, labels on the right, numbers before the text on the right.
The staff's language (English or French) follows each text in small grey type so the team
can read what the person signed; a catalog no native speaker reviewed says so in a banner.
"""

from __future__ import annotations

from babel import Locale
from babel import numbers as babel_numbers
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from care.i18n import _
from care.pdf.base import BODY, CareDocument
from sqlmodel import Session

from care.access import Actor
from care.persondocs import PersonDocData, person_document_data
from care.persontext import P_, PersonCatalog, person_catalog

TITLES = {
    "consent": P_("Informed consent"),
    "information": P_("Information sheet"),
    "plan": P_("My reintegration plan"),
    "calendar": P_("My follow-up calendar"),
}
CATEGORIES = {
    "immediate": P_("Immediate help"), "economic": P_("Work and income"), "social": P_("Social support"),
    "psychosocial": P_("Psychological support"),
}
GREY = 95
NO_BOLD = frozenset({"zh"})


class PersonDocument(CareDocument):
    """A page in two languages; mirrored when the person's language is written right to left."""

    def __init__(self, data: PersonDocData, *, card: bool = False):
        self.person = person_catalog(data.language)
        self.staff = person_catalog(data.staff_language)
        self.data = data
        self.rtl = self.person.rtl
        self.align = "R" if self.rtl else "L"
        self.scale = 0.8 if card else 1.0  # the card's type is smaller
        # Chinese has no bold face here, and fpdf2 garbled the Latin text that follows Chinese in
        # a bold cell (the staff's line): Chinese documents set their headings in regular weight.
        self.bold = "" if self.person.language in NO_BOLD else "B"
        title = self.person.text(TITLES[data.document])
        # The calendar card is small (A6), to be kept in a pocket or a wallet.
        super().__init__(title, subtitle=" ", page_format=(105, 148) if card else "A4", margin=7 if card else 18)

    def both(self, message: str) -> tuple[str, str | None]:
        """The text in the person's language, and in the staff's when that is another language."""
        mine = self.person.text(message)
        theirs = self.staff.text(message) if self.staff.language != self.person.language else None
        return mine, self.ltr(theirs)

    def ltr(self, text: str | None) -> str | None:
        """Staff text on a mirrored page starts with a left-to-right mark, so that a number opening
        it ("1 month...") stays at its start instead of moving to the right end."""
        return "\u200e" + text if self.rtl and text else text

    def label(self, message: str) -> str:
        """Both languages in one cell, the person's first."""
        mine, theirs = self.both(message)
        return mine if theirs is None else mine + "\n" + theirs

    def header(self):
        mine, theirs = self.both(TITLES[self.data.document])
        self.set_font(BODY, self.bold, 9 * self.scale)
        self.set_text_color(GREY)
        self.multi_cell(0, 5 * self.scale, f"{mine} · {self.data.case_code}", align=self.align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if theirs:
            self.set_font(BODY, "", 8 * self.scale)
            self.multi_cell(0, 4 * self.scale, theirs, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not self.person.reviewed:
            self.set_font(BODY, self.bold, 8 * self.scale)
            self.set_text_color(170, 0, 0)
            self.multi_cell(0, 4 * self.scale, _("Translation not yet reviewed by a native speaker ({language}).").format(
                language=self.person.name()), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(2 * self.scale)

    def footer(self):
        self.set_y(-12)
        self.set_font(BODY, "", 8 * self.scale)
        self.set_text_color(GREY)
        self.cell(0, 5, f"{self.data.case_code} · {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)

    def title_block(self) -> None:
        mine, theirs = self.both(TITLES[self.data.document])
        self.set_font(BODY, self.bold, 16)
        self.multi_cell(0, 8, mine, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if theirs:
            self.set_font(BODY, "", 10)
            self.set_text_color(GREY)
            self.multi_cell(0, 5, theirs, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
        self.ln(2)

    def section(self, message: str, number: int | None = None) -> None:
        mine, theirs = self.both(message)
        if self.will_page_break(22):
            self.add_page()
        self.ln(2)
        self.set_font(BODY, self.bold, 12)
        prefix = f"{number}. " if number is not None else ""
        self.multi_cell(0, 6, prefix + mine, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if theirs:
            self.set_font(BODY, "", 8)
            self.set_text_color(GREY)
            self.multi_cell(0, 4, prefix + theirs, align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
        self.ln(1)

    def text_both(self, message: str, number: int | None = None, values=None) -> None:
        """One text in the person's language, then the staff's; `values(catalog)` fills its `{name}`s
        in that catalog's language (a country is named in each language)."""
        mine, theirs = self.both(message)
        prefix = f"{number}. " if number is not None else ""
        self.set_font(BODY, "", 10 * self.scale)
        self.multi_cell(0, 5 * self.scale, prefix + mine.format(**(values(self.person) if values else {})),
                        align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if theirs:
            self.set_font(BODY, "", 8 * self.scale)
            self.set_text_color(GREY)
            self.multi_cell(0, 4 * self.scale, self.ltr(prefix) + theirs.format(**(values(self.staff) if values else {})),
                            align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
        self.ln(1.5)

    def agree_boxes(self) -> None:
        """Two boxes to tick by hand: agree, or not."""
        def line(cat: PersonCatalog) -> str:
            return "☐ " + cat.text(P_("I agree")) + "        ☐ " + cat.text(P_("I do not agree"))
        self.set_font(BODY, self.bold, 10)
        self.multi_cell(0, 6, line(self.person), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.staff.language != self.person.language:
            self.set_font(BODY, "", 8)
            self.set_text_color(GREY)
            self.multi_cell(0, 4, line(self.staff), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
        self.ln(1.5)

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[float],
             numeric: tuple[int, ...] = ()) -> None:
        """A table whose columns run from right to left on a mirrored page."""
        order = list(range(len(headings)))
        if self.rtl:
            order.reverse()
        align = ["RIGHT" if self.rtl or i in numeric else "LEFT" for i in order]
        self.set_font(BODY, "", 9 * self.scale)
        with FPDF.table(self, col_widths=[widths[i] for i in order], text_align=align, line_height=5 * self.scale,
                        first_row_as_headings=True, headings_style=FontFace(emphasis="BOLD" if self.bold else "")
                        ) as t:
            head = t.row()
            for i in order:
                head.cell(headings[i])
            for r in rows:
                row = t.row()
                for i in order:
                    row.cell(r[i] if r[i] not in (None, "") else "—")

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        """Label and value, the label on the side a reader starts from."""
        self.set_font(BODY, "", 9 * self.scale)
        order = [1, 0] if self.rtl else [0, 1]
        widths = [60, 114]
        with FPDF.table(self, col_widths=[widths[i] for i in order], text_align="RIGHT" if self.rtl else "LEFT",
                        line_height=5 * self.scale, first_row_as_headings=False) as t:
            for label, value in rows:
                cells = [label, value or "—"]
                row = t.row()
                for i in order:
                    row.cell(cells[i])
        self.ln(2)

    def signature_boxes(self, boxes: list[str]) -> None:
        """Boxes to sign and date by hand; each caption in both languages."""
        if self.will_page_break(40):
            self.add_page()
        width = (self.w - self.l_margin - self.r_margin) / len(boxes)
        top = self.get_y() + 2
        positions = range(len(boxes) - 1, -1, -1) if self.rtl else range(len(boxes))
        for slot, message in zip(positions, boxes):
            x = self.l_margin + slot * width
            self.rect(x + 1, top, width - 2, 30)
            self.set_xy(x + 2, top + 1)
            self.set_font(BODY, self.bold, 8)
            self.multi_cell(width - 4, 4, self.label(message), align=self.align)
            self.set_xy(x + 2, top + 19)
            self.set_font(BODY, "", 7)
            # The blanks on a line of their own: after a staff word on a mirrored page they would
            # move to its left.
            self.multi_cell(width - 4, 3.5, self.label(P_("Date")) + "\n____ / ____ / ______", align=self.align)
        self.set_xy(self.l_margin, top + 33)


def _money(doc: PersonDocument, amount) -> str:
    return babel_numbers.format_currency(amount, doc.data.currency, locale=Locale.parse(doc.person.locale))


def _country(doc: PersonDocument, cat: PersonCatalog | None = None) -> str:
    """The return country, named in the catalog's language (the person's by default)."""
    code = doc.data.return_country
    return Locale.parse((cat or doc.person).locale).territories.get(code, code)


def _when(doc: PersonDocument, entry) -> str:
    return doc.person.date(entry.due_on) if entry.due_on else "—"


def _what(cat: PersonCatalog, entry) -> str:
    if entry.kind == "monitoring":
        return cat.text(P_("Monitoring visit"))
    if entry.months_after == 1:
        return cat.text(P_("1 month after your return"))
    return cat.text(P_("{n} months after your return")).format(n=entry.months_after)


def _calendar(doc: PersonDocument) -> None:
    entries = doc.data.calendar
    if entries and all(e.due_on is None for e in entries):
        doc.text_both(P_("The dates are set on the day you arrive."))
    rows = []
    for e in entries:
        theirs = _what(doc.staff, e) if doc.staff.language != doc.person.language else None
        rows.append([_what(doc.person, e) + ("\n" + doc.ltr(theirs) if theirs else ""), _when(doc, e)])
    doc.grid([doc.label(P_("Follow-up")), doc.label(P_("Date"))], rows, [110, 64])


def _contacts(doc: PersonDocument) -> None:
    if doc.data.contacts:
        doc.text_both(P_("These organisations receive you in {country}:"),
                      values=lambda cat: {"country": _country(doc, cat)})
        doc.pairs([(c.name, c.contact) for c in doc.data.contacts])
    else:
        doc.text_both(P_("The programme's focal point in {country} will contact you after you arrive."),
                      values=lambda cat: {"country": _country(doc, cat)})


def _identity(doc: PersonDocument) -> None:
    doc.pairs([(doc.label(P_("Name")), doc.data.person_name), (doc.label(P_("Case code")), doc.data.case_code),
               (doc.label(P_("Return country")), _country(doc))])


def consent(doc: PersonDocument) -> None:
    doc.title_block()
    _identity(doc)
    doc.text_both(P_("This form explains how the programme uses information about you. You decide freely. "
                     "Ask any question before you sign; you may ask for an interpreter."))
    parts = [
        (P_("Processing of your data"),
         P_("The programme keeps your name, your contact details and information about your return and your "
            "plan, to organise your help. Only the staff who work on your case can see it.")),
        (P_("Follow-up after your return"),
         P_("A focal point in your country contacts you during the first year after your return, to ask how "
            "you are and how your plan is going.")),
        (P_("Sharing with partners in your country"),
         P_("If you agree, your name and contact details are given to a partner organisation that receives you "
            "in your country, so that it can help you. If you do not agree, it does not receive your name.")),
    ]
    for n, (heading, text) in enumerate(parts, start=1):
        doc.section(heading, n)
        doc.text_both(text)
        doc.agree_boxes()
    doc.section(P_("How to withdraw your consent"))
    doc.text_both(P_("You can withdraw your consent at any time, without giving a reason, by telling any staff "
                     "member of the programme. Help you have already received is not taken back."))
    doc.signature_boxes([P_("Signature of the person"), P_("Signature of the staff member"),
                         P_("Signature of the interpreter, if present")])


def information(doc: PersonDocument) -> None:
    doc.title_block()
    _identity(doc)
    doc.section(P_("Before departure"))
    doc.text_both(P_("Staff help you prepare your travel documents and your ticket, and explain your plan to you."))
    doc.section(P_("At arrival"))
    for n, item in enumerate([P_("Someone meets you at the airport."),
                              P_("If you need it, a safe place to stay (shelter)."),
                              P_("Help to travel on to your town."),
                              P_("A health check, if you need one.")], start=1):
        doc.text_both(item, n)
    doc.section(P_("Your follow-up calendar"))
    _calendar(doc)
    doc.section(P_("Who to contact in your country"))
    _contacts(doc)
    doc.section(P_("Your rights"))
    for n, item in enumerate([P_("To see the information kept about you."),
                              P_("To have wrong information corrected."),
                              P_("To withdraw your consent at any time."),
                              P_("To complain to the programme or to the data protection authority.")], start=1):
        doc.text_both(item, n)
    doc.text_both(P_("To use these rights, tell any staff member of the programme."))


def plan(doc: PersonDocument) -> None:
    doc.title_block()
    _identity(doc)
    if not doc.data.plan_approved:
        doc.text_both(P_("This plan is not approved yet: it may still change."))
    rows = [[doc.label(CATEGORIES.get(ln.category, P_("Other help"))) + "\n" + ln.description,
             doc.person.date(ln.planned_on) if ln.planned_on else "—", _money(doc, ln.amount)]
            for ln in doc.data.plan_lines]
    rows.append([doc.label(P_("Total")), "", _money(doc, doc.data.plan_total)])
    doc.grid([doc.label(P_("Help planned")), doc.label(P_("Planned on")), doc.label(P_("Amount"))], rows,
             [100, 36, 38], numeric=(2,))
    doc.ln(2)
    doc.text_both(P_("I have read this plan, or it was read to me in a language I understand, and I agree with it."))
    doc.signature_boxes([P_("Signature of the person"), P_("Signature of the staff member")])


def calendar(doc: PersonDocument) -> None:
    doc.set_font(BODY, doc.bold, 11)
    doc.multi_cell(0, 6, doc.data.person_name, align=doc.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _calendar(doc)
    doc.ln(1)
    _contacts(doc)
    doc.text_both(P_("Keep this card. If a date does not suit you, tell your contact."))


LAYOUTS = {"consent": consent, "information": information, "plan": plan, "calendar": calendar}


def render(data: PersonDocData) -> bytes:
    doc = PersonDocument(data, card=data.document == "calendar")
    LAYOUTS[data.document](doc)
    return doc.output_bytes()


def person_document_pdf(session: Session, actor: Actor, case_id: int, document: str, *,
                        language: str | None = None) -> bytes:
    """The document as PDF bytes (see `person_document_data` for who may and what is audited)."""
    return render(person_document_data(session, actor, case_id, document, language=language))
