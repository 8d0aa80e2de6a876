"""Referrals to partner organisations in the return country: the hand-over of a person.

The sender side (coordinators of the programme, focal points of the host country:
`access.may_refer`) drafts a referral, says what it is for and what it shares, and sends
it; a user of the partner organisation accepts or declines it; an accepted referral ends
as completed (implemented, or not successful with a reason). The sender may revoke it at
any time before it ends. Only an accepted referral opens the case to the partner
(`access.shared_case_get`), and only what it shares.

Sending needs the person's consent to sharing; withdrawing that consent revokes every open
referral of the case, so the partner loses the case at their next click (access is a query).
Every change takes the referral's version (`concurrency.claim`): accepting and revoking at
the same moment, one wins and the other is told. Every change is audited with its case, so
it is on the case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, not_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from care import assessment
from care.access import (
    Actor, Role, case_get, case_scope, identity_hidden_reason, may_refer, may_see_identity, referred_followup_months,
    referred_plan_line_ids, shared_case_get,
)
from care.audit import audit_record
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems, StaleEdit
from care.followups import LineRef, line_label
from care.i18n import N_, _, fmt_date
from care.sections import Section, Table
from care.schedule import followup_label, followup_state, schedule_months
from care.text import checked_text
from care.vocab import OPEN_STAGES, PLAN_CATEGORIES, label
from care.days import check_day
from db.models import Case, FollowUp, NeedRating, NeedsAssessment, Plan, PlanLine, User, utcnow
from db.models.partner import PartnerOrganisation, PartnerReferral

PURPOSES = {
    "reception": N_("Reception at arrival"),
    "shelter": N_("Shelter"),
    "medical": N_("Medical care"),
    "psychosocial": N_("Psychosocial support"),
    "plan_lines": N_("Plan lines named in the referral"),
    "followups": N_("Follow-ups at the months named in the referral"),
}
STATES = {
    "draft": N_("Draft"),
    "sent": N_("Sent, waiting for an answer"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
    "revoked": N_("Revoked"),
}
OUTCOMES = {"implemented": N_("Implemented"), "not_successful": N_("Not successful")}
OPEN = ("draft", "sent", "accepted")  # the sender may still revoke these
MESSAGE_MAX = 4000
REASON_MAX = 2000

# The timeline in words (care/casefile.py lists these with the other actions).
TIMELINE_PHRASES = {
    "partner_referral.create": N_("Referral to a partner drafted"),
    "partner_referral.edit": N_("Referral to a partner changed"),
    "partner_referral.send": N_("Referral sent to the partner"),
    "partner_referral.accept": N_("Referral accepted by the partner"),
    "partner_referral.decline": N_("Referral declined by the partner"),
    "partner_referral.complete": N_("Referral completed"),
    "partner_referral.revoke": N_("Referral revoked"),
    "case.consent_sharing_withdraw": N_("Consent to sharing withdrawn"),
}

# HTCDS (UNMigration/HTCDS, "HTCDS Field Reference.md", Case and Organisation tables). A return to
# the country of origin is a change of location; the organisation types have no value for an IOM
# office (intergovernmental) and do not say whether a government service is central or local.
HTCDS_REASON_OUTGOING = "MigrationOrChangeOfLocation"
HTCDS_ORG_TYPE = {"ngo": "NGO", "shelter": "NGO", "health": "HealthServiceOrganisation", "government": "", "iom": ""}


def state_label(state: str) -> str:
    return label(STATES, state)


def purposes_text(purposes) -> str:
    return ", ".join(label(PURPOSES, p) for p in purposes or ())


@dataclass(frozen=True)
class ReferralInput:
    """What the referral form sends."""

    partner_id: int | None
    purposes: tuple[str, ...] = ()
    plan_line_ids: tuple[int, ...] = ()
    followup_months: tuple[int, ...] = ()
    shares_identity: bool = False
    shares_assessment: bool = False
    shares_plan: bool = False
    shares_safety: bool = False
    message: str = ""
    safety_note: str = ""
    answer_by: date | None = None


@dataclass(frozen=True)
class ReferralRow:
    """One referral of a case, as the sender side lists it."""

    id: int
    version: int
    partner: str
    state: str
    purposes: tuple[str, ...]
    sent_on: date | None
    answer_by: date | None
    answer: str  # the decline reason, or the outcome with its reason

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


@dataclass(frozen=True)
class ReferralOptions:
    """What the sender may pick from for a new referral of this case."""

    case_id: int
    code: str
    partners: dict[int, str]  # active partners in the case's return country
    plan_lines: dict[int, str]  # the lines of the case's current plan
    followup_months: tuple[int, ...]  # the case's schedule, or the programme's months
    consent_sharing: bool
    may_refer: bool


@dataclass(frozen=True)
class ReferralOffer:
    """A referral waiting for the partner's answer: no identity until it is accepted."""

    id: int
    version: int
    case_code: str
    return_region: str
    purposes: tuple[str, ...]
    message: str
    answer_by: date | None
    sent_on: date | None


