"""The therapist report: one summary of a date range, drawn as a PDF, a printable page and a share.

Below both `export` (the PDF) and `share` (the therapist's page), which read it; it imports neither.

The numbers come from `analysis` over the inputs `dashboard.services.load_inputs` reads, and the
charts from the dashboard's own builders, so the report, the dashboard and the share page never
disagree. Page 1 (`summary`) follows docs/clinical/CHANGE.md through `journal.verdict`: the
named baseline (every PHQ-9 in the 14 days before the first session shown, which may lie before
the range; else the first score in the range; or a period the person chose), the verdict, the
60-day item-9 banner, and `journal.sessions_help`'s one answer to "did the sessions help".
Every other dated entry shown (points, sessions, flags, reflections) is inside the range.
"""

from .build import (
    build_report,
    clean_name,
    clinician_data,
    default_range,
    parse_range,
)
from .content import FULL, NAME_MAX, PAPERS, PDF_LIMITS, REPORT_CHARTS, Limits, Report

__all__ = [
    "FULL",
    "NAME_MAX",
    "PAPERS",
    "PDF_LIMITS",
    "REPORT_CHARTS",
    "Limits",
    "Report",
    "build_report",
    "clean_name",
    "clinician_data",
    "default_range",
    "parse_range",
]
