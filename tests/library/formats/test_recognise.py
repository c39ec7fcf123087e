"""Any text is read as some export or refused with a project error, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_readiness.errors import HrvError
from hrv_readiness.formats import DailySummary, RrRecording, parse_export

_CELLS = st.sampled_from(
    ["date", "HR", "rMSSD", "time", "2020-29-03", "0.0", "-", "07:39", "12:01:00 a. m.", "", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_or_refused(text: str) -> None:
    try:
        contents = parse_export(text, source="t")
    except HrvError:
        return
    assert isinstance(contents, RrRecording | DailySummary)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELLS, min_size=1, max_size=6), min_size=1, max_size=8))
def test_summary_like_tables_are_read_or_refused(rows: list[list[str]]) -> None:
    text = "date, time, HR,rMSSD,HRV4T_Recovery_Points\n" + "\n".join(",".join(r) for r in rows)
    try:
        contents = parse_export(text, source="t")
    except HrvError:
        return
    if isinstance(contents, DailySummary):
        assert all(reading.rmssd_ms > 0 for reading in contents.readings)