@dataclass(frozen=True)
class AcceptedCase:
    referral_id: int
    version: int
    case_id: int
    case_code: str


@dataclass(frozen=True)
class AssignedFollowUp:
    id: int
    label: str
    due_on: date
    state: str
    done_on: date | None


@dataclass(frozen=True)
class SharedLine:
    id: int
    description: str
    category: str
    planned_on: date | None


@dataclass(frozen=True)
class SharedView:
    """What the accepted referrals of the partner's organisation share about one case."""

    case_id: int
    code: str
    return_region: str
    referral_ids: tuple[int, ...]
    purposes: tuple[str, ...]
    messages: tuple[str, ...]
    safety_notes: tuple[str, ...]
    risk_level: str | None  # only when a referral shares the assessment
    needs: tuple[str, ...]  # the pressing need areas, in words, likewise
    lines: tuple[SharedLine, ...]
    followups: tuple[AssignedFollowUp, ...]
    may_see_identity: bool
    identity_hidden: str
    shares_assessment: bool = False
    line_refs: tuple[LineRef, ...] = field(default_factory=tuple)  # for the follow-up log form


# --- finding a referral -------------------------------------------------------------


def _not_found() -> NotPermitted:
    return NotPermitted(_("No such referral, or you are not permitted to see it."))


def _for_sender(session: Session, actor: Actor, referral_id: int) -> tuple[PartnerReferral, Case]:
    """The referral and its case, for the sender side of the case; the same error if missing or hidden."""
    ref = session.get(PartnerReferral, referral_id, populate_existing=True)
    if ref is None:
        raise _not_found()
    try:
        case = case_get(session, actor, ref.case_id)
    except NotPermitted:
        raise _not_found() from None
    if not may_refer(actor, case):
        raise NotPermitted(_("Only the coordinators and the focal points of the host country manage referrals "
                             "to partners."))
    return ref, case


def _for_partner(session: Session, actor: Actor, referral_id: int) -> tuple[PartnerReferral, Case]:
    """A referral addressed to the partner user's organisation (sent or later); nothing else."""
    ref = session.get(PartnerReferral, referral_id, populate_existing=True)
    if (ref is None or not actor.has(Role.PARTNER) or actor.partner_id is None
            or ref.partner_id != actor.partner_id or ref.state == "draft"):
        raise _not_found()
    return ref, session.get(Case, ref.case_id)


def _claim(session: Session, actor: Actor, ref: PartnerReferral, expected_version: int) -> None:
    """Take the referral at the version the user saw, or say what happened to it meanwhile."""
    try:
        claim(session, actor, PartnerReferral, {"id": ref.id}, expected_version)
    except StaleEdit:
        row = session.get(PartnerReferral, ref.id, populate_existing=True)
        who = session.get(User, row.updated_by_id) if row and row.updated_by_id else None
        raise StaleEdit(_("{who} changed this referral on {when}, after you opened it; it is now: {state}. "
                          "Nothing was saved: reload to see it.").format(
            who=who.name if who else _("Someone"), when=fmt_date(row.updated_at, "short") if row else "",
            state=state_label(row.state) if row else "")) from None
    session.refresh(ref)


