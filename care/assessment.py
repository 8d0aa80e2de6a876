"""Risk and needs assessment before departure: the codes, the overall-level rule, versions.

Nobody books a flight before the coordination team, the referring organisation and the
person have weighed the risks of return and what the person will need. An assessment is
never edited in place: a reassessment is a new version and the earlier ones stay, so the
file shows what was known, by whom and when, at each decision taken on the case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from care.access import Actor, Role, case_get, require_programme
from care.audit import audit_record, audit_view
from care.countries import language_name
from care.days import check_day, latest_day
from care.errors import DomainError, Problems, StaleEdit
from care.ui.markdown import md_escape
from care.i18n import N_, _, fmt_date
from care.path import stage_move
from care.sections import Section, Table
from care.text import NOTE_MAX, checked_text, cleaned_text, text_problem
from care.vocab import DIMENSIONS, RISK_LEVELS, Stage, label, stage_label
from db.models import Case, Mitigation, NeedRating, NeedsAssessment, RiskAssessment, RiskFactorRating, User

# --- codes (stored as they are; labels translated at display) --------------------------

RATINGS = {"none": N_("None"), "low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}

# In the order the form asks them (and the demo data draws them: keep it).
RISK_FACTORS = {
    "traffickers_threat": N_("Threat from the traffickers or their network in the return area"),
    "family_involved": N_("Family or community involved in the trafficking"),
    "debt": N_("Debt owed to the traffickers or others"),
    "stigma": N_("Stigma or rejection by family or community"),
    "physical_health": N_("Physical health"),
    "mental_health": N_("Mental health"),
    "regional_safety": N_("Safety situation in the return region"),
    "earlier_retrafficking": N_("Earlier re-trafficking"),
    "no_documents": N_("No identity or travel documents"),
    "dependants_at_risk": N_("Dependants (children, relatives) at risk"),
    "legal_proceedings": N_("Pending legal proceedings in the host country (witness, victim status)"),
}
RISK_SOURCES = {
    "person": N_("The person"),
    "referring_organisation": N_("Referring organisation"),
    "iom_return_office": N_("IOM office in the return country"),
    "police": N_("Police"),
}

# The three dimensions of IOM's integrated approach to reintegration; the plan is built
# from them (care.vocab.PLAN_CATEGORIES uses the same codes).

# area: (dimension, label). Education or vocational training counts as economic: for
# the people this programme serves it is above all the way to an income.
NEED_AREAS = {
    "medical": ("social", N_("Medical care")),
    "psychosocial": ("psychosocial", N_("Psychosocial support")),
    "housing_temporary": ("social", N_("Temporary housing")),
    "housing_long_term": ("social", N_("Longer-term housing")),
    "education_training": ("economic", N_("Education or vocational training")),
    "employment": ("economic", N_("Employment or income-generating activity")),
    "legal": ("social", N_("Legal assistance")),
    "documents": ("social", N_("Documents")),
    "family_tracing": ("psychosocial", N_("Family reunification or tracing")),
    "childcare": ("social", N_("Childcare")),
    "debt": ("economic", N_("Debt or financial hardship")),
    "security": ("social", N_("Security measures")),
}
NEED_AREA_LABELS = {area: text for area, (_dimension, text) in NEED_AREAS.items()}  # code: label, as vocab lists
PRIORITIES = {"none": N_("None"), "low": N_("Low"), "medium": N_("Medium"), "high": N_("High"),
              "urgent": N_("Urgent")}
PRESSING = ("high", "urgent")  # a need the plan must answer

EDUCATION_LEVELS = {
    "none": N_("No formal education"),
    "primary": N_("Primary school"),
    "lower_secondary": N_("Lower secondary school"),
    "upper_secondary": N_("Upper secondary school"),
    "vocational": N_("Vocational training"),
    "higher": N_("Higher education"),
}

# A case is assessed once it is found eligible, and may be reassessed until it is closed.
ASSESSABLE_STAGES = (Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED,
                     Stage.FOLLOW_UP)

# The audit actions this module writes, in words for the case file's timeline.
TIMELINE_PHRASES = {
    "risk.assess": N_("Risk assessment saved"),
    "needs.assess": N_("Needs assessment saved"),
}

MAX_WHO = 200  # the column's length
NEEDS_TEXTS = ("work_experience", "skills", "languages", "aspirations", "opportunities")

# --- the overall-level rule ---------------------------------------------------------

LEVEL_RULE = N_("The overall level follows a rule: any factor rated high makes it high; two or more factors "
                "rated medium make it medium; otherwise it is low. A coordinator may raise it, or lower it "
                "with a written justification. A medium or high level needs at least one mitigation measure "
                "(what, who, by when) before the plan can be approved.")

_RANK = {"low": 0, "medium": 1, "high": 2}


def risk_level(ratings: Iterable[str]) -> str:
    """The programme's rule, kept in one place so that the form, the file and the demo agree."""
    ratings = list(ratings)
    if "high" in ratings:
        return "high"
    return "medium" if ratings.count("medium") >= 2 else "low"


