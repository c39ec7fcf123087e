"""The orthostatic rules: what standing up adds to the supine reading (pure).

A supine reading sees the parasympathetic side; standing adds the sympathetic
response. Schmitt et al. 2015 (IJSM 36:999, 1 063 supine-then-standing tests of 57
elite Nordic skiers, 172 in a fatigue state) sorted fatigue into four HRV patterns and
found that "supine and standing HRV patterns were independently modified" — so some
fatigue shows only when standing. Polar's orthostatic test holds the heart rate at
rest, its peak after standing and while standing against the person's own averages
after six baseline tests. Each rule below is one small function next to its source;
docs/model.md states them as rules O1-O3 with a worked example.

Every range is the person's own: mean +/- ``orthostatic_range_sd_factor`` SD of their
earlier tests within ``normal_range_days``, never narrower than the minimum half-widths.
No rule fires before ``orthostatic_min_tests`` earlier tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrv_readiness.readiness.baseline import mean_sd
from hrv_readiness.readiness.models import OrthostaticBaselines, Reason

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hrv_readiness.readiness.decisions import Signals
    from hrv_readiness.readiness.models import OrthostaticTest
    from hrv_readiness.readiness.settings import ReadinessSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    mean: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True, kw_only=True)
class OrthostaticReference:
    """The person's own ranges, from their earlier tests (complete when it exists)."""

    tests: int
    hr_rise_bpm: Band
    standing_ln_rmssd: Band
    standing_hr_bpm: Band


@dataclass(frozen=True, slots=True, kw_only=True)
class OrthostaticSignals:
    """Which orthostatic rules fired today."""

    raised_response: bool
    standing_suppressed: bool
    flattened_response: bool

    @property
    def systemic(self) -> bool:
        """Rules O1 and O2 are nervous-system signs."""
        return self.raised_response or self.standing_suppressed


def earlier_tests(
    tests: Sequence[OrthostaticTest], *, today: dt.date, settings: ReadinessSettings
) -> list[OrthostaticTest]:
    """Tests before ``today`` within ``normal_range_days`` (the reference window)."""
    start = today - dt.timedelta(days=settings.normal_range_days - 1)
    return [t for t in tests if start <= t.date < today]


def _band(values: Sequence[float], *, factor: float, min_half_width: float) -> Band:
    stats = mean_sd(values)
    assert stats is not None  # noqa: S101 - callers pass at least orthostatic_min_tests >= 2
    mean, sd = stats
    half = max(factor * sd, min_half_width)
    return Band(mean=mean, lower=mean - half, upper=mean + half)


def reference_for(
    tests: Sequence[OrthostaticTest], *, today: dt.date, settings: ReadinessSettings
) -> OrthostaticReference | None:
    """The ranges from earlier tests; None before ``orthostatic_min_tests`` of them."""
    earlier = earlier_tests(tests, today=today, settings=settings)
    if len(earlier) < settings.orthostatic_min_tests:
        return None
    factor = settings.orthostatic_range_sd_factor
    bpm = settings.orthostatic_hr_min_half_width_bpm
    return OrthostaticReference(
        tests=len(earlier),
        hr_rise_bpm=_band([t.hr_rise_bpm for t in earlier], factor=factor, min_half_width=bpm),
        standing_ln_rmssd=_band(
            [t.standing_ln_rmssd for t in earlier],
            factor=factor,
            min_half_width=settings.orthostatic_ln_min_half_width,
        ),
        standing_hr_bpm=_band(
            [t.standing_hr_bpm for t in earlier], factor=factor, min_half_width=bpm
        ),
    )


# ---------------------------------------------------------------------------- rules


def raised_response(test: OrthostaticTest, ref: OrthostaticReference, supine: Signals) -> bool:
    """O1 — a raised heart-rate response to standing with a normal supine HRV.

    Schmitt et al. 2015, fatigue type "F(LF+SU LF-ST)": standing HR +21 % while supine
    power was *up*, not down — a sympathetic pattern the supine reading cannot see.
    Polar reads a peak heart rate above the person's own average as a disturbed
    autonomic balance. Fires when the rise is above its range and neither the 7-day
    trend nor today's supine lnRMSSD is low (those are already the systemic pattern).
    """
    return test.hr_rise_bpm > ref.hr_rise_bpm.upper and not (supine.trend_low or supine.today_low)


def standing_suppressed(test: OrthostaticTest, ref: OrthostaticReference) -> bool:
    """O2 — standing HRV down with standing HR up, whatever the supine reading says.

    Schmitt et al. 2015, the commonest type "F(HF-LF-)SU_ST": standing HF -53 % with
    standing HR +14 %; supine and standing patterns change independently, so the
    standing half can show fatigue on a morning the supine half looks normal.
    """
    return (
        test.standing_ln_rmssd < ref.standing_ln_rmssd.lower
        and test.standing_hr_bpm > ref.standing_hr_bpm.upper
    )