def _require_state(ref: PartnerReferral, *states: str, doing: str) -> None:
    if ref.state not in states:
        raise DomainError(_("This referral is {state}: it cannot be {doing}.").format(
            state=state_label(ref.state).lower(), doing=doing))


def _audit(session: Session, actor: Actor, action: str, ref: PartnerReferral, **detail) -> None:
    # Codes and dates only: messages, notes and reasons may describe the person.
    audit_record(session, actor, f"partner_referral.{action}", case_id=ref.case_id, entity="partner_referral",
                 entity_id=ref.id, detail={"partner_id": ref.partner_id, "state": ref.state, **detail})


# --- what a referral may hold -------------------------------------------------------


def _current_plan_lines(session: Session, case_id: int) -> list[PlanLine]:
    """The lines of the case's current plan: the approved one in force, else the revision being written."""
    latest = select(Plan).where(Plan.case_id == case_id).order_by(col(Plan.revision_no).desc())
    plan = (session.exec(latest.where(Plan.status == "approved")).first()
            or session.exec(latest.where(col(Plan.status).in_(("submitted", "draft")))).first())
    if plan is None:
        return []
    return list(session.exec(select(PlanLine).where(PlanLine.plan_id == plan.id).order_by(PlanLine.id)).all())


def _months(session: Session, case: Case) -> tuple[int, ...]:
    """The follow-up months one may assign: the case's planned schedule, or the programme's settings."""
    planned = session.exec(select(FollowUp.months_after).where(
        FollowUp.case_id == case.id, FollowUp.kind == "scheduled")).all()
    months = {m for m in planned if m is not None} or set(schedule_months(session, case))
    return tuple(sorted(months))


def _partners(session: Session, case: Case) -> dict[int, str]:
    rows = session.exec(select(PartnerOrganisation.id, PartnerOrganisation.name).where(
        PartnerOrganisation.country == case.return_country, PartnerOrganisation.active.is_(True))
        .order_by(PartnerOrganisation.name)).all()
    return dict(rows)


def _checked(session: Session, case: Case, data: ReferralInput, problems: Problems) -> dict:
    """The referral's values as they will be stored; field errors in `problems`."""
    partner = session.get(PartnerOrganisation, data.partner_id) if data.partner_id is not None else None
    if partner is None:
        problems.add("partner_id", _("Choose the partner organisation."))
    elif not partner.active:
        problems.add("partner_id", _("This partner organisation is no longer active."))
    elif partner.country != case.return_country:
        problems.add("partner_id", _("This partner organisation is not in the case's return country."))
    if any(p not in PURPOSES for p in data.purposes):
        problems.add("purposes", _("Choose purposes from the list."))
    lines = {line.id for line in _current_plan_lines(session, case.id)}
    if any(i not in lines for i in data.plan_line_ids):
        problems.add("plan_line_ids", _("Name only lines of the case's current plan."))
    months = set(_months(session, case))
    if any(m not in months for m in data.followup_months):
        problems.add("followup_months", _("Name only follow-ups of the case's schedule ({months}).").format(
            months=", ".join(str(m) for m in sorted(months))))
    return dict(
        partner_id=data.partner_id, purposes=list(dict.fromkeys(data.purposes)),
        plan_line_ids=sorted(set(data.plan_line_ids)), followup_months=sorted(set(data.followup_months)),
        shares_identity=bool(data.shares_identity), shares_assessment=bool(data.shares_assessment),
        shares_plan=bool(data.shares_plan), shares_safety=bool(data.shares_safety),
        message=checked_text(problems, "message", data.message, limit=MESSAGE_MAX, multiline=True),
        safety_note=checked_text(problems, "safety_note", data.safety_note, limit=MESSAGE_MAX, multiline=True),
        answer_by=data.answer_by,
    )


