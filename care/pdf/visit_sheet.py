"""The field visit sheet: one page to take to the person's home, and the blank follow-up form.

The sheet holds what a visit needs when the network does not: how to make contact safely,
the case's flags, the last answers, the plan lines and their progress, and the questions of
the next follow-up with empty boxes to tick. Names and contacts are printed only for a user
who may see them (`access.may_see_identity`); every download is audited like any export.
"""

from __future__ import annotations

from datetime import date

from fpdf.enums import XPos, YPos
from sqlmodel import Session

from care.access import Actor, case_get, may_see_identity
from care.audit import audit_record
from care.flags import KINDS as FLAG_KINDS, case_flags
from care.followups import ALARMS, MODES, PROGRESS, QUESTIONS, SCORE_ITEMS, case_followups
from care.i18n import _, fmt_date
from care.identity import identity_read
from care.pdf.base import BODY, CareDocument
from care.safecontact import CHANNELS, safe_contact_read
from care.schedule import DONE
from care.vocab import DIMENSIONS, label

BOX = 3.2  # mm


def _boxes(doc: CareDocument, options: list[str], size: int = 8) -> None:
    """A row of empty boxes, each followed by its option."""
    doc.set_font(BODY, "", size)
    x, y = doc.l_margin + 4, doc.get_y()
    for option in options:
        width = doc.get_string_width(option) + BOX + 5
        if x + width > doc.w - doc.r_margin:
            x, y = doc.l_margin + 4, y + 5
        doc.rect(x, y + 0.6, BOX, BOX)
        doc.set_xy(x + BOX + 1, y)
        doc.cell(width - BOX - 1, 4.5, option)
        x += width
    doc.set_xy(doc.l_margin, y + 5)


def _small_heading(doc: CareDocument, text: str) -> None:
    doc.ln(1)
    doc.set_font(BODY, "B", 10)
    doc.cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _line(doc: CareDocument, text: str, size: int = 8) -> None:
    doc.set_font(BODY, "", size)
    doc.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _blank(doc: CareDocument, caption: str) -> None:
    doc.set_font(BODY, "", 8)
    doc.cell(45, 5, caption)
    y = doc.get_y() + 4.5
    doc.line(doc.l_margin + 45, y, doc.w - doc.r_margin, y)
    doc.ln(6)


def _questions(doc: CareDocument, lines: list[tuple[str, str | None]]) -> None:
    """The next follow-up's form: how, reached, the plan lines, the check's questions, alarm signs."""
    _blank(doc, _("Date of the follow-up"))
    _line(doc, _("How"))
    _boxes(doc, [label(MODES, m) for m in MODES])
    _boxes(doc, [_("Person reached"), _("Not reached")])
    _blank(doc, _("Where the person lives"))
    _blank(doc, _("With whom"))
    if lines:
        _small_heading(doc, _("Progress of the plan"))
        for n, (text, last) in enumerate(lines, start=1):
            was = _(" (last time: {progress})").format(progress=label(PROGRESS, last)) if last else ""
            _line(doc, f"{n}. {text}{was}")
            _boxes(doc, [label(PROGRESS, p) for p in PROGRESS])
    _small_heading(doc, _("Reintegration sustainability check") + " · " + _("1: not at all · 5: fully"))
    for dimension, items in SCORE_ITEMS.items():
        for item in items:
            _line(doc, f"{label(DIMENSIONS, dimension)}: {label(QUESTIONS, item)}")
            _boxes(doc, ["1", "2", "3", "4", "5", _("not asked")])
    _small_heading(doc, _("Alarm signs"))
    _boxes(doc, [label(ALARMS, a) for a in ALARMS])
    _blank(doc, _("What happened"))


def visit_sheet_pdf(session: Session, actor: Actor, case_id: int, *, today: date | None = None) -> bytes:
    """One page for a visit to the person of `case_id` (the return side only)."""
    today = today or date.today()
    view = case_followups(session, actor, case_id, today=today)  # the return side's check
    case = case_get(session, actor, case_id)
    nxt = next((r for r in view.loggable if r.state != DONE), None)
    doc = CareDocument(_("Field visit sheet {code}").format(code=view.code))
    doc.set_auto_page_break(True, margin=14)
    doc.set_font(BODY, "B", 13)
    title = _("Visit: {code}").format(code=view.code)
    if nxt:
        title += " · " + _("{what}, due {date}").format(what=nxt.label, date=fmt_date(nxt.due_on))
    doc.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    identity = may_see_identity(actor, case)
    if identity:
        person = identity_read(session, actor, case_id, purpose="export.visit_sheet", detail={"identity": True})
        _line(doc, " · ".join(x for x in (f"{person.given_names} {person.family_names}".strip(), person.phone,
                                         person.contact_return) if x), size=9)
        safe = safe_contact_read(session, actor, case_id)
        _small_heading(doc, _("Safe contact"))
        if safe.recorded:
            parts = [label(CHANNELS, safe.channel), safe.times, _("Who may answer: {who}").format(
                who=safe.who_may_answer) if safe.who_may_answer else "",
                _("Code word: {word}").format(word=safe.code_word) if safe.code_word else "", safe.language,
                _("Never leave a voicemail.") if safe.no_voicemail else "", safe.note]
            _line(doc, " · ".join(p for p in parts if p))
        else:
            _line(doc, _("No safe contact recorded: ask the person how they may be reached safely."))
    else:
        audit_record(session, actor, "export.visit_sheet", case_id=case_id, entity="case", entity_id=case_id,
                     detail={"identity": False})

    flags = case_flags(session, actor, case_id, today=today)
    if flags:
        _small_heading(doc, _("Flags"))
        for f in flags:
            until = _(" (until {date})").format(date=fmt_date(f.ends_on)) if f.ends_on else ""
            _line(doc, f"⚑ {label(FLAG_KINDS, f.kind)}{until}: {f.reason}")
    if view.alarm_open:
        _line(doc, _("Open alarm") + ": " + view.alarm_note.splitlines()[-1])
    if view.last_scores:
        _small_heading(doc, _("Last answers ({date})").format(date=fmt_date(view.last_scored_on)))
        _line(doc, " · ".join(f"{label(QUESTIONS, s.item)} {s.score}" for s in view.last_scores), size=7)

    _small_heading(doc, _("Next follow-up") + (": " + nxt.label if nxt else ""))
    _questions(doc, [(line.label, line.last_progress) for line in view.lines])
    return doc.output_bytes()


def blank_followup_pdf(session: Session, actor: Actor) -> bytes:
    """The follow-up form on paper, without any case: for a visit planned before the sheet could be printed."""
    doc = CareDocument(_("Follow-up form"), _("Fill in, then log it in CARE; keep it locked away, then destroy it"))
    doc.set_auto_page_break(True, margin=14)
    _blank(doc, _("Case code"))
    _small_heading(doc, _("Follow-up"))
    _questions(doc, [])
    for n in range(1, 4):
        _blank(doc, _("Plan line {n}").format(n=n))
        _boxes(doc, [label(PROGRESS, p) for p in PROGRESS])
    audit_record(session, actor, "export.blank_followup", entity="followup")
    return doc.output_bytes()
