"""Documents kept with a case: the signed consent, the signed plan, a receipt for a payment...

What donors audit and what the team must be able to show, kept with the case instead of
in a shared folder. A document is a PDF, JPEG or PNG file, with a kind, a date and a note,
attached to the case and optionally to a plan line or a payment (a receipt).

- The file is checked by its content, never by its name or the type the browser declares:
  its first bytes must say PDF, JPEG or PNG and the file must parse as one (Pillow for
  images, pypdf for PDF); a name whose extension says another type is refused, so nobody is
  misled about what they open. Its size is limited (`CARE_DOCUMENT_MAX_MB`, 10 by default).
- Its bytes, its name and the note are encrypted with the data key like the identity
  (`db.types.EncryptedBytes`), so key rotation re-encrypts them and a copy of the database
  shows nothing of them. The name is cleaned (`display_name`) and kept only to be shown and
  offered as the download's name: files are never written to disk, so no name is a path.
- Who may see which kind is `care.access.may_see_document`; a document someone may not see is
  refused with the same words as one that does not exist. Each download is audited.
- Anonymisation deletes a case's documents (`documents_erase`); backups hold them as rows of
  the database, so a restore brings them back.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from care.access import Actor, is_coordinator_of, may_add_document, may_see_document, shared_case_get
from care.audit import audit_record
from care.config import settings
from care.errors import NotPermitted, Problems
from care.i18n import N_, _, fmt_date, fmt_number
from care.text import NOTE_MAX, checked_text
from care.ui.markdown import md_escape
from db.models import CaseDocument, CaseDocumentFile, Payment, Plan, PlanLine, User

DOCUMENT_KINDS = {
    "signed_consent": N_("Signed consent"),
    "signed_plan": N_("Signed plan"),
    "identity_copy": N_("Copy of an identity document"),
    "best_interests": N_("Best-interests decision"),
    "family_assessment": N_("Family assessment"),
    "receipt": N_("Receipt"),
    "medical": N_("Medical document"),
    "other": N_("Other document"),
}

# The types accepted, by what the content is: media type, label, the extensions a name may have.
FILE_TYPES = {
    "application/pdf": (N_("a PDF document"), (".pdf",)),
    "image/jpeg": (N_("a JPEG image"), (".jpg", ".jpeg")),
    "image/png": (N_("a PNG image"), (".png",)),
}
NAME_MAX = 120  # characters of a displayed file name
MAX_PIXELS = 50_000_000  # a scan at 600 dpi of an A3 page is about 70 MP; 50 MP is plenty for an A4 at 600 dpi
NOT_FOUND = N_("No such document, or you are not permitted to see it.")


@dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: str
    kind_label: str
    document_date: date
    note: str
    file_name: str
    media_type: str
    size: int
    plan_line_id: int | None
    payment_id: int | None
    attached_to: str  # "", or the plan line / payment in words
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class DocumentFile:
    file_name: str
    media_type: str
    data: bytes


# --- the file -------------------------------------------------------------------------------

def sniffed_type(data: bytes) -> str | None:
    """The media type the first bytes announce (PDF, JPEG, PNG), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _parses(media_type: str, data: bytes) -> bool:
    """Whether the whole file reads as what its first bytes say."""
    if media_type == "application/pdf":
        from pypdf import PdfReader

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
        except Exception:  # noqa: BLE001 - any failure to read means "not a PDF we keep"
            return False
    from PIL import Image

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[media_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != expected or img.width * img.height > MAX_PIXELS:
                    return False
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # verify() checks the structure; load() decodes every pixel
    except Exception:  # noqa: BLE001 - a broken, truncated or oversized image
        return False
    return True


def display_name(name: str | None) -> str:
    """The file's name as it is shown and offered for download: the last part of any path,
    without control or format characters (NUL, line breaks, right-to-left overrides, zero-width
    characters), without leading dots, at most `NAME_MAX` characters with its extension kept.
    Never used to build a path."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
    text = " ".join(text.split()).lstrip(". ").rstrip(". ")
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        ext = f".{ext}" if dot and 0 < len(ext) <= 5 else ""
        text = (stem if ext else text)[: NAME_MAX - len(ext)].rstrip(". ") + ext
    return text


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext and len(ext) <= 5 and " " not in ext else ""


def file_checked(problems: Problems, field: str, data: bytes | None, name: str | None) -> tuple[str, str]:
    """The media type found in the content and the name to display, or an error on `field`."""
    limit_mb = settings().document_max_mb
    if not data:
        problems.add(field, _("Choose a file (PDF, JPEG or PNG)."))
        return "", ""
    if len(data) > limit_mb * 1024 * 1024:
        problems.add(field, _("This file is larger than {n} MB, the largest a document may be. Scan it at a lower "
                              "resolution, or split it.").format(n=fmt_number(limit_mb)))
        return "", ""
    media_type = sniffed_type(data)
    if media_type is None:
        problems.add(field, _("This file is not a PDF, JPEG or PNG file (whatever its name says): only these "
                              "are kept. Save or scan it as PDF, JPEG or PNG."))
        return "", ""
    if not _parses(media_type, data):
        problems.add(field, _("This file starts like {what} but cannot be read as one: it is damaged, cut short, "
                              "or not what it claims to be.").format(what=_(FILE_TYPES[media_type][0])))
        return "", ""
    shown = display_name(name)
    ext = _extension(shown)
    if ext and ext not in FILE_TYPES[media_type][1]:
        problems.add(field, _("The file's name ends in “{ext}” but its content is {what}: rename it to end in "
                              "“{right}” if that is the document you mean, or choose the right file.").format(
            ext=md_escape(ext), what=_(FILE_TYPES[media_type][0]), right=md_escape(FILE_TYPES[media_type][1][0])))
        return "", ""
    if not ext:
        shown = (shown or _("document"))[: NAME_MAX - 5] + FILE_TYPES[media_type][1][0]
    return media_type, shown


# --- writing ----------------------------------------------------------------------------------

def _line_of_case(session: Session, case_id: int, plan_line_id: int) -> bool:
    return session.exec(select(PlanLine.id).join(Plan, Plan.id == PlanLine.plan_id).where(
        PlanLine.id == plan_line_id, Plan.case_id == case_id)).first() is not None


def document_add(session: Session, actor: Actor, *, case_id: int, kind: str, document_date: date | None,
                 note: str, file_name: str | None, data: bytes | None, plan_line_id: int | None = None,
                 payment_id: int | None = None, today: date | None = None) -> int:
    """Keep a document with the case (encrypted); return its id. Audited without its name or note."""
    today = today or date.today()
    case = shared_case_get(session, actor, case_id)
    problems = Problems()
    if kind not in DOCUMENT_KINDS:
        problems.add("kind", _("Choose what kind of document this is."))
    elif not may_add_document(session, actor, case, kind=kind):
        raise NotPermitted(_("You are not permitted to add this kind of document to this case."), field="kind")
    if document_date is None:
        problems.add("document_date", _("Give the date of the document."))
    elif document_date > today:
        problems.add("document_date", _("The document's date cannot be in the future."))
    note = checked_text(problems, "note", note, limit=NOTE_MAX, multiline=True)
    if payment_id is not None:
        payment = session.get(Payment, payment_id)
        if payment is None or not _line_of_case(session, case.id, payment.plan_line_id):
            problems.add("payment", _("This payment is not one of this case's."))
        else:
            plan_line_id = payment.plan_line_id
    elif plan_line_id is not None and not _line_of_case(session, case.id, plan_line_id):
        problems.add("plan_line", _("This plan line is not one of this case's."))
    media_type, shown = file_checked(problems, "file", data, file_name)
    problems.raise_if_any()
    doc = CaseDocument(case_id=case.id, plan_line_id=plan_line_id, payment_id=payment_id, kind=kind,
                       document_date=document_date, note=note, file_name=shown, media_type=media_type,
                       size=len(data), uploaded_by_id=actor.id)
    session.add(doc)
    session.flush()
    session.add(CaseDocumentFile(document_id=doc.id, content=bytes(data)))
    audit_record(session, actor, "document.add", case_id=case.id, entity="case_document", entity_id=doc.id,
                 detail={"kind": kind, "media_type": media_type, "size": len(data),
                         "plan_line_id": plan_line_id, "payment_id": payment_id})
    session.flush()
    return doc.id


# --- reading ----------------------------------------------------------------------------------

def documents_list(session: Session, actor: Actor, case_id: int) -> list[DocumentRow]:
    """The case's documents this actor may see, newest first (metadata only: no file is read)."""
    case = shared_case_get(session, actor, case_id)
    rows = session.exec(select(CaseDocument, User.name).join(User, User.id == CaseDocument.uploaded_by_id)
                        .where(CaseDocument.case_id == case.id)
                        .order_by(col(CaseDocument.document_date).desc(), col(CaseDocument.id).desc())).all()
    lines = dict(session.exec(select(PlanLine.id, PlanLine.description).join(Plan, Plan.id == PlanLine.plan_id)
                              .where(Plan.case_id == case.id)).all())
    paid = {p.id: p for p in session.exec(select(Payment).where(col(Payment.id).in_(
        [d.payment_id for d, _n in rows if d.payment_id]))).all()}
    out = []
    for doc, uploader in rows:
        if not may_see_document(session, actor, case, kind=doc.kind, plan_line_id=doc.plan_line_id):
            continue
        attached = ""
        if doc.payment_id and doc.payment_id in paid:
            attached = _("Payment of {day}: {what}").format(day=fmt_date(paid[doc.payment_id].paid_on),
                                                           what=lines.get(doc.plan_line_id, "")[:60])
        elif doc.plan_line_id:
            attached = _("Plan line: {what}").format(what=lines.get(doc.plan_line_id, "")[:60])
        out.append(DocumentRow(doc.id, doc.kind, _(DOCUMENT_KINDS.get(doc.kind, doc.kind)), doc.document_date,
                               doc.note, doc.file_name, doc.media_type, doc.size, doc.plan_line_id, doc.payment_id,
                               attached, uploader, doc.uploaded_at))
    return out


def document_kinds_addable(session: Session, actor: Actor, case_id: int) -> list[str]:
    """The kinds of document this actor may add to the case (none for partners)."""
    case = shared_case_get(session, actor, case_id)
    return [k for k in DOCUMENT_KINDS if may_add_document(session, actor, case, kind=k)]


def document_attachments(session: Session, actor: Actor, case_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """The plan lines and the payments (not cancelled) a document of the case may be attached to, in
    words: for the coordinators of the case's programme, who keep the plan; nothing for others."""
    case = shared_case_get(session, actor, case_id)
    if not is_coordinator_of(actor, case.programme_id):
        return {}, {}
    rows = session.exec(select(PlanLine.id, PlanLine.description, Plan.revision_no).join(
        Plan, Plan.id == PlanLine.plan_id).where(Plan.case_id == case.id).order_by(Plan.revision_no, PlanLine.id)).all()
    lines = {i: _("{what} (revision {n})").format(what=what[:60], n=n) for i, what, n in rows}
    paid = session.exec(select(Payment).where(col(Payment.plan_line_id).in_(list(lines)),
                                              col(Payment.cancelled_at).is_(None))
                        .order_by(Payment.paid_on, Payment.id)).all()
    texts = {i: what[:50] for i, what, _n in rows}
    payments = {p.id: " · ".join(x for x in (fmt_date(p.paid_on), fmt_number(p.amount), p.receipt_ref,
                                               texts.get(p.plan_line_id, "")) if x) for p in paid}
    return lines, payments


def document_read(session: Session, actor: Actor, document_id: int) -> DocumentFile:
    """The file, decrypted, for viewing or downloading; audited ("document.download").

    A document that does not exist, of a case the actor does not see, or of a kind they may not
    see: the same refusal each time, so an id tells nothing."""
    doc = session.get(CaseDocument, document_id) if isinstance(document_id, int) else None
    if doc is None:
        raise NotPermitted(_(NOT_FOUND))
    try:
        case = shared_case_get(session, actor, doc.case_id)
    except NotPermitted:
        raise NotPermitted(_(NOT_FOUND)) from None
    if not may_see_document(session, actor, case, kind=doc.kind, plan_line_id=doc.plan_line_id):
        raise NotPermitted(_(NOT_FOUND))
    stored = session.get(CaseDocumentFile, doc.id)
    if stored is None:  # erased with the case's person
        raise NotPermitted(_(NOT_FOUND))
    audit_record(session, actor, "document.download", case_id=case.id, entity="case_document", entity_id=doc.id,
                 detail={"kind": doc.kind})
    return DocumentFile(doc.file_name, doc.media_type, stored.content)


def documents_erase(session: Session, case_id: int) -> int:
    """Delete every document of the case, files first (anonymisation); return how many."""
    ids = select(CaseDocument.id).where(CaseDocument.case_id == case_id)
    count = session.exec(select(func.count()).select_from(CaseDocument).where(CaseDocument.case_id == case_id)).one()
    session.execute(delete(CaseDocumentFile).where(col(CaseDocumentFile.document_id).in_(ids))
                    .execution_options(synchronize_session=False))
    session.execute(delete(CaseDocument).where(CaseDocument.case_id == case_id)
                    .execution_options(synchronize_session=False))
    return int(count)