def _send_problems(session: Session, case: Case, ref: PartnerReferral, today: date) -> Problems:
    """What stops a draft from being sent on `today`, by field."""
    p = Problems()
    if not case.consent_sharing or case.consent_sharing_withdrawn_on is not None:
        p.add("consent", _("The person has not consented to sharing with the partner in the return country: "
                           "a referral cannot be sent."))
    elif case.consent_sharing_on is None or case.consent_sharing_on > today:
        p.add("consent", _("Consent to sharing must be recorded with a date on or before the sending day."))
    partner = session.get(PartnerOrganisation, ref.partner_id)
    if partner is None or not partner.active:
        p.add("partner_id", _("This partner organisation is no longer active."))
    elif partner.country != case.return_country:
        p.add("partner_id", _("This partner organisation is not in the case's return country."))
    if not ref.purposes:
        p.add("purposes", _("Say what the referral is for: choose at least one purpose."))
    if ref.answer_by is not None and ref.answer_by < today:
        p.add("answer_by", _("The answer date is in the past."))
    data = ReferralInput(partner_id=ref.partner_id, plan_line_ids=tuple(ref.plan_line_ids or ()),
                         followup_months=tuple(ref.followup_months or ()))
    _checked(session, case, data, p)
    return p


# --- the sender side ------------------------------------------------------------------


def referral_options(session: Session, actor: Actor, case_id: int) -> ReferralOptions:
    """The partners, plan lines and follow-up months a new referral of this case may name."""
    case = case_get(session, actor, case_id)
    lines = {line.id: line_label(line) for line in _current_plan_lines(session, case.id)}
    return ReferralOptions(case.id, case.code, _partners(session, case), lines, _months(session, case),
                           case.consent_sharing and case.consent_sharing_withdrawn_on is None, may_refer(actor, case))


def case_referrals(session: Session, actor: Actor, case_id: int) -> list[ReferralRow]:
    """The case's referrals to partners, the newest first (staff who see the case)."""
    case = case_get(session, actor, case_id)
    rows = session.exec(select(PartnerReferral, PartnerOrganisation.name)
                        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerReferral.partner_id)
                        .where(PartnerReferral.case_id == case.id)
                        .order_by(col(PartnerReferral.created_at).desc(), col(PartnerReferral.id).desc())).all()
    out = []
    for ref, name in rows:
        answer = ref.decline_reason if ref.state == "declined" else ref.revoke_reason if ref.state == "revoked" else ""
        if ref.state == "completed":
            answer = label(OUTCOMES, ref.outcome) + (f": {ref.outcome_reason}" if ref.outcome_reason else "")
        out.append(ReferralRow(ref.id, ref.version, name, ref.state, tuple(ref.purposes or ()), ref.sent_on,
                               ref.answer_by, answer))
    return out


def referral_create(session: Session, actor: Actor, case_id: int, data: ReferralInput) -> PartnerReferral:
    """A draft referral of the case to a partner organisation of its return country."""
    case = case_get(session, actor, case_id)
    if not may_refer(actor, case):
        raise NotPermitted(_("Only the coordinators and the focal points of the host country refer a case to "
                             "a partner."))
    p = Problems()
    values = _checked(session, case, data, p)
    p.raise_if_any()
    ref = PartnerReferral(case_id=case.id, state="draft", created_by_id=actor.id, updated_by_id=actor.id, **values)
    session.add(ref)
    session.flush()
    _audit(session, actor, "create", ref)
    return ref


def referral_edit(session: Session, actor: Actor, referral_id: int, data: ReferralInput, *,
                  expected_version: int) -> PartnerReferral:
    """Change a draft, unless someone changed it since the form was opened."""
    ref, case = _for_sender(session, actor, referral_id)
    p = Problems()
    values = _checked(session, case, data, p)
    p.raise_if_any()
    _claim(session, actor, ref, expected_version)
    _require_state(ref, "draft", doing=_("changed"))
    changed = [k for k, v in values.items() if getattr(ref, k) != v]
    for k, v in values.items():
        setattr(ref, k, v)
    session.add(ref)
    _audit(session, actor, "edit", ref, fields=changed)
    session.flush()
    return ref


