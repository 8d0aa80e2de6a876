"""The case summary PDF: the case file on paper, with the identity for those allowed to see it.

Printing is an export: it is audited ("export.case_pdf", with whether the identity was
printed), and the identity is read through `care.identity` like any other read.
"""

from __future__ import annotations

from sqlmodel import Session

from care.access import Actor
from care.audit import audit_record
from care.casefile import case_file
from care.i18n import _, fmt_date
from care.identity import identity_read
from care.pdf.base import CareDocument
from care.vocab import stage_label


def _heading(doc: CareDocument, text: str, size: int = 12) -> None:
    """A heading never ends a page: it goes with at least the first lines under it."""
    if doc.will_page_break(size * 0.5 + 25):
        doc.add_page()
    doc.heading(text, size=size)


def case_summary_pdf(session: Session, actor: Actor, case_id: int) -> bytes:
    """The summary of one case as PDF bytes; names in any script come out as text."""
    cf = case_file(session, actor, case_id)
    doc = CareDocument(_("Case summary {code}").format(code=cf.code))
    doc.heading(_("Case {code}").format(code=cf.code), size=16)

    _heading(doc, cf.summary.title)
    doc.fields(cf.summary.rows)

    if cf.may_see_identity:
        person = identity_read(session, actor, case_id, purpose="export.case_pdf", detail={"identity": True})
        _heading(doc, _("Identity"))
        doc.fields([
            (_("Given names"), person.given_names), (_("Family names"), person.family_names),
            (_("Aliases"), person.aliases), (_("Phone"), person.phone),
            (_("Address or contact in the return country"), person.contact_return),
            (_("Emergency contact"), person.emergency_contact),
        ])
    else:
        audit_record(session, actor, "export.case_pdf", case_id=case_id, entity="case", entity_id=case_id,
                     detail={"identity": False})

    _heading(doc, _("Stage"))
    rows = [(_("Current stage"), stage_label(cf.stage))]
    if cf.next_stage:
        rows.append((_("Before “{stage}”").format(stage=stage_label(cf.next_stage)),
                     "\n".join(f"• {m}" for m in cf.missing) if cf.missing else _("Nothing is missing.")))
    doc.fields(rows)

    for section in cf.sections:
        _heading(doc, section.title)
        doc.fields(section.rows)
        for table in section.tables:
            doc.table(table.headings, table.rows)
        for line in section.history:
            doc.paragraph(line, size=9)

    _heading(doc, _("Timeline"))
    if cf.timeline:
        doc.table([_("When"), _("Who"), _("What"), _("Detail")],
                  [[fmt_date(e.at, "short"), e.who, e.what, e.detail] for e in cf.timeline],
                  widths=[2.2, 2.2, 3, 3])
    else:
        doc.paragraph(_("No change recorded yet."))
    return doc.output_bytes()