def level_label(level: str | None) -> str:
    return label(RISK_LEVELS, level)


# --- what the forms send ------------------------------------------------------------


@dataclass(frozen=True)
class FactorInput:
    factor: str
    rating: str | None  # None: not rated yet (the form asks for every factor)
    source: str | None = None
    note: str = ""


@dataclass(frozen=True)
class MitigationInput:
    what: str
    who: str
    by_when: date | None


@dataclass(frozen=True)
class RiskInput:
    assessed_on: date | None
    factors: tuple[FactorInput, ...]
    overall_level: str = ""  # "" keeps the computed level
    justification: str = ""
    mitigations: tuple[MitigationInput, ...] = ()


@dataclass(frozen=True)
class NeedInput:
    area: str
    priority: str | None
    note: str = ""


@dataclass(frozen=True)
class NeedsInput:
    assessed_on: date | None
    needs: tuple[NeedInput, ...]
    education_level: str | None = None
    work_experience: str = ""
    skills: str = ""
    languages: str = ""
    aspirations: str = ""
    opportunities: str = ""


# --- what the reads return ----------------------------------------------------------


@dataclass(frozen=True)
class FactorView:
    factor: str
    rating: str
    source: str
    note: str


@dataclass(frozen=True)
class MitigationView:
    what: str
    who: str
    by_when: date


@dataclass(frozen=True)
class RiskView:
    version_no: int
    assessed_on: date
    author: str
    saved_at: datetime
    computed_level: str
    overall_level: str
    justification: str
    is_current: bool
    factors: tuple[FactorView, ...]
    mitigations: tuple[MitigationView, ...]

    @property
    def adjusted(self) -> str:
        """"raised", "lowered" or "" against the rule's level."""
        diff = _RANK.get(self.overall_level, 0) - _RANK.get(self.computed_level, 0)
        return "raised" if diff > 0 else "lowered" if diff < 0 else ""

    @property
    def lacks_mitigation(self) -> bool:
        return self.overall_level in ("medium", "high") and not self.mitigations

    def factor(self, code: str) -> FactorView | None:
        return next((f for f in self.factors if f.factor == code), None)


@dataclass(frozen=True)
class NeedView:
    area: str
    dimension: str
    priority: str
    note: str

    @property
    def pressing(self) -> bool:
        return self.priority in PRESSING


@dataclass(frozen=True)
class NeedsView:
    version_no: int
    assessed_on: date
    author: str
    saved_at: datetime
    is_current: bool
    needs: tuple[NeedView, ...]
    education_level: str
    work_experience: str
    skills: str
    languages: str
    aspirations: str
    opportunities: str

    def need(self, area: str) -> NeedView | None:
        return next((n for n in self.needs if n.area == area), None)