def referral_send(session: Session, actor: Actor, referral_id: int, *, expected_version: int,
                  today: date | None = None) -> PartnerReferral:
    """Send a draft to the partner: needs the person's consent to sharing, dated on or before today."""
    today = today or date.today()
    ref, case = _for_sender(session, actor, referral_id)
    _claim(session, actor, ref, expected_version)
    _require_state(ref, "draft", doing=_("sent"))
    _send_problems(session, case, ref, today).raise_if_any()
    ref.state, ref.sent_on, ref.sent_by_id = "sent", today, actor.id
    session.add(ref)
    _audit(session, actor, "send", ref, sent_on=today)
    session.flush()
    return ref


def referral_revoke(session: Session, actor: Actor, referral_id: int, *, reason: str,
                    expected_version: int) -> PartnerReferral:
    """Take a referral back (draft, sent or accepted): the partner loses the case at their next click."""
    ref, _case = _for_sender(session, actor, referral_id)
    p = Problems()
    reason = checked_text(p, "revoke_reason", reason, limit=REASON_MAX, multiline=True,
                          required=_("Say why the referral is revoked."))
    p.raise_if_any()
    _claim(session, actor, ref, expected_version)
    _require_state(ref, *OPEN, doing=_("revoked"))
    _revoke(session, actor, ref, reason)
    session.flush()
    return ref


def _revoke(session: Session, actor: Actor, ref: PartnerReferral, reason: str) -> None:
    ref.state, ref.revoked_at, ref.revoked_by_id, ref.revoke_reason = "revoked", utcnow(), actor.id, reason
    session.add(ref)
    _audit(session, actor, "revoke", ref)


# --- the partner's answer -------------------------------------------------------------


def referral_accept(session: Session, actor: Actor, referral_id: int, *, expected_version: int) -> PartnerReferral:
    """The partner takes the person on: the case opens to the organisation's users, as far as it shares."""
    ref, _case = _for_partner(session, actor, referral_id)
    _claim(session, actor, ref, expected_version)
    _require_state(ref, "sent", doing=_("accepted"))
    ref.state, ref.answered_at, ref.answered_by_id = "accepted", utcnow(), actor.id
    session.add(ref)
    _audit(session, actor, "accept", ref)
    session.flush()
    return ref


def referral_decline(session: Session, actor: Actor, referral_id: int, *, reason: str,
                     expected_version: int) -> PartnerReferral:
    """The partner cannot take the person on, and says why (the sender looks for another partner)."""
    ref, _case = _for_partner(session, actor, referral_id)
    p = Problems()
    reason = checked_text(p, "decline_reason", reason, limit=REASON_MAX, multiline=True,
                          required=_("Say why the referral is declined."))
    p.raise_if_any()
    _claim(session, actor, ref, expected_version)
    _require_state(ref, "sent", doing=_("declined"))
    ref.state, ref.answered_at, ref.answered_by_id, ref.decline_reason = "declined", utcnow(), actor.id, reason
    session.add(ref)
    _audit(session, actor, "decline", ref)
    session.flush()
    return ref


def referral_complete(session: Session, actor: Actor, referral_id: int, *, outcome: str | None, reason: str = "",
                      on: date | None = None, expected_version: int, today: date | None = None) -> PartnerReferral:
    """An accepted referral ends: implemented, or not successful with a reason. By the partner or the sender."""
    today = today or date.today()
    if actor.has(Role.PARTNER) and not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        ref, _case = _for_partner(session, actor, referral_id)
    else:
        ref, _case = _for_sender(session, actor, referral_id)
    p = Problems()
    on = on or today
    if outcome not in OUTCOMES:
        p.add("outcome", _("Choose the outcome."))
    reason = checked_text(p, "outcome_reason", reason, limit=REASON_MAX, multiline=True,
                          required=_("Say why it was not successful.") if outcome == "not_successful" else None)
    check_day(p, "completed_on", on, label=_("The date of completion"), today=today, earliest=ref.sent_on,
              after=_("the sending of the referral"))
    p.raise_if_any()
    _claim(session, actor, ref, expected_version)
    _require_state(ref, "accepted", doing=_("completed"))
    ref.state, ref.completed_on, ref.outcome, ref.outcome_reason = "completed", on, outcome, reason
    session.add(ref)
    _audit(session, actor, "complete", ref, outcome=outcome, completed_on=on)
    session.flush()
    return ref


