"""Runs inside a peer's own venv (NeuroKit2 or hrv-analysis): RMSSD of many RR series.

Usage: python hrv_peer_worker.py METHOD IN.npz OUT.json [REPEATS]
IN.npz holds ``values`` (all series concatenated, ms) and ``offsets`` (series bounds).
Writes {"rmssd_ms": [...], "seconds": [...], "flagged": [...], "versions": {...}};
"seconds" is the fastest of REPEATS runs of each series (default 1).

Or: python hrv_peer_worker.py --serve METHOD REPEATS
reads one series per line on stdin (a JSON list of ms) and answers each, on stdout,
with the fastest of REPEATS runs in seconds, wall-clock and CPU time of the process
("WALL CPU"): the benchmark times the peer and ours on the same reading back to back,
so that both see the same load.
Kept free of imports from this repository: it runs under another interpreter.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")


def neurokit_kubios(rr_ms):
    import neurokit2 as nk  # noqa: PLC0415

    # Peaks in samples at 1 kHz: 1 sample = 1 ms, so integer RR stay exact.
    peaks = np.concatenate(([1000], 1000 + np.cumsum(np.rint(rr_ms)))).astype(np.int64)
    info, clean_peaks = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios")
    hrv = nk.hrv_time(clean_peaks, sampling_rate=1000)
    flagged = sum(len(info[key]) for key in ("ectopic", "missed", "extra", "longshort"))
    return float(hrv["HRV_RMSSD"].iloc[0]), flagged


def hrvanalysis_method(method):
    def run(rr_ms):
        from hrvanalysis import (  # noqa: PLC0415
            get_time_domain_features,
            interpolate_nan_values,
            remove_ectopic_beats,
            remove_outliers,
        )

        # The pipeline of hrv-analysis's README: outliers -> interpolate -> ectopic
        # beats -> interpolate -> features.
        rr = [float(v) for v in rr_ms]
        without_outliers = remove_outliers(
            rr_intervals=rr, low_rri=300, high_rri=2000, verbose=False
        )
        interpolated = interpolate_nan_values(
            rr_intervals=without_outliers, interpolation_method="linear"
        )
        nn = remove_ectopic_beats(rr_intervals=interpolated, method=method, verbose=False)
        flagged = int(np.isnan(np.asarray(nn, dtype=float)).sum()) + int(
            np.isnan(np.asarray(without_outliers, dtype=float)).sum()
        )
        nn_interpolated = interpolate_nan_values(rr_intervals=nn, interpolation_method="linear")
        # Leading/trailing NaNs cannot be interpolated; hrv-analysis leaves them in.
        nn_clean = [v for v in nn_interpolated if not np.isnan(v)]
        features = get_time_domain_features(nn_clean)
        return float(features["rmssd"]), flagged

    return run


def versions():
    result = {"python": sys.version.split()[0], "numpy": np.__version__}
    for name in ("neurokit2", "hrvanalysis", "pandas", "scipy"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        result[name] = getattr(module, "__version__", "?")
    return result


METHODS = {
    "neurokit2_kubios": neurokit_kubios,
    "hrvanalysis_malik": hrvanalysis_method("malik"),
    "hrvanalysis_karlsson": hrvanalysis_method("karlsson"),
    "hrvanalysis_kamath": hrvanalysis_method("kamath"),
}


def serve(method, repeats):
    run = METHODS[method]
    warmed = False
    for line in sys.stdin:
        series = np.asarray(json.loads(line), dtype=float)
        if not warmed:
            run(series)  # imports and first-call caches
            warmed = True
        wall = cpu = float("inf")
        for _ in range(repeats):
            began, began_cpu = time.perf_counter(), time.process_time()
            run(series)
            cpu = min(cpu, time.process_time() - began_cpu)
            wall = min(wall, time.perf_counter() - began)
        sys.stdout.write(f"{wall!r} {cpu!r}\n")
        sys.stdout.flush()
    return 0


def main() -> int:
    if sys.argv[1] == "--serve":
        return serve(sys.argv[2], int(sys.argv[3]))
    method, in_path, out_path = sys.argv[1:4]
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    data = np.load(in_path)
    values, offsets = data["values"], data["offsets"]
    run = METHODS[method]
    run(values[offsets[0] : offsets[1]])  # warm-up: imports and first-call caches
    rmssd, seconds, flagged = [], [], []
    for start, stop in itertools.pairwise(offsets):
        series = values[start:stop]
        fastest = float("inf")
        for _ in range(repeats):
            began = time.perf_counter()
            value, n_flagged = run(series)
            fastest = min(fastest, time.perf_counter() - began)
        seconds.append(fastest)
        rmssd.append(value)
        flagged.append(n_flagged)
    with Path(out_path).open("w", encoding="utf-8") as out:
        json.dump(
            {"rmssd_ms": rmssd, "seconds": seconds, "flagged": flagged, "versions": versions()}, out
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
