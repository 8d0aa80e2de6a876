"""Indicators of a programme for a period: what the managers and the coordination team watch.

Every figure is an SQL aggregate (COUNT, SUM, AVG, GROUP BY) over the programme's cases
referred in the period, so a report costs the same few queries with 100 cases or 10,000;
only the durations behind a median come back as a list of integers, and the forms of
exploitation (encrypted at rest, so SQL cannot group them) one short list per case. Nothing here returns
a case code or a name. Before a report leaves this module it goes through
`smallcells.disclose`: exact for the programme's coordinators, small counts hidden for
everyone else (the managers).

Definitions (docs/DESIGN.md, "Decisions"): people assisted are the cases that were not
found ineligible; the period filters on the referral date (activities: on the day they were
held); an age group is the age at referral, from the birth date or the estimated age (kept in
clear as `Case.age_at_referral`: the birth date itself is encrypted).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case as sql_case
from sqlalchemy import distinct
from sqlmodel import Session, col, func, select

from care import followups, indicators_rss
from care.access import Actor, Role, is_coordinator_of, require_programme
from care.activities import ORG_KINDS, REFERRAL_OUTCOMES
from care.countries import country_name
from care.errors import ValidationErrors
from care.i18n import N_, _
from care.programmes import ProgrammeSettings, programme_settings
from care.smallcells import Cell, Kind, Row, Table, disclose, number, people
from care.vocab import AGE_GROUPS, DIMENSIONS, EXPLOITATION_FORMS, PLAN_CATEGORIES, PLAN_SUBCATEGORIES, SEX, Stage, label, stage_label
from db.models import (
    Activity, ActivityModule, ActivityParticipants, Case, FollowUp, FollowUpScore, PartnerOrganisation, Payment, Plan,
    PlanLine, Referral, TrainingModule,
)
from db.types import CENT

TOPICS = {
    "people": N_("People assisted"),
    "path": N_("The path of the cases"),
    "followup": N_("Follow-up after return"),
    "reintegration": N_("Reintegration"),
    "budget": N_("Budget"),
    "activities": N_("Activities"),
}


# The alarms a follow-up can raise (the codes the follow-up log writes).
ALARMS = followups.ALARMS  # one list, one wording: the follow-up log's

# The dimensions of the reintegration sustainability check.

# A plan's current revision (draft, submitted or approved) is what is planned.
PLANNED = ("draft", "submitted", "approved")
STAGE_ORDER = [Stage.REFERRED, Stage.ELIGIBLE, Stage.ASSESSED, Stage.PLAN_APPROVED, Stage.DEPARTED, Stage.ARRIVED,
               Stage.FOLLOW_UP, Stage.CLOSED, Stage.INELIGIBLE]


@dataclass(frozen=True)
class Report:
    programme_id: int
    programme_code: str
    programme_name: str
    currency: str
    date_from: date
    date_to: date
    as_of: date
    exact: bool  # False: small figures are hidden (see care.smallcells)
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def topics(self) -> list[tuple[str, list[Table]]]:
        """The tables grouped under their topic's (translated) title, in report order."""
        return [(_(title), [t for t in self.tables if t.topic == topic]) for topic, title in TOPICS.items()]


@dataclass(frozen=True)
class _Scope:
    """The cases a report counts: the programme's, referred within the period."""

    programme_id: int
    date_from: date
    date_to: date

    def cases(self) -> list:
        return [Case.programme_id == self.programme_id, Case.referral_date >= self.date_from,
                Case.referral_date <= self.date_to]

    def assisted(self) -> list:
        return [*self.cases(), Case.stage != Stage.INELIGIBLE.value]


def indicators_report(session: Session, actor: Actor, *, programme_id: int, date_from: date | None = None,
                      date_to: date | None = None, today: date) -> Report:
    """The programme's indicators for the period (its whole period by default), as this actor may see them."""
    require_programme(actor, programme_id, Role.COORDINATOR, Role.MANAGER)
    settings = programme_settings(session, programme_id)
    date_from = date_from or settings.start_date
    date_to = date_to or settings.end_date
    if date_from > date_to:
        raise ValidationErrors(errors={"date_to": _("The end of the period comes before its start.")})
    scope = _Scope(programme_id, date_from, date_to)
    facts = _Facts.load(session, scope, today)
    tables = (
        *_people_tables(facts, settings),
        *_path_tables(facts),
        *_followup_tables(facts),
        _scores_table(session, scope),
        *_budget_tables(facts, settings),
        *_activity_tables(session, scope),
        _partners_table(session, facts),  # last, so the earlier tables keep their export file numbers
        *indicators_rss.rss_tables(session, programme_id=programme_id, date_from=date_from, date_to=date_to),
    )
    exact = is_coordinator_of(actor, programme_id)
    return Report(programme_id=programme_id, programme_code=settings.code, programme_name=settings.name,
                  currency=settings.currency, date_from=date_from, date_to=date_to, as_of=today, exact=exact,
                  tables=disclose(tables, exact=exact))


