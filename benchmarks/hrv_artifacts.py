"""Artifact-correction accuracy and speed: ours against NeuroKit2 and hrv-analysis.

Real 2-minute and 5-minute windows of the two MIT-BIH NSRDB recordings of tests/data
(every ``STRIDE_BEATS`` beats), each repeated with several random injections of the
model in benchmarks/hrv_injection.py (single ectopic beats, couplets, triplets, missed
and extra beats, and their mix, at random — not spaced — positions). The truth is the
RMSSD of the raw NN window itself, never a peer's cleaned output. The error is
|ΔRMSSD| against it, in %.

Every method sees the very same series (whole ms, as peaks at 1 kHz). Ours is measured
with the defaults the product ships: per row, the share of readings it answers and the
median / p95 error of those; and, for reference, with rejection switched off
(``artifact_reject_pct=100``), so that its correction is compared on every trial. A peer
answers a reading when it returns a finite RMSSD. Peers run in their own venvs
(benchmarks/peer_venvs.py); the best peer is taken per statistic (median and p95
separately). The closing lines check the acceptance of docs/hrv.md: every row whose
injected events stay below 4 % of the beats is answered at least 98 % of the time, ours
is at or ahead of the best peer on both statistics in every row, ours is at least 10x
faster than NeuroKit2 per reading, and the demo household loses no morning.

Usage: python benchmarks/hrv_artifacts.py [--reps N] [--ours-only] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from hrv_injection import inject, rmssd, windows  # noqa: E402
from peer_venvs import VENVS, ensure_peer_venv  # noqa: E402

from hrv_readiness.hrv import analyze  # noqa: E402
from hrv_readiness.simulation import synthesize_rr_ms  # noqa: E402
from hrv_readiness.simulation.household import HOUSEHOLD, simulate_person  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

WORKER = ROOT / "benchmarks" / "hrv_peer_worker.py"
LENGTHS_S = {"2 min": 120.0, "5 min": 300.0}
STRIDE_BEATS = 150
#: Timing takes the fastest of this many runs per series, for ours and for NeuroKit2.
TIMING_REPEATS = 5
#: Rounds of timing, each reading timed by NeuroKit2 and then by ours; the ratio is the
#: median over rounds.
TIMING_ROUNDS = 3
#: Rows whose injected events stay below this share of the beats must be answered ...
ACCEPTANCE_ROWS_BELOW_PCT = 4.0
#: ... at least this often (docs/hrv.md).
MIN_ACCEPTED_PCT = 98.0
#: Ours must be at least this many times faster than NeuroKit2 (median per reading).
MIN_SPEEDUP = 10.0
#: Every this-many-th reading of each length is timed (ours and NeuroKit2 alike).
TIMING_STRIDE = 6
#: The demo's story ends on any day; this one keeps the benchmark reproducible.
DEMO_LAST_DAY = dt.date(2026, 12, 1)
#: Events each injected kind stands for (a couplet is two premature beats).
EVENTS = {"ectopic": 1, "couplet": 2, "triplet": 3, "missed": 1, "extra": 1}


def _share(pct: float, span: int = 1) -> Callable[[int], int]:
    return lambda n: max(1, round(pct / 100.0 * n / span))


#: Row name -> the events to inject into a window of n intervals.
ROWS: dict[str, Callable[[int], list[str]]] = {
    "ectopic x1": lambda _n: ["ectopic"],
    "ectopic 2 %": lambda n: ["ectopic"] * _share(2.0)(n),
    "ectopic 6 %": lambda n: ["ectopic"] * _share(6.0)(n),
    "couplet x1": lambda _n: ["couplet"],
    "couplets 2x": lambda _n: ["couplet"] * 2,
    "triplet x1": lambda _n: ["triplet"],
    "missed x1": lambda _n: ["missed"],
    "missed 3 %": lambda n: ["missed"] * _share(3.0)(n),
    "extra x1": lambda _n: ["extra"],
    "extra 5 %": lambda n: ["extra"] * _share(5.0)(n),
    "mixed": lambda _n: ["ectopic", "couplet", "missed", "extra"],
    "mixed 2x": lambda _n: ["ectopic", "couplet", "missed", "extra"] * 2,
}
PEERS: tuple[tuple[str, str, str], ...] = (
    # (column, venv, worker method)
    ("NeuroKit2 kubios", "neurokit2", "neurokit2_kubios"),
    ("hrv-an. malik", "hrv-analysis", "hrvanalysis_malik"),
    ("hrv-an. karlsson", "hrv-analysis", "hrvanalysis_karlsson"),
    ("hrv-an. kamath", "hrv-analysis", "hrvanalysis_kamath"),
)


@dataclass(frozen=True)
class Case:
    length: str
    row: str  # "clean" for an untouched window
    truth_ms: float
    rr_ms: np.ndarray
    events: int = 0


def build_cases(reps: int, seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    for length, seconds in LENGTHS_S.items():
        for rr in windows(seconds, STRIDE_BEATS):
            truth = rmssd(rr)
            cases.append(Case(length, "clean", truth, rr))
            for row, kinds in ROWS.items():
                events = sum(EVENTS[kind] for kind in kinds(rr.size))
                cases.extend(
                    Case(length, row, truth, inject(rr, kinds(rr.size), rng), events)
                    for _ in range(reps)
                )
    return cases


def run_peer(
    venv: str, method: str, cases: list[Case], workdir: Path, repeats: int = 1
) -> dict[str, list[float]]:
    """The worker's output; accuracy runs are cached (a pure function of the input)."""
    python = ensure_peer_venv(venv)
    values = np.concatenate([c.rr_ms for c in cases])
    offsets = np.concatenate(([0], np.cumsum([c.rr_ms.size for c in cases])))
    digest = hashlib.sha256(
        values.tobytes() + offsets.tobytes() + method.encode() + WORKER.read_bytes()
    ).hexdigest()[:20]
    cached = (
        VENVS
        / "results"
        / f"{method}-{digest}-{(python.parent.parent / '.stamp').read_text().strip()}.json"
    )
    if repeats == 1 and cached.exists():
        cached_result: dict[str, list[float]] = json.loads(cached.read_text())
        return cached_result
    in_path, out_path = workdir / "cases.npz", workdir / f"{method}.json"
    np.savez(in_path, values=values, offsets=offsets)
    command = [str(python), str(WORKER), method, str(in_path), str(out_path), str(repeats)]
    subprocess.run(command, check=True)
    result: dict[str, list[float]] = json.loads(out_path.read_text())
    if repeats == 1:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result))
    return result


