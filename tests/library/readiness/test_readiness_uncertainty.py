"""Rule 15: a morning whose lnRMSSD ± measurement uncertainty straddles a threshold.

Table-driven: today's value is placed against the person's own normal range (its lower
limit), with an RMSSD uncertainty from the HRV engine. Where the band straddles the
limit, the morning counts as low (the cautious side) and a reason names the
uncertainty; with little uncertainty, or far from the limit, it is decided as measured.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.readiness import DailyReading, ReadinessSettings, assess

from .histories import Person, feeling, generate

if TYPE_CHECKING:
    from hrv_readiness.readiness.models import Readiness

SETTINGS = ReadinessSettings()
HISTORY, TODAY_READING = generate(Person())


def _assess(today: DailyReading, settings: ReadinessSettings = SETTINGS) -> Readiness:
    return assess(
        history=HISTORY,
        today=today,
        wellness=feeling(),
        training=[],
        settings=settings,
    )


NORMAL_LOWER = _assess(TODAY_READING).baselines.normal_lower
assert NORMAL_LOWER is not None


@pytest.mark.parametrize(
    ("offset_ln", "uncertainty_pct", "low", "uncertain"),
    [
        # Far above the limit: decided as measured, whatever the uncertainty.
        (0.30, 10.0, False, False),
        # Just above: ±10 % (ln 0.105 down) reaches below it -> the cautious side.
        (0.05, 10.0, True, True),
        # Just above, ±3 % (ln 0.030 down) does not reach it.
        (0.05, 3.0, False, False),
        # Just above, but below the 2 % setting: decided as measured.
        (0.01, 1.5, False, False),
        # Just above, ±2.5 % reaches it.
        (0.01, 2.5, True, True),
        # Just below, ±10 % up (ln 0.095) reaches above: low either way, and said so.
        (-0.02, 10.0, True, True),
        # Just below, no uncertainty: low as measured, nothing to say about it.
        (-0.02, None, True, False),
        # Far below: low, not uncertain.
        (-0.30, 10.0, True, False),
    ],
)
def test_uncertainty_straddling_the_normal_range(
    offset_ln: float, uncertainty_pct: float | None, low: bool, uncertain: bool
) -> None:
    assert NORMAL_LOWER is not None
    today = replace_reading(NORMAL_LOWER + offset_ln, uncertainty_pct)
    readiness = _assess(today)
    codes = [r.code for r in readiness.reasons]
    assert ("hrv_today_below_normal" in codes) is low
    # The reason about *today's* value (a 7-day mean pulled down by a very low morning
    # may straddle the SWC band on its own, with a seventh of the uncertainty).
    about_today = [
        r.text
        for r in readiness.reasons
        if r.code == "hrv_today_below_normal" and "measurement uncertainty" in r.text
    ]
    assert bool(about_today) is uncertain
    if uncertain:
        assert f"within measurement uncertainty: ±{uncertainty_pct:.1f} %" in about_today[0].lower()
    if low:
        assert readiness.status in {"caution", "rest"}


def test_the_threshold_is_a_setting() -> None:
    assert NORMAL_LOWER is not None
    today = replace_reading(NORMAL_LOWER + 0.01, 2.5)
    assert any("measurement uncertainty" in r.text for r in _assess(today).reasons)
    strict = ReadinessSettings(uncertainty_min_pct=5.0)
    assert not any("measurement uncertainty" in r.text for r in _assess(today, strict).reasons)


def test_a_reading_without_uncertainty_is_decided_as_before() -> None:
    assert NORMAL_LOWER is not None
    for offset in (-0.1, -0.01, 0.0, 0.01, 0.1):
        plain = _assess(replace_reading(NORMAL_LOWER + offset, None))
        zero = _assess(replace_reading(NORMAL_LOWER + offset, 0.0))
        assert plain == zero
        assert not any("measurement uncertainty" in r.text for r in plain.reasons)


def replace_reading(ln_rmssd: float, uncertainty_pct: float | None) -> DailyReading:
    assert math.isfinite(ln_rmssd)
    return replace_model(TODAY_READING, ln_rmssd=ln_rmssd, rmssd_uncertainty_pct=uncertainty_pct)


def replace_model(reading: DailyReading, **changes: object) -> DailyReading:
    return DailyReading.model_validate({**reading.model_dump(), **changes})


def test_the_seven_day_mean_straddling_the_swc_band_takes_the_cautious_side() -> None:
    """The week's mean carries today's uncertainty divided by its readings."""
    base = _assess(TODAY_READING)
    swc_lower = base.baselines.swc_lower
    week_mean = base.baselines.ln_rmssd_7d_mean
    readings = base.baselines.readings_in_7d
    assert swc_lower is not None
    assert week_mean is not None
    # Move today so that the 7-day mean sits 0.005 above the band's lower edge.
    ln_today = TODAY_READING.ln_rmssd + readings * (swc_lower + 0.005 - week_mean)
    measured = _assess(replace_reading(ln_today, None))
    assert "hrv_trend_below_swc" not in [r.code for r in measured.reasons]
    # ±30 %: ln 0.357 down, over the week's readings more than 0.005.
    uncertain = _assess(replace_reading(ln_today, 30.0))
    codes = [r.code for r in uncertain.reasons]
    assert "hrv_trend_below_swc" in codes
    text = next(r.text for r in uncertain.reasons if r.code == "hrv_trend_below_swc")
    assert "at the bottom of your smallest-worthwhile-change band" in text
    assert "Within measurement uncertainty: ±30.0 %" in text
    assert uncertain.fatigue_type in {"nervous_system", "combined", "overreaching"}
