"""Scores of the reintegration sustainability survey: pure functions, no database.

A dimension's score is the weighted mean of the values (0 to 1) of its questions answered; a
question answered "not applicable" is left out. The composite is the weighted mean of the
dimension scores. Both stay between 0 and 1, and a better answer never lowers them (the weights
are never negative). A survey with a question unanswered is *partial*: its scores are computed
from what was answered and always carry the flag, so no page shows them as complete.

The weights are the programme's (`care.rss_settings`): equal by default, set by the
administrator with their source; `Weights.version` is the programme settings' version they
belong to. IOM's own weights are not known to this project; loading them is a settings change.

`baseline_scores` (at the end) is the one function here that reads the database: the plan's PDF
prints what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from care.i18n import N_, _
from care.rss_items import DIMENSIONS, ITEM, ITEMS_OF, NOT_APPLICABLE

DEFAULT_SOURCE = N_("Equal weights (the programme's default, not IOM's)")


@dataclass(frozen=True)
class Weights:
    dimensions: Mapping[str, float]  # dimension -> weight in the composite
    items: Mapping[str, float]  # question -> weight within its dimension
    source: str = DEFAULT_SOURCE  # where the weights come from, in the administrator's words
    version: int = 1  # the programme settings' version they belong to

    def as_json(self) -> dict:
        return {"dimensions": dict(self.dimensions), "items": dict(self.items), "source": self.source,
                "version": self.version}

    @classmethod
    def from_json(cls, data: Mapping | None, *, version: int = 1) -> Weights:
        """Weights from stored JSON; anything missing takes the equal default."""
        data = data or {}
        dims = {d: float((data.get("dimensions") or {}).get(d, 1.0)) for d in DIMENSIONS}
        items = {i: float((data.get("items") or {}).get(i, 1.0)) for i in ITEM}
        return cls(dims, items, str(data.get("source") or DEFAULT_SOURCE), int(data.get("version", version)))


def equal_weights(version: int = 1) -> Weights:
    return Weights.from_json({}, version=version)


def weights_problems(weights: Weights) -> dict[str, str]:
    """What is wrong with a set of weights, by field ("dim_<d>", "item_<i>"); English keys for `_()`."""
    out = {}
    for d, w in weights.dimensions.items():
        if not (w >= 0):
            out[f"dim_{d}"] = N_("A weight is a number of 0 or more.")
    for i, w in weights.items.items():
        if not (w >= 0):
            out[f"item_{i}"] = N_("A weight is a number of 0 or more.")
    for d in DIMENSIONS:
        if f"dim_{d}" not in out and not any(weights.items.get(i, 0) > 0 for i in ITEMS_OF[d]):
            out[f"dim_{d}"] = N_("At least one question of this dimension needs a weight above 0.")
    if not out and not any(w > 0 for w in weights.dimensions.values()):
        out["dim_economic"] = N_("At least one dimension needs a weight above 0.")
    return out


@dataclass(frozen=True)
class Scores:
    economic: float | None
    social: float | None
    psychosocial: float | None
    composite: float | None
    partial: bool  # a question was left unanswered: the scores are from the others
    missing: tuple[str, ...] = ()  # the questions unanswered
    answered: int = 0
    asked: int = 0
    weights_version: int = 1
    weights_source: str = DEFAULT_SOURCE
    item_values: Mapping[str, float | None] = field(default_factory=dict)  # the answered questions' values

    def dimension(self, code: str) -> float | None:
        return getattr(self, code)


def answer_value(item: str, answer: str | None) -> float | None:
    """The value of one answer (None: unanswered or not applicable). An unknown option is an error."""
    if answer is None or answer == "":
        return None
    return ITEM[item].value(answer)


def _mean(pairs) -> float | None:
    pairs = [(w, v) for w, v in pairs if v is not None and w > 0]
    total = sum(w for w, _v in pairs)
    if total <= 0:
        return None
    return min(1.0, max(0.0, sum(w * v for w, v in pairs) / total))


def survey_scores(answers: Mapping[str, str | None], weights: Weights) -> Scores:
    """The scores of one survey's answers (question code -> option code, None or absent: unanswered)."""
    unknown = set(answers) - set(ITEM)
    if unknown:
        raise ValueError(f"not questions of the survey: {sorted(unknown)}")
    values = {i: answer_value(i, answers.get(i)) for i in ITEM}
    missing = tuple(i for i in ITEM if not answers.get(i))
    dims = {d: _mean((weights.items.get(i, 0.0), values[i]) for i in ITEMS_OF[d]) for d in DIMENSIONS}
    composite = _mean((weights.dimensions.get(d, 0.0), dims[d]) for d in DIMENSIONS)
    return Scores(**dims, composite=composite, partial=bool(missing), missing=missing,
                  answered=len(ITEM) - len(missing), asked=len(ITEM), weights_version=weights.version,
                  weights_source=weights.source,
                  item_values={i: v for i, v in values.items() if answers.get(i) and answers[i] != NOT_APPLICABLE})


def weights_label(version: int, source: str) -> str:
    """Which weights produced a score, in words: every page, PDF and export that shows one says it."""
    return _("Weights: programme settings version {version}, {source}").format(
        version=version, source=_(source) if source == DEFAULT_SOURCE else source)


def fmt_score(value: float | None) -> str:
    """A score as pages and PDFs print it: two decimals rounded half up ("0.625" -> "0.63"), "—" when there is none."""
    if value is None:
        return "—"
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- for the plan's PDF ---------------------------------------------------------------


@dataclass(frozen=True)
class BaselineScores:
    taken_on: object  # datetime.date
    when: str  # "assessment" or "arrival"
    economic: float | None
    social: float | None
    psychosocial: float | None
    composite: float | None
    partial: bool
    answered: int
    asked: int
    weights_version: int
    weights_source: str

    @property
    def weights_text(self) -> str:
        """"Weights: programme settings version 1, Equal weights (...)", in the current language."""
        return weights_label(self.weights_version, self.weights_source)


def baseline_scores(session, case_id: int) -> BaselineScores | None:
    """The case's baseline survey scores, or None if no baseline was taken. No access check and no
    audit here: the caller (the plan's PDF) has already read the case through `care.access`."""
    from sqlmodel import select

    from db.models import RssSurvey

    s = session.exec(select(RssSurvey).where(RssSurvey.case_id == case_id, RssSurvey.occasion == "baseline")).first()
    if s is None:
        return None
    return BaselineScores(s.taken_on, s.baseline_when, s.economic, s.social, s.psychosocial, s.composite, s.partial,
                          s.answered, s.asked, s.weights_version, s.weights_source)
