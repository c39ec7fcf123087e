"""The PNG chart of a history report (matplotlib, the optional ``plot`` extra).

Per user two panels sharing the date axis: daily lnRMSSD with its 7-day mean,
the normal range and the SWC band, and fatigue-type markers along the top; below
it resting HR with its normal range.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hrv_readiness.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from hrv_readiness.report.rows import ReportRow

#: Marker colour per fatigue type (colour-blind-safe Okabe-Ito palette).
FATIGUE_COLOURS: dict[str, str] = {
    "recovered": "#009E73",
    "muscular": "#E69F00",
    "nervous_system": "#0072B2",
    "combined": "#CC79A7",
    "overreaching": "#D55E00",
    "unknown": "#999999",
}


class PlottingUnavailableError(ConfigError):
    """matplotlib is not installed (it is the optional ``plot`` extra)."""


def _pyplot() -> Any:  # noqa: ANN401 - matplotlib is untyped and optional
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as err:
        msg = (
            "--plot needs matplotlib, the optional 'plot' extra: pip install 'hrv-readiness[plot]'"
        )
        raise PlottingUnavailableError(msg) from err
    matplotlib.use("Agg")  # files only, never a window
    return importlib.import_module("matplotlib.pyplot")


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def render_plot(reports: Sequence[tuple[str, Sequence[ReportRow]]], path: Path) -> None:
    """Write the chart of every ``(user, rows)`` to ``path`` (PNG)."""
    plt = _pyplot()
    users = [(user, rows) for user, rows in reports if rows]
    if not users:
        msg = "nothing to plot: no readings in the chosen period"
        raise PlottingUnavailableError(msg)
    fig, axes = plt.subplots(
        2 * len(users),
        1,
        figsize=(13, 5.5 * len(users)),
        sharex=False,
        gridspec_kw={"height_ratios": [3, 1.4] * len(users)},
        squeeze=False,
    )
    for index, (user, rows) in enumerate(users):
        _draw_user(axes[2 * index][0], axes[2 * index + 1][0], user, rows)
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def _draw_user(hrv_ax: Any, rhr_ax: Any, user: str, rows: Sequence[ReportRow]) -> None:  # noqa: ANN401
    dates = [row.date for row in rows]
    hrv_ax.fill_between(
        dates,
        [_nan(r.normal_lower) for r in rows],
        [_nan(r.normal_upper) for r in rows],
        color="#BBBBBB",
        alpha=0.35,
        step="mid",
        label="normal range",
    )
    hrv_ax.fill_between(
        dates,
        [_nan(r.swc_lower) for r in rows],
        [_nan(r.swc_upper) for r in rows],
        color="#56B4E9",
        alpha=0.30,
        step="mid",
        label="SWC band",
    )
    hrv_ax.plot(
        dates,
        [_nan(r.ln_rmssd) for r in rows],
        "o",
        color="#333333",
        markersize=4,
        label="lnRMSSD (daily)",
    )
    hrv_ax.plot(
        dates,
        [_nan(r.ln_rmssd_7d_mean) for r in rows],
        "-",
        color="#000000",
        linewidth=2,
        label="7-day mean",
    )
    values = [r.ln_rmssd for r in rows if r.ln_rmssd is not None]
    top = max(values) + 0.15 if values else 1.0
    building = [r.date for r in rows if r.status == "building_baseline"]
    if building:
        hrv_ax.scatter(
            building,
            [top] * len(building),
            marker="s",
            s=40,
            facecolors="none",
            edgecolors="#999999",
            label="building baseline",
        )
    for kind, colour in FATIGUE_COLOURS.items():
        marked = [
            r.date for r in rows if r.fatigue_type == kind and r.status != "building_baseline"
        ]
        if marked:
            hrv_ax.scatter(
                marked,
                [top] * len(marked),
                marker="s",
                s=40,
                color=colour,
                label=kind.replace("_", " "),
            )
    watched = [r.date for r in rows if r.watch is not None]
    if watched:
        hrv_ax.scatter(
            watched, [top + 0.08] * len(watched), marker="v", s=40, color="#000000", label="watch"
        )
    rejected = [r.date for r in rows if r.status == "rejected"]
    for day in rejected:
        hrv_ax.axvline(day, color="#D55E00", alpha=0.3, linestyle=":")
    hrv_ax.set_title(f"{user}: morning HRV, baselines and fatigue type")
    hrv_ax.set_ylabel("lnRMSSD (ln ms)")
    hrv_ax.grid(visible=True, alpha=0.3)
    hrv_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")

    rhr_ax.fill_between(
        dates,
        [_nan(r.resting_hr_lower_bpm) for r in rows],
        [_nan(r.resting_hr_upper_bpm) for r in rows],
        color="#E69F00",
        alpha=0.25,
        step="mid",
        label="RHR normal range",
    )
    rhr_ax.plot(
        dates,
        [_nan(r.resting_hr_bpm) for r in rows],
        "o-",
        color="#D55E00",
        markersize=3,
        label="resting HR",
    )
    rhr_ax.set_ylabel("RHR (bpm)")
    rhr_ax.grid(visible=True, alpha=0.3)
    rhr_ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    rhr_ax.sharex(hrv_ax)
