"""The person's own rights over their data: to receive all of it, and to have it erased.

A coordinator of the case's programme answers the person's request. The export holds every
row stored about the person, table by table, with the case's audit events, among them who
read the identity and when; it is itself an audited export (its own audit event is in it).
Erasure goes through the same anonymisation the retention period applies
(`care.lifecycle.case_anonymise`), now: the identity and every narrative field are blanked,
coded data and amounts stay so the programme's figures do not change.

Decision: an open case is closed as part of the erasure, with the closing reason
"withdrew consent" on the day of the request's recording, because a person who asks to
be erased no longer consents to the programme holding their data; the coordinator does
not have to close it first. Its open referrals to partners are revoked.
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, SQLModel, select

from care.access import Actor, Role, case_get, require_programme
from care.audit import audit_record
from care.casemove import open_referrals_revoke
from care.concurrency import claim
from care.errors import DomainError, Problems
from care.i18n import N_, _
from care.identity import identity_read
from care.lifecycle import case_anonymise, case_rows
from care.path import stage_move
from care.text import NOTE_MAX, checked_text
from care.vocab import Stage
from care.days import check_day
from db.models import (
    AuditEvent, Case, CaseDocument, ChecklistItem, ChildView, EarlyWarning, FollowUp, FollowUpLineProgress,
    FollowUpScore, MinorActor, MinorProcedure, Mitigation, NeedRating, NeedsAssessment, PartnerOrganisation,
    PartnerReferral, Payment, Plan, PlanLine, PlanLineItem, Referral, RiskAssessment, RiskFactorRating, RssAnswer,
    RssSurvey, User,
)

# What is stored about the person, table by table, in the export's order (the identity comes
# from `identity_read`; its search key, hashes of the names, is left out: it says nothing more).
TABLES: list[tuple[str, str, type[SQLModel]]] = [
    ("case", N_("Case"), Case),
    ("referral_register", N_("Referral register entry"), Referral),
    ("risk_assessments", N_("Risk assessments"), RiskAssessment),
    ("risk_factor_ratings", N_("Risk factors"), RiskFactorRating),
    ("mitigations", N_("Mitigation measures"), Mitigation),
    ("needs_assessments", N_("Needs assessments"), NeedsAssessment),
    ("need_ratings", N_("Needs"), NeedRating),
    ("plans", N_("Plan revisions"), Plan),
    ("plan_lines", N_("Plan lines"), PlanLine),
    ("plan_line_items", N_("Items of plan lines"), PlanLineItem),
    ("payments", N_("Payments"), Payment),
    ("checklists", N_("Departure and arrival checklists"), ChecklistItem),
    ("followups", N_("Follow-ups"), FollowUp),
    ("followup_scores", N_("Follow-up scores"), FollowUpScore),
    ("followup_line_progress", N_("Progress of plan lines at follow-ups"), FollowUpLineProgress),
    ("sustainability_surveys", N_("Sustainability surveys"), RssSurvey),
    ("sustainability_answers", N_("Sustainability survey answers"), RssAnswer),
    ("early_warnings", N_("Early warnings"), EarlyWarning),
    ("minor_procedure", N_("Minors' procedure"), MinorProcedure),
    ("minor_actors", N_("Minors' procedure: actors"), MinorActor),
    ("child_views", N_("Child's views"), ChildView),
    ("partner_referrals", N_("Referrals to partners"), PartnerReferral),
    ("case_documents", N_("Case documents (listed; the files are given on request)"), CaseDocument),
]
IDENTITY_LEFT_OUT = ("name_index",)


def _coordinated(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    case = case_get(session, actor, case_id, for_update=for_update)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    return case


def subject_access_export(session: Session, actor: Actor, case_id: int, *, fmt: str = "json") -> dict:
    """Everything stored about the person of one case, as plain data (JSON-ready but for dates and
    amounts). Audited as an export ("export.subject_access", with the format)."""
    case = _coordinated(session, actor, case_id)
    person = identity_read(session, actor, case.id, purpose="export.subject_access", detail={"format": fmt})
    data: dict = {"case_code": case.code}
    for key, _title, model in TABLES:
        rows = session.exec(select(model).where(case_rows(model, case.id))).all()
        data[key] = [r.model_dump() for r in rows]
    data["case"] = data["case"][0]
    data["identity"] = {k: v for k, v in vars(person).items() if k not in IDENTITY_LEFT_OUT}
    names = dict(session.exec(select(PartnerOrganisation.id, PartnerOrganisation.name)).all())
    for ref in data["partner_referrals"]:
        ref["partner_name"] = names.get(ref["partner_id"], "")
    events = session.exec(
        select(AuditEvent, User.name).join(User, User.id == AuditEvent.user_id, isouter=True)
        .where(AuditEvent.case_id == case.id).order_by(AuditEvent.at, AuditEvent.id)).all()
    data["audit_events"] = [{"at": e.at, "user": name or "", "username": e.username, "action": e.action,
                             "entity": e.entity, "entity_id": e.entity_id, "detail": e.detail} for e, name in events]
    # Who saw the name and contacts: each opening and each export that printed them.
    data["identity_reads"] = [{"at": e.at, "user": name or "", "username": e.username, "action": e.action}
                              for e, name in events if e.entity == "identity" and e.action != "identity.edit"]
    return data


def subject_access_json(session: Session, actor: Actor, case_id: int) -> bytes:
    """The export as UTF-8 JSON, dates in ISO 8601, amounts as exact decimal strings."""
    data = subject_access_export(session, actor, case_id, fmt="json")
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2).encode("utf-8")


def _plain(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def erasure_request(session: Session, actor: Actor, case_id: int, *, requested_on: date | None, reason: str,
                    expected_version: int, today: date | None = None) -> dict[str, int]:
    """Erase the person from the case now, on their request: the request (date and reason) is
    recorded, an open case is closed ("withdrew consent"), its open referrals are revoked, then
    the retention period's anonymisation runs for this case. There is no way back."""
    today = today or date.today()
    case = _coordinated(session, actor, case_id, for_update=True)
    if case.anonymised_at is not None:
        raise DomainError(_("The person's identity and notes were already removed from this case."))
    problems = Problems()
    check_day(problems, "requested_on", requested_on, label=_("The date of the request"), today=today,
              earliest=case.referral_date, after=_("the referral"))
    reason = checked_text(problems, "reason", reason, limit=NOTE_MAX, multiline=True,
                          required=_("Say how the person asked (in person, by letter...) and what they asked for."))
    problems.raise_if_any()
    claim(session, actor, Case, {"id": case.id}, expected_version)
    session.refresh(case)
    audit_record(session, actor, "case.erasure_request", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"requested_on": requested_on, "reason": reason})
    open_referrals_revoke(session, actor, case, reason="erasure requested")
    if case.stage not in (Stage.CLOSED, Stage.INELIGIBLE):
        case.closing_reason, case.closed_on = "withdrew_consent", today
        case.consent_followup = False
        case.followup_consent_withdrawn_on = case.followup_consent_withdrawn_on or today
        case.consent_sharing_withdrawn_on = case.consent_sharing_withdrawn_on or today
        stage_move(session, actor, case, Stage.CLOSED, missing=[], detail={"reason": "withdrew_consent"})
    session.flush()
    return case_anonymise(session, case.id, username=actor.username, actor=actor, action="case.erase")