@dataclass(frozen=True)
class AssessmentFile:
    """Everything the assessment page shows for one case, newest version first."""

    case_id: int
    case_code: str
    stage: str
    referral_date: date
    risk_versions: tuple[RiskView, ...]
    needs_versions: tuple[NeedsView, ...]
    assessed_missing: tuple[str, ...]
    languages_hint: str  # the person's languages from intake, to start the needs form with
    section: Section | None  # the current assessments, as the case file shows them

    @property
    def risk(self) -> RiskView | None:
        return self.risk_versions[0] if self.risk_versions and self.risk_versions[0].is_current else None

    @property
    def needs(self) -> NeedsView | None:
        return self.needs_versions[0] if self.needs_versions and self.needs_versions[0].is_current else None

    def risk_version(self, version_no: int) -> RiskView | None:
        return next((v for v in self.risk_versions if v.version_no == version_no), None)

    def needs_version(self, version_no: int) -> NeedsView | None:
        return next((v for v in self.needs_versions if v.version_no == version_no), None)


# --- rules the path asks -------------------------------------------------------------


def _current_risk(session: Session, case_id: int) -> RiskAssessment | None:
    return session.exec(select(RiskAssessment).where(RiskAssessment.case_id == case_id,
                                                     RiskAssessment.is_current == True)  # noqa: E712
                        .order_by(col(RiskAssessment.version_no).desc())).first()


def _current_needs(session: Session, case_id: int) -> NeedsAssessment | None:
    return session.exec(select(NeedsAssessment).where(NeedsAssessment.case_id == case_id,
                                                      NeedsAssessment.is_current == True)  # noqa: E712
                        .order_by(col(NeedsAssessment.version_no).desc())).first()


def assessed_missing(session: Session, case: Case) -> list[str]:
    """Entry rule for "assessed": a current risk assessment and a current needs assessment."""
    missing = []
    if _current_risk(session, case.id) is None:
        missing.append(_("risk assessment"))
    if _current_needs(session, case.id) is None:
        missing.append(_("needs assessment"))
    return missing


def plan_approval_missing(session: Session, case: Case) -> list[str]:
    """No plan is approved on a medium or high risk without a measure against it."""
    risk = _current_risk(session, case.id)
    if risk is None:
        return [_("risk assessment")]
    if risk.overall_level in ("medium", "high"):
        has_measure = session.exec(select(Mitigation.id).where(Mitigation.assessment_id == risk.id)).first()
        if has_measure is None:
            return [_("a mitigation measure (what, who, by when) for the {level} risk level").format(
                level=level_label(risk.overall_level).lower())]
    return []


# --- writes --------------------------------------------------------------------------


