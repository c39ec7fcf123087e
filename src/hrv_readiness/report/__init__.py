"""Rendering of a user's history: rows, the terminal table and the PNG chart."""

from __future__ import annotations

from hrv_readiness.report.rows import ReportRow, report_rows
from hrv_readiness.report.table import render_table

__all__ = ["ReportRow", "render_table", "report_rows"]