def small_cells_rule() -> str:
    """How small figures are hidden, in words, for the page's help and the reports."""
    return _("For managers, no one can be singled out: a count of 1 to 4 people is shown as <5 (a count of 0 "
             "is shown). A sum of money, an average, a share or a median computed over 1 to 4 people shows as "
             "“hidden”. Where a hidden figure could be worked out from a total and the other figures, the next "
             "smallest figure, or the total, shows as “hidden” too: it may be any size. The programme's "
             "coordinators see the exact figures.")


# --- helpers ------------------------------------------------------------------------


def _count_rows(counts: dict[str, int], order: Iterable[str], labels, *, keep_zero: bool = True) -> list[Row]:
    """One row per code: the known codes in their order (zeros too, if asked), then any other code."""
    codes = [c for c in order if keep_zero or counts.get(c)]
    codes += sorted(c for c in counts if c not in codes and counts[c])
    return [Row(str(c), labels(c), (people(counts.get(c, 0)),)) for c in codes]


def _by_count(counts: dict[str, int], labels) -> list[Row]:
    """Rows by count, largest first (then by name), for lists with no natural order (countries)."""
    codes = sorted((c for c in counts if counts[c]), key=lambda c: (-counts[c], labels(c)))
    return [Row(c, labels(c), (people(counts[c]),)) for c in codes]


def _share(part: int, whole: int | None, n: int) -> Cell:
    return Cell(part / whole if whole else None, Kind.SHARE, n)


# --- the programme's facts, read once -------------------------------------------------


@dataclass
class _Facts:
    """What the tables count, read in a few result sets (issue 23): one row per case referred in the
    period, one per follow-up and per current plan line and payment of the people assisted. The
    tables are then derived here in one pass each; the database no longer runs some forty
    aggregates with count(DISTINCT) over three- and four-way joins for the same rows."""

    cases: list  # (id, stage, is_minor, host, return, sex, age, forms, referral, departure, arrival, alarm_open)
    followups: list  # (case_id, kind, months_after, status, due_on, done_on, alarms)
    lines: list  # (case_id, plan status, line id, category, subcategory, amount, months, partner id)
    payments: list  # (case_id, category, amount)
    today: date

    @classmethod
    def load(cls, session: Session, scope: _Scope, today: date) -> _Facts:
        assisted = [*scope.assisted()]
        cases = session.exec(
            select(Case.id, Case.stage, Case.is_minor, Case.host_country, Case.return_country, Case.sex,
                   Case.age_at_referral,
                   # Decrypted only where counted: the forms of the people assisted (one small value each).
                   sql_case((Case.stage != Stage.INELIGIBLE.value, Case.exploitation_forms), else_=None)
                   .label("forms"),
                   Case.referral_date, Case.departure_date, Case.arrival_date, Case.alarm_open)
            .where(*scope.cases())).all()
        followups_ = session.exec(
            select(FollowUp.case_id, FollowUp.kind, FollowUp.months_after, FollowUp.status, FollowUp.due_on,
                   FollowUp.done_on, FollowUp.alarms)
            .join(Case, Case.id == FollowUp.case_id).where(*assisted)).all()
        lines = session.exec(
            select(Plan.case_id, Plan.status, PlanLine.id, PlanLine.category, PlanLine.subcategory,
                   PlanLine.amount_programme, PlanLine.duration_months, PlanLine.partner_id)
            .join(Plan, Plan.id == PlanLine.plan_id).join(Case, Case.id == Plan.case_id)
            .where(*assisted, col(Plan.status).in_(PLANNED))).all()
        payments = session.exec(
            select(Plan.case_id, PlanLine.category, Payment.amount)
            .join(PlanLine, PlanLine.id == Payment.plan_line_id).join(Plan, Plan.id == PlanLine.plan_id)
            .join(Case, Case.id == Plan.case_id)
            .where(*assisted, col(Payment.cancelled_at).is_(None))).all()
        return cls(list(cases), list(followups_), list(lines), list(payments), today)

    def assisted(self) -> list:
        return [c for c in self.cases if c[1] != Stage.INELIGIBLE.value]


