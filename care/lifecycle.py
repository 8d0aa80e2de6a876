"""The end of a case's life: after the retention period, the person is no longer in it.

A case that ended (closed, or found ineligible: the programme holds the person's data for
no further purpose either way) more than its programme's `retention_months` ago is
anonymised by `python -m care anonymise` (run it from cron; `--dry-run` lists only):

- the identity (names, contacts, search key) is blanked by `identity.identity_erase`;
- every free-text field that may describe or name the person, their family or the
  people around them (`NARRATIVE` below) is blanked;
- the documents kept with the case (scans, receipts: `care.case_documents`) are deleted;
- the exact birth date (and its keyed hash) goes; the age in whole years at referral stays
  (`age_at_referral`, copied into `estimated_age`), which is all the indicators use (age
  group at referral), so every figure stays the same;
- coded data, dates, amounts and scores stay: they are what the indicators count.

Each case gets `anonymised_at` and one audit event "case.anonymise" (counts, no names).
There is no way back: this is the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, select

from care.access import Actor
from care.audit import audit_record
from care.identity import identity_erase
from care.schedule import add_months
from care.vocab import Stage
from db.models import CaseFlag, Contact, Draft, EarlyWarning, RssAnswer, RssSurvey, SafeContact
from db.models import (
    Case, ChecklistItem, ChildView, FollowUp, FollowUpLineProgress, FollowUpScore, MinorActor, MinorProcedure,
    Mitigation, NeedRating, NeedsAssessment, PartnerReferral, Payment, Plan, PlanLine, PlanLineItem, Referral,
    RiskAssessment, RiskFactorRating, Task, TraffickingEvent, utcnow,
)

# Free text that may identify the person, per table; each table is reached from the case
# through `case_rows`. Organisation names (guardian's, best-interests body) and receipt
# references stay: they name no one in the person's life.
NARRATIVE: dict[type[SQLModel], tuple[str, ...]] = {
    Case: ("return_region", "ineligible_reason", "closing_note", "alarm_note"),
    Referral: ("note",),
    RiskAssessment: ("justification",),
    RiskFactorRating: ("note",),
    Mitigation: ("what", "who"),
    NeedsAssessment: ("work_experience", "skills", "languages", "aspirations", "opportunities"),
    NeedRating: ("note",),
    Plan: ("decision_comment", "summary_economic", "summary_social", "summary_psychosocial",
           "improvement_economic", "improvement_social", "improvement_psychosocial"),
    PlanLine: ("description", "provider"),
    PlanLineItem: ("description",),
    Payment: ("cancel_reason",),
    ChecklistItem: ("note",),
    FollowUp: ("living_where", "living_with", "wellbeing", "missed_reason", "alarm_note"),
    MinorProcedure: ("guardian_name", "guardian_contact", "bid_person", "bid_reasons", "family_done_by",
                     "family_documents", "escort_name", "handover_to"),
    MinorActor: ("contact_name", "agreed"),
    ChildView: ("words",),
    PartnerReferral: ("message", "safety_note", "decline_reason", "outcome_reason", "revoke_reason"),
    TraffickingEvent: ("city",),  # the town where the person was recruited or exploited
    Contact: ("note",),
    SafeContact: ("times", "who_may_answer", "code_word", "language", "note"),
    CaseFlag: ("reason",),
    Draft: ("payload",),
    Task: ("text", "cancel_reason"),  # a derived task copies a mitigation's or a plan line's words
    EarlyWarning: ("close_note",),  # the survey answers are codes (kept for the figures), not free text
}


@dataclass(frozen=True)
class Due:
    case_id: int
    code: str
    ended_on: date  # closed, or found ineligible
    retention_ends: date


def case_rows(model: type[SQLModel], case_id: int):
    """The WHERE clause picking `model`'s rows that belong to the case."""
    if model is Case:
        return Case.id == case_id
    if model in (RiskFactorRating, Mitigation):
        return col(model.assessment_id).in_(select(RiskAssessment.id).where(RiskAssessment.case_id == case_id))
    if model is NeedRating:
        return col(NeedRating.assessment_id).in_(select(NeedsAssessment.id).where(NeedsAssessment.case_id == case_id))
    if model is PlanLine:
        return col(PlanLine.plan_id).in_(select(Plan.id).where(Plan.case_id == case_id))
    if model is PlanLineItem:
        return col(PlanLineItem.line_id).in_(
            select(PlanLine.id).join(Plan, Plan.id == PlanLine.plan_id).where(Plan.case_id == case_id))
    if model is RssAnswer:
        return col(RssAnswer.survey_id).in_(select(RssSurvey.id).where(RssSurvey.case_id == case_id))
    if model in (FollowUpScore, FollowUpLineProgress):
        return col(model.followup_id).in_(select(FollowUp.id).where(FollowUp.case_id == case_id))
    if model is Payment:
        return col(Payment.plan_line_id).in_(
            select(PlanLine.id).join(Plan, Plan.id == PlanLine.plan_id).where(Plan.case_id == case_id))
    return model.case_id == case_id