def _case_for_assessment(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, locked until commit so that two reassessments cannot both become version N+1."""
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if case.stage not in ASSESSABLE_STAGES:
        raise DomainError(_("A case at stage “{stage}” cannot be assessed: it must be eligible and open.").format(
            stage=stage_label(case.stage)))
    return case


def _check_not_stale(session: Session, current: RiskAssessment | NeedsAssessment | None, based_on: int) -> None:
    """A save names the version its form opened; a newer one means someone else saved meanwhile."""
    current_no = current.version_no if current else 0
    if current_no == based_on:
        return
    who = session.get(User, current.author_id) if current else None
    raise StaleEdit(_("{who} saved version {n} on {when}, after you opened this form. Nothing was overwritten: "
                      "open the current version, then apply your changes again.").format(
        who=who.name if who else _("Someone"), n=current_no,
        when=fmt_date(current.created_at, "short") if current else "—"))


def _check_date(problems: Problems, on: date | None, case: Case, previous_on: date | None, today: date) -> None:
    if not check_day(problems, "assessed_on", on, label=_("The date of the assessment"), today=today,
                     earliest=case.referral_date, after=_("the referral")):
        return
    if previous_on and on < previous_on:
        problems.add("assessed_on", _("A reassessment cannot be dated before the current version ({day}).").format(
            day=fmt_date(previous_on)))


def _risk_problems(data: RiskInput, case: Case, current: RiskAssessment | None, today: date) -> Problems:
    problems = Problems()
    _check_date(problems, data.assessed_on, case, current.assessed_on if current else None, today)
    given = {f.factor: f for f in data.factors}
    for code in given:
        if code not in RISK_FACTORS:
            problems.add("_form", _("Unknown risk factor: {code}.").format(code=md_escape(code)))
    all_rated = True
    for code in RISK_FACTORS:
        f = given.get(code)
        if f is None or f.rating not in RATINGS:
            problems.add(f"{code}.rating", _("Rate this factor (“none” if it does not apply)."))
            all_rated = False
            continue
        if f.source not in (None, "") and f.source not in RISK_SOURCES:
            problems.add(f"{code}.source", _("Choose a source from the list."))
        elif f.rating != "none" and not f.source:
            problems.add(f"{code}.source", _("Say who gave this information."))
        required = _("Explain a medium or high rating in a note.") if f.rating in ("medium", "high") else None
        checked_text(problems, f"{code}.note", f.note, limit=NOTE_MAX, multiline=True, required=required)
    if data.overall_level not in ("", *RISK_LEVELS):
        problems.add("overall_level", _("Choose a level from the list."))
    elif all_rated:
        computed = risk_level(given[c].rating for c in RISK_FACTORS)
        if data.overall_level and _RANK[data.overall_level] < _RANK[computed] and not data.justification.strip():
            problems.add("justification", _("The rule gives “{computed}”: write why the level is lower.").format(
                computed=level_label(computed)))
    checked_text(problems, "justification", data.justification, limit=NOTE_MAX, multiline=True)
    for i, m in enumerate(data.mitigations, start=1):
        what_problem = text_problem(cleaned_text(m.what, multiline=True), limit=NOTE_MAX, multiline=True)
        if not (m.what.strip() and m.who.strip() and m.by_when):
            problems.add("mitigations", _("Mitigation {n}: say what will be done, who does it and by when.").format(
                n=i))
        elif len(m.who.strip()) > MAX_WHO:
            problems.add("mitigations", _("Mitigation {n}: “who” is limited to {max} characters.").format(
                n=i, max=MAX_WHO))
        elif problem := what_problem or text_problem(cleaned_text(m.who), limit=MAX_WHO):
            problems.add("mitigations", _("Mitigation {n}: {problem}").format(n=i, problem=problem))
        elif m.by_when > latest_day(today):
            problems.add("mitigations", _("Mitigation {n}: “by when” is too far ahead; check the year.").format(n=i))
        elif m.by_when < case.referral_date:  # a measure carried over from a reassessment may be past
            problems.add("mitigations", _("Mitigation {n}: “by when” cannot be before the referral ({day}).").format(
                n=i, day=fmt_date(case.referral_date)))
    return problems


def risk_assess(session: Session, actor: Actor, case_id: int, *, data: RiskInput, based_on_version: int,
                today: date | None = None) -> RiskAssessment:
    """Save a risk assessment as a new version; the case's risk level becomes its overall level.

    `based_on_version` is the version the form was opened at (0 for the first one).
    """
    case = _case_for_assessment(session, actor, case_id)
    current = _current_risk(session, case.id)
    _check_not_stale(session, current, based_on_version)
    _risk_problems(data, case, current, today or date.today()).raise_if_any()

    factors = {f.factor: f for f in data.factors}
    computed = risk_level(factors[c].rating for c in RISK_FACTORS)
    overall = data.overall_level or computed
    if current is not None:
        current.is_current = False
        session.add(current)
        session.flush()  # the old version stops being current before the new one starts
    risk = RiskAssessment(case_id=case.id, version_no=(current.version_no if current else 0) + 1,
                          assessed_on=data.assessed_on, author_id=actor.id, computed_level=computed,
                          overall_level=overall, justification=cleaned_text(data.justification, multiline=True),
                          is_current=True)
    session.add(risk)
    session.flush()
    for code in RISK_FACTORS:
        f = factors[code]
        session.add(RiskFactorRating(assessment_id=risk.id, factor=code, rating=f.rating, source=f.source or "",
                                     note=cleaned_text(f.note, multiline=True)))
    for m in data.mitigations:
        session.add(Mitigation(assessment_id=risk.id, what=cleaned_text(m.what, multiline=True),
                               who=cleaned_text(m.who), by_when=m.by_when))
    case.risk_level = overall
    session.add(case)
    audit_record(session, actor, "risk.assess", case_id=case.id, entity="risk_assessment", entity_id=risk.id,
                 detail={"version": risk.version_no, "computed": computed, "overall": overall,
                         "mitigations": len(data.mitigations)})
    session.flush()
    return risk


def _needs_problems(data: NeedsInput, case: Case, current: NeedsAssessment | None, today: date) -> Problems:
    problems = Problems()
    _check_date(problems, data.assessed_on, case, current.assessed_on if current else None, today)
    given = {n.area: n for n in data.needs}
    for area in given:
        if area not in NEED_AREAS:
            problems.add("_form", _("Unknown need area: {code}.").format(code=md_escape(area)))
    for area in NEED_AREAS:
        n = given.get(area)
        if n is None or n.priority not in PRIORITIES:
            problems.add(f"{area}.priority", _("Give a priority (“none” if there is no need)."))
        else:
            checked_text(problems, f"{area}.note", n.note, limit=NOTE_MAX, multiline=True)
    if data.education_level not in (None, "", *EDUCATION_LEVELS):
        problems.add("education_level", _("Choose a level from the list."))
    for name in NEEDS_TEXTS:
        required = _("Write what the person wants to do after return, in their words.") if name == "aspirations" \
            else None
        checked_text(problems, name, getattr(data, name), limit=NOTE_MAX, multiline=True, required=required)
    return problems


def needs_assess(session: Session, actor: Actor, case_id: int, *, data: NeedsInput, based_on_version: int,
                 today: date | None = None) -> NeedsAssessment:
    """Save needs, skills and motivation as a new version of the needs assessment."""
    case = _case_for_assessment(session, actor, case_id)
    current = _current_needs(session, case.id)
    _check_not_stale(session, current, based_on_version)
    _needs_problems(data, case, current, today or date.today()).raise_if_any()

    if current is not None:
        current.is_current = False
        session.add(current)
        session.flush()
    needs = NeedsAssessment(
        case_id=case.id, version_no=(current.version_no if current else 0) + 1, assessed_on=data.assessed_on,
        author_id=actor.id, education_level=data.education_level or "", is_current=True,
        **{name: cleaned_text(getattr(data, name), multiline=True) for name in NEEDS_TEXTS})
    session.add(needs)
    session.flush()
    given = {n.area: n for n in data.needs}
    for area in NEED_AREAS:
        session.add(NeedRating(assessment_id=needs.id, area=area, priority=given[area].priority,
                               note=cleaned_text(given[area].note, multiline=True)))
    audit_record(session, actor, "needs.assess", case_id=case.id, entity="needs_assessment", entity_id=needs.id,
                 detail={"version": needs.version_no,
                         "pressing": sorted(a for a in NEED_AREAS if given[a].priority in PRESSING)})
    session.flush()
    return needs


def assessment_mark_assessed(session: Session, actor: Actor, case_id: int) -> Case:
    """Move an eligible case to "assessed"; the path refuses it, saying what is missing."""
    case = case_get(session, actor, case_id, for_update=True)
    require_programme(actor, case.programme_id, Role.COORDINATOR)
    if case.stage == Stage.ASSESSED:
        raise DomainError(_("This case is already assessed."))
    return stage_move(session, actor, case, Stage.ASSESSED, missing=assessed_missing(session, case))


# --- reads ---------------------------------------------------------------------------


def _authors(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())


def _risk_versions(session: Session, case_id: int) -> tuple[RiskView, ...]:
    rows = session.exec(select(RiskAssessment).where(RiskAssessment.case_id == case_id)
                        .order_by(col(RiskAssessment.version_no).desc())).all()
    if not rows:
        return ()
    ids = [r.id for r in rows]
    factors: dict[int, list[RiskFactorRating]] = {}
    for f in session.exec(select(RiskFactorRating).where(col(RiskFactorRating.assessment_id).in_(ids))).all():
        factors.setdefault(f.assessment_id, []).append(f)
    measures: dict[int, list[Mitigation]] = {}
    for m in session.exec(select(Mitigation).where(col(Mitigation.assessment_id).in_(ids))
                          .order_by(Mitigation.by_when, Mitigation.id)).all():
        measures.setdefault(m.assessment_id, []).append(m)
    names = _authors(session, {r.author_id for r in rows})
    order = {code: i for i, code in enumerate(RISK_FACTORS)}
    return tuple(
        RiskView(
            version_no=r.version_no, assessed_on=r.assessed_on, author=names.get(r.author_id, "—"),
            saved_at=r.created_at, computed_level=r.computed_level, overall_level=r.overall_level,
            justification=r.justification, is_current=r.is_current,
            factors=tuple(FactorView(f.factor, f.rating, f.source, f.note)
                          for f in sorted(factors.get(r.id, []), key=lambda f: order.get(f.factor, len(order)))),
            mitigations=tuple(MitigationView(m.what, m.who, m.by_when) for m in measures.get(r.id, [])),
        )
        for r in rows
    )


def _needs_versions(session: Session, case_id: int) -> tuple[NeedsView, ...]:
    rows = session.exec(select(NeedsAssessment).where(NeedsAssessment.case_id == case_id)
                        .order_by(col(NeedsAssessment.version_no).desc())).all()
    if not rows:
        return ()
    ratings: dict[int, dict[str, NeedRating]] = {}
    for n in session.exec(select(NeedRating).where(col(NeedRating.assessment_id).in_([r.id for r in rows]))).all():
        ratings.setdefault(n.assessment_id, {})[n.area] = n
    names = _authors(session, {r.author_id for r in rows})
    return tuple(
        NeedsView(
            version_no=r.version_no, assessed_on=r.assessed_on, author=names.get(r.author_id, "—"),
            saved_at=r.created_at, is_current=r.is_current,
            needs=tuple(NeedView(area, NEED_AREAS[area][0], ratings[r.id][area].priority, ratings[r.id][area].note)
                        for area in _areas_by_dimension() if area in ratings.get(r.id, {})),
            education_level=r.education_level, work_experience=r.work_experience, skills=r.skills,
            languages=r.languages, aspirations=r.aspirations, opportunities=r.opportunities,
        )
        for r in rows
    )


def _areas_by_dimension() -> list[str]:
    return [area for dim in DIMENSIONS for area, (d, _label) in NEED_AREAS.items() if d == dim]


def assessment_file(session: Session, actor: Actor, case_id: int) -> AssessmentFile:
    """The case's assessments, current and earlier, and what is still missing."""
    case = case_get(session, actor, case_id)
    audit_view(session, actor, "assessment.open", case_id=case.id, entity="case")
    risks, needs = _risk_versions(session, case.id), _needs_versions(session, case.id)
    return AssessmentFile(
        case_id=case.id, case_code=case.code, stage=case.stage, referral_date=case.referral_date,
        risk_versions=risks, needs_versions=needs,
        assessed_missing=tuple(assessed_missing(session, case)),
        languages_hint="; ".join(language_name(code) for code in case.languages or []),
        section=_section(risks, needs),
    )


def risk_current(session: Session, actor: Actor, case_id: int) -> RiskView | None:
    case = case_get(session, actor, case_id)
    versions = _risk_versions(session, case.id)
    return versions[0] if versions and versions[0].is_current else None


def needs_current(session: Session, actor: Actor, case_id: int) -> list[NeedView]:
    """The current needs by dimension, for building the plan; `pressing` marks high and urgent."""
    case = case_get(session, actor, case_id)
    versions = _needs_versions(session, case.id)
    return list(versions[0].needs) if versions and versions[0].is_current else []


# --- the case file and the case PDF ---------------------------------------------------


def risk_level_text(view: RiskView) -> str:
    """The level, and how it relates to the rule, in one line."""
    text = level_label(view.overall_level)
    if view.adjusted == "raised":
        return _("{level} (raised; the rule gives {computed})").format(
            level=text, computed=level_label(view.computed_level).lower())
    if view.adjusted == "lowered":
        return _("{level} (lowered; the rule gives {computed})").format(
            level=text, computed=level_label(view.computed_level).lower())
    return text


def signed(on: date, author: str, version_no: int) -> str:
    return _("Version {n}, {day}, by {author}").format(n=version_no, day=fmt_date(on), author=author)


def risk_rows(view: RiskView) -> list[tuple[str, str]]:
    rows = [(_("Risk level"), risk_level_text(view)),
            (_("Risk assessment"), signed(view.assessed_on, view.author, view.version_no))]
    if view.justification:
        rows.append((_("Justification"), view.justification))
    if view.lacks_mitigation:
        rows.append((_("Mitigation measures"), _("None recorded yet: the plan cannot be approved without one.")
                     if view.is_current else _("None")))
    return rows


def factors_table(view: RiskView, *, all_factors: bool = False) -> Table:
    """The factors rated above "none" (or all of them), with source and note."""
    shown = [f for f in view.factors if all_factors or f.rating != "none"]
    return Table(
        headings=[_("Risk factor"), _("Rating"), _("Source"), _("Note")],
        rows=[[label(RISK_FACTORS, f.factor), label(RATINGS, f.rating), label(RISK_SOURCES, f.source), f.note]
              for f in shown],
    )


def mitigations_table(view: RiskView) -> Table:
    return Table(headings=[_("Mitigation measure"), _("Who"), _("By when")],
                 rows=[[m.what, m.who, fmt_date(m.by_when)] for m in view.mitigations])


def needs_rows(view: NeedsView) -> list[tuple[str, str]]:
    pressing = [label_of_area(n.area) for n in view.needs if n.pressing]
    return [
        (_("Needs assessment"), signed(view.assessed_on, view.author, view.version_no)),
        (_("High or urgent needs"), ", ".join(pressing) if pressing else _("None")),
        (_("Education level"), label(EDUCATION_LEVELS, view.education_level)),
        (_("Work experience"), view.work_experience or "—"),
        (_("Skills"), view.skills or "—"),
        (_("Languages"), view.languages or "—"),
        (_("What the person wants to do after return"), view.aspirations or "—"),
        (_("Opportunities identified with the IOM office or peers in the return country"),
         view.opportunities or "—"),
    ]


def needs_table(view: NeedsView, *, all_areas: bool = False) -> Table:
    """Needs grouped by dimension, the areas with a need (or all of them)."""
    shown = [n for n in view.needs if all_areas or n.priority != "none"]
    return Table(
        headings=[_("Dimension"), _("Need"), _("Priority"), _("Note")],
        rows=[[label(DIMENSIONS, n.dimension), label_of_area(n.area), label(PRIORITIES, n.priority), n.note]
              for n in shown],
    )


def label_of_area(area: str) -> str:
    return label(NEED_AREA_LABELS, area)


def risk_history_line(view: RiskView) -> str:
    return _("Risk assessment version {n}, {day}, by {author}: {level}").format(
        n=view.version_no, day=fmt_date(view.assessed_on), author=view.author, level=risk_level_text(view))


def needs_history_line(view: NeedsView) -> str:
    pressing = sum(1 for n in view.needs if n.pressing)
    return _("Needs assessment version {n}, {day}, by {author}: {count} high or urgent needs").format(
        n=view.version_no, day=fmt_date(view.assessed_on), author=view.author, count=pressing)


def case_section(session: Session, actor: Actor, case: Case) -> Section | None:
    """The current assessments in the case file and the case PDF; earlier versions as history."""
    case = case_get(session, actor, case.id)
    return _section(_risk_versions(session, case.id), _needs_versions(session, case.id))


def _section(risks: tuple[RiskView, ...], needs: tuple[NeedsView, ...]) -> Section | None:
    if not risks and not needs:
        return None
    rows: list[tuple[str, str]] = []
    tables: list[Table] = []
    risk = risks[0] if risks and risks[0].is_current else None
    need = needs[0] if needs and needs[0].is_current else None
    if risk:
        rows += risk_rows(risk)
        tables.append(factors_table(risk))
        if risk.mitigations:
            tables.append(mitigations_table(risk))
    else:
        rows.append((_("Risk assessment"), _("Not done yet")))
    if need:
        rows += needs_rows(need)
        tables.append(needs_table(need))
    else:
        rows.append((_("Needs assessment"), _("Not done yet")))
    history = [risk_history_line(v) for v in risks if not v.is_current]
    history += [needs_history_line(v) for v in needs if not v.is_current]
    return Section(title=_("Risk and needs assessment"), rows=rows, tables=[t for t in tables if t.rows],
                   history=history)
