"""Lighthouse reports to numbers and a markdown table (bench/lighthouse.py; no I/O here)."""

import statistics

# Lighthouse audit ids for the columns after the scores.
AUDITS = {
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "bytes": "total-byte-weight",
}
HEADER = (
    "| page | preset | performance | a11y | LCP | TBT | CLS | transferred | load (1 min) |",
    "|---|---|---|---|---|---|---|---|---|",
)


def run_numbers(report: dict) -> dict:
    """Pick the scores (0-100) and the audit values out of one Lighthouse JSON report."""
    categories = report["categories"]
    numbers = {
        name: round(categories[name]["score"] * 100) if name in categories else None
        for name in ("performance", "accessibility")
    }
    for key, audit in AUDITS.items():
        numbers[key] = report["audits"][audit].get("numericValue")
    return numbers


def median_numbers(runs: list[dict]) -> dict:
    """Return the median of each number over the runs (a run missing a number is left out)."""
    medians = {}
    for key in sorted({key for run in runs for key in run}):
        values = [run[key] for run in runs if run.get(key) is not None]
        medians[key] = statistics.median(values) if values else None
    return medians


def seconds(ms: float | None) -> str:
    """Format milliseconds as '2.1 s', or as '180 ms' under a second."""
    if ms is None:
        return "-"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


def kilobytes(size: float | None) -> str:
    """Format bytes as '644 KB' (1 KB = 1,024 bytes, as Lighthouse shows them)."""
    return "-" if size is None else f"{size / 1024:,.0f} KB"


def score(value: float | None) -> str:
    """Format a 0-100 score (a median of an even count may be a half)."""
    return "-" if value is None else f"{value:g}"


def table_row(page: str, preset: str, median: dict, loads: list[float]) -> str:
    """Return one markdown row: medians, and the load average range over the runs."""
    cls = "-" if median.get("cls") is None else f"{median['cls']:.3f}"
    load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"
    cells = (
        page,
        preset,
        score(median.get("performance")),
        score(median.get("accessibility")),
        seconds(median.get("lcp_ms")),
        seconds(median.get("tbt_ms")),
        cls,
        kilobytes(median.get("bytes")),
        load,
    )
    return "| " + " | ".join(cells) + " |"


def markdown_table(rows: list[tuple[str, str, list[dict], list[float]]]) -> str:
    """Return the whole table for (page, preset, runs' numbers, load averages) rows."""
    lines = list(HEADER)
    lines += [
        table_row(page, preset, median_numbers(runs), loads) for page, preset, runs, loads in rows
    ]
    return "\n".join(lines)
