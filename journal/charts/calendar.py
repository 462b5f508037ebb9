"""The calendar ("year in pixels"): one square per day, coloured by the daily score.

Up to about three months it is a month-view calendar (weeks down, Monday to Sunday across, day
numbers in the squares); longer, one row per month and one column per day of the month.
Sessions are ringed. A day without a check-in stays white. When days are coloured by the daily
score, a day with a mood and no total (the one-tap entry, an imported diary) is coloured by mood
on the mood scale, so every day with a mood is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from . import style, words
from .data import ChartData
from .voice import speak

TITLE = "Calendar"
SHORT_UP_TO = 92
PRINT_DAYS = 365  # on paper, the last year of a longer range (the squares stay readable)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SCORE_SCALE = [[0.0, "#fff5eb"], [0.35, "#fdae6b"], [0.7, "#e6550d"], [1.0, "#7f2704"]]
MOOD_SCALE = [[0.0, "#f7fbff"], [0.5, "#6baed6"], [1.0, "#08306b"]]


def _colour_key(data: ChartData) -> tuple[str, int, list, str]:
    """Colour by the daily score when there is one, else by mood: key, max, scale, name."""
    if any(c.get("total") is not None for c in data.daily):
        return "total", 27, SCORE_SCALE, "Daily score"
    return "mood", 10, MOOD_SCALE, "Mood"


def _hover(day: date, value, name: str, session, mood=None) -> str:
    """Return the hover text of one day's square (its mood when it has no `name` value)."""
    text = f"{WEEKDAYS[day.weekday()]} {words.format_date(day)}<br>"
    if value is not None:
        text += f"{name}: {value}"
    else:
        text += f"Mood: {mood}" if mood is not None else "No check-in"
    if session is not None:
        text += "<br>" + style.session_hover(session)
    return text


def _week_rows(data: ChartData, first: date, last: date) -> tuple[list, list, list, Callable]:
    """Lay a short range out as weeks (rows) by weekdays (columns), from the first weekday."""
    rows = []
    week = first - timedelta(days=(first.weekday() - data.week_start) % 7)
    while week <= last:
        rows.append(week)
        week += timedelta(days=7)
    labels = [words.format_date(w)[:-5] for w in rows]
    columns = list(WEEKDAYS[data.week_start :] + WEEKDAYS[: data.week_start])

    def cell(r: int, c: int) -> date:
        """Return the day in row r, column c."""
        return rows[r] + timedelta(days=c)

    return rows, labels, columns, cell


def _month_rows(first: date, last: date) -> tuple[list, list, list, Callable]:
    """Lay a long range out as months (rows) by day of the month (columns 1-31)."""
    rows = []
    month = first.replace(day=1)
    while month <= last:
        rows.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    labels = [f"{m:%b %Y}" for m in rows]

    def cell(r: int, c: int) -> date | None:
        """Return the day in row r, column c, or None past the month's end."""
        try:
            return rows[r].replace(day=c + 1)
        except ValueError:
            return None

    return rows, labels, list(range(1, 32)), cell


def _grid(data: ChartData, key: str, name: str) -> dict[str, Any]:
    """Return rows, columns, values, hovers and session cells for the range."""
    first, last = _span(data)
    look = {
        "values": {c["date"]: c.get(key) for c in data.daily},
        # Days the score colours miss: drawn by mood in a second layer (none when by mood).
        "moods": {
            c["date"]: c.get("mood") for c in data.daily if key != "mood" and c.get(key) is None
        },
        "sessions": {s["date"]: s for s in data.sessions},
        "name": name,
        "span": (first, last),
        "short": (last - first).days + 1 <= SHORT_UP_TO,
    }
    rows, row_labels, columns, cell = (
        _week_rows(data, first, last) if look["short"] else _month_rows(first, last)
    )
    grid = {"z": [], "mood_z": [], "hover": [], "text": []}
    marks = ([], [], [])
    for r in range(len(rows)):
        days = [cell(r, c) for c in range(len(columns))]
        for layer, row in zip(grid, _row(days, look), strict=True):
            grid[layer].append(row)
        _mark_sessions(days, columns, row_labels[r], look, marks)
    mood_z = grid["mood_z"]
    return {
        **grid,
        "short": look["short"],
        "rows": row_labels,
        "columns": columns,
        "mood_z": mood_z if any(v is not None for row in mood_z for v in row) else None,
        "marks": marks,
    }


def _mark_sessions(days: list, columns: list, label: str, look: dict, marks: tuple) -> None:
    """Add a ring (column, row, hover) for each session day of one grid row."""
    for column, day in zip(columns, days, strict=True):
        if _inside(day, look) and day in look["sessions"]:
            marks[0].append(column)
            marks[1].append(label)
            marks[2].append(style.session_hover(look["sessions"][day]))


def _inside(day: date | None, look: dict) -> bool:
    """Tell whether a grid cell is a day of the range (not padding)."""
    first, last = look["span"]
    return day is not None and first <= day <= last


