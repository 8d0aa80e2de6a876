"""The case file: everything about one case on one screen, and in its summary PDF.

A summary, the stage with what is still missing before the next one (the same rules
`care.path` enforces), the sections each stage module contributes, and a timeline of
every change from the audit log with who and when. The identity is not part of it: it
is opened on its own (`care.identity.identity_read`), and that read is audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import not_, or_
from sqlmodel import Session, col, select

from care import assessment, contacts, followups, htcds_details, intake, journey, minors, plan_views, referrals, rss
from care.audit import audit_view
from care.access import Actor, Role, case_get, identity_hidden_reason, is_coordinator_of, may_see_identity
from care.countries import country_name
from care.i18n import N_, _, fmt_date
from care.stage_rules import next_stage_missing
from care.programmes import programme_settings
from care.sections import Section
from care.vocab import CLOSING_REASONS, RISK_LEVELS, Stage, label, stage_label
from db.models import AuditEvent, Case, User

# What each stage module adds to the case file and the PDF, in path order. Each takes
# (session, actor, case) and returns a Section, or None when it has nothing to show.
SECTION_PROVIDERS: list[Callable[[Session, Actor, Case], Section | None]] = [
    intake.case_section,
    htcds_details.case_section,
    assessment.case_section,
    plan_views.plan_section,
    journey.case_section,
    referrals.case_section,
    followups.case_section,
    rss.case_section,
    contacts.case_section,
    minors.case_section,
]

# The timeline in plain words. An action not listed here is shown by its code.
ACTION_PHRASES = {
    "case.create": N_("Referral registered and case opened"),
    "case.edit": N_("Referral and person data corrected"),
    "identity.edit": N_("Identity changed"),
    "case.stage": N_("Stage changed"),
    **assessment.TIMELINE_PHRASES,
    "plan.create": N_("Plan started"),
    "plan.revise": N_("Plan revision started"),
    "plan.line_add": N_("Plan line added"),
    "plan.line_edit": N_("Plan line changed"),
    "plan.line_remove": N_("Plan line removed"),
    "plan.submit": N_("Plan submitted for approval"),
    "plan.approve": N_("Plan approved"),
    "plan.reject": N_("Plan rejected"),
    "plan.supersede": N_("Plan replaced by a newer revision"),
    "payment.record": N_("Payment recorded"),
    "payment.cancel": N_("Payment cancelled"),
    "checklist.save": N_("Checklist updated"),
    "followup.schedule": N_("Follow-ups planned"),
    "followup.log": N_("Follow-up logged"),
    "followup.miss": N_("Follow-up recorded as missed"),
    "followup.alarm": N_("Alarm raised"),
    "followup.alarm_close": N_("Alarm closed"),
    "followup.consent_withdraw": N_("Consent to follow-up withdrawn"),
    "followup.monitoring_plan": N_("Monitoring visit planned"),
    "followup.monitoring_cancel": N_("Monitoring visit cancelled"),
    "minor.open": N_("Minors' procedure opened"),
    "minor.guardian_set": N_("Guardian recorded"),
    "minor.bid_record": N_("Best-interests decision recorded"),
    "minor.family_record": N_("Family assessment recorded"),
    "minor.actor_update": N_("Coordination with an actor recorded"),
    "minor.escort_set": N_("Escort named"),
    "minor.handover_record": N_("Handover at arrival recorded"),
    "minor.child_view_add": N_("Child's views recorded"),
    "referral.case": N_("Referral linked to the case"),
    **referrals.TIMELINE_PHRASES,
    "case.import": N_("Case imported"),
    "case.htcds_edit": N_("Trafficking history (HTCDS) changed"),
    "case.anonymise": N_("Identity and notes removed at the end of the retention period"),
    "case.reassign": N_("Case given to another focal point"),
    "case.move_return": N_("Return country or region changed"),
    "case.move_programme": N_("Case moved to another programme"),
    "case.erasure_request": N_("The person asked for their data to be erased"),
    "case.erase": N_("Identity and notes erased at the person's request"),
    "partner_referral.revoke": N_("Referral to a partner revoked"),
}

# The moves whose reason the timeline shows (care/casemove.py, care/subject_rights.py).
REASONED = ("case.reassign", "case.move_return", "case.move_programme", "case.erasure_request")


# Field names an edit lists, in words.
FIELD_LABELS = {
    "organisation_id": N_("Referring organisation"), "referral_date": N_("Referral date"),
    "identified_by": N_("Identified by"), "sex": N_("Sex"), "birth_date": N_("Date of birth"),
    "estimated_age": N_("Estimated age"), "is_minor": N_("Minor at referral"), "nationality": N_("Nationality"),
    "languages": N_("Languages"), "preferred_languages": N_("Preferred languages"),
    "interpreter_needed": N_("Needs an interpreter"), "exploitation_forms": N_("Forms of exploitation"),
    "labour_sector": N_("Sector of labour exploitation"), "control_methods": N_("Methods of control"),
    "recruitment_method": N_("Method of recruitment"), "vulnerabilities": N_("Vulnerabilities"),
    "return_country": N_("Return country"), "return_region": N_("Region or town of return"),
    "consent_processing_on": N_("Consent to data processing"), "consent_method": N_("How consent was obtained"),
    "consent_language": N_("Language used"), "consent_interpreter": N_("Interpreter"),
    "consent_followup": N_("Consent to follow-up contact"),
    "consent_sharing": N_("Consent to sharing with the partner in the return country"),
    "given_names": N_("Given names"), "family_names": N_("Family names"), "aliases": N_("Aliases"),
    "phone": N_("Phone"), "contact_return": N_("Address or contact in the return country"),
    "emergency_contact": N_("Emergency contact"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    detail: str


@dataclass(frozen=True)
class CaseFile:
    case_id: int
    code: str
    version: int
    stage: str
    is_open: bool
    next_stage: str | None
    missing: tuple[str, ...]
    eligibility: tuple[intake.Criterion, ...]  # shown while eligibility is not decided
    summary: Section
    sections: tuple[Section, ...]
    timeline: tuple[TimelineEntry, ...]
    may_see_identity: bool
    identity_hidden: str  # why the identity is not shown, when it is not
    may_decide: bool  # a coordinator of the case's programme: eligibility and closing

    @property
    def decides_eligibility(self) -> bool:
        return self.may_decide and self.stage == Stage.REFERRED

    @property
    def missing_beyond_eligibility(self) -> list[str]:
        """What is missing that the eligibility criteria do not already say."""
        said = {c.text for c in self.eligibility}
        return [m for m in self.missing if m not in said]


def _detail(action: str, raw: str) -> str:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return raw
    if not isinstance(data, dict):
        return str(data)
    if action == "case.import":
        return _("Imported from {file} by {user}").format(file=data.get("file", ""), user=data.get("by", ""))
    if action == "case.stage":
        text = f"{stage_label(data.get('from', ''))} → {stage_label(data.get('to', ''))}"
        if data.get("reason"):
            text += f" ({label(CLOSING_REASONS, data['reason'])})"
        return text
    if action in REASONED:
        ends = [data.get("from", ""), data.get("to", "")]
        if action == "case.move_return":
            ends = [country_name(e) if e else "" for e in ends]
        text = " → ".join(e or "—" for e in ends) if any(ends) else ""
        return f"{text} ({data['reason']})" if text and data.get("reason") else text or data.get("reason", "")
    if "fields" in data:
        return ", ".join(label(FIELD_LABELS, f) for f in data["fields"]) or _("no change")
    if action == "case.create":
        return data.get("code", "")
    return ""


def timeline(session: Session, actor: Actor, case_id: int) -> list[TimelineEntry]:
    """Every change to the case, newest first, with who made it and when.

    Reads, views and exports (actions ending in ".read", ".open" or ".search", or starting with
    "export.") are in the audit log but are not part of the case's story.
    """
    case = case_get(session, actor, case_id)
    rows = session.exec(
        select(AuditEvent.at, AuditEvent.action, AuditEvent.detail, AuditEvent.username, User.name)
        .join(User, User.id == AuditEvent.user_id, isouter=True)
        .where(AuditEvent.case_id == case.id,
               not_(or_(col(AuditEvent.action).endswith(".read"), col(AuditEvent.action).endswith(".search"),
                        col(AuditEvent.action).endswith(".open"),
                        col(AuditEvent.action).startswith("export."))))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).all()
    return [TimelineEntry(at, name or username or _("System"), label(ACTION_PHRASES, action), _detail(action, detail))
            for at, action, detail, username, name in rows]


def _summary(session: Session, case: Case) -> Section:
    programme = programme_settings(session, case.programme_id)
    rows = [
        (_("Case code"), case.code),
        (_("Programme"), programme.name),
        (_("Stage"), _("{stage}, since {date}").format(stage=stage_label(case.stage),
                                                      date=fmt_date(case.stage_changed_at.date()))),
        (_("Route"), _("{host} to {ret} ({region})").format(host=country_name(case.host_country),
                                                          ret=country_name(case.return_country),
                                                          region=case.return_region or "—")),
        (_("Referral date"), fmt_date(case.referral_date)),
        (_("Minor at referral"), _("Yes: the minors' procedure applies") if case.is_minor else _("No")),
    ]
    if case.risk_level:
        rows.append((_("Risk level"), label(RISK_LEVELS, case.risk_level)))
    if case.alarm_open:
        rows.append((_("Alarm"), case.alarm_note or _("Open")))
    if case.stage == Stage.INELIGIBLE:
        rows.append((_("Reason found ineligible"), case.ineligible_reason or "—"))
    if case.stage == Stage.CLOSED:
        rows.append((_("Closed"), _("{date}: {reason}").format(date=fmt_date(case.closed_on),
                                                              reason=label(CLOSING_REASONS, case.closing_reason))))
        if case.closing_note:
            rows.append((_("Closing note"), case.closing_note))
    if case.anonymised_at:
        rows.append((_("Anonymised"), _("{date}: the person's identity and notes were removed (at the end of the "
                                        "retention period, or at their request); the figures remain.").format(
            date=fmt_date(case.anonymised_at.date()))))
    return Section(title=_("Summary"), rows=rows)


def case_file(session: Session, actor: Actor, case_id: int) -> CaseFile:
    """The case file of one case the actor may see (the same refusal for a hidden or missing case)."""
    case = case_get(session, actor, case_id)
    audit_view(session, actor, "case.open", case_id=case.id, entity="case")
    target, missing = next_stage_missing(session, case)
    sections = []
    for provider in SECTION_PROVIDERS:
        section = provider(session, actor, case)
        if section is not None:
            sections.append(section)
    eligibility = ()
    if case.stage == Stage.REFERRED:
        eligibility = tuple(intake.eligibility_of(session, actor, case.id))
    return CaseFile(
        case_id=case.id, code=case.code, version=case.version, stage=case.stage,
        is_open=case.stage not in (Stage.CLOSED, Stage.INELIGIBLE),
        next_stage=target.value if target else None, missing=tuple(missing), eligibility=eligibility,
        summary=_summary(session, case), sections=tuple(sections), timeline=tuple(timeline(session, actor, case.id)),
        may_see_identity=(seen := may_see_identity(actor, case)),
        identity_hidden="" if seen else identity_hidden_reason(actor, case),
        may_decide=is_coordinator_of(actor, case.programme_id) and actor.has(Role.COORDINATOR),
    )
