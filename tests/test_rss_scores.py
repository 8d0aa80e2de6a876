"""Worked examples of the sustainability survey's scores, each step computed by hand, and properties.

Option values used below (care/rss_items.py): income_source none 0, irregular 1/3, regular_short 2/3,
regular_enough 1; "often/sometimes/never" 0, 0.5, 1; "no/partly/yes" 0, 0.5, 1; debt more 0, less 0.5,
none 1; satisfaction 0, .25, .5, .75, 1; housing none 0, temporary 0.5, stable 1; schooling none 0,
some 0.5, all 1, na (left out); safety 0, .25, .5, .75, 1; intention leaving 0, thinking 0.5, staying 1.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care.rss_items import DIMENSIONS, ITEM, ITEMS, ITEMS_OF
from care.rss_scores import Weights, equal_weights, fmt_score, survey_scores, weights_problems

ALL_BEST = {i.code: max((o for o in i.options if o.value is not None), key=lambda o: o.value).code for i in ITEMS}
ALL_WORST = {i.code: min((o for o in i.options if o.value is not None), key=lambda o: o.value).code for i in ITEMS}


def test_example_1_every_answer_best_scores_one_and_worst_zero():
    # Every value is 1: each weighted mean is (1+1+...)/n = 1; the composite (1+1+1)/3 = 1.
    best = survey_scores(ALL_BEST, equal_weights())
    assert (best.economic, best.social, best.psychosocial, best.composite) == (1.0, 1.0, 1.0, 1.0)
    assert not best.partial and best.answered == best.asked == 19
    # Every value is 0: every mean is 0.
    worst = survey_scores(ALL_WORST, equal_weights())
    assert (worst.economic, worst.social, worst.psychosocial, worst.composite) == (0.0, 0.0, 0.0, 0.0)


def test_example_2_a_mixed_survey_with_equal_weights():
    answers = dict(ALL_BEST)
    # economic: income irregular 1/3, food sometimes 0.5, borrowing no 0, debt less 0.5,
    #           satisfaction neutral 0.5, assets yes 1
    #   sum = 0.3333 + 0.5 + 0 + 0.5 + 0.5 + 1 = 2.8333; / 6 = 0.47222
    answers.update(income_source="irregular", food_security="sometimes", borrowing="no", debt="less",
                   economic_satisfaction="neutral", productive_assets="yes")
    # social: housing temporary 0.5, schooling na (left out), justice partly 0.5, documents all 1,
    #         water always 1, health poor 0.5 -> (0.5 + 0.5 + 1 + 1 + 0.5) / 5 = 3.5 / 5 = 0.7
    answers.update(housing="temporary", schooling="na", justice="partly", documents="all", water="always",
                   health_care="poor")
    # psychosocial: participation sometimes 0.5, support one 0.5, discrimination never 1, safety safe 0.75,
    #   family sometimes 0.5, distress often 0, intention thinking 0.5
    #   sum = 0.5+0.5+1+0.75+0.5+0+0.5 = 3.75; / 7 = 0.535714
    answers.update(participation="sometimes", support_network="one", discrimination="never", safety="safe",
                   family_tension="sometimes", distress="often", intention_to_migrate="thinking")
    s = survey_scores(answers, equal_weights())
    assert s.economic == pytest.approx(2.833333 / 6, abs=1e-5)
    assert s.social == pytest.approx(0.7)
    assert s.psychosocial == pytest.approx(3.75 / 7)
    # composite: (0.472222 + 0.7 + 0.535714) / 3 = 1.707937 / 3 = 0.569312
    assert s.composite == pytest.approx(0.569312, abs=1e-5)
    assert not s.partial  # "not applicable" is an answer


def test_example_3_dimension_weights_change_the_composite_only():
    # Economic all best (1.0), social all worst (0.0), psychosocial all best (1.0).
    answers = dict(ALL_BEST)
    answers.update({i: ALL_WORST[i] for i in ITEMS_OF["social"]})
    w = Weights({"economic": 2, "social": 1, "psychosocial": 1}, {i: 1 for i in ITEM}, "test", 4)
    s = survey_scores(answers, w)
    # composite = (2*1 + 1*0 + 1*1) / (2+1+1) = 3/4 = 0.75
    assert (s.economic, s.social, s.psychosocial) == (1.0, 0.0, 1.0)
    assert s.composite == pytest.approx(0.75)
    assert (s.weights_version, s.weights_source) == (4, "test")


def test_example_4_question_weights_within_a_dimension():
    answers = dict(ALL_BEST)
    # economic: debt "more" (0) with weight 3, the other five questions at 1 with weight 1
    #   = (3*0 + 5*1) / (3 + 5) = 5/8 = 0.625
    answers["debt"] = "more"
    items = {i: 1 for i in ITEM} | {"debt": 3}
    s = survey_scores(answers, Weights({d: 1 for d in DIMENSIONS}, items))
    assert s.economic == pytest.approx(0.625)
    # composite = (0.625 + 1 + 1) / 3 = 2.625 / 3 = 0.875
    assert s.composite == pytest.approx(0.875)


def test_example_5_a_partial_survey_says_so():
    # Only three psychosocial questions answered: safety unsafe 0.25, distress sometimes 0.5,
    # intention staying 1 -> psychosocial (0.25+0.5+1)/3 = 0.583333; economic and social: no score.
    s = survey_scores({"safety": "unsafe", "distress": "sometimes", "intention_to_migrate": "staying"},
                      equal_weights())
    assert s.psychosocial == pytest.approx(1.75 / 3)
    assert s.economic is None and s.social is None
    # the composite is the psychosocial score alone (the only dimension with one), and flagged partial
    assert s.composite == pytest.approx(1.75 / 3)
    assert s.partial and s.answered == 3 and s.asked == 19 and "income_source" in s.missing


def test_example_6_a_zero_weight_question_does_not_count():
    # economic: income "none" (0) at weight 0; the other five at 1 -> 5/5 = 1.0
    answers = dict(ALL_BEST, income_source="none")
    s = survey_scores(answers, Weights({d: 1 for d in DIMENSIONS}, {i: 1 for i in ITEM} | {"income_source": 0}))
    assert s.economic == 1.0


def test_unknown_question_is_refused():
    with pytest.raises(ValueError):
        survey_scores({"shoe_size": "42"}, equal_weights())


def test_weights_problems():
    ok = equal_weights()
    assert weights_problems(ok) == {}
    bad = Weights({"economic": -1, "social": 1, "psychosocial": 1}, {i: 1 for i in ITEM})
    assert "dim_economic" in weights_problems(bad)
    no_social = Weights({d: 1 for d in DIMENSIONS}, {i: (0 if i in ITEMS_OF["social"] else 1) for i in ITEM})
    assert set(weights_problems(no_social)) == {"dim_social"}


# --- properties -----------------------------------------------------------------------------

answer_sets = st.fixed_dictionaries({}, optional={
    i.code: st.sampled_from([o.code for o in i.options]) for i in ITEMS})
weights = st.builds(
    lambda d, it: Weights(d, it),
    st.fixed_dictionaries({d: st.floats(0, 10) for d in DIMENSIONS}).filter(lambda d: sum(d.values()) > 0),
    st.fixed_dictionaries({i: st.floats(0.01, 10) for i in ITEM}))


@given(answer_sets, weights)
def test_scores_stay_between_zero_and_one(answers, w):
    s = survey_scores(answers, w)
    for value in (s.economic, s.social, s.psychosocial, s.composite):
        assert value is None or 0.0 <= value <= 1.0
    assert s.partial == (len(answers) < len(ITEM))


@given(answer_sets, weights, st.sampled_from([i.code for i in ITEMS]), st.data())
def test_a_better_answer_never_lowers_a_score(answers, w, item, data):
    scored = [o for o in ITEM[item].options if o.value is not None]
    low, high = sorted(data.draw(st.lists(st.sampled_from(scored), min_size=2, max_size=2)), key=lambda o: o.value)
    worse = survey_scores(answers | {item: low.code}, w)
    better = survey_scores(answers | {item: high.code}, w)
    dim = ITEM[item].dimension
    assert better.dimension(dim) >= worse.dimension(dim) - 1e-12
    # the composite has no value only where the weights leave every answered dimension out: then neither has one
    assert (better.composite is None) == (worse.composite is None)
    if better.composite is not None:
        assert better.composite >= worse.composite - 1e-12


@pytest.mark.parametrize(("value", "text"), [(None, "—"), (0.625, "0.63"), (0.8, "0.80"), (1.0, "1.00"), (0.0, "0.00"),
                                             (2.833333 / 6, "0.47")])
def test_a_score_prints_with_two_decimals_rounded_half_up(value, text):
    assert fmt_score(value) == text
