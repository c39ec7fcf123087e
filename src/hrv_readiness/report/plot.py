"""The chart of a history report (matplotlib, the optional ``plot`` extra).

Per person three panels sharing the date axis, titled with the person's name:

* a ribbon on its own axis: the status of each morning in its colour with the score
  written in it, the fatigue type below it, then the training sessions (size by
  effort) and the questionnaire days (a filled mark for heavy legs) — never drawn
  on a data axis where they would read as values;
* daily lnRMSSD with its 7-day mean, the normal range and the SWC band;
* resting HR with its normal range.

A short history gets at least a week of axis (a single morning is not stretched
over years). The file format follows the extension: .png, .svg or .pdf.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrv_readiness.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from hrv_readiness.readiness import TrainingEntry, WellnessEntry
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
#: Ribbon colour per status (the terminal uses green/yellow/red for the same).
STATUS_COLOURS: dict[str, str] = {
    "ready": "#2CA25F",
    "caution": "#F0B429",
    "rest": "#D7301F",
    "building_baseline": "#D9D9D9",
    "rejected": "#FFFFFF",
}
#: Sessions that load the nervous system are drawn as triangles, the others as circles.
_SYSTEMIC = frozenset({"heavy_compound", "explosive", "intervals"})
PLOT_FORMATS: dict[str, str] = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_MIN_SPAN_DAYS = 7
_ROW_STATUS, _ROW_FATIGUE, _ROW_TRAINING, _ROW_WELLNESS = 3.0, 2.0, 1.0, 0.0


class PlottingUnavailableError(ConfigError):
    """matplotlib is not installed (it is the optional ``plot`` extra)."""


class PlotFormatError(InputError):
    """The chart's file name has an extension matplotlib is not asked to write."""


@dataclass(frozen=True, kw_only=True)
class UserChart:
    """What the chart of one person shows."""

    name: str
    rows: Sequence[ReportRow]
    training: Sequence[TrainingEntry] = field(default_factory=tuple)
    wellness: Sequence[WellnessEntry] = field(default_factory=tuple)


def plot_format(path: Path) -> str:
    """``png``, ``svg`` or ``pdf`` from the extension; :class:`PlotFormatError` otherwise."""
    fmt = PLOT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        msg = f"--plot {path}: the chart is written as .png, .svg or .pdf; name the file so"
        raise PlotFormatError(msg)
    return fmt


def _pyplot() -> Any:  # noqa: ANN401 - matplotlib is untyped and optional
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError as err:
        msg = (
            "--plot needs matplotlib, the optional 'plot' extra: pip install 'hrv-readiness[plot]'"
        )
        raise PlottingUnavailableError(msg) from err
    matplotlib.use("Agg")  # files only, never a window
    matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, smaller
    return importlib.import_module("matplotlib.pyplot")


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def render_plot(charts: Sequence[UserChart], path: Path) -> None:
    """Write the chart of every person with readings to ``path`` (format by extension)."""
    fmt = plot_format(path)
    plt = _pyplot()
    users = [chart for chart in charts if chart.rows]
    if not users:
        msg = "nothing to plot: no readings in the chosen period"
        raise PlottingUnavailableError(msg)
    fig = plt.figure(figsize=(14, 7.0 * len(users)), layout="constrained")
    panels = fig.subfigures(len(users), 1, hspace=0.03, squeeze=False)
    for panel, chart in zip(panels[:, 0], users, strict=True):
        ribbon, hrv, rhr = panel.subplots(
            3, 1, sharex=True, gridspec_kw={"height_ratios": [1.3, 3, 1.4]}
        )
        _draw_user(plt, ribbon, hrv, rhr, chart)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format=fmt, bbox_inches="tight")
    plt.close(fig)


def _x_limits(chart: UserChart) -> tuple[dt.date, dt.date]:
    """First and last day of the axis: the mornings, the session before the first, a week."""
    first, last = chart.rows[0].date, chart.rows[-1].date
    day_before = first - dt.timedelta(days=1)
    if any(t.date == day_before for t in chart.training):
        first = day_before
    last = max(last, first + dt.timedelta(days=_MIN_SPAN_DAYS - 1))
    return first, last


def _draw_user(plt: Any, ribbon: Any, hrv_ax: Any, rhr_ax: Any, chart: UserChart) -> None:  # noqa: ANN401
    first, last = _x_limits(chart)
    _draw_ribbon(ribbon, chart, first, last)
    _draw_hrv(hrv_ax, chart.rows)
    _draw_rhr(rhr_ax, chart.rows)
    half = dt.timedelta(hours=12)  # a day's mark sits in the middle of its day
    dates = importlib.import_module("matplotlib.dates")
    span = (last - first).days + 1
    step = max(1, round(span / 12))
    midnight = dt.time(0, 0)
    for axis in (ribbon, hrv_ax, rhr_ax):
        axis.set_xlim(
            dt.datetime.combine(first, midnight) - half, dt.datetime.combine(last, midnight) + half
        )
        axis.xaxis.set_major_locator(dates.DayLocator(interval=step))
        axis.xaxis.set_major_formatter(dates.DateFormatter("%d %b"))
    plt.setp(rhr_ax.get_xticklabels(), rotation=30, ha="right")


