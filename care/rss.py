"""The sustainability survey at work: the programme's weights, taking a survey, reading a case's surveys.

A baseline is taken once per case, during the assessment (before the plan) or at arrival; the
same survey is then taken at each follow-up. Each survey is stored answer by answer (answers
encrypted) with the scores it produced and the weights that produced them. The earlier
8-question check (`care.followups`, 1 to 5) stays readable as history beside the surveys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy import delete
from sqlmodel import Session, col, select

from care.access import Actor, Role, case_get, is_coordinator_of, require
from care.audit import audit_record
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.i18n import N_, _, current_language, fmt_date
from care.rss_items import DIMENSIONS, EARLIER_CHECK_MAP, ITEM, ITEMS, NOT_APPLICABLE
from care.rss_scores import (
    DEFAULT_SOURCE, Scores, Weights, fmt_score, survey_scores, weights_label, weights_problems,
)
from care.schedule import followup_label
from care.sides import Side, works_on
from care.text import checked_text
from care.vocab import Stage
from db.models import (
    Case, FollowUp, FollowUpScore, Programme, ProgrammeHistory, ProgrammeRss, RssAnswer, RssSurvey, utcnow,
)

BASELINE = "baseline"
BASELINE_WHEN = {"assessment": N_("During the assessment, before the plan"), "arrival": N_("At arrival")}
DEFAULT_THRESHOLD = 0.5  # the programme's, not IOM's: "above the threshold" in the indicators
DEFAULT_MARGIN = 0.2  # a fall larger than this between two surveys raises an early warning
SOURCE_MAX = 300
BASELINE_STAGES = (Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED,
                   Stage.FOLLOW_UP)


# --- the programme's settings ------------------------------------------------------------


@dataclass(frozen=True)
class RssSettings:
    programme_id: int
    weights: Weights
    threshold: float
    margin: float
    version: int  # the programme settings' version


def _settings_of(p: Programme, data: dict | None) -> RssSettings:
    data = data or {}
    version = int(data.get("version", 1))
    return RssSettings(p.id, Weights.from_json(data.get("weights"), version=version),
                       float(data.get("threshold", DEFAULT_THRESHOLD)), float(data.get("margin", DEFAULT_MARGIN)),
                       p.version)


def rss_settings(session: Session, programme_id: int) -> RssSettings:
    p = session.get(Programme, programme_id)
    if p is None:
        raise NotPermitted(_("No such programme."))
    row = session.get(ProgrammeRss, programme_id)
    return _settings_of(p, row.settings if row else None)


def _number(problems: Problems, field_name: str, value, *, high: float | None = None) -> float | None:
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(parse_decimal(str(value or "").strip(), locale=current_language(), strict=False))
        except (NumberFormatError, ValueError):
            problems.add(field_name, _("Give a number, such as 1 or 0.5."))
            return None
    if number < 0 or (high is not None and number > high):
        problems.add(field_name, _("Give a number from 0 to {high}.").format(high=high) if high is not None
                     else _("A weight is a number of 0 or more."))
        return None
    return number


def rss_settings_update(session: Session, actor: Actor, *, programme_id: int, dimensions: Mapping[str, object],
                        items: Mapping[str, object], source: str, threshold: object, margin: object,
                        version: int) -> dict:
    """The administrator sets the survey's weights (with their source), the threshold and the early-warning
    margin: a new version of the programme's settings. Returns the new settings' JSON ({}: nothing changed)."""
    require(actor, Role.ADMIN)
    p = Problems()
    dims = {d: _number(p, f"dim_{d}", dimensions.get(d, 1)) for d in DIMENSIONS}
    its = {i: _number(p, f"item_{i}", items.get(i, 1)) for i in ITEM}
    threshold_v = _number(p, "threshold", threshold, high=1)
    margin_v = _number(p, "margin", margin, high=1)
    source = checked_text(p, "source", source, limit=SOURCE_MAX, required=_("Say where these weights come from."))
    p.raise_if_any()
    weights = Weights(dims, its, source)
    for field_name, message in weights_problems(weights).items():
        p.add(field_name, _(message))
    p.raise_if_any()
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotPermitted(_("No such programme."))
    new = {"weights": {"dimensions": dims, "items": its, "source": source}, "threshold": threshold_v,
           "margin": margin_v}
    stored = session.get(ProgrammeRss, programme_id)
    old = {k: v for k, v in ((stored.settings if stored else None) or {}).items() if k != "version"}
    if old and json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True):
        return {}
    claim(session, actor, Programme, {"id": programme_id}, version)
    programme = session.get(Programme, programme_id)
    new["version"] = programme.version
    new["weights"]["version"] = programme.version
    stored = stored or ProgrammeRss(programme_id=programme_id)
    stored.settings = new
    session.add(stored)
    last = session.exec(select(ProgrammeHistory.snapshot).where(ProgrammeHistory.programme_id == programme_id)
                        .order_by(col(ProgrammeHistory.version).desc())).first() or {}
    session.add(ProgrammeHistory(programme_id=programme_id, version=programme.version, snapshot={**last, "rss": new},
                                 changed_by_id=actor.id, changed_at=utcnow()))
    audit_record(session, actor, "programme.rss_settings", entity="programme", entity_id=programme_id,
                 detail={"version": programme.version, "rss": new})
    session.flush()
    return new


def rss_settings_copy(session: Session, source_id: int, programme_id: int) -> None:
    """A new programme copied from another starts with its survey settings: the same weights, at version 1."""
    row = session.get(ProgrammeRss, source_id)
    if row is None or not row.settings:
        return
    data = json.loads(json.dumps(row.settings))
    data["version"] = 1
    data.setdefault("weights", {})["version"] = 1
    session.add(ProgrammeRss(programme_id=programme_id, settings=data))


# --- taking a survey ---------------------------------------------------------------------


@dataclass(frozen=True)
class Occasion:
    code: str  # "baseline" or "followup:<id>"
    label: str
    followup_id: int | None
    months_after: int | None
    taken_on: date | None  # when a survey was taken on this occasion, else None


def occasion_label(occasion: str, months_after: int | None) -> str:
    if occasion == BASELINE:
        return _("Baseline")
    return followup_label("scheduled" if months_after is not None else "monitoring", months_after)


def survey_occasions(session: Session, actor: Actor, case_id: int) -> list[Occasion]:
    """The occasions a survey may be taken on for this case: the baseline, then each follow-up not cancelled."""
    case = _case_for_survey(session, actor, case_id)
    taken = dict(session.exec(select(RssSurvey.occasion, RssSurvey.taken_on).where(RssSurvey.case_id == case.id)).all())
    out = [Occasion(BASELINE, occasion_label(BASELINE, None), None, None, taken.get(BASELINE))]
    if works_on(actor, case, Side.ARRIVAL):
        for f in session.exec(select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.status != "cancelled")
                              .order_by(FollowUp.due_on, FollowUp.id)).all():
            code = f"followup:{f.id}"
            out.append(Occasion(code, followup_label(f.kind, f.months_after), f.id, f.months_after, taken.get(code)))
    return out


def _case_for_survey(session: Session, actor: Actor, case_id: int, *, for_update: bool = False) -> Case:
    """Coordinators, and the focal points of the return country (the follow-up side), take and read surveys."""
    case = case_get(session, actor, case_id, for_update=for_update)
    if not works_on(actor, case, Side.ARRIVAL):
        raise NotPermitted(_("Only the coordinators and the focal points of the return country take and read "
                             "the sustainability survey."))
    return case


def _check_answers(p: Problems, answers: Mapping[str, str | None]) -> dict[str, str]:
    clean = {}
    for item, answer in answers.items():
        if item not in ITEM:
            p.add(f"rss_{item}", _("This is not a question of the survey."))
        elif answer:
            if ITEM[item].option(answer) is None:
                p.add(f"rss_{item}", _("Choose an answer from the list."))
            else:
                clean[item] = answer
    if not clean and not any(k.startswith("rss_") for k in p.errors):
        p.add("answers", _("Answer at least one question."))
    return clean


def rss_survey_record(session: Session, actor: Actor, case_id: int, *, occasion: str, answers: Mapping[str, str | None],
                      taken_on: date | None, baseline_when: str = "", today: date | None = None) -> RssSurvey:
    """Record (or correct) the survey of one occasion; scores it with the programme's current weights and
    raises an early warning where a score fell by more than the programme's margin since the last survey."""
    from care.early_warning import warnings_from_survey

    today = today or date.today()
    case = _case_for_survey(session, actor, case_id, for_update=True)
    p = Problems()
    followup = None
    if occasion == BASELINE:
        if baseline_when not in BASELINE_WHEN:
            p.add("baseline_when", _("Say when the baseline was taken."))
        elif baseline_when == "assessment" and not is_coordinator_of(actor, case.programme_id):
            p.add("baseline_when", _("The coordination team takes the baseline during the assessment."))
        elif baseline_when == "arrival" and case.arrival_date is None:
            p.add("baseline_when", _("The arrival is not recorded yet."))
        elif (baseline_when == "assessment" and case.stage not in (Stage.ELIGIBLE, Stage.ASSESSED)
              and not _has_baseline(session, case.id)):
            p.add("baseline_when", _("The plan is approved: the assessment is over. Take the baseline at arrival."))
        if case.stage not in BASELINE_STAGES:
            raise DomainError(_("A baseline is taken once the case is eligible, and while it is open."))
    elif occasion.startswith("followup:") and occasion[9:].isdigit():
        followup = session.get(FollowUp, int(occasion[9:]))
        if followup is None or followup.case_id != case.id or followup.status == "cancelled":
            raise DomainError(_("No such follow-up for this case."))
        if case.followup_consent_withdrawn_on:
            raise DomainError(_("The person withdrew consent to follow-up: nobody contacts them any more."))
    else:
        raise DomainError(_("Choose when the survey is taken."))
    if taken_on is None:
        p.add("taken_on", _("Give the date of the survey."))
    elif taken_on > today:
        p.add("taken_on", _("This date is in the future."))
    elif taken_on < case.referral_date:
        p.add("taken_on", _("This date is before the referral ({date}).").format(date=fmt_date(case.referral_date)))
    elif followup is not None and case.arrival_date and taken_on < case.arrival_date:
        p.add("taken_on", _("This date is before the arrival ({date}).").format(date=fmt_date(case.arrival_date)))
    clean = _check_answers(p, answers)
    p.raise_if_any()
    settings = rss_settings(session, case.programme_id)
    scores = survey_scores(clean, settings.weights)
    survey = session.exec(select(RssSurvey).where(RssSurvey.case_id == case.id,
                                                  RssSurvey.occasion == occasion)).first()
    corrected = survey is not None
    survey = survey or RssSurvey(case_id=case.id, occasion=occasion, taken_on=taken_on)
    survey.followup_id = followup.id if followup else None
    survey.months_after = _months_after(case, followup, taken_on) if followup else None
    survey.baseline_when = baseline_when if occasion == BASELINE else ""
    survey.taken_on = taken_on
    _store_scores(survey, scores, settings.weights)
    survey.taken_by_id, survey.taken_at = actor.id, utcnow()
    session.add(survey)
    session.flush()
    session.execute(delete(RssAnswer).where(RssAnswer.survey_id == survey.id))
    session.add_all(RssAnswer(survey_id=survey.id, item=i, answer=a) for i, a in clean.items())
    audit_record(session, actor, "rss.correct" if corrected else "rss.record", case_id=case.id, entity="rss_survey",
                 entity_id=survey.id, detail={"occasion": occasion, "answered": scores.answered,
                                              "partial": scores.partial, "weights_version": scores.weights_version})
    session.flush()
    warnings_from_survey(session, case, survey, settings, today=today)
    return survey


