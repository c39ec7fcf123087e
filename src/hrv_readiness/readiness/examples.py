"""The worked examples of docs/model.md (pure: the command line is :mod:`hrv_readiness.examples`).

    python -m hrv_readiness.examples              # list them
    python -m hrv_readiness.examples chronic_fatigue
    python -m hrv_readiness.examples chronic_fatigue --set baseline_hold_max_days=7

Each example is a small, fully deterministic history (a fixed pattern of day-to-day
noise, no random generator), today's reading and questionnaire. The output shows the
baselines, the score's penalties and the verdict with every reason, exactly as
docs/model.md quotes it (a test runs every command of the page and compares).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hrv_readiness.readiness.assess import assess
from hrv_readiness.readiness.baseline import reference_for, week_ending
from hrv_readiness.readiness.models import DailyReading, TrainingEntry, WellnessEntry
from hrv_readiness.readiness.score import penalties

if TYPE_CHECKING:
    from hrv_readiness.readiness.models import IllnessLevel, Readiness, SessionType
    from hrv_readiness.readiness.settings import ReadinessSettings

TODAY = dt.date(2026, 3, 31)
USER = "alex"
#: Day-to-day noise in SDs, cycled: a fixed pattern instead of a random generator, so
#: every platform prints the same numbers.
_NOISE = (
    0.3, -1.1, 0.8, -0.2, 1.4, -0.6, 0.1, -1.5, 0.9, 0.4,
    -0.8, 1.1, -0.3, 0.6, -1.2, 0.2, 1.7, -0.9, 0.5, -0.4,
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Example:
    title: str
    days: int = 60
    ln_rmssd: float = 4.20
    ln_sd: float = 0.06
    resting_hr_bpm: float = 55.0
    rhr_sd_bpm: float = 1.0
    #: days ago (0 = today) -> (lnRMSSD shift, resting-HR shift in bpm)
    shifts: dict[int, tuple[float, float]] = field(default_factory=dict)
    missing: frozenset[int] = frozenset()
    feeling: tuple[int, int, int, int, bool] | None = (2, 7, 7, 3, False)
    #: earlier mornings with heavy legs (days ago)
    heavy_legs_before: frozenset[int] = frozenset()
    #: (days ago, session type, effort)
    sessions: tuple[tuple[int, SessionType, int], ...] = ()
    #: Breathing rate of the readings (None: not estimated, as in the older examples),
    #: its day-to-day SD and today's shift, breaths/min.
    breathing_per_min: float | None = None
    breathing_sd: float = 0.5
    breathing_today_shift: float = 0.0
    #: Today's answer to "do you feel ill?"
    ill: IllnessLevel = "none"

    def history(self) -> tuple[list[DailyReading], DailyReading]:
        readings = []
        for ago in range(self.days - 1, -1, -1):
            if ago in self.missing and ago != 0:
                continue
            noise = 0.0 if ago == 0 else _NOISE[ago % len(_NOISE)]
            rhr_noise = 0.0 if ago == 0 else _NOISE[(ago + 7) % len(_NOISE)]
            ln_shift, rhr_shift = self.shifts.get(ago, (0.0, 0.0))
            breathing = None
            if self.breathing_per_min is not None:
                breathing_noise = 0.0 if ago == 0 else _NOISE[(ago + 3) % len(_NOISE)]
                breathing = round(
                    self.breathing_per_min
                    + (self.breathing_today_shift if ago == 0 else 0.0)
                    + breathing_noise * self.breathing_sd,
                    2,
                )
            readings.append(
                DailyReading(
                    breathing_rate_per_min=breathing,
                    date=TODAY - dt.timedelta(days=ago),
                    ln_rmssd=round(self.ln_rmssd + ln_shift + noise * self.ln_sd, 4),
                    resting_hr_bpm=round(
                        self.resting_hr_bpm + rhr_shift + rhr_noise * self.rhr_sd_bpm, 2
                    ),
                )
            )
        return readings[:-1], readings[-1]

    def wellness(self, day: dt.date = TODAY) -> WellnessEntry | None:
        if self.feeling is None:
            return None
        soreness, energy, sleep, stress, heavy = self.feeling
        return WellnessEntry(
            user=USER,
            date=day,
            soreness=soreness,
            energy=energy,
            sleep_quality=sleep,
            stress=stress,
            heavy_legs=heavy,
            ill=self.ill,
        )

    def wellness_history(self) -> list[WellnessEntry]:
        return [
            WellnessEntry(
                user=USER,
                date=TODAY - dt.timedelta(days=ago),
                soreness=3,
                energy=7,
                sleep_quality=7,
                stress=3,
                heavy_legs=True,
            )
            for ago in sorted(self.heavy_legs_before)
        ]

    def training(self) -> list[TrainingEntry]:
        return [
            TrainingEntry(
                user=USER,
                date=TODAY - dt.timedelta(days=ago),
                session_type=kind,
                effort=effort,
                duration_min=75,
            )
            for ago, kind, effort in self.sessions
        ]


def _block(days: int, ln_shift: float, rhr_shift: float) -> dict[int, tuple[float, float]]:
    return dict.fromkeys(range(days), (ln_shift, rhr_shift))


EXAMPLES: dict[str, Example] = {
    "first_mornings": Example(title="The first mornings: no advice yet", days=10),
    "steady": Example(title="A steady morning"),
    "heavy_block": Example(
        title="A heavy compound block: HRV down, resting HR up, little soreness",
        shifts=_block(4, -0.30, 5.0),
        feeling=(2, 6, 7, 3, False),
        sessions=((1, "heavy_compound", 9), (2, "heavy_compound", 8)),
    ),
    "sore": Example(
        title="Sore legs, nervous system fine",
        feeling=(8, 7, 7, 3, False),
        sessions=((1, "isolation", 8),),
    ),
    "overreaching": Example(
        title="A week of suppression, resting HR up, motivation gone",
        shifts={**_block(7, -0.40, 6.0), 3: (0.0, 0.0)},
        feeling=(3, 3, 4, 4, False),
    ),
    "chronic_fatigue": Example(
        title="Five weeks of suppressed HRV: the baseline does not learn it",
        days=90,
        shifts=_block(35, -0.25, 4.0),
        feeling=(2, 3, 5, 4, False),
    ),
    "run_down": Example(
        title="Normal HRV, but energy, sleep and stress all poor",
        feeling=(2, 2, 3, 8, False),
    ),
    "one_bad_morning": Example(
        title="One low morning inside a healthy 7-day trend",
        shifts={0: (-0.13, 0.0)},
    ),
    "sparse_week": Example(
        title="A low morning after five missed ones",
        shifts={0: (-0.13, 0.0)},
        missing=frozenset({1, 2, 3, 4, 5}),
    ),
    "saturation": Example(
        title="HRV far above baseline, resting HR low, feeling flat",
        shifts=_block(7, 0.20, -4.0),
        feeling=(3, 3, 4, 4, True),
    ),
    "heavy_legs": Example(
        title="Heavy legs for three mornings",
        feeling=(4, 7, 7, 3, True),
        heavy_legs_before=frozenset({1, 2}),
    ),
    "feels_ill": Example(
        title="Feeling ill with a normal HRV",
        breathing_per_min=14.0,
        ill="clear",
    ),
    "possible_illness": Example(
        title="Breathing rate and resting HR up, HRV normal, no symptoms yet",
        breathing_per_min=14.0,
        breathing_today_shift=3.0,
        shifts={0: (0.0, 5.0)},
    ),
    "evening_run": Example(
        title="Breathing rate up the morning after hard intervals, nothing else",
        breathing_per_min=14.0,
        breathing_today_shift=3.0,
        sessions=((1, "intervals", 9),),
    ),
}


def _f(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def run(name: str, settings: ReadinessSettings) -> tuple[Readiness, list[str]]:
    """The verdict of example ``name`` and the lines that explain it."""
    example = EXAMPLES[name]
    history, today = example.history()
    wellness = example.wellness()
    result = assess(
        history=history,
        today=today,
        wellness=wellness,
        training=example.training(),
        settings=settings,
        wellness_history=example.wellness_history(),
    )
    b = result.baselines
    breathing = (
        ""
        if example.breathing_per_min is None
        else f", breathing {example.breathing_per_min:.0f} +/- {example.breathing_sd:.1f}/min"
    )
    breathing_today = (
        ""
        if today.breathing_rate_per_min is None
        else f", breathing {today.breathing_rate_per_min:.1f}/min"
    )
    lines = [
        f"{name}: {example.title}",
        (
            f"history   {len(history)} earlier mornings from {history[0].date}"
            f" (lnRMSSD {example.ln_rmssd:.2f} +/- {example.ln_sd:.2f},"
            f" resting HR {example.resting_hr_bpm:.0f} +/- {example.rhr_sd_bpm:.0f} bpm"
            f"{breathing})"
        ),
        (
            f"today     {today.date}: lnRMSSD {today.ln_rmssd:.3f},"
            f" resting HR {today.resting_hr_bpm:.1f} bpm{breathing_today}"
        ),
    ]
    if wellness is None:
        lines.append("feeling   no questionnaire")
    else:
        lines.append(
            f"feeling   soreness {wellness.soreness}, energy {wellness.energy},"
            f" sleep {wellness.sleep_quality}, stress {wellness.stress},"
            f" heavy legs {'yes' if wellness.heavy_legs else 'no'}"
            + ("" if wellness.ill == "none" else f", ill {wellness.ill}")
        )
    lines.append(
        f"7 days    {b.readings_in_7d} readings, mean {_f(b.ln_rmssd_7d_mean, 3)},"
        f" CV {_f(b.ln_rmssd_7d_cv_pct, 1)} %,"
        f" resting HR {_f(b.resting_hr_7d_mean_bpm, 1)} bpm"
    )
    if b.swc_lower is not None:
        lines.extend(
            [
                (
                    f"baseline  mean {_f(b.ln_rmssd_baseline_mean, 3)},"
                    f" SD {_f(b.ln_rmssd_baseline_sd, 3)};"
                    f" SWC band {_f(b.swc_lower, 3)}-{_f(b.swc_upper, 3)};"
                    f" normal range {_f(b.normal_lower, 3)}-{_f(b.normal_upper, 3)}"
                ),
                (
                    f"          resting HR {_f(b.resting_hr_baseline_bpm, 1)} bpm"
                    f" (range {_f(b.resting_hr_lower_bpm, 1)}-{_f(b.resting_hr_upper_bpm, 1)});"
                    f" {b.readings_in_baseline} mornings; held since {b.held_since or '-'}"
                ),
            ]
        )
        if b.breathing_upper_per_min is not None:
            lines.append(
                f"          breathing {_f(b.breathing_baseline_per_min, 1)}/min"
                f" (up to {_f(b.breathing_upper_per_min, 1)})"
            )
    reference = reference_for(history=history, today=today, settings=settings)
    if result.score is not None and reference is not None:
        week = week_ending([*history, today], end=today.date, settings=settings)
        p = penalties(
            today=today, week=week, reference=reference, wellness=wellness, settings=settings
        )
        lines.append(
            f"penalties trend {p.trend:.1f}, today {p.today:.1f},"
            f" resting HR {p.resting_hr:.1f}, subjective {p.subjective:.1f},"
            f" heavy legs {p.heavy_legs:.1f} -> gauge {p.gauge:.1f}"
        )
    score = "-" if result.score is None else str(result.score)
    watch = f", watch {result.watch}" if result.watch else ""
    watch += f", illness {result.illness}" if result.illness else ""
    lines.append(
        f"verdict   {result.status}, {result.fatigue_type}, score {score}{watch}"
        + (f", {result.readings_needed} more morning(s)" if result.readings_needed else "")
    )
    lines.extend(f"reason    {r.code}: {r.text}" for r in result.reasons)
    lines.append(f"advice    {result.advice}")
    return result, lines