@dataclass
class Ours:
    rmssd_ms: list[float]  # rejection off
    accepted: list[bool]  # with the defaults
    default_rmssd_ms: list[float | None]
    flagged: list[int]  # artifact events found (rejection off)
    reasons: list[str | None]


def run_ours(cases: list[Case]) -> Ours:
    ours = Ours([], [], [], [], [])
    for case in cases:
        result = analyze(case.rr_ms, artifact_reject_pct=100.0)
        if result.rmssd_ms is None:
            raise SystemExit(f"unexpected rejection: {result.quality.reason}")
        ours.rmssd_ms.append(result.rmssd_ms)
        ours.flagged.append(result.artifacts.total)
        default = analyze(case.rr_ms)
        ours.accepted.append(default.usable)
        ours.default_rmssd_ms.append(default.rmssd_ms)
        ours.reasons.append(default.quality.reason if not default.usable else None)
    return ours


@dataclass
class Peers:
    rmssd_ms: dict[str, list[float]]
    flagged: dict[str, list[int]]
    neurokit_seconds: dict[str, float]
    versions: dict[str, str]


def run_peers(cases: list[Case], timing: dict[str, list[Case]]) -> Peers:
    peers = Peers({}, {}, {}, {})
    with tempfile.TemporaryDirectory() as tmp:
        for column, venv, method in PEERS:
            print(f"running {column} on {len(cases)} series ...", file=sys.stderr, flush=True)
            result = run_peer(venv, method, cases, Path(tmp))
            peers.rmssd_ms[column] = result["rmssd_ms"]
            peers.flagged[column] = [int(f) for f in result["flagged"]]
            peers.versions.update(result["versions"])
        del timing  # timed apart, in rounds beside ours (time_rounds)
    return peers


def errors_pct(estimates: list[float | None], cases: list[Case], keep: list[bool]) -> np.ndarray:
    return np.asarray(
        [
            abs(est - c.truth_ms) / c.truth_ms * 100.0
            for est, c, k in zip(estimates, cases, keep, strict=True)
            if k and est is not None and math.isfinite(est)
        ]
    )


@dataclass
class RowResult:
    """One row of one length: what the acceptance lines check."""

    name: str
    events_pct: float
    accepted_pct: float
    worse: list[str]