def _has_baseline(session: Session, case_id: int) -> bool:
    return session.exec(select(RssSurvey.id).where(RssSurvey.case_id == case_id,
                                                   RssSurvey.occasion == BASELINE)).first() is not None


def _months_after(case: Case, followup: FollowUp, taken_on: date) -> int:
    """The follow-up's month after return; for a monitoring visit (no month of its own), the whole months
    from the arrival to the survey, so that it never counts as a baseline."""
    if followup.months_after is not None:
        return followup.months_after
    start = case.arrival_date or taken_on
    months = (taken_on.year - start.year) * 12 + taken_on.month - start.month - (taken_on.day < start.day)
    return max(0, months)


def _store_scores(survey: RssSurvey, scores: Scores, weights: Weights) -> None:
    survey.economic, survey.social, survey.psychosocial = scores.economic, scores.social, scores.psychosocial
    survey.composite, survey.partial = scores.composite, scores.partial
    survey.answered, survey.asked = scores.answered, scores.asked
    survey.weights_version, survey.weights_source, survey.weights = weights.version, weights.source, weights.as_json()


def answers_of(session: Session, survey_id: int) -> dict[str, str]:
    """One survey's answers (decrypted): for the callers that checked access and audit the read."""
    return {a.item: a.answer for a in session.exec(select(RssAnswer).where(RssAnswer.survey_id == survey_id)).all()}


