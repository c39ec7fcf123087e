"""Readers of other apps' exports: RR recordings and daily HRV summaries.

One small module per format, each with the traps of its real files documented beside
the code. All file reading of the project's RR and summary inputs happens here (the
HRV engine in :mod:`hrv_readiness.hrv` stays pure).

Supported (app: what the file is called in that app):

* HRV4Training (Android: "export data" → ``MyMeasurements_Android.csv``; iOS:
  ``yyyy_M_d_myMeasurements.csv``): daily summary, :mod:`.hrv4training`;
* Elite HRV: the dashboard's CSV export ``ElitHRV_Export - <date>.csv`` (daily
  summary, :mod:`.elite_hrv`) and the RR export ``YYYY-MM-DD HH-MM-SS.txt``
  (:mod:`.rr_plain`);
* Polar Sensor Logger: ``..._RR.txt`` (``Phone timestamp;RR-interval [ms]``),
  :mod:`.rr_table`; HRV Logger: ``..._RRIntervals.csv`` (:mod:`.rr_table`; its
  ``..._Features.csv`` is refused, :mod:`.hrv_logger`);
* Polar ProTrainer ``.hrm`` in R-R mode (:mod:`.polar_hrm`); Kubios-style ``time RR``
  text (:mod:`.time_rr`); any plain RR list in ms, one per line or on one line;
* WHOOP ``physiological_cycles.csv`` and Oura's trends CSV are recognised and
  refused: overnight HRV is not a morning reading (:mod:`.overnight`).
"""

from __future__ import annotations

from hrv_readiness.formats.dates import DATE_ORDERS
from hrv_readiness.formats.errors import (
    AmbiguousDatesError,
    FormatError,
    NotAMorningReadingError,
    RrFileError,
    SummaryFileError,
)
from hrv_readiness.formats.models import DailyReading, DailySummary, RrRecording
from hrv_readiness.formats.morning import refuse_non_resting
from hrv_readiness.formats.recognise import parse_export, read_export
from hrv_readiness.formats.rr_file import (
    date_of_rr_file,
    parse_rr_recording,
    parse_rr_text,
    read_rr_file,
    read_rr_recording,
)

__all__ = [
    "DATE_ORDERS",
    "AmbiguousDatesError",
    "DailyReading",
    "DailySummary",
    "FormatError",
    "NotAMorningReadingError",
    "RrFileError",
    "RrRecording",
    "SummaryFileError",
    "date_of_rr_file",
    "parse_export",
    "parse_rr_recording",
    "parse_rr_text",
    "read_export",
    "read_rr_file",
    "read_rr_recording",
    "refuse_non_resting",
]