def _alarm_list(stored) -> list[str]:
    if isinstance(stored, list):
        return stored
    return json.loads(stored) if stored and stored != "[]" else []


def _tally(values: Iterable) -> dict:
    return dict(Counter(values))


def _age_group(age: int | None) -> str:
    """The age group of an age at referral (the first group whose highest age it does not pass)."""
    if age is None:
        return "unknown"
    for code, (_label, low, high) in AGE_GROUPS.items():
        if low is None:
            continue
        if (age <= high) if high is not None else (age >= low):
            return code
    return "unknown"


def _duration_cells(days: list[int]) -> tuple[Cell, ...]:
    """People, median and quartiles of durations in days."""
    days = sorted(days)
    n = len(days)
    if not days:
        return people(0), Cell(None, Kind.DAYS, 0), Cell(None, Kind.DAYS, 0), Cell(None, Kind.DAYS, 0)
    q1, median, q3 = statistics.quantiles(days, n=4, method="inclusive") if n > 1 else (days[0],) * 3
    return (people(n), *(Cell(round(float(v), 1), Kind.DAYS, n) for v in (median, q1, q3)))


# --- people assisted ----------------------------------------------------------------


def _people_tables(facts: _Facts, settings: ProgrammeSettings) -> list[Table]:
    assisted = facts.assisted()
    total, minors = len(assisted), sum(1 for c in assisted if c[2])

    def target(value: int) -> Cell:
        return number(value) if value else Cell(None, Kind.NUMBER)

    target_table = Table(
        "people_target", "people", _("People assisted against the target"), "",
        (_("People assisted"), _("Target"), _("Share of the target")),
        (Row("people", _("People assisted"), (people(total), target(settings.target_people),
                                               _share(total, settings.target_people, total))),
         Row("minors", _("of whom minors"), (people(minors), target(settings.target_minors),
                                             _share(minors, settings.target_minors, minors)))),
        derived=((2, (0,)),), chart="target",
        note=_("People assisted: the cases referred in the period that were not found ineligible. "
               "The target is the programme's, for its whole period."))
    total_row = Row("total", _("People assisted"), (people(total),), total=True)

    def grouped(index: int) -> dict[str, int]:
        return _tally(c[index] for c in assisted)

    hosts = grouped(3)
    host_rows = _count_rows(hosts, sorted(settings.host_countries, key=country_name), country_name)
    tables = [target_table, _people_table("people_by_host", _("People assisted by host country"),
                                          _("Host country"), host_rows, total_row)]
    tables.append(_people_table("people_by_return", _("People assisted by country of return"),
                                _("Country of return"), _by_count(grouped(4), country_name),
                                total_row))
    tables.append(_people_table("people_by_sex", _("People assisted by sex"), _("Sex"),
                                _count_rows(grouped(5), SEX, lambda c: label(SEX, c)), total_row))
    # The birth date is encrypted: the case keeps its age at referral in clear (db/models/case.py).
    ages = _tally(_age_group(c[6]) for c in assisted)
    tables.append(_people_table("people_by_age", _("People assisted by age at referral"), _("Age group"),
                                _count_rows(ages, AGE_GROUPS,
                                            lambda c: _(AGE_GROUPS[c][0]) if c in AGE_GROUPS else c), total_row,
                                note=_("Age at referral, from the date of birth or, where it is not known, "
                                       "the estimated age.")))
    # The forms of exploitation are encrypted (a special category of data), so SQL cannot group
    # them: one small value per case is decrypted, and nothing but the counts leaves.
    forms: Counter[str] = Counter()
    for c in assisted:
        forms.update(set(c[7] or ()))
    tables.append(Table(
        "people_by_exploitation", "people", _("People assisted by form of exploitation"),
        _("Form of exploitation"), (_("People"),),
        (*_count_rows(dict(forms), EXPLOITATION_FORMS, lambda c: label(EXPLOITATION_FORMS, c), keep_zero=False),
         total_row), chart="bar",
        note=_("A person may have been exploited in more than one way: the rows can add up to more than "
               "the total.")))
    return tables