def _row(days: list, look: dict) -> tuple[list, list, list, list]:
    """Return one grid row's score values, mood values, hovers and day numbers."""
    z, mood_z, hover, text = [], [], [], []
    for day in days:
        inside = _inside(day, look)
        value = look["values"].get(day) if inside else None
        mood = look["moods"].get(day) if inside else None
        z.append(value)
        mood_z.append(mood)
        hover.append(
            _hover(day, value, look["name"], look["sessions"].get(day), mood) if inside else ""
        )
        text.append(str(day.day) if inside and look["short"] else "")
    return z, mood_z, hover, text


def _span(data: ChartData) -> tuple[date, date]:
    """Return the days the calendar shows: the range, or its last year on paper."""
    first, last = data.first, data.last
    if data.compact:
        first = max(first, last - timedelta(days=PRINT_DAYS - 1))
    return first, last


def _mood_layer(heat: dict[str, Any], mood_z: list) -> list[dict[str, Any]]:
    """Return the squares of mood-only days, on the mood scale, under the score's heat map.

    Each layer writes the day numbers of its own squares, so each number gets a colour that
    reads on its square; the score's layer (`heat`) loses those of the mood-only days.
    """
    layer = {**heat, "name": "Mood only", "z": mood_z, "zmax": 10}
    layer.update(colorscale=MOOD_SCALE, showscale=False)
    if "text" in heat:
        numbers = heat["text"]
        layer["text"] = [
            [t if m is not None else "" for t, m in zip(row, moods, strict=True)]
            for row, moods in zip(numbers, mood_z, strict=True)
        ]
        heat["text"] = [
            [t if m is None else "" for t, m in zip(row, moods, strict=True)]
            for row, moods in zip(numbers, mood_z, strict=True)
        ]
    return [layer]


def figure(data: ChartData) -> style.Spec:
    """Build the calendar heat map with sessions ringed."""
    if not data.daily:
        return style.empty(caption(data))
    key, top, scale, name = _colour_key(data)
    grid = _grid(data, key, name)
    rows = len(grid["rows"])
    row_px = 40 if grid["short"] else (18 if rows <= 24 else 13)
    heat = {
        "type": "heatmap",
        "x": grid["columns"],
        "y": grid["rows"],
        "z": grid["z"],
        "zmin": 0,
        "zmax": top,
        "colorscale": scale,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
        "hovertext": grid["hover"],
        "hoverinfo": "text",
        # A vertical bar at the right: its ticks need no room under the date labels, and
        # its meaning is in the caption, so no title can be cut off on a phone.
        "colorbar": {"thickness": 10, "len": 1, "xpad": 4, "tickfont": {"size": 11}},
    }
    if grid["short"]:
        heat.update(text=grid["text"], texttemplate="%{text}", textfont={"size": 11})
    # Mood-only days lie under the score's layer, whose empty squares let them show.
    traces = [heat] if grid["mood_z"] is None else [*_mood_layer(heat, grid["mood_z"]), heat]
    cols, labels, hovers = grid["marks"]
    if cols:
        traces.append(
            {
                "type": "scatter",
                "name": "Session",
                "x": cols,
                "y": labels,
                "mode": "markers",
                "marker": {
                    "symbol": "circle-open",
                    "size": 22 if grid["short"] else (5 if data.compact else 8),
                    "color": style.BLUE,
                    "line": {"width": 2, "color": style.BLUE},
                },
                "hovertext": hovers,
                "hoverinfo": "text",
            }
        )
    ticks = grid["rows"]
    if rows > 24:
        ticks = [label for label in ticks if label[:3] in ("Jan", "Apr", "Jul", "Oct")]
    day_ticks = grid["columns"] if grid["short"] else [1, 5, 10, 15, 20, 25, 31]
    layout = style.layout(
        height=max(300, rows * row_px + 130),
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        xaxis={
            "type": "category",
            "side": "bottom",
            "showgrid": False,
            "fixedrange": True,
            "tickvals": day_ticks,
            "ticks": "",
            "showline": False,
        },
        yaxis={
            "type": "category",
            "autorange": "reversed",
            "showgrid": False,
            "fixedrange": True,
            "tickvals": ticks,
            "tickfont": {"size": 8 if data.compact else 12},
            "ticks": "",
            "showline": False,
        },
    )
    return style.figure(traces, layout)


def caption(data: ChartData) -> str:
    """Say what the squares mean and how many days have a check-in."""
    if not data.daily:
        return speak("Log daily check-ins to fill the calendar.", data.clinician)
    _key, top, _scale, name = _colour_key(data)
    first, last = _span(data)
    days = (last - first).days + 1
    shown = [c for c in data.daily if first <= c["date"] <= last]
    sessions = sum(1 for s in data.sessions if not s.get("planned") and first <= s["date"] <= last)
    worse = "stronger colour = worse" if name == "Daily score" else "stronger colour = better"
    if name == "Daily score" and any(c.get("total") is None for c in shown):
        worse += "; a day with a mood alone is blue, mood 0-10, stronger = better"
    text = (
        f"One square per day: {name.lower()} 0-{top}, {worse}; blank = no check-in "
        f"({len(shown)} of {days} days checked in"
        + (f", from {words.format_date(first)}). " if first > data.first else "). ")
        + f"{sessions} session{'' if sessions == 1 else 's'} ringed."
    )
    return speak(text, data.clinician)
