"""bench/lighthouse_table.py: numbers out of Lighthouse reports, medians, and the markdown row."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import lighthouse_table  # noqa: E402


def report(performance=0.5, lcp=5300.0, tbt=8200.0, cls=0.0, size=659_456) -> dict:
    """Return the parts of a Lighthouse JSON report the table reads."""
    audits = {
        "largest-contentful-paint": {"numericValue": lcp},
        "total-blocking-time": {"numericValue": tbt},
        "cumulative-layout-shift": {"numericValue": cls},
        "total-byte-weight": {"numericValue": size},
    }
    return {"categories": {"performance": {"score": performance}}, "audits": audits}


def test_run_numbers_reads_scores_as_percent_and_audits_as_values():
    numbers = lighthouse_table.run_numbers(report(performance=0.89, tbt=180.0))
    assert numbers["performance"] == 89
    assert numbers["accessibility"] is None  # category not run
    assert (numbers["tbt_ms"], numbers["bytes"]) == (180.0, 659_456)


def test_medians_take_the_middle_run_of_each_number_separately():
    runs = [
        lighthouse_table.run_numbers(report(performance=p, lcp=lcp))
        for p, lcp in ((0.5, 9000.0), (0.7, 2000.0), (0.6, 2500.0))
    ]
    median = lighthouse_table.median_numbers(runs)
    assert (median["performance"], median["lcp_ms"]) == (60, 2500.0)


def test_a_number_missing_from_a_run_is_left_out_of_its_median():
    median = lighthouse_table.median_numbers([{"cls": 0.1}, {"cls": None}, {"cls": 0.3}])
    assert median["cls"] == 0.2


def test_row_formats_seconds_milliseconds_kilobytes_and_the_load_range():
    median = lighthouse_table.median_numbers([lighthouse_table.run_numbers(report(tbt=180.0))])
    row = lighthouse_table.table_row("Today", "mobile", median, [3.2, 8.04])
    assert row == "| Today | mobile | 50 | - | 5.3 s | 180 ms | 0.000 | 644 KB | 3.2-8.0 |"


def test_table_has_a_header_and_one_row_per_page_and_preset():
    runs = [lighthouse_table.run_numbers(report())]
    table = lighthouse_table.markdown_table(
        [("Today", "mobile", runs, [1.0]), ("Today", "desktop", runs, [1.0])]
    )
    lines = table.splitlines()
    assert lines[0].startswith("| page | preset | performance")
    assert len(lines) == 4 and lines[3].startswith("| Today | desktop | 50 |")