def _people_table(key: str, title: str, heading: str, rows: list[Row], total_row: Row, note: str = "") -> Table:
    return Table(key, "people", title, heading, (_("People"),), (*rows, total_row), additive_columns=(0,),
                 chart="bar", note=note)


# --- the path -----------------------------------------------------------------------


def minors_by_stage(session: Session, scope: _Scope) -> dict[str, int]:
    """Minors at each stage (the minors' work module offers the same figure for its page)."""
    return {k: int(v) for k, v in session.exec(
        select(Case.stage, func.count()).where(*scope.cases(), Case.is_minor == True)  # noqa: E712
        .group_by(Case.stage)).all()}


def _path_tables(facts: _Facts) -> list[Table]:
    cases = _tally(c[1] for c in facts.cases)
    minors = _tally(c[1] for c in facts.cases if c[2])
    codes = [s.value for s in STAGE_ORDER] + sorted(set(cases) - {s.value for s in STAGE_ORDER})
    rows = [Row(c, stage_label(c), (people(cases.get(c, 0)), people(minors.get(c, 0)))) for c in codes]
    rows.append(Row("total", _("All cases"), (people(sum(cases.values())), people(sum(minors.values()))),
                    total=True))
    stages = Table("cases_by_stage", "path", _("Cases at each stage"), _("Stage"), (_("Cases"), _("of whom minors")),
                   tuple(rows), additive_columns=(0, 1), chart="bar",
                   note=_("Where each case referred in the period stands today, ineligible referrals included."))
    assisted = facts.assisted()
    to_departure = [(c[9] - c[8]).days for c in assisted if c[9] is not None and c[8] is not None]
    first_done: dict[int, date] = {}
    for case_id, _kind, _months, status, _due, done_on, _alarms in facts.followups:
        if status == "done" and done_on is not None and (case_id not in first_done or done_on < first_done[case_id]):
            first_done[case_id] = done_on
    to_followup = [(first_done[c[0]] - c[10]).days for c in assisted if c[10] is not None and c[0] in first_done]
    durations = Table(
        "durations", "path", _("How long it takes (days)"), _("Step"),
        (_("People"), _("Median"), _("25th percentile"), _("75th percentile")),
        (Row("referral_to_departure", _("From referral to departure"), _duration_cells(to_departure)),
         Row("arrival_to_first_followup", _("From arrival to the first follow-up"), _duration_cells(to_followup))),
        chart="durations",
        note=_("Half of the people took less than the median, half took longer; half of them fall between "
               "the 25th and the 75th percentile."))
    return [stages, durations]


# --- follow-up ----------------------------------------------------------------------


def _followup_tables(facts: _Facts) -> list[Table]:
    today = facts.today
    tallies: dict[int, list[int]] = {}
    for _case_id, kind, months, status, due_on, _done, _alarms in facts.followups:
        if kind != "scheduled" or months is None:
            continue
        t = tallies.setdefault(months, [0, 0, 0])
        t[0] += status == "done"
        t[1] += status == "missed"
        t[2] += status == "planned" and due_on < today
    rounds = [(m, *tallies[m]) for m in sorted(tallies)]

    def row(key: str, text: str, done: int, missed: int, overdue: int, total: bool = False) -> Row:
        due = done + missed + overdue
        return Row(key, text, (people(due), people(done), _share(done, due, due), people(missed), people(overdue)),
                   total=total)

    rows = [row(str(m), _("Month {n} after return").format(n=m),
                int(d), int(ms), int(o)) for m, d, ms, o in rounds]
    rows.append(row("total", _("All scheduled follow-ups"), *(sum(int(r[i]) for r in rounds) for i in (1, 2, 3)),
                    total=True))
    schedule = Table(
        "followups", "followup", _("Scheduled follow-ups done"), _("Follow-up"),
        (_("Due to date"), _("Done"), _("Share done"), _("Missed"), _("Overdue")), tuple(rows),
        additive_columns=(0, 1, 3, 4), row_sums=((0, (1, 3, 4)),), derived=((2, (0, 1)),), chart="share",
        note=_("Due to date: follow-ups whose date has come, done, missed or not yet logged (overdue) on the day of the "
               "report. Follow-ups cancelled because the case closed or consent was withdrawn are not counted."))

    raised = _tally(value for value, _case in
                    {(str(a), f[0]) for f in facts.followups for a in (f[6] or ())})
    open_now = sum(1 for c in facts.assisted() if c[11])
    alarm_rows = _count_rows(raised, ALARMS, lambda c: label(ALARMS, c))
    alarm_rows.append(Row("open_now", _("Cases with an alarm open today"), (people(int(open_now)),), total=True))
    alarm_table = Table("alarms", "followup", _("Alarms raised at follow-ups"), _("Alarm"), (_("People"),),
                        tuple(alarm_rows), chart="bar",
                        note=_("People for whom a follow-up raised the alarm, by kind of alarm."))
    return [schedule, alarm_table]


