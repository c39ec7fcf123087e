"""The closed set of reason codes a verdict can carry, and what each one means.

The codes are part of the MQTT contract (``readiness.reasons[].code``) and the Home
Assistant integration exposes them as the ``reason_codes`` attribute, so they are a
``Literal``: a code that is not here cannot be produced, and a test checks that every
code is documented in docs/model.md and docs/mqtt.md. Add codes, never rename them.
"""

from __future__ import annotations

from typing import Literal, get_args

ReasonCode = Literal[
    "building_baseline",
    "baseline_held",
    "sparse_recent_readings",
    "hrv_trend_below_swc",
    "hrv_trend_above_swc",
    "hrv_trend_in_swc",
    "hrv_today_below_normal",
    "single_low_day",
    "low_day_no_trend",
    "rhr_up",
    "rhr_trend_up",
    "persistent_suppression",
    "cv_falling",
    "overreaching_unconfirmed",
    "soreness_high",
    "motivation_low",
    "sleep_poor",
    "stress_high",
    "subjective_strain",
    "felt_systemic",
    "heavy_legs",
    "heavy_legs_persisting",
    "parasympathetic_saturation_watch",
    "systemic_training_load",
    "local_training_load",
    "no_wellness",
    "low_score",
    "orthostatic_building_baseline",
    "orthostatic_response_raised",
    "orthostatic_standing_suppressed",
    "orthostatic_response_flattened",
    "breathing_up",
    "possible_illness",
    "illness_reported",
]

REASON_CODES: tuple[ReasonCode, ...] = get_args(ReasonCode)

#: One line per code (docs/model.md has the rules behind them).
REASON_MEANINGS: dict[ReasonCode, str] = {
    "building_baseline": "too few mornings yet (or a stale baseline): no advice, how many remain",
    "baseline_held": "the baseline is held at its level before a fatigue episode began",
    "sparse_recent_readings": "fewer than 3 readings in 7 days: today is judged on its own",
    "hrv_trend_below_swc": "7-day mean lnRMSSD below the smallest-worthwhile-change band",
    "hrv_trend_above_swc": "7-day mean lnRMSSD above the band",
    "hrv_trend_in_swc": "7-day mean lnRMSSD inside the band",
    "hrv_today_below_normal": "today's lnRMSSD below the 60-day normal range",
    "single_low_day": "one low morning inside a healthy 7-day trend",
    "low_day_no_trend": "a low morning with too few recent readings to see a trend",
    "rhr_up": "today's resting HR above its normal range",
    "rhr_trend_up": "7-day mean resting HR above its normal range",
    "persistent_suppression": "several of the last 7 mornings below the normal range",
    "cv_falling": "the 7-day CV fell while the mean fell",
    "overreaching_unconfirmed": "suppressed with resting HR up, but no questionnaire",
    "soreness_high": "soreness at or above the threshold: muscular fatigue",
    "motivation_low": "energy/motivation at or below the threshold",
    "sleep_poor": "sleep quality at or below the threshold",
    "stress_high": "stress at or above the threshold",
    "subjective_strain": "several questionnaire answers poor at once: caution on their own",
    "felt_systemic": "low energy, poor sleep and high stress together: systemic fatigue felt",
    "heavy_legs": "legs feel heavy this morning",
    "heavy_legs_persisting": "heavy legs on several mornings in a row (more than 48 h)",
    "parasympathetic_saturation_watch": "HRV well above baseline, resting HR low, feeling flat",
    "systemic_training_load": "recent high-neural-drive sessions explain a systemic dip",
    "local_training_load": "recent isolation work explains soreness",
    "no_wellness": "no questionnaire today: muscular fatigue cannot be seen",
    "low_score": "several small signs add up to a score below the caution limit",
    "orthostatic_building_baseline": "fewer than 6 earlier orthostatic tests: standing not judged",
    "orthostatic_response_raised": "HR rise on standing above its range, supine HRV normal",
    "orthostatic_standing_suppressed": "standing lnRMSSD below its range, standing HR above",
    "orthostatic_response_flattened": "HR rise on standing below its range, supine HRV high",
    "breathing_up": "today's breathing rate above its normal range (alone: no illness flag)",
    "possible_illness": "breathing rate up with resting HR up and/or HRV low: rest, re-measure",
    "illness_reported": "the person feels ill: at most caution, rest with a fever-like sign",
}
