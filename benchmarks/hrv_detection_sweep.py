"""Artifact detection over every position of the real NSRDB windows.

Single artifacts (ectopic, missed, extra) and runs of premature beats (couplets,
triplets: the model of tests/library/hrv/test_hrv_runs.py; a run counts as detected
when every one of its intervals is covered by a correction).

The acceptance test (tests/library/hrv/test_hrv_correction.py) injects one artifact
at fixed positions of 60-, 120- and 300-beat windows and requires 100 %. This sweep
injects it at *every* position instead (same injection model, same notion of
"detected": a corrected interval overlaps the injected ones) and prints the rate per
kind and window length, and with ``--misses`` every trial that was missed, with the
intervals around it, so a change to the correction can be judged on all of them.

Usage: python benchmarks/hrv_detection_sweep.py [--misses] [--lengths 300 ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "library" / "hrv"))

from test_hrv_correction import KINDS, LONG, detected, inject  # noqa: E402
from test_hrv_runs import RUN_SIZES, SHAPES, inject_run  # noqa: E402
from test_hrv_runs import detected as run_detected  # noqa: E402

from hrv_readiness.hrv.correction import clean_rr  # noqa: E402

WINDOW_STRIDE = 200
SPLITS = (0.3, 0.5, 0.7)


def sweep(kind: str, n: int) -> tuple[int, list[str]]:
    """Trials and a description of every miss for one kind and window length."""
    trials = 0
    misses: list[str] = []
    for start in range(0, LONG.size - n + 1, WINDOW_STRIDE):
        rr = LONG[start : start + n]
        for i in range(3, n - 7):
            if kind in RUN_SIZES:
                span = RUN_SIZES[kind] + 1
                x = inject_run(rr, i, RUN_SIZES[kind], SHAPES[i % len(SHAPES)])
                found = run_detected(x, i, span, clean_rr(x))
            else:
                x, span = inject(rr, kind, i, split=SPLITS[i // 3 % 3])
                found = detected(x, i, span, clean_rr(x))
            trials += 1
            if not found:
                before = " ".join(f"{v:.0f}" for v in rr[max(0, i - 2) : i + 4])
                after = " ".join(f"{v:.0f}" for v in x[max(0, i - 2) : i + 4])
                misses.append(f"window at {start}, interval {i}: {before} -> {after}")
    return trials, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every missed trial")
    parser.add_argument("--lengths", type=int, nargs="+", default=[60, 120, 300])
    parser.add_argument("--kinds", nargs="+", default=None, help="only these kinds")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"one artifact at every position of real NSRDB windows (every {WINDOW_STRIDE} beats)")
    print("| injected | window | trials | detected | rate |")
    print("|---|---|---|---|---|")
    listed: list[str] = []
    for kind in args.kinds or (*KINDS, *RUN_SIZES):
        for n in args.lengths:
            trials, misses = sweep(kind, n)
            found = trials - len(misses)
            print(f"| {kind} | {n} | {trials} | {found} | {100.0 * found / trials:.2f} % |")
            listed += [f"{kind}, {n} beats, {miss}" for miss in misses]
    if args.misses:
        print("\nmissed trials:")
        for line in listed:
            print(f"  {line}")
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