def _scores_table(session: Session, scope: _Scope) -> Table:
    done = [FollowUp.status == "done", FollowUp.kind == "scheduled", col(FollowUp.months_after).is_not(None)]
    # Each follow-up's answers summed per dimension first (the score table's key order), so the outer
    # query counts follow-ups by counting rows: no count(DISTINCT) over the join.
    per_followup = (select(FollowUp.months_after.label("months"), FollowUpScore.dimension.label("dim"),
                           func.sum(FollowUpScore.score).label("total"), func.count().label("answers"))
                    .join(FollowUp, FollowUp.id == FollowUpScore.followup_id).join(Case, Case.id == FollowUp.case_id)
                    .where(*scope.assisted(), *done)
                    .group_by(FollowUpScore.followup_id, FollowUpScore.dimension, FollowUp.months_after).subquery())
    has_score = select(FollowUpScore.followup_id).where(FollowUpScore.followup_id == FollowUp.id).exists()
    scored = {int(m): int(n) for m, n in session.exec(
        select(FollowUp.months_after, func.count()).join(Case, Case.id == FollowUp.case_id)
        .where(*scope.assisted(), *done, has_score).group_by(FollowUp.months_after)).all()}
    means: dict[tuple[int, str], tuple[float, int]] = {}
    for m, dim, total, answers, n in session.exec(
            select(per_followup.c.months, per_followup.c.dim, func.sum(per_followup.c.total),
                   func.sum(per_followup.c.answers), func.count())
            .group_by(per_followup.c.months, per_followup.c.dim)).all():
        means[(int(m), str(dim))] = (round(int(total) / int(answers), 2), int(n))
    rows = []
    for m in sorted(scored):
        cells = [people(scored[m])]
        for dim in DIMENSIONS:
            mean, n = means.get((m, dim), (None, 0))
            cells.append(Cell(mean, Kind.SCORE, n))
        rows.append(Row(str(m), _("Month {n} after return").format(n=m),
                        tuple(cells)))
    return Table(
        "scores", "reintegration", _("Reintegration scores over time after return"), _("Follow-up"),
        (_("People scored"), *(_(t) for t in DIMENSIONS.values())), tuple(rows), chart="scores",
        note=_("Average score of the reintegration sustainability check, from 1 (poor) to 5 (good), "
               "by dimension, at each scheduled follow-up done."))


# --- budget -------------------------------------------------------------------------


def _money(rows: Iterable[tuple[str, Decimal, int]]) -> tuple[dict[str, tuple[Decimal, int]], tuple[Decimal, int]]:
    """Sums and people counted, by group and in all, of (group, amount, case id) rows."""
    sums: dict[str, Decimal] = {}
    who: dict[str, set[int]] = {}
    total, everyone = Decimal(0), set()
    for group, amount, case_id in rows:
        g = str(group)
        sums[g] = sums.get(g, Decimal(0)) + amount
        who.setdefault(g, set()).add(case_id)
        total += amount
        everyone.add(case_id)
    return {g: (sums[g], len(who[g])) for g in sums}, (total, len(everyone))


