"""Rule 13, the illness watch: "I feel ill" outranks HRV; breathing rate as a fever sign.

Each function is one rule, next to its evidence (docs/model.md states them in words):

* **Breathing rate above its normal range** — respiratory rate rises before and with
  infection (Miller et al. 2020, PLoS ONE 15:e0243693: nightly respiratory rate from a
  wrist strap flagged 80 % of COVID-19 cases by the third day of symptoms) and is very
  steady from one day to the next, so its range is the person's own.
* **Possible illness from the reading alone** — breathing rate up *together with*
  resting HR up and/or lnRMSSD below its normal range. Resting HR rises before and with
  infection (Mishra et al. 2020, Nat Biomed Eng 4:1208: smartwatch resting HR rose at or
  before symptom onset in most COVID-19 cases); fever raises HR and lowers HRV. A raised
  breathing rate alone (e.g. the morning after a hard evening run) is no illness flag.
* **Reported illness** — feeling ill outranks a normal HRV (coaches' rule: Elite HRV,
  Plews): any symptom gives at most *caution*, and *rest* with a fever-like sign
  (breathing rate or resting HR up). Possible illness from the signs alone is *rest* too:
  don't train hard, measure again tomorrow.
* **Ill mornings do not enter the baseline** (baseline.py): like a fatigue episode, an
  illness is not learned as the person's normal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrv_readiness.readiness.baseline import Reference
    from hrv_readiness.readiness.models import (
        DailyReading,
        Illness,
        IllnessLevel,
        Status,
    )


def breathing_up(today: DailyReading, reference: Reference) -> bool:
    """Today's breathing rate above its normal range (Miller et al. 2020)."""
    return (
        today.breathing_rate_per_min is not None
        and reference.breathing_upper_per_min is not None
        and today.breathing_rate_per_min > reference.breathing_upper_per_min
    )


def possible_illness(*, breathing_up: bool, rhr_up: bool, hrv_low: bool) -> bool:
    """Breathing rate up with resting HR up and/or HRV low (Miller 2020; Mishra 2020)."""
    return breathing_up and (rhr_up or hrv_low)


def illness_flag(
    *, reported: IllnessLevel, breathing_up: bool, rhr_up: bool, hrv_low: bool
) -> Illness | None:
    """The verdict's illness flag: reported symptoms first, then the signs alone."""
    if reported != "none":
        return "reported"
    if possible_illness(breathing_up=breathing_up, rhr_up=rhr_up, hrv_low=hrv_low):
        return "possible"
    return None


def fever_like(*, breathing_up: bool, rhr_up: bool) -> bool:
    """A fever-like sign in the reading: breathing rate or resting HR above its range."""
    return breathing_up or rhr_up


def status_with_illness(status: Status, *, illness: Illness | None, fever_sign: bool) -> Status:
    """Illness caps the status, whatever HRV says (Elite HRV, Plews: feeling ill wins).

    Possible illness, or reported symptoms with a fever-like sign: rest. Reported
    symptoms alone: at most caution.
    """
    if illness == "possible" or (illness == "reported" and fever_sign):
        return "rest"
    if illness == "reported" and status == "ready":
        return "caution"
    return status