# --- reading a case's surveys -----------------------------------------------------------------


@dataclass(frozen=True)
class SurveyView:
    id: int
    occasion: str
    label: str
    months_after: int | None
    taken_on: date
    baseline_when: str
    scores: dict[str, float | None]  # economic, social, psychosocial, composite
    partial: bool
    answered: int
    asked: int
    weights_text: str
    answers: dict[str, str]

    def score_text(self, code: str) -> str:
        return fmt_score(self.scores.get(code))


@dataclass(frozen=True)
class EarlierCheck:
    """One follow-up's answers to the earlier 8-question check (1 to 5), with the RSS question each maps to."""

    label: str
    done_on: date | None
    rows: tuple[tuple[str, str, int, str], ...]  # (dimension, item, score 1-5, RSS question it maps to or "")


@dataclass(frozen=True)
class CaseSurveys:
    case_id: int
    code: str
    surveys: tuple[SurveyView, ...]  # baseline first, then by date
    earlier: tuple[EarlierCheck, ...]


def _view(s: RssSurvey, answers: dict[str, str]) -> SurveyView:
    return SurveyView(s.id, s.occasion, occasion_label(s.occasion, s.months_after), s.months_after, s.taken_on,
                      s.baseline_when, {"economic": s.economic, "social": s.social, "psychosocial": s.psychosocial,
                                        "composite": s.composite}, s.partial, s.answered, s.asked,
                      weights_label(s.weights_version, s.weights_source), answers)


