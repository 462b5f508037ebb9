"""Sample import files, written from the formats in docs/IMPORT.md (never taken from a vendor)."""

import base64
import csv
import io
import json
import zipfile

NEW_HEADER = ["full_date", "date", "weekday", "time", "mood", "activities", "scales"]
NEW_HEADER += ["note_title", "note"]
OLD_HEADER = ["year", "date", "weekday", "time", "mood", "activities", "note"]
PIN = "8642"


def csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    """Return a CSV file (quoted as a spreadsheet would) as UTF-8 bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def daylio_new() -> bytes:
    """A current Daylio export: newest first, a scales column, 12-hour times, two entries a day."""
    return csv_text(
        NEW_HEADER,
        [
            ["2025-03-03", "March 3", "Monday", "10:00 pm", "ok ", "walk | 🌧 rain ", "", "", ""],
            [
                "2025-03-03",
                "March 3",
                "Monday",
                "8:30 am",
                "Good",
                "work | walk",
                "sleep: 3",
                "Morning",
                'Said "hi", then left,\nslowly 🙂',
            ],
            ["2025-03-02", "March 2", "Sunday", "12:05 pm", "awful", "", "", "", ""],
            [
                "2025-03-01",
                "March 1",
                "Saturday",
                "12:00 am",
                "rad",
                "family",
                "",
                "",
                "<b>Great</b> day<br>with <li>cake</li> &amp; tea",
            ],
        ],
    )


def daylio_old() -> bytes:
    """An older Daylio export: year and 'December 9' columns, 24-hour times."""
    return csv_text(
        OLD_HEADER,
        [
            ["2024", "December 9", "Monday", "20:39", "meh", "reading", "late, tired"],
            ["2024", "December 9", "Monday", "07:15", "rad", "", "early"],
            ["2024", "December 8", "Sunday", "13:00", "bad", "friends | reading", ""],
        ],
    )


def spreadsheet() -> bytes:
    """A spreadsheet: headers in any case, an extra column, tags split by ';'."""
    return csv_text(
        ["Date", "MOOD", "Note", "Tags", "Weather"],
        [
            ["2025-01-05", "6", "<script>alert(1)</script>", "walk; work", "sunny"],
            ["2025-01-06", "", "no mood here", "", "rain"],
            ["2025-01-07", "10", "", "Walk | WORK | gym", ""],
        ],
    )


def backup_document() -> dict:
    """A Daylio backup document: custom moods, tags, day entries (months from 0), and a pin."""
    return {
        "version": 15,
        "pin": PIN,
        "reminders": [{"id": 1, "hour": 20, "minute": 0, "state": 0}],
        "prefs": [{"key": "PIN_CODE", "value": PIN}],
        "customMoods": [
            {"id": 1, "custom_name": "", "predefined_name_id": 1, "mood_group_id": 1, "state": 0},
            {"id": 2, "custom_name": "Fine", "predefined_name_id": 2, "mood_group_id": 2},
            {"id": 6, "custom_name": "Low ", "predefined_name_id": 4, "mood_group_id": 4},
        ],
        "tags": [
            {"id": 10, "name": "walk", "state": 0},
            {"id": 11, "name": "Family, friends", "state": 0},
        ],
        "dayEntries": [
            {
                "datetime": 1735851600000,
                "year": 2025,
                "month": 0,
                "day": 2,
                "hour": 21,
                "minute": 0,
                "timeZoneOffset": 3600000,
                "mood": 6,
                "tags": [11],
                "note": "evening <i>low</i>",
                "note_title": "",
            },
            {
                "datetime": 1735808400000,
                "year": 2025,
                "month": 0,
                "day": 2,
                "hour": 9,
                "minute": 0,
                "timeZoneOffset": 3600000,
                "mood": 2,
                "tags": [10, 11],
                "note": "morning",
                "note_title": "Title",
            },
            {
                "datetime": 1735722000000,
                "year": 2025,
                "month": 0,
                "day": 1,
                "hour": 9,
                "minute": 0,
                "timeZoneOffset": 3600000,
                "mood": 1,
                "tags": [],
                "note": "",
            },
            {"year": 2025, "month": 0, "day": 3, "hour": 9, "minute": 0, "mood": 99, "tags": []},
        ],
    }


def daylio_backup(document: dict | None = None, extra: dict | None = None) -> bytes:
    """Return a .daylio zip: backup.daylio (base64 JSON) and an assets folder."""
    payload = base64.b64encode(json.dumps(document or backup_document()).encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("backup.daylio", payload)
        archive.writestr("assets/photos/1.jpg", b"\xff\xd8not really a photo")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """Return a small zip whose member expands past 50 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("backup.daylio", b"0" * (51 * 1024 * 1024))
    return out.getvalue()


def daylio_years(days: int = 3660, start_year: int = 2015) -> bytes:
    """Return a Daylio CSV of one entry a day for `days` days, newest first (for the bench)."""
    from datetime import date, timedelta

    labels = ["rad", "good", "meh", "bad", "awful"]
    first = date(start_year, 1, 1)
    rows = []
    for n in range(days):
        day = first + timedelta(days=n)
        rows.append(
            [
                day.isoformat(),
                day.strftime("%B %-d"),
                day.strftime("%A"),
                f"{8 + n % 12}:{n % 60:02d}",
                labels[n % 5],
                "work | walk" if n % 2 else "family",
                "",
                "",
                f'Day {n}: notes, with "quotes" and 🙂' if n % 3 == 0 else "",
            ]
        )
    return csv_text(NEW_HEADER, rows[::-1])