def flattened_response(test: OrthostaticTest, ref: OrthostaticReference, supine: Signals) -> bool:
    """O3 — a flattened response to standing with a raised supine HRV and low resting HR.

    Schmitt et al. 2015, type "F(HF+SU)": supine HF far up with supine HR -15 %; Le Meur
    et al. 2013 (MSSE 45:2061): functional overreaching can raise lnRMSSD. A rise below
    its range on such a morning is a second, objective sign of parasympathetic
    saturation: the watch then needs one subjective sign instead of
    ``subjective_strain_min_signs`` (never none: flag only with subjective signs).
    """
    return test.hr_rise_bpm < ref.hr_rise_bpm.lower and supine.hrv_saturated and supine.rhr_low


def signals(
    test: OrthostaticTest | None, ref: OrthostaticReference | None, supine: Signals
) -> OrthostaticSignals | None:
    """The rules above for today's test; None without a test or before the baseline."""
    if test is None or ref is None:
        return None
    return OrthostaticSignals(
        raised_response=raised_response(test, ref, supine),
        standing_suppressed=standing_suppressed(test, ref),
        flattened_response=flattened_response(test, ref, supine),
    )


# --------------------------------------------------------------------------- record


def baselines_record(
    test: OrthostaticTest | None,
    *,
    tests: Sequence[OrthostaticTest],
    ref: OrthostaticReference | None,
    settings: ReadinessSettings,
) -> OrthostaticBaselines | None:
    """Today's test and its ranges as shown and stored (None: no test today)."""
    if test is None:
        return None
    have = len(earlier_tests(tests, today=test.date, settings=settings))
    shown = OrthostaticBaselines(
        tests_in_baseline=have,
        tests_needed=max(settings.orthostatic_min_tests - have, 0),
        hr_rise_today_bpm=test.hr_rise_bpm,
        standing_ln_rmssd_today=test.standing_ln_rmssd,
        standing_hr_today_bpm=test.standing_hr_bpm,
    )
    if ref is None:
        return shown
    return shown.model_copy(
        update={
            "hr_rise_mean_bpm": ref.hr_rise_bpm.mean,
            "hr_rise_lower_bpm": ref.hr_rise_bpm.lower,
            "hr_rise_upper_bpm": ref.hr_rise_bpm.upper,
            "standing_ln_rmssd_mean": ref.standing_ln_rmssd.mean,
            "standing_ln_rmssd_lower": ref.standing_ln_rmssd.lower,
            "standing_ln_rmssd_upper": ref.standing_ln_rmssd.upper,
            "standing_hr_mean_bpm": ref.standing_hr_bpm.mean,
            "standing_hr_lower_bpm": ref.standing_hr_bpm.lower,
            "standing_hr_upper_bpm": ref.standing_hr_bpm.upper,
        }
    )


# -------------------------------------------------------------------------- reasons


def reasons(
    test: OrthostaticTest | None,
    *,
    fired: OrthostaticSignals | None,
    ref: OrthostaticReference | None,
    record: OrthostaticBaselines | None,
) -> list[Reason]:
    """One reason per rule that fired, or how many tests the baseline still needs."""
    if test is None or record is None:
        return []
    if ref is None or fired is None:
        return [
            Reason(
                code="orthostatic_building_baseline",
                text=(
                    f"Orthostatic test {record.tests_in_baseline + 1}: "
                    f"{record.tests_needed} more before the standing response is judged "
                    "(Polar: six baseline tests)."
                ),
            )
        ]
    out: list[Reason] = []
    if fired.raised_response:
        out.append(
            Reason(
                code="orthostatic_response_raised",
                text=(
                    f"Your heart rate rose {test.hr_rise_bpm:.0f} bpm on standing, above "
                    f"your range (up to {ref.hr_rise_bpm.upper:.0f} bpm), with a normal "
                    "supine HRV: a sympathetic, nervous-system sign (Schmitt 2015)."
                ),
            )
        )
    if fired.standing_suppressed:
        out.append(
            Reason(
                code="orthostatic_standing_suppressed",
                text=(
                    f"Standing lnRMSSD {test.standing_ln_rmssd:.2f} is below your range "
                    f"(from {ref.standing_ln_rmssd.lower:.2f}) with standing HR "
                    f"{test.standing_hr_bpm:.0f} bpm above it: fatigue seen standing "
                    "(Schmitt 2015)."
                ),
            )
        )
    if fired.flattened_response:
        out.append(
            Reason(
                code="orthostatic_response_flattened",
                text=(
                    f"Your heart rate rose only {test.hr_rise_bpm:.0f} bpm on standing, "
                    f"below your range (from {ref.hr_rise_bpm.lower:.0f} bpm), with a high "
                    "supine HRV and low resting HR: a sign of parasympathetic saturation "
                    "(Schmitt 2015; Le Meur 2013)."
                ),
            )
        )
    return out