def _budget_tables(facts: _Facts, settings: ProgrammeSettings) -> list[Table]:
    currency = settings.currency
    returns = {c[0]: c[4] for c in facts.cases}

    def table(key: str, title: str, heading: str, group, order, labels, keep_zero: bool) -> Table:
        planned = [(group(case_id, category), amount, case_id)
                   for case_id, _status, _lid, category, _sub, amount, _m, _p in facts.lines]
        approved = [(group(case_id, category), amount, case_id)
                    for case_id, status, _lid, category, _sub, amount, _m, _p in facts.lines if status == "approved"]
        paid = [(group(case_id, category), amount, case_id) for case_id, category, amount in facts.payments]
        figures = [_money(planned), _money(approved), _money(paid)]
        codes = [c for c in order if keep_zero or any(c in f[0] for f in figures)]
        codes += sorted({c for f in figures for c in f[0]} - set(codes), key=labels)
        nothing = (Decimal(0), 0)
        rows = [Row(c, labels(c), tuple(Cell(f[0].get(c, nothing)[0], Kind.MONEY, f[0].get(c, nothing)[1])
                                        for f in figures)) for c in codes]
        rows.append(Row("total", _("Total"), tuple(Cell(f[1][0], Kind.MONEY, f[1][1]) for f in figures), total=True))
        return Table(key, "budget", title, heading, (_("Planned"), _("Approved"), _("Paid")), tuple(rows),
                     additive_columns=(0, 1, 2), chart="money", currency=currency,
                     note=_("Planned: the current plan of each case (draft, submitted or approved); approved: "
                            "approved plans; paid: payments made, cancelled ones left out. In {currency}.").format(
                         currency=currency))

    by_category = table("budget_by_category", _("Budget by category"), _("Category"),
                        lambda case_id, category: category, PLAN_CATEGORIES, lambda c: label(PLAN_CATEGORIES, c), True)
    by_country = table("budget_by_country", _("Budget by country of return"), _("Country of return"),
                       lambda case_id, category: returns[case_id], (), country_name, False)
    return [by_category, by_country, _caps_table(facts, settings)]


def _partners_table(session: Session, facts: _Facts) -> Table:
    """Who delivers the plans: per partner organisation of the directory, the people whose current plan
    has a line with it and the number of those lines. The line count is hidden with the people count
    (one line to a partner means one person)."""
    n_lines: Counter = Counter()
    who: dict[int | None, set[int]] = {}
    for case_id, _status, _lid, _cat, _sub, _amount, _months, partner_id in facts.lines:
        n_lines[partner_id] += 1
        who.setdefault(partner_id, set()).add(case_id)
    counts = {pid: (n_lines[pid], len(who[pid])) for pid in n_lines}
    names = {pid: f"{name} ({country})" for pid, name, country in session.exec(
        select(PartnerOrganisation.id, PartnerOrganisation.name, PartnerOrganisation.country)
        .where(col(PartnerOrganisation.id).in_([p for p in counts if p is not None]))).all()}
    order = sorted((p for p in counts if p is not None), key=lambda p: (-counts[p][1], names.get(p, "")))
    rows = [Row(str(p), names.get(p, str(p)), (people(counts[p][1]), Cell(counts[p][0], Kind.NUMBER, counts[p][1])))
            for p in order]
    if None in counts:
        lines, n = counts[None]
        rows.append(Row("none", _("Not from the partner directory"), (people(n), Cell(lines, Kind.NUMBER, n))))
    return Table("plan_lines_by_partner", "budget", _("Plan lines by partner organisation"), _("Partner organisation"),
                 (_("People"), _("Plan lines")), tuple(rows), derived=((1, (0,)),),
                 note=_("The current plan of each case (draft, submitted or approved). A person whose lines go to "
                        "several organisations is counted under each."))


def _cap_label(code: str) -> str:
    if code in PLAN_CATEGORIES:
        return label(PLAN_CATEGORIES, code)
    if code in PLAN_SUBCATEGORIES:
        return _(PLAN_SUBCATEGORIES[code][1])
    return code


def _caps_table(facts: _Facts, settings: ProgrammeSettings) -> Table:
    """Approved amounts per person against the programme's caps, and anyone above one."""
    approved = [ln for ln in facts.lines if ln[1] == "approved"]

    def row(key: str, text: str, matches, amount: Decimal | None, months: int | None) -> Row:
        sums: dict[int, Decimal] = {}
        too_long: set[int] = set()
        for case_id, _status, _lid, category, subcategory, line_amount, line_months, _p in approved:
            if not matches(category, subcategory):
                continue
            sums[case_id] = sums.get(case_id, Decimal(0)) + line_amount
            if months is not None and line_months is not None and line_months > months:
                too_long.add(case_id)
        n = len(sums)
        over = len({c for c, total in sums.items() if amount is not None and total > amount} | too_long)
        average = (sum(sums.values(), Decimal(0)) / n).quantize(CENT, rounding=ROUND_HALF_UP) if n else None
        return Row(key, text, (Cell(amount, Kind.MONEY), Cell(months, Kind.NUMBER), people(n),
                               Cell(average, Kind.MONEY, n), people(over)))

    rows = [row("per_person", _("All categories, per person"), lambda cat, sub: True, settings.cap_per_person, None)]
    for cap in settings.caps:
        rows.append(row(cap.category, _cap_label(cap.category),
                        lambda cat, sub, code=cap.category: cat == code or sub == code, cap.amount, cap.max_months))
    return Table(
        "budget_caps", "budget", _("Approved plans against the caps"), _("Cap"),
        (_("Cap per person"), _("Cap in months"), _("People with an approved line"),
         _("Average approved per person"), _("People above the cap")), tuple(rows), derived=((3, (2,)),),
        currency=settings.currency,
        note=_("Caps as the programme sets them today; a plan approved under earlier caps may be above a "
               "cap lowered since."))