# --- consent to sharing ---------------------------------------------------------------


def consent_sharing_withdraw(session: Session, actor: Actor, case_id: int, on: date | None, reason: str, *,
                             today: date | None = None) -> int:
    """The person no longer agrees to sharing with the return country: every open referral of the
    case is revoked (the partner loses the case at their next click) and no new one can be sent.
    Returns how many referrals were revoked."""
    today = today or date.today()
    case = case_get(session, actor, case_id, for_update=True)
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        raise NotPermitted(_("You are not permitted to do this."))
    p = Problems()
    if not case.consent_sharing or case.consent_sharing_withdrawn_on is not None:
        p.add("withdrawn_on", _("The person has not consented to sharing: there is nothing to withdraw."))
    else:
        check_day(p, "withdrawn_on", on, label=_("The day consent was withdrawn"), today=today,
                  earliest=case.consent_sharing_on, after=_("the consent"))
    reason = checked_text(p, "withdraw_reason", reason, limit=REASON_MAX, multiline=True,
                          required=_("Say how the person withdrew consent (in their words if possible)."))
    p.raise_if_any()
    claim(session, actor, Case, {"id": case.id}, case.version)
    session.refresh(case)
    case.consent_sharing, case.consent_sharing_withdrawn_on = False, on
    session.add(case)
    open_refs = session.exec(select(PartnerReferral).where(
        PartnerReferral.case_id == case.id, col(PartnerReferral.state).in_(OPEN))).all()
    text = _("The person withdrew consent to sharing: {reason}").format(reason=reason)
    for ref in open_refs:
        claim(session, actor, PartnerReferral, {"id": ref.id}, ref.version)
        session.refresh(ref)
        _revoke(session, actor, ref, text)
    audit_record(session, actor, "case.consent_sharing_withdraw", case_id=case.id, entity="case", entity_id=case.id,
                 detail={"withdrawn_on": on, "revoked": [r.id for r in open_refs]})
    session.flush()
    return len(open_refs)


# --- the partner's side ---------------------------------------------------------------


def referrals_for_partner(session: Session, actor: Actor) -> list[ReferralOffer]:
    """The referrals sent to the partner user's organisation and waiting for its answer, the oldest first.

    Only what the partner needs to decide: no name, no contact, no history, until it accepts.
    """
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return []
    rows = session.exec(select(PartnerReferral, Case.code, Case.return_region)
                        .join(Case, Case.id == PartnerReferral.case_id)
                        .where(PartnerReferral.partner_id == actor.partner_id, PartnerReferral.state == "sent")
                        .order_by(col(PartnerReferral.sent_on), col(PartnerReferral.id))).all()
    return [ReferralOffer(r.id, r.version, code, region, tuple(r.purposes or ()), r.message, r.answer_by, r.sent_on)
            for r, code, region in rows]


def accepted_for_partner(session: Session, actor: Actor) -> list[AcceptedCase]:
    """The cases the partner user's organisation accepted and works on now, by case code."""
    if not actor.has(Role.PARTNER) or actor.partner_id is None:
        return []
    rows = session.exec(select(PartnerReferral.id, PartnerReferral.version, Case.id, Case.code)
                        .join(Case, Case.id == PartnerReferral.case_id)
                        .where(PartnerReferral.partner_id == actor.partner_id, PartnerReferral.state == "accepted")
                        .order_by(Case.code, PartnerReferral.id)).all()
    return [AcceptedCase(*r) for r in rows]


