"""The CSV cell rule: formulas neutralised (OWASP CSV injection), and reversible."""

import pytest

from journal.export.csv_export import read_cell, safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+41 20 000", "-5 today", "@SUM(A1)", "\t=cmd", "\r=cmd", "'already quoted"],
)
def test_risky_text_gets_one_leading_quote(text):
    """Text a spreadsheet would evaluate (or an existing quote) is prefixed with one quote."""
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Slept badly.", "", " =not first", "5 mg", "2026-01-31"])
def test_plain_text_is_unchanged(text):
    """Ordinary text, including a formula sign that is not first, stays as it is."""
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [0, 3, 0.5, 56.0])
def test_numbers_stay_numbers(value):
    """Numbers are written as numbers, never quoted (they cannot hold a formula)."""
    assert safe_cell(value) == value


def test_none_and_booleans():
    """Missing values are empty cells; switches are true/false."""
    assert (safe_cell(None), safe_cell(True), safe_cell(False)) == ("", "true", "false")


@pytest.mark.parametrize(
    "text", ["=1+1", "'", "''x", "-", "plain", "@", "'=x", "ünïcødé", "a\nb", '"q"']
)
def test_read_cell_undoes_safe_cell(text):
    """Reading a written cell back gives exactly the original text."""
    assert read_cell(safe_cell(text)) == text