def _stats(err: np.ndarray) -> tuple[float, float]:
    if not err.size:
        return math.nan, math.nan
    return float(np.median(err)), float(np.percentile(err, 95))


def print_table(length: str, cases: list[Case], ours: Ours, peers: Peers) -> list[RowResult]:
    """One table per window length: per row and method, median / p95 and acceptance."""
    n_beats = [c.rr_ms.size for c in cases if c.length == length and c.row == "clean"]
    print(
        f"\n### {length} windows ({len(n_beats)} real windows, {min(n_beats)}-{max(n_beats)} "
        "beats): |ΔRMSSD| % median / p95 (readings answered)"
    )
    columns = ["ours (defaults)", "ours, none refused", *peers.rmssd_ms]
    print(
        f"| row | events | trials | {' | '.join(columns)} | best peer median | best peer p95 "
        "| ours ≤ best |"
    )
    print("|" + "---|" * (len(columns) + 6))
    results: list[RowResult] = []
    for row in ["clean", *ROWS]:
        keep = [c.length == length and c.row == row for c in cases]
        trials = sum(keep)
        events_pct = float(
            np.median(
                [100.0 * c.events / c.rr_ms.size for c, k in zip(cases, keep, strict=True) if k]
            )
        )
        estimates: dict[str, list[float | None]] = {
            "ours (defaults)": list(ours.default_rmssd_ms),
            "ours, none refused": list(ours.rmssd_ms),
            **{name: list(values) for name, values in peers.rmssd_ms.items()},
        }
        cells, stats = [], {}
        for name, values in estimates.items():
            err = errors_pct(values, cases, keep)
            stats[name] = _stats(err)
            cells.append(
                f"{stats[name][0]:.1f} / {stats[name][1]:.1f} ({100.0 * err.size / trials:.0f} %)"
            )
        accepted_pct = (
            100.0 * sum(1 for k, a in zip(keep, ours.accepted, strict=True) if k and a) / trials
        )
        worse: list[str] = []
        best = p95_best = verdict = "-"
        if events_pct >= ACCEPTANCE_ROWS_BELOW_PCT:
            # Above the artifact limit ours refuses by design; the column "none refused"
            # shows how its correction compares.
            verdict = "refused (above the limit)"
        if peers.rmssd_ms:
            med_peer = min(peers.rmssd_ms, key=lambda p: stats[p][0])
            p95_peer = min(peers.rmssd_ms, key=lambda p: stats[p][1])
            best = f"{stats[med_peer][0]:.1f} ({med_peer})"
            p95_best = f"{stats[p95_peer][1]:.1f} ({p95_peer})"
            mine = stats["ours (defaults)"]
            if events_pct >= ACCEPTANCE_ROWS_BELOW_PCT:
                pass
            elif not mine[0] <= stats[med_peer][0] + 1e-9:
                worse.append(
                    f"{length} {row}: median {mine[0]:.1f} vs {stats[med_peer][0]:.1f} ({med_peer})"
                )
            if events_pct < ACCEPTANCE_ROWS_BELOW_PCT and not mine[1] <= stats[p95_peer][1] + 1e-9:
                worse.append(
                    f"{length} {row}: p95 {mine[1]:.1f} vs {stats[p95_peer][1]:.1f} ({p95_peer})"
                )
            if events_pct < ACCEPTANCE_ROWS_BELOW_PCT:
                verdict = "yes" if not worse else "NO"
        print(
            f"| {row} | {events_pct:.1f} % | {trials} | {' | '.join(cells)} | {best} | "
            f"{p95_best} | {verdict} |"
        )
        results.append(RowResult(f"{length} {row}", events_pct, accepted_pct, worse))
    return results


def print_clean_flags(cases: list[Case], ours: Ours, peers: Peers) -> None:
    clean = [c.row == "clean" for c in cases]
    beats = sum(c.rr_ms.size for c, k in zip(cases, clean, strict=True) if k)
    windows_n = sum(clean)
    print(f"\nclean windows ({windows_n}, {beats} beats): false corrections")
    print("| method | events flagged | % of beats | windows touched |")
    print("|---|---|---|---|")
    for name, flags in {"ours": ours.flagged, **peers.flagged}.items():
        picked = [f for f, k in zip(flags, clean, strict=True) if k]
        print(
            f"| {name} | {sum(picked)} | {100 * sum(picked) / beats:.2f} % | "
            f"{sum(1 for f in picked if f)}/{windows_n} |"
        )
    rejected = sum(1 for a, k in zip(ours.accepted, clean, strict=True) if k and not a)
    print(f"clean windows ours rejects with its defaults: {rejected}/{windows_n}")


