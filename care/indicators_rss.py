"""The indicators of the sustainability survey and of the early warning, as tables (care.smallcells).

Each table is one grouped SQL query over the stored survey scores (never the answers, which
are encrypted): no loop over cases. Scores are between 0 and 1 and were produced by the
programme's weights; each table's note says which weights versions the surveys counted used.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Integer, and_, cast, extract
from sqlalchemy import case as sql_case
from sqlmodel import Session, col, func, select

from care.countries import country_name
from care.i18n import _
from care.rss import BASELINE, rss_settings, weights_label
from care.rss_items import DIMENSIONS
from care.smallcells import Cell, Kind, Row, Table, people
from care.vocab import AGE_GROUPS, SEX, Stage, label
from db.models import Case, EarlyWarning, RssSurvey

SCORES = ("composite", *DIMENSIONS)


def _scope(programme_id: int, date_from: date, date_to: date) -> list:
    return [Case.programme_id == programme_id, Case.referral_date >= date_from, Case.referral_date <= date_to,
            Case.stage != Stage.INELIGIBLE.value]


def _score_col(name: str):
    return getattr(RssSurvey, name)


def _means(n: int, values: dict[str, float | None], counts: dict[str, int]) -> list[Cell]:
    return [Cell(None if values.get(s) is None else round(float(values[s]), 2), Kind.INDEX, counts.get(s, 0))
            for s in SCORES]


def _weights_note(session: Session, scope: list, settings) -> str:
    versions = session.exec(select(RssSurvey.weights_version, RssSurvey.weights_source, func.count())
                            .join(Case, Case.id == RssSurvey.case_id).where(*scope)
                            .group_by(RssSurvey.weights_version, RssSurvey.weights_source)
                            .order_by(RssSurvey.weights_version)).all()
    used = "; ".join(weights_label(v, s) for v, s, _n in versions) or weights_label(
        settings.weights.version, settings.weights.source)
    return _("Scores from 0 (poor) to 1 (good), computed with the programme's weights, not IOM's. {weights}.").format(
        weights=used)


def _aggregates(threshold: float):
    """The columns every score table sums: people, mean of each score and how many it is over, share above."""
    cols = [func.count(func.distinct(RssSurvey.case_id))]
    for s in SCORES:
        cols += [func.avg(_score_col(s)), func.count(_score_col(s))]
    cols += [func.sum(cast(RssSurvey.composite >= threshold, Integer)), func.count(RssSurvey.composite),
             func.sum(cast(RssSurvey.partial, Integer))]
    return cols


def _row(key: str, text: str, values) -> Row:
    n, *rest = values
    means = {s: rest[2 * i] for i, s in enumerate(SCORES)}
    counts = {s: int(rest[2 * i + 1] or 0) for i, s in enumerate(SCORES)}
    above, scored, partial = rest[2 * len(SCORES):]
    share = Cell(None if not scored else round(int(above or 0) / int(scored), 4), Kind.SHARE, int(scored or 0))
    return Row(key, text, (people(int(n or 0)), *_means(int(n or 0), means, counts), share, people(int(partial or 0))))


def _headings(settings) -> tuple[str, ...]:
    return (_("People surveyed"), _("Composite"), *(_(t) for t in DIMENSIONS.values()),
            _("Share at or above {threshold}").format(threshold=f"{settings.threshold:.2f}"), _("Partial surveys"))


def rss_tables(session: Session, *, programme_id: int, date_from: date, date_to: date) -> list[Table]:
    """The survey's and the early warning's tables for the programme's cases referred in the period."""

    settings = rss_settings(session, programme_id)
    scope = _scope(programme_id, date_from, date_to)
    note = _weights_note(session, scope, settings)
    def joined(*cols):
        return select(*cols).select_from(RssSurvey).join(Case, Case.id == RssSurvey.case_id).where(*scope)

    agg = _aggregates(settings.threshold)
    headings = _headings(settings)

    # 1. by months after return (the baseline first)
    rows = []
    for months, *values in session.exec(joined(RssSurvey.months_after, *agg).group_by(RssSurvey.months_after)
                                        .order_by(col(RssSurvey.months_after).is_not(None),
                                                  RssSurvey.months_after)).all():
        rows.append(_row("baseline" if months is None else str(months),
                         _("Baseline") if months is None else _("Month {n} after return").format(n=months), values))
    by_month = Table("rss_months", "reintegration", _("Sustainability survey scores by months after return"),
                     _("Survey"), headings, tuple(rows), note=note)

    # 2. change from baseline, per person who has both
    base = select(RssSurvey.case_id, *(_score_col(s).label(s) for s in SCORES)).where(
        RssSurvey.occasion == BASELINE).subquery()
    change_cols = [func.count(func.distinct(RssSurvey.case_id))]
    for s in SCORES:
        diff = _score_col(s) - getattr(base.c, s)
        change_cols += [func.avg(diff), func.count(diff)]
    rows = []
    for months, n, *rest in session.exec(
            select(RssSurvey.months_after, *change_cols).join(base, base.c.case_id == RssSurvey.case_id)
            .join(Case, Case.id == RssSurvey.case_id)
            .where(*scope, col(RssSurvey.months_after).is_not(None)).group_by(RssSurvey.months_after)
            .order_by(RssSurvey.months_after)).all():
        cells = [people(int(n))]
        for i, _s in enumerate(SCORES):
            mean, count = rest[2 * i], int(rest[2 * i + 1] or 0)
            cells.append(Cell(None if mean is None else round(float(mean), 2), Kind.INDEX, count))
        rows.append(Row(str(months), _("Month {n} after return").format(n=months), tuple(cells)))
    change = Table("rss_change", "reintegration", _("Change in scores from the baseline"), _("Survey"),
                   (_("People with a baseline"), _("Composite"), *(_(t) for t in DIMENSIONS.values())), tuple(rows),
                   note=_("Average change from each person's baseline (a positive figure is an improvement). ")
                   + note)

    # 3. each person's latest follow-up survey, by sex, age group and return country
    ranked = (select(RssSurvey.id, func.row_number().over(partition_by=RssSurvey.case_id, order_by=(
        col(RssSurvey.taken_on).desc(), col(RssSurvey.id).desc())).label("n"))
        .where(col(RssSurvey.months_after).is_not(None)).subquery())
    latest = joined().join(ranked, and_(ranked.c.id == RssSurvey.id, ranked.c.n == 1))
    age = Case.age_at_referral
    whens = [(age.is_(None), "unknown")]
    for code, (_label, low, high) in AGE_GROUPS.items():
        if low is not None:
            whens.append((age <= high, code) if high is not None else (age >= low, code))
    age_group = sql_case(*whens, else_="unknown")
    rows = []
    for kind, column, text in (("sex", Case.sex, lambda v: label(SEX, v)),
                               ("age", age_group, lambda v: _(AGE_GROUPS[v][0]) if v in AGE_GROUPS else v),
                               ("country", Case.return_country, country_name)):
        found = dict((v, rest) for v, *rest in session.exec(
            latest.with_only_columns(column.label("g"), *agg).group_by("g")).all())
        order = list(SEX) if kind == "sex" else list(AGE_GROUPS) if kind == "age" else sorted(found)
        for value in [v for v in order if v in found] + sorted(set(found) - set(order), key=str):
            rows.append(_row(f"{kind}:{value}", text(value), found[value]))
    groups = Table("rss_groups", "reintegration", _("Latest survey after return, by sex, age group and return country"),
                   _("Group"), headings, tuple(rows), note=note)

    # 4. trends by quarter (of the day the survey was taken)
    months = session.exec(joined(extract("year", RssSurvey.taken_on).label("y"),
                                 extract("month", RssSurvey.taken_on).label("m"), *agg[1:])
                          .group_by("y", "m")).all()
    quarters: dict[tuple[int, int], list] = defaultdict(lambda: [0.0] * (2 * len(SCORES)) + [0, 0, 0, 0])
    for y, m, *rest in months:
        q = quarters[(int(y), (int(m) - 1) // 3 + 1)]
        for i in range(len(SCORES)):
            mean, count = rest[2 * i], int(rest[2 * i + 1] or 0)
            q[2 * i] += float(mean or 0) * count
            q[2 * i + 1] += count
        above, scored, partial = rest[2 * len(SCORES):]
        q[-4] += int(above or 0)
        q[-3] += int(scored or 0)
        q[-2] += int(partial or 0)
    surveyed = dict(((int(y), int(q)), int(n)) for y, q, n in session.exec(
        joined(extract("year", RssSurvey.taken_on).label("y"),
               sql_case((extract("month", RssSurvey.taken_on) <= 3, 1), (extract("month", RssSurvey.taken_on) <= 6, 2),
                        (extract("month", RssSurvey.taken_on) <= 9, 3), else_=4).label("q"),
               func.count(func.distinct(RssSurvey.case_id))).group_by("y", "q")).all())
    rows = []
    for (y, qn) in sorted(quarters):
        q = quarters[(y, qn)]
        values = [surveyed.get((y, qn), 0)]
        for i in range(len(SCORES)):
            values += [q[2 * i] / q[2 * i + 1] if q[2 * i + 1] else None, q[2 * i + 1]]
        values += [q[-4], q[-3], q[-2]]
        rows.append(_row(f"{y}-Q{qn}", _("{year}, quarter {q}").format(year=y, q=qn), values))
    trends = Table("rss_quarters", "reintegration", _("Sustainability survey scores by quarter"), _("Quarter"),
                   headings, tuple(rows), note=_("Surveys by the quarter they were taken in (baselines included). ")
                   + note)

    return [by_month, change, groups, trends, _warnings_table(session, scope)]


def _warnings_table(session: Session, scope: list) -> Table:
    from care.early_warning import RULES

    counts = {rule: (int(n), int(closed or 0)) for rule, n, closed in session.exec(
        select(EarlyWarning.rule, func.count(func.distinct(EarlyWarning.case_id)),
               func.count(func.distinct(sql_case((col(EarlyWarning.closed_on).is_not(None), EarlyWarning.case_id)))))
        .join(Case, Case.id == EarlyWarning.case_id).where(*scope).group_by(EarlyWarning.rule)).all()}
    total = session.exec(select(func.count(func.distinct(EarlyWarning.case_id)),
                                func.count(func.distinct(sql_case((col(EarlyWarning.closed_on).is_(None),
                                                                   EarlyWarning.case_id)))))
                         .join(Case, Case.id == EarlyWarning.case_id).where(*scope)).one()
    rows = [Row(rule, _(text), (people(counts.get(rule, (0, 0))[0]), people(counts.get(rule, (0, 0))[1])))
            for rule, text in RULES.items()]
    raised, still_open = int(total[0]), int(total[1])
    rows.append(Row("total", _("Cases raised, any reason"), (people(raised), people(raised - still_open)),
                    total=True))
    return Table("early_warnings", "reintegration", _("Early warnings of re-trafficking risk"), _("Reason"),
                 (_("Cases raised"), _("Cases where a coordinator closed it with what was done")), tuple(rows),
                 note=_("A case raised for more than one reason counts once in each row and once in the total. "
                        "The second column counts cases with at least one such warning closed."))