def anonymisation_due(session: Session, today: date) -> list[Due]:
    """Ended, not yet anonymised cases whose retention period ended before `today`."""
    from care.programmes import programme_settings

    rows = session.exec(select(Case.id, Case.code, Case.stage, Case.closed_on, Case.stage_changed_at,
                               Case.programme_id)
                        .where(col(Case.stage).in_((Stage.CLOSED.value, Stage.INELIGIBLE.value)),
                               col(Case.anonymised_at).is_(None))
                        .order_by(Case.code)).all()
    months: dict[int, int] = {}
    due = []
    for case_id, code, stage, closed_on, stage_changed_at, programme_id in rows:
        ended_on = closed_on if stage == Stage.CLOSED.value else stage_changed_at.date()
        if ended_on is None:
            continue
        if programme_id not in months:
            months[programme_id] = programme_settings(session, programme_id).retention_months
        ends = add_months(ended_on, months[programme_id])
        if ends < today:
            due.append(Due(case_id, code, ended_on, ends))
    return due


def case_anonymise(session: Session, case_id: int, *, username: str, actor: Actor | None = None,
                   action: str = "case.anonymise") -> dict[str, int]:
    """Remove the person from one case, audit it, and say how many rows were blanked per table.

    At the end of the retention period it runs from the command line (no actor); on the
    person's request a coordinator runs it (`care.subject_rights.erasure_request`, "case.erase")."""
    case = session.get(Case, case_id, populate_existing=True)
    counts = {"identity": int(identity_erase(session, case_id))}
    from care.case_documents import documents_erase  # the files kept with the case go altogether

    if removed := documents_erase(session, case_id):
        counts["case_document"] = removed
    for model, names in NARRATIVE.items():
        values = dict.fromkeys(names, "")
        if model is Case:
            values |= {"birth_date": None, "birth_date_index": "", "estimated_age": case.age_at_referral,
                       "anonymised_at": utcnow()}
        if "version" in model.model_fields:
            values["version"] = model.version + 1  # a form still open on the row cannot save over this
        result = session.execute(update(model).where(case_rows(model, case_id)).values(**values)
                                 .execution_options(synchronize_session=False))
        if result.rowcount:
            counts[model.__tablename__] = result.rowcount
    audit_record(session, actor, action, case_id=case_id, entity="case", entity_id=case_id,
                 detail={"stage": case.stage, "rows": counts},
                 username=username)
    session.flush()
    session.expire_all()
    return counts


def anonymise_due(session: Session, *, today: date, username: str, dry_run: bool = False) -> list[Due]:
    """Anonymise every case that is due (or, with `dry_run`, only list them); the caller commits."""
    due = anonymisation_due(session, today)
    if not dry_run:
        for item in due:
            case_anonymise(session, item.case_id, username=username)
    return due
