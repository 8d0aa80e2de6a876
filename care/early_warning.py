"""Early warning of re-trafficking risk: cases raised on the coordinators' Home, each with its reason.

Three rules raise a case:
- between two surveys, the composite score or the answer on safety, debt or the intention to
  migrate fell by more than the programme's margin ("safety fell from 0.75 to 0.25 between
  month 3 and month 6");
- a planned follow-up was missed (recorded as missed, or still not done a week after its day);
- the last two attempts to reach the person failed (`care.contacts`).
The last two look back `RECENT_DAYS` only: what went wrong long ago is history, not a warning.
Each raise is stored once (a rule and what it was about), with its figures encrypted; a
coordinator closes it with a note saying what was done (audited). The indicators count them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from care.access import Actor, Role, require_programme
from care.audit import audit_record
from care.contacts import unreached_cases
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, fmt_date
from care.rss_items import WATCHED
from care.rss_scores import answer_value
from care.schedule import DUE_WITHIN_DAYS, followup_label
from care.text import checked_text
from care.vocab import OPEN_STAGES
from db.models import Case, EarlyWarning, FollowUp, RssAnswer, RssSurvey

RULES = {
    "score_drop": N_("A score fell"),
    "missed": N_("Follow-up missed"),
    "unreached": N_("Not reached twice in a row"),
}
WHAT = {"composite": N_("the composite score"), "safety": N_("safety"), "debt": N_("debt"),
        "intention_to_migrate": N_("the intention to stay")}
NOTE_MAX = 2000
MISSED_AFTER_DAYS = DUE_WITHIN_DAYS  # a planned follow-up still not done this long after its day counts as missed
RECENT_DAYS = 90  # an early warning is about now: a follow-up missed or an attempt failed longer ago raises nothing


@dataclass(frozen=True)
class WarningRow:
    id: int
    case_id: int
    case_code: str
    rule: str
    reason: str  # in words, in the reader's language
    raised_on: date
    closed_on: date | None = None
    close_note: str = ""


# --- the reason, in words -------------------------------------------------------------------


def _occasion(months: int | None) -> str:
    return _("the baseline") if months is None else _("month {n}").format(n=months)


def reason_text(rule: str, detail: dict) -> str:
    """Why a case was raised, written from the stored figures in the reader's language."""
    if rule == "score_drop":
        parts = [_("{what} fell from {before} to {after}").format(
            what=_(WHAT.get(d["what"], d["what"])), before=f"{d['before']:.2f}", after=f"{d['after']:.2f}")
            for d in detail.get("falls", [])]
        text = "; ".join(parts)
        return _("{falls} between {first} and {second}").format(
            falls=text[:1].upper() + text[1:], first=_occasion(detail.get("from")), second=_occasion(detail.get("to")))
    if rule == "missed":
        return _("The follow-up {what} due on {date} did not happen").format(
            what=followup_label(detail.get("kind", "scheduled"), detail.get("months")),
            date=fmt_date(date.fromisoformat(detail["due_on"])))
    if rule == "unreached":
        return _("The last two attempts to reach the person failed (the latest on {date})").format(
            date=fmt_date(date.fromisoformat(detail["last_attempt"])))
    return rule


# --- raising ---------------------------------------------------------------------------------


def _raise(session: Session, case: Case | tuple, rule: str, key: str, detail: dict, today: date) -> bool:
    """Store one raise unless it was raised before; True if it is new."""
    case_id, programme_id = (case.id, case.programme_id) if isinstance(case, Case) else case
    if session.exec(select(EarlyWarning.id).where(EarlyWarning.case_id == case_id, EarlyWarning.key == key)).first():
        return False
    try:
        with session.begin_nested():  # two coordinators opening Home at once: the second finds it raised
            session.add(EarlyWarning(case_id=case_id, programme_id=programme_id, rule=rule, key=key,
                                     detail=json.dumps(detail), raised_on=today))
    except IntegrityError:
        return False
    audit_record(session, None, "early_warning.raise", case_id=case_id, entity="case", entity_id=case_id,
                 detail={"rule": rule})
    return True


def score_falls(before: dict, after: dict, margin: float) -> list[dict]:
    """The watched scores that fell by more than `margin` between two surveys: [{what, before, after}].

    `before`/`after` map "composite" and the watched questions to their values (0 to 1, None: no value)."""
    out = []
    for what in ("composite", *WATCHED):
        b, a = before.get(what), after.get(what)
        if b is not None and a is not None and round(b - a, 6) > margin:
            out.append({"what": what, "before": round(b, 4), "after": round(a, 4)})
    return out


def _values(session: Session, survey: RssSurvey) -> dict:
    answers = {a.item: a.answer for a in session.exec(
        select(RssAnswer).where(RssAnswer.survey_id == survey.id, col(RssAnswer.item).in_(WATCHED))).all()}
    return {"composite": survey.composite, **{w: answer_value(w, answers.get(w)) for w in WATCHED}}


def warnings_from_survey(session: Session, case: Case, survey: RssSurvey, settings, *, today: date) -> bool:
    """After a survey is recorded: compare it with the case's survey just before it. True if raised."""
    earlier = session.exec(select(RssSurvey).where(RssSurvey.case_id == case.id, RssSurvey.id != survey.id,
                                                   RssSurvey.taken_on <= survey.taken_on)
                           .order_by(col(RssSurvey.taken_on).desc(), col(RssSurvey.id).desc())).first()
    if earlier is None:
        return False
    falls = score_falls(_values(session, earlier), _values(session, survey), settings.margin)
    if not falls:
        return False
    return _raise(session, case, "score_drop", f"drop:{earlier.occasion}:{survey.occasion}",
                  {"falls": falls, "from": earlier.months_after, "to": survey.months_after}, today)