def _assigned_followups(session: Session, case: Case, months: frozenset[int], today: date) -> list[AssignedFollowUp]:
    if not months:
        return []
    rows = session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.kind == "scheduled",
                                               col(FollowUp.months_after).in_(months))
                        .order_by(FollowUp.due_on)).all()
    return [AssignedFollowUp(f.id, followup_label(f.kind, f.months_after), f.due_on,
                             followup_state(f.status, f.due_on, today), f.done_on) for f in rows]


def referral_shared_view(session: Session, actor: Actor, case_id: int, *, today: date | None = None) -> SharedView:
    """What the partner's accepted referrals share about the case; the read is audited (it may hold a
    safety note). The identity is not in it: `identity.identity_read` opens it, if `may_see_identity`."""
    today = today or date.today()
    if not actor.has(Role.PARTNER):
        raise NotPermitted(_("No such case, or you are not permitted to see it."))
    case = shared_case_get(session, actor, case_id)
    refs = session.exec(select(PartnerReferral).where(
        PartnerReferral.case_id == case.id, PartnerReferral.partner_id == actor.partner_id,
        PartnerReferral.state == "accepted").order_by(PartnerReferral.id)).all()
    purposes = tuple(dict.fromkeys(p for r in refs for p in r.purposes or ()))
    shares_assessment = any(r.shares_assessment for r in refs)
    needs: tuple[str, ...] = ()
    if shares_assessment:
        needs = tuple(assessment.label_of_area(area) for area in session.exec(
            select(NeedRating.area).join(NeedsAssessment, NeedsAssessment.id == NeedRating.assessment_id)
            .where(NeedsAssessment.case_id == case.id, NeedsAssessment.is_current.is_(True),
                   col(NeedRating.priority).in_(assessment.PRESSING)).order_by(NeedRating.area)).all())
    line_ids = referred_plan_line_ids(session, actor, case)
    lines = [line for line in _current_plan_lines(session, case.id) if line.id in line_ids]
    audit_record(session, actor, "partner_referral.read", case_id=case.id, entity="partner_referral",
                 entity_id=",".join(str(r.id) for r in refs))
    seen = may_see_identity(actor, case)
    return SharedView(
        case_id=case.id, code=case.code, return_region=case.return_region, referral_ids=tuple(r.id for r in refs),
        purposes=purposes, messages=tuple(r.message for r in refs if r.message),
        safety_notes=tuple(r.safety_note for r in refs if r.shares_safety and r.safety_note),
        risk_level=case.risk_level if shares_assessment else None, needs=needs,
        lines=tuple(SharedLine(line.id, line.description, label(PLAN_CATEGORIES, line.category), line.planned_on)
                    for line in lines),
        followups=tuple(_assigned_followups(session, case, referred_followup_months(session, actor, case), today)),
        may_see_identity=seen, identity_hidden="" if seen else identity_hidden_reason(actor, case),
        shares_assessment=shares_assessment,
        line_refs=tuple(LineRef(line.id, line_label(line), None) for line in lines),
    )


# --- Home -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralAttention:
    """A referral the sender side should act on: declined, or unanswered past its date."""

    case_id: int
    case_code: str
    partner: str
    state: str
    answer_by: date | None
    reason: str


def referrals_needing_attention(session: Session, actor: Actor, *, today: date, limit: int = 50
                                ) -> list[ReferralAttention]:
    """For coordinators and host focal points: sent referrals unanswered past their answer date, and
    declined referrals of open cases not referred again since; the oldest first."""
    if not actor.has(Role.COORDINATOR, Role.FOCAL_POINT):
        return []
    later = aliased(PartnerReferral)
    referred_again = exists().where(later.case_id == PartnerReferral.case_id, later.id != PartnerReferral.id,
                                    later.created_at > PartnerReferral.created_at, later.state != "revoked")
    late = and_(PartnerReferral.state == "sent", col(PartnerReferral.answer_by).is_not(None),
                PartnerReferral.answer_by < today)
    declined = and_(PartnerReferral.state == "declined", not_(referred_again))
    rows = session.exec(select(Case, PartnerReferral, PartnerOrganisation.name)
                        .join(PartnerReferral, PartnerReferral.case_id == Case.id)
                        .join(PartnerOrganisation, PartnerOrganisation.id == PartnerReferral.partner_id)
                        .where(case_scope(actor), col(Case.stage).in_(OPEN_STAGES), late | declined)
                        .order_by(col(PartnerReferral.answer_by), col(PartnerReferral.id)).limit(limit * 2)).all()
    return [ReferralAttention(case.id, case.code, name, ref.state, ref.answer_by, ref.decline_reason)
            for case, ref, name in rows if may_refer(actor, case)][:limit]