def _draw_ribbon(ax: Any, chart: UserChart, first: dt.date, last: dt.date) -> None:  # noqa: ANN401
    rows = chart.rows
    for row in rows:
        colour = STATUS_COLOURS.get(row.status, "#D9D9D9")
        ax.bar(
            row.date,
            0.8,
            width=0.92,
            bottom=_ROW_STATUS - 0.4,
            color=colour,
            edgecolor="#D7301F" if row.status == "rejected" else colour,
            hatch="xx" if row.status == "rejected" else None,
            linewidth=0.8,
        )
        if row.score is not None:
            ax.text(row.date, _ROW_STATUS, str(row.score), ha="center", va="center", fontsize=7)
        if row.fatigue_type is not None and row.status not in {"building_baseline", "rejected"}:
            ax.scatter(
                [row.date],
                [_ROW_FATIGUE],
                marker="s",
                s=42,
                color=FATIGUE_COLOURS.get(row.fatigue_type, "#999999"),
            )
        if row.watch is not None:
            ax.scatter(
                [row.date],
                [_ROW_FATIGUE],
                marker="o",
                s=90,
                facecolors="none",
                edgecolors="#000000",
            )
    shown = [t for t in chart.training if first <= t.date <= last]
    for session in shown:
        ax.scatter(
            [session.date],
            [_ROW_TRAINING],
            marker="^" if session.session_type in _SYSTEMIC else "o",
            s=14 + 7 * session.effort,
            color="#555555" if session.session_type != "rest" else "none",
            edgecolors="#555555",
        )
    asked = [w for w in chart.wellness if first <= w.date <= last]
    for entry in asked:
        ax.scatter(
            [entry.date],
            [_ROW_WELLNESS],
            marker="D",
            s=26,
            color="#7B3294" if entry.heavy_legs else "none",
            edgecolors="#7B3294",
        )
    ax.set_ylim(-0.6, 3.6)
    ax.set_yticks(
        [_ROW_STATUS, _ROW_FATIGUE, _ROW_TRAINING, _ROW_WELLNESS],
        ["status · score", "fatigue type", "training", "questionnaire"],
    )
    ax.tick_params(axis="y", length=0, labelsize="small")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"{chart.name}: readiness, fatigue type and morning HRV", loc="left")
    _ribbon_legend(ax, rows)


def _ribbon_legend(ax: Any, rows: Sequence[ReportRow]) -> None:  # noqa: ANN401
    patches = importlib.import_module("matplotlib.patches")
    lines = importlib.import_module("matplotlib.lines")
    statuses = [s for s in STATUS_COLOURS if any(r.status == s for r in rows)]
    kinds = [
        k
        for k in FATIGUE_COLOURS
        if any(
            r.fatigue_type == k and r.status not in {"building_baseline", "rejected"} for r in rows
        )
    ]
    handles = [
        patches.Patch(
            facecolor=STATUS_COLOURS[s],
            edgecolor="#D7301F" if s == "rejected" else STATUS_COLOURS[s],
            hatch="xx" if s == "rejected" else None,
            label=s.replace("_", " "),
        )
        for s in statuses
    ]
    handles += [
        lines.Line2D(
            [], [], marker="s", linestyle="", color=FATIGUE_COLOURS[k], label=k.replace("_", " ")
        )
        for k in kinds
    ]
    handles += [
        lines.Line2D(
            [], [], marker="^", linestyle="", color="#555555", label="heavy / explosive / intervals"
        ),
        lines.Line2D(
            [], [], marker="o", linestyle="", color="#555555", label="other session (size: effort)"
        ),
        lines.Line2D(
            [],
            [],
            marker="D",
            linestyle="",
            color="none",
            markeredgecolor="#7B3294",
            label="questionnaire (filled: heavy legs)",
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.15),
        fontsize="x-small",
        ncol=1,
        frameon=False,
    )


def _usable(rows: Sequence[ReportRow]) -> list[ReportRow]:
    """The mornings with numbers: the lines run across a rejected one (marked apart)."""
    return [row for row in rows if row.status != "rejected"]


