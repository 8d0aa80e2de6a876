"""The person's own data on paper: the subject access export as a PDF.

The same content as the JSON (`care.subject_rights.subject_access_export`), table by table
with each stored field under its column name, then who read the identity and when, then
every audit event of the case. Made on request and audited like the JSON.
"""

from __future__ import annotations

from sqlmodel import Session

from care.access import Actor
from care.i18n import _, fmt_date
from care.pdf.base import CareDocument
from care.subject_rights import TABLES, subject_access_export


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _rows(doc: CareDocument, rows: list[dict]) -> None:
    if not rows:
        doc.paragraph(_("Nothing stored."))
        return
    for i, row in enumerate(rows):
        if i:
            doc.ln(2)
        doc.fields([(key, _text(value)) for key, value in row.items()], label_width=60)


def subject_access_pdf(session: Session, actor: Actor, case_id: int) -> bytes:
    data = subject_access_export(session, actor, case_id, fmt="pdf")
    doc = CareDocument(_("Personal data held for case {code}").format(code=data["case_code"]))
    doc.heading(_("Personal data held for case {code}").format(code=data["case_code"]), size=16)
    doc.paragraph(_("Everything the programme stores about the person, made at their request. Field names are "
                    "those of the database; codes are explained in the programme's documentation."))
    doc.heading(_("Identity"), 12)
    _rows(doc, [data["identity"]])
    for key, title, _model in TABLES:
        doc.heading(_(title), 12)
        value = data[key]
        _rows(doc, [value] if isinstance(value, dict) else value)
    doc.heading(_("Who read the identity, and when"), 12)
    doc.table([_("When"), _("Who"), _("How")],
              [[fmt_date(r["at"], "short"), f"{r['user']} ({r['username']})", r["action"]]
               for r in data["identity_reads"]], widths=[40, 80, 54])
    doc.heading(_("Every recorded action on the case"), 12)
    doc.table([_("When"), _("Who"), _("Action"), _("Detail")],
              [[fmt_date(r["at"], "short"), r["username"], r["action"], r["detail"]] for r in data["audit_events"]],
              widths=[30, 30, 40, 74])
    return doc.output_bytes()