def _ordered(surveys):
    return sorted(surveys, key=lambda s: (s.occasion != BASELINE, s.taken_on, s.id))


def case_surveys(session: Session, actor: Actor, case_id: int) -> CaseSurveys:
    """The case's surveys with their answers and scores, and its earlier checks. Reads answers: audited."""
    case = _case_for_survey(session, actor, case_id)
    surveys = _ordered(session.exec(select(RssSurvey).where(RssSurvey.case_id == case.id)).all())
    answers: dict[int, dict[str, str]] = {}
    for a in session.exec(select(RssAnswer).where(col(RssAnswer.survey_id).in_([s.id for s in surveys]))).all():
        answers.setdefault(a.survey_id, {})[a.item] = a.answer
    earlier = []
    rows = session.exec(select(FollowUp, FollowUpScore).join(FollowUpScore, FollowUpScore.followup_id == FollowUp.id)
                        .where(FollowUp.case_id == case.id).order_by(FollowUp.done_on, FollowUp.id)).all()
    by_followup: dict[int, list] = {}
    for f, score in rows:
        by_followup.setdefault(f.id, [f]).append(score)
    for f, *scores in by_followup.values():
        earlier.append(EarlierCheck(followup_label(f.kind, f.months_after), f.done_on, tuple(
            (s.dimension, s.item, s.score, EARLIER_CHECK_MAP.get(s.item, "")) for s in scores)))
    if surveys:
        audit_record(session, actor, "rss.read", case_id=case.id, entity="case", entity_id=case.id,
                     detail={"surveys": len(surveys)})
    return CaseSurveys(case.id, case.code, tuple(_view(s, answers.get(s.id, {})) for s in surveys), tuple(earlier))


def survey_form_answers(session: Session, actor: Actor, case_id: int,
                        occasion: str) -> tuple[dict[str, str], date | None]:
    """The answers already recorded for an occasion (to correct them), and their date; audited when there are some."""
    case = _case_for_survey(session, actor, case_id)
    s = session.exec(select(RssSurvey).where(RssSurvey.case_id == case.id, RssSurvey.occasion == occasion)).first()
    if s is None:
        return {}, None
    audit_record(session, actor, "rss.read", case_id=case.id, entity="rss_survey", entity_id=s.id)
    return answers_of(session, s.id), s.taken_on


def answer_text(item: str, answer: str) -> str:
    option = ITEM[item].option(answer)
    return _(option.label) if option else answer


__all__ = ["BASELINE", "BASELINE_WHEN", "DEFAULT_SOURCE", "ITEMS", "NOT_APPLICABLE", "RssSettings", "rss_settings",
           "rss_settings_update", "rss_survey_record", "case_surveys", "survey_occasions", "weights_label"]


# --- the case file ---------------------------------------------------------------------------


def case_section(session: Session, actor: Actor, case: Case):
    """The case's survey scores (not the answers) and its early warnings, for the return side."""
    from care.early_warning import RULES, case_early_warnings
    from care.sections import Section, Table

    if not works_on(actor, case, Side.ARRIVAL):
        return None
    surveys = _ordered(session.exec(select(RssSurvey).where(RssSurvey.case_id == case.id)).all())
    warnings = case_early_warnings(session, actor, case.id)
    if not surveys and not warnings:
        return None
    tables, rows = [], []
    if surveys:
        labels = [weights_label(s.weights_version, s.weights_source) for s in surveys]
        one = len(set(labels)) == 1  # the usual case: said once above the table, not on every row
        if one:
            rows.append((_("Weights"), labels[0]))
        tables.append(Table(
            [_("Survey"), _("Date"), _("Composite"), *(_(t) for t in DIMENSIONS.values()), _("Answered"),
             *(() if one else (_("Weights"),))],
            [[occasion_label(s.occasion, s.months_after), fmt_date(s.taken_on), fmt_score(s.composite),
              *(fmt_score(getattr(s, d)) for d in DIMENSIONS),
              f"{s.answered}/{s.asked}" + (" " + _("(partial)") if s.partial else ""),
              *(() if one else (label,))] for s, label in zip(surveys, labels, strict=True)]))
    if warnings:
        tables.append(Table([_("Early warning"), _("Why"), _("Raised on"), _("Closed on"), _("What was done")],
                            [[_(RULES[w.rule]), w.reason, fmt_date(w.raised_on),
                              fmt_date(w.closed_on) if w.closed_on else "", w.close_note] for w in warnings]))
    return Section(title=_("Sustainability survey and early warnings"), rows=rows, tables=tables)