def _draw_hrv(ax: Any, all_rows: Sequence[ReportRow]) -> None:  # noqa: ANN401
    rows = _usable(all_rows)
    dates = [row.date for row in rows]
    ax.fill_between(
        dates,
        [_nan(r.normal_lower) for r in rows],
        [_nan(r.normal_upper) for r in rows],
        color="#BBBBBB",
        alpha=0.35,
        step="mid",
        label="normal range",
    )
    ax.fill_between(
        dates,
        [_nan(r.swc_lower) for r in rows],
        [_nan(r.swc_upper) for r in rows],
        color="#56B4E9",
        alpha=0.30,
        step="mid",
        label="SWC band",
    )
    ax.plot(
        dates,
        [_nan(r.ln_rmssd) for r in rows],
        "o",
        color="#333333",
        markersize=4,
        label="lnRMSSD (daily)",
    )
    ax.plot(
        dates,
        [_nan(r.ln_rmssd_7d_mean) for r in rows],
        "-",
        color="#000000",
        linewidth=2,
        label="7-day mean",
    )
    tested = [r for r in rows if r.orthostatic_standing_ln_rmssd is not None]
    if tested:
        ax.plot(
            [r.date for r in tested],
            [_nan(r.orthostatic_standing_ln_rmssd) for r in tested],
            "^",
            color="#009E73",
            markersize=4,
            label="standing lnRMSSD (orthostatic)",
        )
    for row in all_rows:
        if row.status == "rejected":
            ax.axvline(row.date, color="#D55E00", alpha=0.3, linestyle=":")
    values = [r.ln_rmssd for r in rows if r.ln_rmssd is not None]
    if len(values) == 1:  # one morning: a readable window around it, not ±0
        ax.set_ylim(values[0] - 0.5, values[0] + 0.5)
    ax.set_ylabel("lnRMSSD (ln ms)")
    ax.grid(visible=True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")


def _draw_rhr(ax: Any, all_rows: Sequence[ReportRow]) -> None:  # noqa: ANN401
    rows = _usable(all_rows)
    dates = [row.date for row in rows]
    ax.fill_between(
        dates,
        [_nan(r.resting_hr_lower_bpm) for r in rows],
        [_nan(r.resting_hr_upper_bpm) for r in rows],
        color="#E69F00",
        alpha=0.25,
        step="mid",
        label="RHR normal range",
    )
    ax.plot(
        dates,
        [_nan(r.resting_hr_bpm) for r in rows],
        "o-",
        color="#D55E00",
        markersize=3,
        label="resting HR",
    )
    values = [r.resting_hr_bpm for r in rows if r.resting_hr_bpm is not None]
    if len(values) == 1:
        ax.set_ylim(values[0] - 5, values[0] + 5)
    ax.set_ylabel("RHR (bpm)")
    ax.grid(visible=True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    tested = [r for r in rows if r.orthostatic_hr_rise_bpm is not None]
    if tested:
        # The rise on standing (20-40 bpm) has its own scale beside the resting HR.
        rise_ax = ax.twinx()
        (line,) = rise_ax.plot(
            [r.date for r in tested],
            [_nan(r.orthostatic_hr_rise_bpm) for r in tested],
            "^",
            color="#009E73",
            markersize=4,
            label="HR rise on standing (orthostatic)",
        )
        rise_ax.set_ylabel("HR rise (bpm)")
        handles.append(line)
        labels.append(line.get_label())
    breathing = _draw_breathing(ax, rows, offset=bool(tested))
    if breathing is not None:
        more_handles, more_labels = breathing.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    right = 1.01 + 0.05 * (breathing is not None) + 0.1 * (breathing is not None and bool(tested))
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(right, 1.0), fontsize="small")


def _draw_breathing(ax: Any, rows: Sequence[ReportRow], *, offset: bool) -> Any:  # noqa: ANN401
    """Breathing rate on a second axis of the RHR panel (rule 13); None without any.

    ``offset``: the panel already has the HR-rise axis on its right; move this one out.
    """
    if all(r.breathing_per_min is None for r in rows):
        return None
    twin = ax.twinx()
    if offset:
        twin.spines["right"].set_position(("axes", 1.1))
    dates = [row.date for row in rows]
    twin.plot(
        dates,
        [_nan(r.breathing_per_min) for r in rows],
        "s--",
        color="#0072B2",
        markersize=2.5,
        linewidth=0.8,
        label="breathing",
    )
    twin.plot(
        dates,
        [_nan(r.breathing_upper_per_min) for r in rows],
        ":",
        color="#0072B2",
        linewidth=0.8,
        label="breathing upper edge",
    )
    ill = [r for r in rows if r.illness is not None and r.breathing_per_min is not None]
    if ill:
        twin.plot(
            [r.date for r in ill],
            [r.breathing_per_min for r in ill],
            "x",
            color="#CC0000",
            markersize=7,
            label="possible / reported illness",
        )
    twin.set_ylabel("breaths/min")
    return twin
