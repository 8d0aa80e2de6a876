"""A coordinator's decisions on a case: eligible or not, and closing it with a reason.

Both move the case along the path through `care.path.stage_move`, so the entry rules
(`intake.eligible_missing` for "eligible") are the ones the case file explains. The
audit keeps codes only; the reasons written in words stay on the case, which the
administrator reading the log does not see.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from care.access import Actor, Role, case_get, require_programme
from care.concurrency import claim
from care.errors import DomainError, Problems
from care.i18n import _
from care.intake import eligible_missing
from care.path import stage_move
from care.text import checked_text
from care.vocab import CLOSING_REASONS, Stage
from care.days import check_day
from db.models import Case, Referral

REASON_MAX = 2000


def _coordinated_case(session: Session, actor: Actor, case_id: int) -> Case:
    case = case_get(session, actor, case_id)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    return case


def eligibility_decide(session: Session, actor: Actor, case_id: int, *, eligible: bool, reason: str = "",
                       expected_version: int) -> Case:
    """Confirm a referred case eligible (only if every criterion is met), or find it ineligible with a reason."""
    case = _coordinated_case(session, actor, case_id)
    if case.stage != Stage.REFERRED:
        raise DomainError(_("Eligibility is decided once, while the case is at the stage “Referred”."))
    problems = Problems()
    reason = checked_text(problems, "reason", reason, limit=REASON_MAX, multiline=True,
                          required=None if eligible else _("Say why the case is not eligible."))
    if not eligible:
        problems.raise_if_any()
    claim(session, actor, Case, {"id": case.id}, expected_version)
    session.refresh(case)
    if eligible:
        return stage_move(session, actor, case, Stage.ELIGIBLE, missing=eligible_missing(session, case))
    case.ineligible_reason = reason
    referral = session.exec(select(Referral).where(Referral.case_id == case.id)).first()
    if referral is not None:
        referral.outcome = "not_eligible"
        session.add(referral)
    return stage_move(session, actor, case, Stage.INELIGIBLE, missing=[])


def case_close(session: Session, actor: Actor, case_id: int, *, reason: str, note: str, on: date | None,
               expected_version: int, today: date | None = None) -> Case:
    """Close a case with one of the closing reasons (and a note, required for "other").

    Closing because consent was withdrawn also records that follow-up consent ended that day.
    """
    case = _coordinated_case(session, actor, case_id)
    today = today or date.today()
    problems = Problems()
    if reason not in CLOSING_REASONS:
        problems.add("reason", _("Choose a closing reason."))
    note = checked_text(problems, "note", note, limit=REASON_MAX, multiline=True,
                        required=_("Say why the case is closed.") if reason == "other" else None)
    check_day(problems, "on", on, label=_("The closing date"), today=today, earliest=case.referral_date,
              after=_("the referral"))
    problems.raise_if_any()
    claim(session, actor, Case, {"id": case.id}, expected_version)
    session.refresh(case)
    case.closing_reason, case.closing_note, case.closed_on = reason, note, on
    if reason == "withdrew_consent" and case.followup_consent_withdrawn_on is None:
        case.followup_consent_withdrawn_on = on
        case.consent_followup = False
    return stage_move(session, actor, case, Stage.CLOSED, missing=[], detail={"reason": reason})