def early_warning_sweep(session: Session, actor: Actor, *, today: date) -> int:
    """Raise the coordinator's cases with a missed follow-up or two failed contacts in a row (set-based
    queries, a few rows each). Returns how many were newly raised."""
    if not actor.has(Role.COORDINATOR) or not actor.programme_ids:
        return 0
    missed = session.exec(
        select(FollowUp.id, FollowUp.kind, FollowUp.months_after, FollowUp.due_on, Case.id, Case.programme_id)
        .join(Case, Case.id == FollowUp.case_id)
        .where(col(Case.programme_id).in_(actor.programme_ids), col(Case.stage).in_(OPEN_STAGES),
               col(Case.followup_consent_withdrawn_on).is_(None),
               FollowUp.due_on >= today - timedelta(days=RECENT_DAYS),
               or_(FollowUp.status == "missed",
                   (FollowUp.status == "planned") & (FollowUp.due_on < today - timedelta(days=MISSED_AFTER_DAYS))))
    ).all()
    unreached = [u for u in unreached_cases(session, actor, limit=1000)
                 if u.last_attempt >= today - timedelta(days=RECENT_DAYS)]
    candidates = {r[4] for r in missed} | {u.case_id for u in unreached}
    if not candidates:
        return 0
    known = set(session.exec(select(EarlyWarning.case_id, EarlyWarning.key).where(  # the candidates' only
        col(EarlyWarning.case_id).in_(candidates), col(EarlyWarning.rule).in_(("missed", "unreached")))).all())
    raised = 0
    for fid, kind, months, due_on, case_id, programme_id in missed:
        key = f"missed:{fid}"
        if (case_id, key) not in known:
            raised += _raise(session, (case_id, programme_id), "missed", key,
                             {"kind": kind, "months": months, "due_on": due_on.isoformat()}, today)
    programme_of = {}
    if unreached:
        programme_of = dict(session.exec(select(Case.id, Case.programme_id)
                                         .where(col(Case.id).in_([u.case_id for u in unreached]))).all())
    for u in unreached:
        key = f"unreached:{u.last_attempt.isoformat()}"
        if (u.case_id, key) not in known:
            raised += _raise(session, (u.case_id, programme_of[u.case_id]), "unreached", key,
                             {"last_attempt": u.last_attempt.isoformat()}, today)
    session.flush()
    return raised


# --- reading and closing -------------------------------------------------------------------


def _rows(session: Session, stmt) -> list[WarningRow]:
    return [WarningRow(w.id, w.case_id, code, w.rule, reason_text(w.rule, json.loads(w.detail or "{}")), w.raised_on,
                       w.closed_on, w.close_note) for w, code in session.exec(stmt).all()]


def _coordinated(actor: Actor):
    return (select(EarlyWarning, Case.code).join(Case, Case.id == EarlyWarning.case_id)
            .where(col(EarlyWarning.programme_id).in_(actor.programme_ids)))


def early_warnings_open(session: Session, actor: Actor, *, limit: int = 50) -> list[WarningRow]:
    """The coordinator's open early warnings, the latest first."""
    if not actor.has(Role.COORDINATOR) or not actor.programme_ids:
        return []
    return _rows(session, _coordinated(actor).where(col(EarlyWarning.closed_on).is_(None))
                 .order_by(col(EarlyWarning.raised_on).desc(), col(EarlyWarning.id).desc()).limit(limit))


def early_warnings_new(session: Session, actor: Actor, *, since: datetime, limit: int = 100) -> list[WarningRow]:
    """The early warnings opened since `since` and still open, for a coordinator (the e-mail digest)."""
    if not actor.has(Role.COORDINATOR) or not actor.programme_ids:
        return []
    return _rows(session, _coordinated(actor).where(col(EarlyWarning.closed_on).is_(None),
                                                    EarlyWarning.raised_at >= since)
                 .order_by(col(EarlyWarning.raised_at).desc(), col(EarlyWarning.id).desc()).limit(limit))


def case_early_warnings(session: Session, actor: Actor, case_id: int) -> list[WarningRow]:
    """Every early warning of a case (open and closed), for its coordinators."""
    case = session.get(Case, case_id)
    if case is None or not actor.has(Role.COORDINATOR) or case.programme_id not in actor.programme_ids:
        return []
    return _rows(session, _coordinated(actor).where(EarlyWarning.case_id == case_id)
                 .order_by(col(EarlyWarning.raised_at).desc()))


def early_warning_close(session: Session, actor: Actor, warning_id: int, *, note: str,
                        today: date | None = None) -> EarlyWarning:
    """A coordinator closes an early warning, saying what was done."""
    today = today or date.today()
    w = session.get(EarlyWarning, warning_id)
    if w is None:
        raise NotPermitted(_("No such early warning, or you are not permitted to see it."))
    try:
        require_programme(actor, w.programme_id, Role.COORDINATOR)
    except NotPermitted:
        raise NotPermitted(_("No such early warning, or you are not permitted to see it.")) from None
    if w.closed_on is not None:
        raise DomainError(_("This early warning is already closed."))
    p = Problems()
    text = checked_text(p, "close_note", note, limit=NOTE_MAX, multiline=True,
                        required=_("Say what was done."))
    p.raise_if_any()
    w.closed_on, w.closed_by_id, w.close_note = today, actor.id, text
    session.add(w)
    audit_record(session, actor, "early_warning.close", case_id=w.case_id, entity="early_warning", entity_id=w.id,
                 detail={"rule": w.rule})
    session.flush()
    return w


__all__ = ["RULES", "WarningRow", "early_warning_close", "early_warning_sweep", "early_warnings_new",
           "early_warnings_open", "reason_text", "score_falls"]