def partner_lines_to_deliver(session: Session, actor: Actor) -> list[tuple[str, SharedLine]]:
    """The plan lines the partner user's organisation delivers, with their case code, by planned date."""
    out = []
    for acc in accepted_for_partner(session, actor):
        case = session.get(Case, acc.case_id)
        ids = referred_plan_line_ids(session, actor, case)
        out += [(case.code, SharedLine(line.id, line.description, label(PLAN_CATEGORIES, line.category),
                                       line.planned_on))
                for line in _current_plan_lines(session, case.id) if line.id in ids]
    return sorted(dict.fromkeys(out), key=lambda x: (x[1].planned_on or date.max, x[0]))


def partner_followups_due(session: Session, actor: Actor, *, today: date) -> list[tuple[str, AssignedFollowUp]]:
    """The follow-ups assigned to the partner user's organisation still to do, the most overdue first."""
    out = []
    for case_id in dict.fromkeys(a.case_id for a in accepted_for_partner(session, actor)):
        case = session.get(Case, case_id)
        out += [(case.code, f) for f in _assigned_followups(
            session, case, referred_followup_months(session, actor, case), today) if f.state in ("overdue", "due",
                                                                                                  "planned")]
    return sorted(out, key=lambda x: (x[1].due_on, x[0]))


# --- HTCDS ----------------------------------------------------------------------------


def htcds_outgoing_referral(session: Session, referral: PartnerReferral) -> dict[str, str]:
    """The referral in HTCDS's outgoing-referral fields (Case table) and the referred organisation's own
    fields (Organisation table), for an export with HTCDS names. Only a sent referral is an outgoing one.

    The details are the purposes in words: the message and the safety note stay out of exports.
    """
    org = session.get(PartnerOrganisation, referral.partner_id)
    return {
        "cas_ReferredOrganisation": org.name if org else "",
        "org_Name": org.name if org else "",
        "org_ShippingCountry": org.country if org else "",
        "org_Type": HTCDS_ORG_TYPE.get(org.kind, "") if org else "",
        "cas_ReasonForOutgoingReferral": HTCDS_REASON_OUTGOING if referral.sent_on else "",
        "cas_OutgoingReferralDate": referral.sent_on.isoformat() if referral.sent_on else "",
        "cas_OutgoingReferralDetails": "; ".join(referral.purposes or ()),
    }


# --- the case file --------------------------------------------------------------------


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The case's referrals to partners with their state and answer (staff who see the case)."""
    rows = case_referrals(session, actor, case.id)
    if not rows:
        return None
    consent = _("Yes, on {date}").format(date=fmt_date(case.consent_sharing_on)) if case.consent_sharing else _("No")
    if case.consent_sharing_withdrawn_on:
        consent = _("Withdrawn on {date}").format(date=fmt_date(case.consent_sharing_withdrawn_on))
    table = Table([_("Partner"), _("State"), _("Purposes"), _("Sent on"), _("Answer by"), _("Answer")],
                  [[r.partner, state_label(r.state), purposes_text(r.purposes),
                    fmt_date(r.sent_on) if r.sent_on else "", fmt_date(r.answer_by) if r.answer_by else "", r.answer]
                   for r in rows])
    return Section(title=_("Referrals to partners"), rows=[(_("Consent to sharing"), consent)], tables=[table])
