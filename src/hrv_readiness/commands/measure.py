"""``hrv-collector measure``: one morning reading from a strap, with live progress.

Finds the strap (``--address`` or ``--name`` pins one, needed when a household has
several; with ``--config`` and ``--user``, that user's strap and the config's
measurement settings are used, and options override them),
connects, waits for skin contact, lets the first seconds settle, records
``--duration`` seconds of RR and prints the reading's summary with its HRV.
``--save --user NAME`` stores it in NAME's history with the verdict of the morning,
as the daemon would (no daemon needed: 14 saved mornings give the first advice);
``--simulate`` replays a synthetic morning through the same session code, no radio
needed. ``--orthostatic`` runs an orthostatic test instead (docs/model.md): lie still
through a countdown, stand up at "STAND UP NOW" (with a terminal bell), stand still
to the end; the lying part is the morning reading, and the summary adds the
standing response (or why the test was refused). ``--json`` prints the result as one
JSON document (schema:
src/hrv_readiness/commands/schemas/measure.json).

Exit status, as ``analyze`` for the same outcome: 0 a usable reading, 1 a rejected
reading or an aborted session (no skin contact: measure again), 2 failed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from hrv_readiness.ble.models import MeasurementSettings, SessionEvent, SessionState
from hrv_readiness.ble.session import run_measurement
from hrv_readiness.ble.simulated import SimulatedStrap
from hrv_readiness.ble.strap import BleakStrapSource
from hrv_readiness.commands.console import console, print_json
from hrv_readiness.commands.history_options import (
    add_new_user_argument,
    check_known_user,
    checked_morning,
    iso_date,
    local_now,
    local_today,
)
from hrv_readiness.commands.json_output import (
    MeasureOutput,
    OrthostaticOutput,
    RecordingOutput,
    SavedReading,
)
from hrv_readiness.commands.option_errors import user_id, validation_message
from hrv_readiness.commands.progress import ProgressDisplay
from hrv_readiness.commands.saving import add_save_arguments, readings_on, save_reading
from hrv_readiness.commands.verdict import print_saved
from hrv_readiness.config import load_config
from hrv_readiness.errors import ConfigError, InputError
from hrv_readiness.hrv import (
    HrvResult,
    OrthostaticProtocol,
    OrthostaticResult,
    analyze,
    analyze_orthostatic,
)
from hrv_readiness.pipeline import LIVE_ADVICE
from hrv_readiness.readiness.dates import morning_at
from hrv_readiness.simulation import (
    LivePerson,
    OrthostaticScenario,
    RrScenario,
    synthesize_rr_ms,
)

if TYPE_CHECKING:
    import argparse
    import datetime as dt

    from hrv_readiness.ble.models import MeasurementResult, Recording
    from hrv_readiness.ble.source import StrapSource
    from hrv_readiness.commands.subcommand import AddCommand
    from hrv_readiness.config import Config
    from hrv_readiness.pipeline import ProcessedReading

_INTERACTIVE_ADAPTER_WAIT_S = 10.0
_EXIT = {SessionState.COMPLETE: 0, SessionState.ABORTED: 1, SessionState.FAILED: 2}
#: Session setting -> the option that sets it, for error messages.
_OPTIONS = {
    "duration_s": "--duration",
    "settle_s": "--settle",
    "strap_wait_s": "--strap-wait",
    "adapter_wait_s": "--adapter-wait",
}


def register(add: AddCommand) -> None:
    parser = add("measure", "take one reading from a strap with live progress")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="collector config (YAML): the user's strap and the measurement settings",
    )
    parser.add_argument(
        "--user",
        default=None,
        type=user_id,
        help="whose reading this is (with --config: whose strap)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="recorded length after settling, 60-300 (default: config, else 120)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds discarded after skin contact (default: config, else 10)",
    )
    parser.add_argument("--address", help="the strap's Bluetooth address (default: strongest)")
    parser.add_argument(
        "--name", help="the strap's advertised name, or a pattern like 'Polar H10 AB*'"
    )
    parser.add_argument("--adapter", help="Bluetooth adapter, e.g. hci1 (default: first)")
    parser.add_argument(
        "--strap-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to look for the strap (default: config, else 60)",
    )
    parser.add_argument(
        "--adapter-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to wait for an unavailable Bluetooth adapter (default: config, else 10)",
    )
    parser.add_argument(
        "--orthostatic",
        action="store_true",
        help="an orthostatic test: lie still, stand up at the cue, stand still "
        "(phases: config measurement.orthostatic, else 1+2 min lying, 1+2 min standing)",
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="use a simulated strap (a synthetic morning) instead of Bluetooth",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=20.0,
        help="replay speed of --simulate (default: 20, so 2 minutes take 6 s)",
    )
    parser.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="with --save: the morning it is stored for (YYYY-MM-DD; default: today)",
    )
    add_save_arguments(parser, config=False)
    add_new_user_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.save and args.user is None:
        msg = "--save needs --user NAME: whose history the reading goes into"
        raise ConfigError(msg)
    if args.date is not None and not args.save:
        msg = "--date goes with --save: it is the morning the reading is stored for"
        raise ConfigError(msg)
    config = load_config(args.config) if args.config is not None else None
    if args.save:  # before two minutes of lying still
        check_known_user(args, args.user)
        today = local_today(args)
        args.date = checked_morning("--date", args.date or today, today)
    try:
        settings = _settings(args, config)
    except ValidationError as err:
        raise ConfigError(validation_message(err, _OPTIONS)) from err
    protocol = _protocol(args, config)
    source, person = _source(args, config, settings, protocol)
    out = console()
    if not args.json:
        who = f" for {args.user}" if args.user else ""
        if protocol is None:
            out.print(
                f"measuring {settings.duration_s:g} s{who}: put the strap on, lie still, "
                "breathe easy",
                markup=False,
            )
        else:
            out.print(
                f"orthostatic test{who}, {protocol.total_s:g} s: put the strap on and lie "
                f"still; after {protocol.cue_at_s:g} s you will be told to STAND UP, then "
                "stand still until the end",
                markup=False,
            )
    cue_at_s = protocol.cue_at_s if protocol is not None else None
    with ProgressDisplay(every_s=10.0, quiet=args.json, stand_up_at_s=cue_at_s) as display:

        def on_event(event: SessionEvent) -> None:
            display(event)
            if event.stand_up and person is not None:
                person.stand()  # the simulated person does as told

        result = asyncio.run(
            run_measurement(source, settings, on_event=on_event, orthostatic=protocol)
        )
    return _report(args, result, protocol)


def _source(
    args: argparse.Namespace,
    config: Config | None,
    settings: MeasurementSettings,
    protocol: OrthostaticProtocol | None,
) -> tuple[StrapSource, LivePerson | None]:
    """The strap to measure with; with ``--simulate``, the simulated person too."""
    if not args.simulate:
        address, name = _strap_of(args, config)
        return BleakStrapSource(address=address, name=name, adapter=args.adapter), None
    if not args.speed > 0:
        msg = f"--speed {args.speed:g}: must be more than 0 (e.g. --speed 20)"
        raise ConfigError(msg)
    day = args.date or local_today(args)
    attempt = readings_on(args, args.user, day) if args.save else 0
    seed = _seed(args.user, day, attempt)
    if protocol is not None:
        # A simulated person who stands up when the cue is shown.
        person = LivePerson(OrthostaticScenario(seed=seed))
        return SimulatedStrap(person, speed=args.speed), person
    # Settling, the planned window, a full extension and a margin.
    lasts_s = settings.settle_s + settings.duration_s + settings.max_extension_s + 60.0
    rr_ms = synthesize_rr_ms(RrScenario(duration_s=lasts_s, seed=seed))
    return SimulatedStrap(rr_ms.tolist(), speed=args.speed), None


def _protocol(args: argparse.Namespace, config: Config | None) -> OrthostaticProtocol | None:
    """The orthostatic protocol (the config's, else the defaults); None without the option."""
    if not args.orthostatic:
        return None
    return config.measurement.orthostatic if config is not None else OrthostaticProtocol()


def _seed(user: str | None, day: dt.date, attempt: int) -> int:
    """A different simulated morning per user, day and attempt, reproducible.

    Measuring again after a rejected reading gives new beats, as it would in life.
    """
    return (day.toordinal() * 31 + sum(map(ord, user or ""))) * 16 + attempt


def _settings(args: argparse.Namespace, config: Config | None) -> MeasurementSettings:
    """The config's session settings (else the defaults), overridden by the options."""
    if config is not None:
        base = config.measurement.session_settings().model_dump()
    else:
        # Interactive default: do not sit a minute on a missing adapter.
        base = {"adapter_wait_s": _INTERACTIVE_ADAPTER_WAIT_S}
    overrides = {
        "duration_s": args.duration,
        "settle_s": args.settle,
        "strap_wait_s": args.strap_wait,
        "adapter_wait_s": args.adapter_wait,
    }
    base.update({key: value for key, value in overrides.items() if value is not None})
    return MeasurementSettings.model_validate(base)


def _strap_of(args: argparse.Namespace, config: Config | None) -> tuple[str | None, str | None]:
    """``--address``/``--name``, else the strap the config gives ``--user``."""
    if args.address or args.name or config is None or args.user is None:
        return args.address, args.name
    strap = config.user(args.user).strap
    if strap is None:
        msg = (
            f"user {args.user!r} has no strap in {args.config};"
            " give --address or --name, or use --simulate"
        )
        raise ConfigError(msg)
    return strap.address, strap.name_pattern


def _report(
    args: argparse.Namespace,
    result: MeasurementResult,
    protocol: OrthostaticProtocol | None = None,
) -> int:
    recording = result.recording
    hrv: HrvResult | None = None
    hrv_error: str | None = None
    saved: SavedReading | None = None
    processed: ProcessedReading | None = None
    orthostatic: OrthostaticResult | None = None
    if recording is not None:
        hrv, hrv_error, orthostatic = _analysed(recording, protocol)
        if args.save and hrv is not None:
            day = args.date
            processed, saved = save_reading(
                args,
                user=args.user,
                rr_ms=recording.rr_ms,
                # A back-filled morning keeps the time of day it was measured at.
                measured_at=morning_at(
                    day, recording.started_at.astimezone(local_now(args).tzinfo)
                ),
                day=day,
                segment_starts=recording.segment_starts,
                strap=(recording.strap_name, recording.strap_address, recording.battery_pct),
                orthostatic=protocol,
                stand_index=recording.stand_index,
            )
    if args.json:
        print_json(
            MeasureOutput(
                state=result.state.value,  # type: ignore[arg-type]
                reason=result.reason or None,
                recording=_recording_output(recording) if recording is not None else None,
                hrv=hrv,
                hrv_error=hrv_error,
                saved=saved,
                orthostatic=_orthostatic_output(orthostatic),
            )
        )
        return _exit(result, hrv, hrv_error)
    if recording is None:
        print(f"hrv-collector measure: {result.state.value}: {result.reason}", file=sys.stderr)
        return _EXIT[result.state]
    out = console()
    if orthostatic is None:
        out.print(summary(recording), markup=False, highlight=False)
    else:
        out.print(orthostatic_summary(recording, orthostatic), markup=False, highlight=False)
    if processed is not None and saved is not None:
        print_saved(out, processed, saved)
    elif args.save:
        out.print("  not saved: the reading has no HRV to store", markup=False)
    return _exit(result, hrv, hrv_error)


def _exit(result: MeasurementResult, hrv: HrvResult | None, hrv_error: str | None) -> int:
    """The exit status: ``analyze``'s for the same outcome once a recording exists.

    0 a usable reading, 1 a rejected one (measure again) or an aborted session,
    2 a failed session or RR that are no reading at all.
    """
    if result.recording is None:
        return _EXIT[result.state]
    if hrv_error is not None or hrv is None:
        return 2
    return 0 if hrv.usable else 1


def _recording_output(recording: Recording) -> RecordingOutput:
    return RecordingOutput(
        started_at=recording.started_at,
        duration_s=recording.duration_s,
        beats=len(recording.rr_ms),
        strap_name=recording.strap_name,
        strap_address=recording.strap_address,
        battery_pct=recording.battery_pct,
        reconnects=recording.reconnects,
        dropped_rr=recording.implausible_rr,
        segment_starts=list(recording.segment_starts),
        recorded_s=recording.recorded_s or recording.duration_s,
        window_start_s=recording.window_start_s,
        window=recording.window,
    )


def summary(recording: Recording) -> str:
    """Describe a recording and its HRV in a few lines."""
    battery = f"{recording.battery_pct} %" if recording.battery_pct is not None else "unknown"
    unit_note = ", RR were sent in ms (rescaled)" if recording.rr_unit == "ms" else ""
    lines = [
        (
            f"reading complete: {recording.duration_s:.0f} s, {len(recording.rr_ms)} beats"
            f" from {recording.strap_name} ({recording.strap_address})"
        ),
        (
            f"  started {recording.started_at:%Y-%m-%d %H:%M:%S} UTC, battery {battery},"
            f" sensor {recording.body_sensor_location or 'unknown'},"
            f" reconnects {recording.reconnects}, dropped RR {recording.implausible_rr}"
            f"{unit_note}"
        ),
    ]
    if recording.window:
        lines.append(f"  recorded {recording.recorded_s:.0f} s; {recording.window}")
    try:
        hrv = analyze(recording.rr_ms, segment_starts=recording.segment_starts)
    except InputError as err:
        lines.append(f"  HRV not computed: {err}")
        return "\n".join(lines)
    if not hrv.usable:
        lines.append(f"  HRV rejected: {hrv.quality.reason}; {LIVE_ADVICE}")
        return "\n".join(lines)
    lines.append(
        f"  lnRMSSD {hrv.ln_rmssd:.2f} (RMSSD {hrv.rmssd_ms:.1f} ms), resting HR"
        f" {hrv.mean_hr_bpm:.0f} bpm, artifacts {hrv.artifacts.total}"
        f" ({hrv.artifacts.artifact_pct:.1f} %), quality {hrv.quality.level}"
    )
    return "\n".join(lines)


def _orthostatic_output(result: OrthostaticResult | None) -> OrthostaticOutput | None:
    if result is None:
        return None
    return OrthostaticOutput(
        stand_index=result.stand_index,
        metrics=result.metrics,
        refusal=result.refusal,
        reason=result.reason,
    )


def orthostatic_summary(recording: Recording, result: OrthostaticResult) -> str:
    """Describe an orthostatic test: the lying reading and the response to standing."""
    lines = [
        (
            f"orthostatic test complete: {recording.duration_s:.0f} s, "
            f"{len(recording.rr_ms)} beats from {recording.strap_name} "
            f"({recording.strap_address}), reconnects {recording.reconnects}"
        )
    ]
    supine = result.supine
    if supine is None or not supine.usable:
        why = "too few beats" if supine is None else supine.quality.reason
        lines.append(f"  lying: HRV rejected: {why} — test again")
    else:
        lines.append(
            f"  lying:    lnRMSSD {supine.ln_rmssd:.2f} (RMSSD {supine.rmssd_ms:.1f} ms), "
            f"HR {supine.mean_hr_bpm:.0f} bpm — this is the morning reading"
        )
    m = result.metrics
    if m is None:
        lines.append(f"  standing: refused ({result.refusal}): {result.reason}")
        return "\n".join(lines)
    lines.append(
        f"  standing: lnRMSSD {m.standing_ln_rmssd:.2f} (RMSSD {m.standing_rmssd_ms:.1f} ms), "
        f"HR {m.standing_hr_bpm:.0f} bpm"
    )
    lines.append(
        f"  response: peak HR {m.peak_hr_bpm:.0f} bpm {m.time_to_peak_s:.0f} s after the cue, "
        f"HR rise {m.hr_rise_bpm:.0f} bpm (standing {m.standing_hr_rise_bpm:+.0f} bpm), "
        f"RMSSD standing/lying {m.rmssd_ratio:.2f}"
    )
    return "\n".join(lines)


def _analysed(
    recording: Recording, protocol: OrthostaticProtocol | None
) -> tuple[HrvResult | None, str | None, OrthostaticResult | None]:
    """The reading's HRV (the lying part's for a test), why there is none, and the test."""
    try:
        if protocol is None:
            return analyze(recording.rr_ms, segment_starts=recording.segment_starts), None, None
        test = analyze_orthostatic(
            recording.rr_ms,
            stand_index=recording.stand_index,
            protocol=protocol,
            segment_starts=recording.segment_starts,
        )
    except InputError as err:
        return None, str(err), None
    if test.supine is None:
        return None, "the lying part is too short to analyse; lie still until the cue", test
    return test.supine, None, test