# --- activities ---------------------------------------------------------------------


def _activity_tables(session: Session, scope: _Scope) -> list[Table]:
    held = [Activity.programme_id == scope.programme_id, Activity.held_on >= scope.date_from,
            Activity.held_on <= scope.date_to]
    kinds = {k: (int(n), int(p or 0), int(q or 0)) for k, n, p, q in session.exec(
        select(Activity.kind, func.count(), func.sum(Activity.participants), func.sum(Activity.quantity))
        .where(*held).group_by(Activity.kind)).all()}
    trained = {k: int(v) for k, v in session.exec(
        select(ActivityParticipants.org_kind, func.sum(ActivityParticipants.count))
        .join(Activity, Activity.id == ActivityParticipants.activity_id)
        .where(*held, Activity.kind == "training").group_by(ActivityParticipants.org_kind)).all()}
    referrals = {k: int(v) for k, v in session.exec(
        select(Referral.outcome, func.count())
        .where(Referral.programme_id == scope.programme_id, Referral.referral_date >= scope.date_from,
               Referral.referral_date <= scope.date_to).group_by(Referral.outcome)).all()}
    modules = session.exec(
        select(TrainingModule.id, TrainingModule.name, TrainingModule.retired, func.count(distinct(Activity.id)))
        .join(ActivityModule, ActivityModule.module_id == TrainingModule.id)
        .join(Activity, Activity.id == ActivityModule.activity_id)
        .where(*held, Activity.kind == "training").group_by(TrainingModule.id, TrainingModule.name,
                                                             TrainingModule.retired)
        .order_by(TrainingModule.id)).all()

    meetings, trainings, brochures = (kinds.get(k, (0, 0, 0)) for k in ("meeting", "training", "brochures"))
    summary = Table(
        "activities", "activities", _("Activities in the period"), _("Activity"), (_("Figure"),),
        (Row("meetings", _("Information meetings held"), (number(meetings[0]),)),
         Row("meeting_participants", _("Participants in the meetings"), (people(meetings[1]),)),
         Row("trainings", _("Trainings held"), (number(trainings[0]),)),
         Row("professionals_trained", _("Professionals trained"), (people(sum(trained.values())),)),
         Row("brochures", _("Brochures distributed"), (number(brochures[2]),)),
         Row("referrals", _("Referrals received"), (people(sum(referrals.values())),))),
        note=_("Meetings, trainings and brochures are counted by the day they took place; referrals by the day "
               "they were received."))
    trained_rows = _count_rows(trained, ORG_KINDS, lambda c: label(ORG_KINDS, c))
    trained_rows.append(Row("total", _("Professionals trained"), (people(sum(trained.values())),), total=True))
    by_org = Table("trained_by_organisation", "activities", _("Professionals trained by kind of organisation"),
                   _("Kind of organisation"), (_("People"),), tuple(trained_rows), additive_columns=(0,), chart="bar")
    module_rows = [Row(str(mid), name + (" " + _("(retired)") if retired else ""), (number(int(n)),))
                   for mid, name, retired, n in modules]
    by_module = Table("training_modules", "activities", _("Modules covered by the trainings"), _("Module"),
                      (_("Trainings"),), tuple(module_rows))
    outcome_rows = _count_rows(referrals, REFERRAL_OUTCOMES, lambda c: label(REFERRAL_OUTCOMES, c))
    outcome_rows.append(Row("total", _("Referrals received"), (people(sum(referrals.values())),), total=True))
    by_outcome = Table("referrals_by_outcome", "activities", _("Referrals received and what became of them"),
                       _("Outcome"), (_("People"),), tuple(outcome_rows), additive_columns=(0,), chart="bar",
                       note=_("Every referral received, including those that could not become a case."))
    return [summary, by_org, by_module, by_outcome]
