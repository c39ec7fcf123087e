"""Breathing rate from RR against a known rhythm: error per rate band, flags, speed.

`make bench-breathing`. Synthetic resting readings (tests/support/breathing.py) breathe
at a known rate drawn uniformly inside each band; heart rate 48-78 bpm, RSA 15-50 ms,
Mayer wave 5-20 ms, white noise 4-12 ms, drift, the breathing rate wandering ~4 %.
Each reading goes through ``analyze()`` first (artifact correction), then the estimator
(``hrv_readiness.hrv.respiration``) gets the cleaned NN series and the artifact share.
Side by side: the slow least-squares sine fit of the tests (no interpolation, no FFT),
run on the same cleaned series; "flagged" is the share the estimator declined to
estimate (quality not ``good``), whose error is not counted.

Columns: median / p90 absolute error (breaths/min) of the estimates given, and share
flagged. Acceptance (issue 26): median ≤ 1 breath/min for clean 2-minute readings at
8-20/min.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hrv_readiness.hrv import analyze
from hrv_readiness.hrv.respiration import estimate_breathing_rate
from tests.support.breathing import (
    BreathingScenario,
    reference_breathing_rate_per_min,
    synthesize_breathing_rr,
)

BANDS = ((6, 8), (8, 12), (12, 16), (16, 20), (20, 24))
CONDITIONS = (
    ("clean 2 min", 120.0, 0.0),
    ("2 % ectopy 2 min", 120.0, 2.0),
    ("clean 1 min", 65.0, 0.0),
)


def scenario(
    low: float, high: float, duration_s: float, ectopic_pct: float, seed: int
) -> BreathingScenario:
    rng = np.random.default_rng(seed)
    return BreathingScenario(
        breathing_per_min=float(rng.uniform(low, high)),
        heart_rate_bpm=float(rng.uniform(48.0, 78.0)),
        rsa_amplitude_ms=float(rng.uniform(15.0, 50.0)),
        mayer_amplitude_ms=float(rng.uniform(5.0, 20.0)),
        noise_sd_ms=float(rng.uniform(4.0, 12.0)),
        ectopic_pct=ectopic_pct,
        duration_s=duration_s,
        seed=seed + 1,
    )


def run(count: int, *, with_reference: bool) -> None:
    print(
        f"{'condition':<18} {'band /min':>9} {'n':>4} {'median':>7} {'p90':>6} "
        f"{'flagged':>8} {'ref median':>10} {'ref p90':>8}"
    )
    estimator_s = analyze_s = 0.0
    calls = 0
    for label, duration_s, ectopic_pct in CONDITIONS:
        for low, high in BANDS:
            errors, reference_errors, flagged = [], [], 0
            for k in range(count):
                case = scenario(low, high, duration_s, ectopic_pct, seed=1000 * low + k)
                rr = synthesize_breathing_rr(case)
                start = time.perf_counter()
                result = analyze(rr)
                middle = time.perf_counter()
                estimate = estimate_breathing_rate(
                    result.nn_ms, artifact_pct=result.artifacts.artifact_pct
                )
                end = time.perf_counter()
                analyze_s += middle - start
                estimator_s += end - middle
                calls += 1
                if estimate.rate_per_min is None:
                    flagged += 1
                else:
                    errors.append(abs(estimate.rate_per_min - case.breathing_per_min))
                if with_reference:
                    reference = reference_breathing_rate_per_min(result.nn_ms)
                    reference_errors.append(abs(reference - case.breathing_per_min))
            med, p90 = _stats(errors)
            ref_med, ref_p90 = _stats(reference_errors)
            print(
                f"{label:<18} {f'{low}-{high}':>9} {count:>4} {med:>7} {p90:>6} "
                f"{100.0 * flagged / count:>7.0f}% {ref_med:>10} {ref_p90:>8}"
            )
    print(
        f"\nspeed: estimator {1e3 * estimator_s / calls:.2f} ms per reading, "
        f"analyze() {1e3 * analyze_s / calls:.2f} ms "
        f"({100.0 * estimator_s / analyze_s:.0f} % of analyze)"
    )
    _flag_cases()


def _flag_cases() -> None:
    """What the quality flag says for readings it should refuse."""
    rng = np.random.default_rng(7)
    cases = {
        "40 s of beats": synthesize_breathing_rr(
            BreathingScenario(breathing_per_min=14.0, duration_s=40.0)
        ),
        "white noise only": np.round(1000.0 + rng.normal(0.0, 30.0, 130)),
        "breathing 36/min at 80 bpm": synthesize_breathing_rr(
            BreathingScenario(breathing_per_min=36.0, heart_rate_bpm=80.0, seed=3)
        ),
        "breathing 4/min": synthesize_breathing_rr(
            BreathingScenario(breathing_per_min=4.0, mayer_amplitude_ms=3.0, seed=4)
        ),
        "8 % ectopy": synthesize_breathing_rr(
            BreathingScenario(breathing_per_min=14.0, ectopic_pct=8.0)
        ),
    }
    print("\nflag on readings it cannot estimate:")
    for name, rr in cases.items():
        result = analyze(rr)
        estimate = estimate_breathing_rate(result.nn_ms, artifact_pct=result.artifacts.artifact_pct)
        print(f"  {name:<28} -> {estimate.quality}")


def _stats(errors: list[float]) -> tuple[str, str]:
    if not errors:
        return "-", "-"
    values = np.asarray(errors)
    return f"{np.median(values):.2f}", f"{np.quantile(values, 0.9):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="readings per band (default 100)")
    parser.add_argument("--no-reference", action="store_true", help="skip the slow reference")
    args = parser.parse_args()
    run(args.count, with_reference=not args.no_reference)


if __name__ == "__main__":
    main()
