"""The import parsers as pure code: times, dates, HTML notes, merging, detection, zip checks."""

from datetime import date

import pytest

from journal.errors import Invalid
from journal.imports import daylio_backup, entries, parsing, text
from tests import import_samples as samples


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("20:39", 20 * 60 + 39),
        ("07:05", 7 * 60 + 5),
        ("8:30 am", 8 * 60 + 30),
        ("10:00 pm", 22 * 60),
        ("12:00 am", 0),
        ("12:05 PM", 12 * 60 + 5),
        ("9:15 p.m.", 21 * 60 + 15),
        ("", 0),
    ],
)
def test_times_24_and_12_hour(value, minutes):
    """Both clocks Daylio writes, by the phone's locale."""
    assert text.minutes_of(value, 3) == minutes


@pytest.mark.parametrize("value", ["24:00", "13:00 pm", "noon", "7.30"])
def test_bad_times_name_the_line(value):
    """A time that is not one is refused, naming the line."""
    with pytest.raises(Invalid, match="^Line 7:"):
        text.minutes_of(value, 7)


def test_half_up_mean():
    """The mean of the entries' values, rounded half up (6.5 -> 7, 7.5 -> 8, 6.33 -> 6)."""
    assert entries.half_up_mean([6, 7]) == 7
    assert entries.half_up_mean([9, 7, 7, 7]) == 8
    assert entries.half_up_mean([9, 3, 7]) == 6
    assert entries.half_up_mean([0, 1]) == 1


def test_html_notes_keep_their_text():
    """Tags go, text and entities stay, blocks become lines; plain text is untouched."""
    assert text.html_to_text("<b>Bold</b> &amp; <i>it</i>") == "Bold & it"
    assert text.html_to_text("<ul><li>one</li><li>two</li></ul>") == "one\ntwo"
    assert text.html_to_text("I <3 tea, 2 < 3") == "I <3 tea, 2 < 3"
    assert text.html_to_text("<script>alert(1)</script>") == "alert(1)"


def test_mood_map_is_trimmed_and_case_insensitive():
    """Labels match without regard to case or spaces; values must be 0-10 whole numbers."""
    assert entries.clean_mood_map({" OK ": 6, "Rad": 10}) == {"ok": 6, "rad": 10}
    for bad in ({"ok": 11}, {"ok": "6"}, {"ok": True}, ["ok"]):
        with pytest.raises(Invalid):
            entries.clean_mood_map(bad)


def test_old_daylio_dates():
    """`year` with 'December 9' (or '9 Dec') makes a date; nonsense names the line."""
    from journal.imports.daylio_csv import old_date

    assert old_date("2024", "December 9", 2) == date(2024, 12, 9)
    assert old_date("2024", "9 Dec", 2) == date(2024, 12, 9)
    with pytest.raises(Invalid, match="^Line 5:"):
        old_date("2024", "Febtober 30", 5)
    with pytest.raises(Invalid, match="^Line 6:"):
        old_date("2023", "February 29", 6)


@pytest.mark.parametrize(
    ("data", "source"),
    [
        (samples.daylio_new(), "daylio-csv"),
        (samples.daylio_old(), "daylio-csv"),
        (samples.spreadsheet(), "csv"),
        (samples.daylio_backup(), "daylio-backup"),
        (b'{"format": "mood-journal-export", "version": 1}', "mood-journal-json"),
        ("\ufeffdate,mood\n2025-01-01,5\n".encode(), "csv"),
    ],
)
def test_source_is_detected(data, source):
    """Each format is told apart by its content, not its name."""
    assert parsing.detect(data) == source


def test_backup_reads_only_moods_tags_and_entries():
    """The document handed on has three keys: the pin and reminders are dropped unread."""
    found = daylio_backup.document(samples.daylio_backup())
    assert set(found) == {"customMoods", "tags", "dayEntries"}
    assert samples.PIN not in repr(found)


@pytest.mark.parametrize(
    "name", ["../escape.txt", "/etc/passwd", "assets/../../x", "C:/windows/x", "a\\..\\..\\b"]
)
def test_zip_paths_outside_are_refused(name):
    """A member whose path leaves the zip's folder stops the import before anything opens."""
    with pytest.raises(Invalid, match="outside"):
        daylio_backup.checked_zip(samples.daylio_backup(extra={name: b"x"}))
