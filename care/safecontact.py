"""Safe contact: how to reach the person without putting them at risk.

Calling the wrong number, leaving a voicemail a trafficker hears, or speaking to whoever
answers can endanger a person who returned. Each case (one person) holds the safe way to
reach them: channel, times, who may answer, a code word, never a voicemail, the language.
It is identifying data: encrypted at rest, shown only to those who may see the identity
(`access.may_see_identity`), every read and change audited (which fields changed, never
their values). Whoever logs a contact or a follow-up confirms they read it first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from care.access import Actor, may_see_identity, shared_case_get
from care.audit import audit_record
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _
from care.text import checked_text
from db.models import Case, SafeContact

CHANNELS = {
    "phone": N_("Phone call"),
    "message": N_("Text message"),
    "visit": N_("Visit in person"),
    "through_partner": N_("Only through the partner organisation"),
}
TEXT_FIELDS = ("times", "who_may_answer", "code_word", "language", "note")
LIMITS = {"times": 200, "who_may_answer": 200, "code_word": 100, "language": 100, "note": 1000}


@dataclass(frozen=True)
class SafeContactView:
    case_id: int
    channel: str = ""
    times: str = ""
    who_may_answer: str = ""
    code_word: str = ""
    no_voicemail: bool = True
    language: str = ""
    note: str = ""
    version: int = 0  # 0: nothing recorded yet

    @property
    def recorded(self) -> bool:
        return self.version > 0


def _case(session: Session, actor: Actor, case_id: int, *, for_update: bool = False):
    """Whoever may see the person's identity: staff, and a partner whose accepted referral shares it."""
    case = shared_case_get(session, actor, case_id, for_update=for_update)
    if not may_see_identity(actor, case):
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    return case


def _view(row: SafeContact | None, case_id: int) -> SafeContactView:
    if row is None:
        return SafeContactView(case_id)
    return SafeContactView(case_id, row.channel, row.times, row.who_may_answer, row.code_word, row.no_voicemail,
                           row.language, row.note, row.version)


def safe_contact_read(session: Session, actor: Actor, case_id: int) -> SafeContactView:
    """The safe way to reach the person (audited when there is one to read)."""
    _case(session, actor, case_id)
    row = session.get(SafeContact, case_id)
    if row is not None:
        audit_record(session, actor, "safe_contact.read", case_id=case_id, entity="safe_contact", entity_id=case_id)
    return _view(row, case_id)


def safe_contact_set(session: Session, actor: Actor, case_id: int, *, values: SafeContactView,
                     expected_version: int) -> SafeContactView:
    """Record or change the safe way to reach the person; `expected_version` 0 when none was recorded."""
    _case(session, actor, case_id, for_update=True)
    p = Problems()
    if values.channel not in CHANNELS:
        p.add("channel", _("Choose how the person may be reached."))
    texts = {name: checked_text(p, name, getattr(values, name), limit=LIMITS[name], multiline=name == "note")
             for name in TEXT_FIELDS}
    p.raise_if_any()
    row = session.get(SafeContact, case_id)
    if row is None:
        if expected_version != 0:
            raise DomainError(_("The safe contact was deleted meanwhile: reload the page."))
        row = SafeContact(case_id=case_id, updated_by_id=actor.id)
        changed = ["channel", *[n for n, v in texts.items() if v], "no_voicemail"]
    else:
        claim(session, actor, SafeContact, {"case_id": case_id}, expected_version)
        session.refresh(row)
        changed = [n for n in ("channel", "no_voicemail", *TEXT_FIELDS)
                   if getattr(row, n) != (texts[n] if n in texts else getattr(values, n))]
    row.channel, row.no_voicemail = values.channel, bool(values.no_voicemail)
    for name, text in texts.items():
        setattr(row, name, text)
    session.add(row)
    audit_record(session, actor, "safe_contact.change", case_id=case_id, entity="safe_contact", entity_id=case_id,
                 detail={"fields": changed})
    session.flush()
    return _view(row, case_id)


def require_acknowledged(session: Session, actor: Actor, case: Case, acknowledged: bool) -> None:
    """Logging a contact or a follow-up: whoever logs it read the safe contact first (when there is
    one, and they may read it: a partner the referral does not share the identity with never sees
    it, so it cannot be asked of them)."""
    if (not acknowledged and session.get(SafeContact, case.id) is not None
            and may_see_identity(actor, case)):
        raise DomainError(_("Confirm that you read the safe contact before logging."), field="safe_contact_ack")