def time_ours(rr_ms: np.ndarray) -> tuple[float, float]:
    """The fastest of TIMING_REPEATS analyze() runs of one reading: wall and CPU seconds."""
    wall = cpu = float("inf")
    for _ in range(TIMING_REPEATS):
        began, began_cpu = time.perf_counter(), time.process_time()
        analyze(rr_ms)
        cpu = min(cpu, time.process_time() - began_cpu)
        wall = min(wall, time.perf_counter() - began)
    return wall, cpu


class NeuroKitTimer:
    """NeuroKit2 in its own venv, timing one reading whenever asked (worker ``--serve``).

    It stays up between readings, so that each reading is timed by NeuroKit2 and then by
    ours right after it: load on a shared machine hits both alike.
    """

    def __init__(self) -> None:
        python = ensure_peer_venv("neurokit2")
        command = [str(python), str(WORKER), "--serve", "neurokit2_kubios", str(TIMING_REPEATS)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def seconds(self, rr_ms: np.ndarray) -> tuple[float, float]:
        """NeuroKit2's fastest of TIMING_REPEATS runs of one reading: wall and CPU seconds."""
        assert self._process.stdin is not None  # noqa: S101 - set by Popen
        assert self._process.stdout is not None  # noqa: S101
        self._process.stdin.write(json.dumps(rr_ms.tolist()) + "\n")
        self._process.stdin.flush()
        wall, cpu = self._process.stdout.readline().split()
        return float(wall), float(cpu)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()


def time_round(subset: list[Case], neurokit: NeuroKitTimer | None) -> np.ndarray:
    """Median seconds per reading over ``subset``, interleaved: each reading is timed by
    NeuroKit2 and then by ours, back to back.

    Rows: ours, NeuroKit2 (NaN with ``--ours-only``); columns: wall-clock, CPU time.
    """
    analyze(subset[0].rr_ms)  # warm
    ours, theirs = [], []
    for case in subset:
        theirs.append(neurokit.seconds(case.rr_ms) if neurokit else (math.nan, math.nan))
        ours.append(time_ours(case.rr_ms))
    return np.array([np.median(ours, axis=0), np.median(theirs, axis=0)])


def demo_rejections() -> tuple[int, int, list[str]]:
    """The demo household's simulated mornings (docs/hrv.md): how many are refused."""
    refused: list[str] = []
    mornings = 0
    for person in HOUSEHOLD:
        for day in simulate_person(person, last_day=DEMO_LAST_DAY):
            mornings += 1
            result = analyze(synthesize_rr_ms(day.scenario))
            if not result.usable:
                refused.append(f"{person.user} {day.date}: {result.quality.reason}")
    return len(refused), mornings, refused


def long_recording() -> str:
    """analyze() of 100,000 real beats with the frequency domain, in a fresh process."""
    code = (
        "import resource, time, numpy as np\n"
        "from hrv_readiness.hrv import analyze\n"
        "from hrv_injection import nsrdb_series\n"
        "long = nsrdb_series()['long']\n"
        "rr = np.resize(long, 100_000)\n"
        "began = time.perf_counter()\n"
        "r = analyze(rr, frequency_domain=True)\n"
        "took = time.perf_counter() - began\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(f'100,000 beats (the long NSRDB series repeated), frequency_domain=True: '\n"
        "      f'{took:.1f} s, peak RSS {rss:.0f} MB, quality {r.quality.level}, '\n"
        "      f'LF {r.lf_power_ms2:.0f} ms², HF {r.hf_power_ms2:.0f} ms²')\n"
    )
    env_path = f"{ROOT / 'src'}:{ROOT / 'benchmarks'}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    return (done.stdout or done.stderr).strip()


def print_speed(timing: dict[str, list[Case]], *, ours_only: bool) -> list[float]:
    """The speed table, ours beside NeuroKit2; the median ratio per length."""
    print(
        f"\ntime per analyze() (median of the fastest of {TIMING_REPEATS} runs per reading, "
        f"every row; {TIMING_ROUNDS} rounds; each reading timed by NeuroKit2 and then by ours "
        "right after it, so both see the same load on a shared machine). CPU time of the "
        "process decides: on a loaded machine the wall clock also counts the time a process "
        "waits for a core, which grows with the length of its runs (NeuroKit2's are ten "
        "times longer), so it would flatter the faster one."
    )
    print(
        "| round | readings | ours CPU | NeuroKit2 signal_fixpeaks(kubios) + hrv_time CPU "
        "| ratio | ours wall | NeuroKit2 wall | wall ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    ratios: dict[str, list[float]] = {label: [] for label in timing}
    neurokit = None if ours_only else NeuroKitTimer()
    for round_ in range(1, TIMING_ROUNDS + 1):
        for label, subset in timing.items():
            (ours_wall, ours_cpu), (nk_wall, nk_cpu) = 1000 * time_round(subset, neurokit)
            cells = f"{ours_cpu:.2f} ms | - | - | {ours_wall:.2f} ms | - | -"
            if neurokit is not None:
                ratios[label].append(nk_cpu / ours_cpu)
                cells = (
                    f"{ours_cpu:.2f} ms | {nk_cpu:.2f} ms | {nk_cpu / ours_cpu:.1f}x faster | "
                    f"{ours_wall:.2f} ms | {nk_wall:.2f} ms | {nk_wall / ours_wall:.1f}x"
                )
            print(f"| {round_} | {label} ({len(subset)}) | {cells} |")
    if neurokit is not None:
        neurokit.close()
    speedups = [float(np.median(r)) for r in ratios.values() if r]
    if speedups:
        print(
            "median CPU-time ratio per length: "
            + ", ".join(f"{label} {np.median(r):.1f}x" for label, r in ratios.items() if r)
        )
    return speedups


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=4, help="injections per window and row")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--ours-only", action="store_true", help="skip the peers (development)")
    args = parser.parse_args()

    cases = build_cases(args.reps, args.seed)
    ours = run_ours(cases)
    timing = {
        length: [c for c in cases if c.length == length][::TIMING_STRIDE] for length in LENGTHS_S
    }
    peers = Peers({}, {}, {}, {}) if args.ours_only else run_peers(cases, timing)

    rows: list[RowResult] = []
    for length in LENGTHS_S:
        rows += print_table(length, cases, ours, peers)
    print_clean_flags(cases, ours, peers)

    acc_err = errors_pct(ours.default_rmssd_ms, cases, ours.accepted)
    injected = [c.row != "clean" for c in cases]
    accepted_injected = sum(a and i for a, i in zip(ours.accepted, injected, strict=True))
    print(
        f"\nanswered with the defaults: {accepted_injected}/{sum(injected)} injected and "
        f"{sum(ours.accepted) - accepted_injected}/{len(cases) - sum(injected)} clean readings; "
        f"largest |ΔRMSSD| of an answered reading {acc_err.max():.1f} %"
    )

    speedups = print_speed(timing, ours_only=args.ours_only)
    print("\n" + long_recording())

    refused, mornings, which = demo_rejections()
    print(f"\ndemo household (make demo): {refused} of {mornings} simulated mornings refused")
    for line in which:
        print(f"  refused: {line}")

    below = [
        r
        for r in rows
        if r.name.split(" ", 2)[2] != "clean" and r.events_pct < ACCEPTANCE_ROWS_BELOW_PCT
    ]
    short = [r for r in below if r.accepted_pct < MIN_ACCEPTED_PCT]
    print(
        f"\nrows below {ACCEPTANCE_ROWS_BELOW_PCT:g} % events ({len(below)}): ours answers "
        f"≥ {MIN_ACCEPTED_PCT:g} % in every one:",
        "yes" if not short else "NO",
    )
    for row in short:
        print(f"  short: {row.name}: {row.accepted_pct:.1f} %")
    if peers.versions:
        print("peer versions: " + ", ".join(f"{k} {v}" for k, v in sorted(peers.versions.items())))
        worse = [line for r in rows for line in r.worse]
        print(
            f"ours ≤ best peer on every row below {ACCEPTANCE_ROWS_BELOW_PCT:g} % events "
            "(median and p95, defaults):",
            "yes" if not worse else "NO",
        )
        for line in worse:
            print(f"  worse: {line}")
        fast = bool(speedups) and min(speedups) >= MIN_SPEEDUP
        print(
            f"ours ≥ {MIN_SPEEDUP:g}x faster than NeuroKit2 at both lengths:",
            "yes" if fast else "NO",
        )
    print("no demo morning refused:", "yes" if refused == 0 else "NO")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
