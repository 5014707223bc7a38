"""The claim machinery every paper uses: one declaration per claim, one decision rule, and
the agreement of verdicts across seeds."""

import math

import pytest

from attnlab.reproductions import (
    INCONCLUSIVE,
    NOT_REPRODUCED,
    REPRODUCED,
    ClaimList,
    Paper,
    decide,
    surrogate_power,
)
from attnlab.reproductions._claims import across_seeds


@pytest.mark.parametrize("low, high, band, verdict", [
    (0.95, 1.05, (0.9, 1.1), REPRODUCED),            # inside
    (0.9, 1.1, (0.9, 1.1), REPRODUCED),              # touching the edges is inside
    (1.2, 1.3, (0.9, 1.1), NOT_REPRODUCED),          # above
    (0.1, 0.8, (0.9, 1.1), NOT_REPRODUCED),          # below
    (1.0, 1.2, (0.9, 1.1), INCONCLUSIVE),            # straddles an edge
    (0.5, 1.5, (0.9, 1.1), INCONCLUSIVE),            # wider than the band
    (2.5, 3.0, (2.0, math.inf), REPRODUCED),         # one-sided
    (-1.0, 1.0, (2.0, math.inf), NOT_REPRODUCED),
    (math.nan, 1.0, (0.9, 1.1), INCONCLUSIVE),       # nothing measured
])
def test_decide_is_the_three_way_interval_rule(low, high, band, verdict):
    assert decide(low, high, band) == verdict


def test_decide_without_enough_data_or_with_an_empty_interval():
    assert decide(0.95, 1.05, (0.9, 1.1), enough_data=False) == INCONCLUSIVE
    with pytest.raises(ValueError, match="empty"):
        decide(1.1, 0.9, (0.0, 2.0))


def _claims():
    claims = ClaimList()

    @claims.claim("C1", statement="x is about 1", source="here", source_kind="paper",
                  criterion="x within {tol:.0%} of {target:g}", tol=0.1, target=1.0)
    def _c1(spec, config, tables):
        x = tables["x"]
        lo, hi = spec.limits["target"] * (1 - spec.limits["tol"]), \
            spec.limits["target"] * (1 + spec.limits["tol"])
        return spec.result(prediction="1", measurement=f"{x:.3f}", verdict=decide(x, x, (lo, hi)))

    return claims, _c1


def test_one_declaration_formats_the_criterion_from_the_numbers_the_judge_uses():
    claims, c1 = _claims()
    assert [c.id for c in claims] == ["C1"] and claims["C1"] is c1
    assert c1.criterion == "x within 10% of 1"
    assert c1(None, {"x": 1.05}).verdict == REPRODUCED
    assert c1(None, {"x": 1.5}).verdict == NOT_REPRODUCED
    with pytest.raises(TypeError):
        c1.limits["tol"] = 0.5  # the numbers are read-only


def test_a_criterion_that_does_not_format_or_a_repeated_id_is_refused():
    claims = ClaimList()
    with pytest.raises(ValueError, match="does not format"):
        claims.claim("C1", statement="", source="", source_kind="paper",
                     criterion="within {tol}")(lambda *a: None)
    claims.claim("C2", statement="", source="", source_kind="paper", criterion="ok")(
        lambda *a: None)
    with pytest.raises(ValueError, match="declared twice"):
        claims.claim("C2", statement="", source="", source_kind="paper", criterion="ok")
    with pytest.raises(ValueError, match="source_kind must be one of"):
        claims.claim("C3", statement="", source="", source_kind="blog", criterion="ok")(
            lambda *a: None)
    with pytest.raises(TypeError, match="source_kind"):  # every claim says where it is from
        claims.claim("C4", statement="", source="", criterion="ok")


def test_a_paper_refuses_claims_without_a_judge():
    from attnlab.reproductions import ClaimSpec

    with pytest.raises(ValueError, match="without a judge"):
        Paper(slug="x", title="", authors="", arxiv="", claims=[ClaimSpec("C1", "", "", "")],
              make_config=None, cells=None, cell_function=None, tables=None, figures=None)


def test_across_seeds_keeps_agreeing_verdicts_and_splits_the_others():
    claims, c1 = _claims()
    runs = {0: [c1(None, {"x": 1.0})], 1: [c1(None, {"x": 1.02})], 2: [c1(None, {"x": 1.01})]}
    (agreed,) = across_seeds(runs)
    assert agreed.verdict == REPRODUCED
    assert agreed.stability == {"seeds": 3, "agree": 3,
                                "verdicts": {"0": REPRODUCED, "1": REPRODUCED, "2": REPRODUCED}}
    runs[2] = [c1(None, {"x": 2.0})]
    (split,) = across_seeds(runs)
    assert split.verdict == INCONCLUSIVE and split.stability["agree"] == 2
    assert split.measurement.startswith("the verdict changes with the seed (reproduced ×2, "
                                        "not reproduced ×1 over 3 seeds)")


def test_a_criterion_an_ideal_model_fails_cannot_decide():
    """The power check: an ideal surrogate drawn at the run's scale must pass the criterion
    at least 95% of the time, or the verdict is inconclusive, whatever was measured."""
    claims, c1 = _claims()
    # "x within 10% of 1", x an ideal estimate of 1 with SD 0.5 (too few data: the ideal
    # model mostly fails) or with SD 0.01 (it always passes)
    weak = surrogate_power(lambda rng: abs(rng.normal(1, 0.5) - 1) <= 0.1, draws=200, seed=0)
    strong = surrogate_power(lambda rng: abs(rng.normal(1, 0.01) - 1) <= 0.1, draws=200,
                             seed=0)
    assert weak.rate < 0.5 and strong.rate == 1.0
    measured = c1(None, {"x": 1.02})
    assert measured.verdict == REPRODUCED
    undecided = c1.result(prediction="1", measurement="1.020", verdict=REPRODUCED, power=weak)
    assert undecided.verdict == INCONCLUSIVE
    assert "scale cannot decide: an ideal model fails this criterion" in undecided.measurement
    assert undecided.numbers["surrogate_pass_rate"] == weak.rate
    decided = c1.result(prediction="1", measurement="1.020", verdict=REPRODUCED, power=strong)
    assert decided.verdict == REPRODUCED and decided.power == {"draws": 200, "passes": 200,
                                                               "rate": 1.0}
    assert decided.source_kind == "paper"


def test_smoke_scale_decides_exact_claims_only():
    from attnlab.reproductions._claims import enough_at_scale

    claims = ClaimList()

    @claims.claim("S", statement="s", source="x", source_kind="paper", criterion="c")
    def _sampled(spec, config, tables):
        return spec.result(prediction="p", measurement="m", verdict=decide(0.1, 0.2, (0, 1)))

    @claims.claim("E", statement="e", source="x", source_kind="paper", criterion="c",
                  exact=True)
    def _exact(spec, config, tables):
        return spec.result(prediction="p", measurement="m", verdict=decide(3, 3, (0, 1)))

    sampled, exact = claims.judge(None, {})
    capped = enough_at_scale(claims["S"], sampled, "smoke")
    assert (sampled.verdict, capped.verdict) == ("reproduced", "inconclusive")
    assert capped.numbers["verdict_on_thin_data"] == "reproduced"
    assert "'reproduced'" in capped.measurement
    assert enough_at_scale(claims["S"], sampled, "quick") is sampled
    assert enough_at_scale(claims["E"], exact, "smoke").verdict == "not reproduced"
