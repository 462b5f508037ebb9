"""The timeline: one measure per panel on one shared time axis, at the range's resolution.

Panels, top to bottom: the daily PHQ-9-style score (0-27, PHQ-9 bands shaded for orientation),
mood (0-10, higher is better), one panel per validated questionnaire with scores in the range
(taken from `journal.instruments`, each on its own 0-max scale with its own bands), and a strip
of session ticks. Reference lines (baseline, response, remission) are traces named in the
legend, so no label is drawn inside the plot where it could collide with another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from journal import analysis, instruments
from journal.analysis import Record

from . import style, words
from . import timeline_traces as parts
from .data import ChartData
from .voice import speak

TITLE = "Scores over time"
EMPTY = (
    "Log a daily check-in to start your timeline. After a few days you will see your "
    "7-day average here."
)
SCORE_MAX = 27
MOOD_MAX = 10
# Planned heights in px; the figure's height is their sum plus room for titles, ticks, legend.
# A phone shrinks the whole figure to one screen (static/js/chart-figure.js), every panel alike:
# the daily score gets the largest share so it keeps some 230 px at 390 x 844.
SCORE_PX, MOOD_PX, VALIDATED_PX, SESSIONS_PX, TITLE_PX = 270, 96, 110, 26, 22
LEGEND_PX = 120
FEW_SESSIONS = 12  # full-height session lines only up to this many in view
RESOLUTION_NOTES = {
    "day": "One point per day, with the 7-day average.",
    "week": "Weekly means; the shading spans each week's lowest to highest daily value.",
    "month": "Monthly means; the shading spans each month's lowest to highest daily value.",
}


def validated_instruments(data: ChartData) -> list[instruments.Instrument]:
    """Return each validated instrument with a score in the range, in the registry's order."""
    present = {v["instrument"] for v in data.validated}
    return [i for i in instruments.INSTRUMENTS.values() if i.validated and i.id in present]


class Panels:
    """Stacks panels top to bottom; each gets a y axis, a domain and a title above it."""

    def __init__(self, heights: list[tuple[str, str, int]]):
        total = sum(px + TITLE_PX for _, _, px in heights)
        self.total_px = total
        self.axes: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        self.titles: list[dict[str, Any]] = []
        top = 1.0
        for n, (key, title, px) in enumerate(heights, start=1):
            gap, height = TITLE_PX / total, px / total
            upper = top - (gap if n > 1 else 0)
            lower = max(0.0, upper - height)
            name = "y" if n == 1 else f"y{n}"
            self.names[key] = name
            self.axes[key] = {"domain": [round(lower, 4), round(upper, 4)], "fixedrange": True}
            self.titles.append(style.panel_title(title, upper))
            top = lower
        self.bottom = name

    def ref(self, key: str) -> str:
        """Return the y axis reference ("y2") of a panel, for traces and shapes."""
        return self.names[key]

    def layout_axes(self) -> dict[str, dict[str, Any]]:
        """Return the layout entries ("yaxis2": {...}) for every panel's y axis."""
        return {
            ("yaxis" if name == "y" else f"yaxis{name[1:]}"): self.axes[key]
            for key, name in self.names.items()
        }


def _plan(has_score: bool, has_mood: bool, validated, sessions) -> list[tuple[str, str, int]]:
    """Return the panels to stack, top to bottom: (key, title, height in px)."""
    plan: list[tuple[str, str, int]] = []
    if has_score:
        plan.append(("score", "Daily score (0-27, PHQ-9-style; higher = worse)", SCORE_PX))
    if has_mood:
        plan.append(("mood", "Mood (0-10; higher = better)", MOOD_PX))
    for instrument in validated:
        top = parts.scale_max(instrument)
        unit = "%; higher = better" if instrument.percent_factor else ""
        plan.append((instrument.id, f"{instrument.short_title} (0-{top}{unit})", VALIDATED_PX))
    if sessions:
        plan.append(("sessions", "Sessions", SESSIONS_PX))
    return plan


@dataclass
class Drawing:
    """What the panels add up to: traces, shapes and annotations."""

    traces: list[dict[str, Any]] = field(default_factory=list)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _draw_score(data: ChartData, panels: Panels, drawing: Drawing) -> None:
    """Draw the daily score with the PHQ-9 bands shaded behind it."""
    ref = panels.ref("score")
    drawing.traces += parts.daily_traces(data, "total", ref, legend=True)
    shapes, notes = parts.bands(instruments.DAILY.bands, ref, SCORE_MAX)
    drawing.shapes += shapes
    drawing.notes += notes
    # Small on paper, a panel's "0" would touch the title of the panel below it.
    ticks = [10, 20] if data.compact else [0, 5, 10, 15, 20, 27]
    panels.axes["score"].update(range=[0, SCORE_MAX], tickvals=ticks)


def _draw_mood(data: ChartData, panels: Panels, drawing: Drawing, legend: bool) -> None:
    """Draw mood (the legend names the series only when the score panel has not)."""
    drawing.traces += parts.daily_traces(data, "mood", panels.ref("mood"), legend=legend)
    ticks = [5, 10] if data.compact else [0, 5, 10]
    panels.axes["mood"].update(range=[0, MOOD_MAX], tickvals=ticks)


def _draw_validated(data: ChartData, instrument, panels: Panels, drawing: Drawing) -> None:
    """Draw one questionnaire's scores on its own scale, with its bands."""
    ref, top = panels.ref(instrument.id), parts.scale_max(instrument)
    drawing.traces.append(parts.validated_trace(data, instrument, ref))
    if instrument.bands:
        shapes, notes = parts.bands(instrument.bands, ref, top, parts.factor(instrument))
        drawing.shapes += shapes
        drawing.notes += [] if data.compact else notes
    if data.compact:
        panels.axes[instrument.id].update(range=[0, top], tickvals=[top // 2, top])
    else:
        panels.axes[instrument.id].update(range=[0, top], nticks=4)


def _draw_baseline(data: ChartData, panels: Panels, drawing: Drawing) -> None:
    """Draw the baseline, response and remission lines on the baseline's own panel."""
    info = data.baseline
    if info is None:
        return
    key = "phq9" if info["source"] == "phq9" else "score"
    if key in panels.names:
        drawing.traces += parts.reference_traces(info, panels.ref(key), data.first, data.last)


def _draw_sessions(sessions: list[dict], panels: Panels, drawing: Drawing) -> None:
    """Draw the session ticks, and full-height lines while there are few of them."""
    many = len(sessions) > FEW_SESSIONS
    drawing.traces += parts.session_traces(sessions, panels.ref("sessions"), many)
    panels.axes["sessions"].update(
        range=[0, 1], visible=False, showgrid=False, showline=False, zeroline=False
    )
    if not many:
        drawing.shapes += parts.session_lines(sessions)


def figure(data: ChartData) -> style.Spec:
    """Build the timeline: score, mood, each validated questionnaire, sessions."""
    if not data.daily and not data.validated:
        return style.empty(caption(data))
    has_score = any(c.get("total") is not None for c in data.daily)
    has_mood = any(c.get("mood") is not None for c in data.daily)
    validated = validated_instruments(data)
    sessions = sorted(data.sessions, key=lambda s: (s["date"], s["started_at"]))
    panels = Panels(_plan(has_score, has_mood, validated, sessions))
    drawing = Drawing(notes=list(panels.titles))
    if has_score:
        _draw_score(data, panels, drawing)
    if has_mood:
        _draw_mood(data, panels, drawing, legend=not has_score)
    for instrument in validated:
        _draw_validated(data, instrument, panels, drawing)
    _draw_baseline(data, panels, drawing)
    if sessions:
        _draw_sessions(sessions, panels, drawing)
    layout = style.layout(
        height=panels.total_px + 24 + 40 + LEGEND_PX,
        margin={"l": 8, "r": 76, "t": 24, "b": 8},
        xaxis=style.date_axis(data.first, data.last, anchor=panels.bottom),
        **panels.layout_axes(),
        shapes=drawing.shapes,
        annotations=drawing.notes,
    )
    return style.figure(drawing.traces, layout)


def _latest_daily_sentence(daily: Sequence[Record]) -> str:
    """Describe the latest 7-day average score (or mood, when no day has a total)."""
    key = "total" if any(c.get("total") is not None for c in daily) else "mood"
    what, scale = ("daily PHQ-9-style score", "") if key == "total" else ("mood", " of 10")
    points = [(c["date"], c.get(key)) for c in daily]
    averages = analysis.rolling_mean(points)
    if not averages:
        return ""
    last_day, average = averages[-1]
    if average is None:
        latest = max((d, v) for d, v in points if v is not None)[1]
        return f"Your latest {what} is {latest}{scale} ({words.format_date(last_day)})."
    return (
        f"Your 7-day average {what} is {words.format_score(average)}{scale} "
        f"(to {words.format_date(last_day)})."
    )


def _milestone(baseline_value: float, latest: float) -> str:
    """Name the furthest threshold the latest score has crossed, or return an empty string."""
    state = analysis.status(baseline_value, latest)
    if state["remission"]:
        return " That is below 5, under the remission line."
    if state["response"]:
        return " That is at or below half your baseline, the response line."
    if state["meets_mid"]:
        return " A fall of 5 points or more is usually big enough to matter."
    return ""


def _compare_phq9(validated: Sequence[Record], info: Record) -> str | None:
    """Compare the latest PHQ-9 after the baseline period with the baseline, if there is one."""
    later = [v for v in validated if v["instrument"] == "phq9" and v["date"] > info["end"]]
    if not later:
        return None
    latest = max(later, key=lambda v: v["date"])
    base, total = info["value"], latest["total"]
    return (
        f"Your latest PHQ-9 ({words.format_date(latest['date'])}) is {total}, "
        f"{words.difference(total - base)} your baseline of {words.format_score(base)}."
        + _milestone(base, total)
    )


def _compare_daily(daily: Sequence[Record], info: Record) -> str | None:
    """Compare the latest 7-day average after the baseline period with a daily baseline."""
    averages = analysis.rolling_mean([(c["date"], c.get("total")) for c in daily])
    if not averages:
        return None
    last_day, average = averages[-1]
    if average is None or last_day <= info["end"]:
        return None
    return (
        f"Your 7-day average daily PHQ-9-style score is {words.format_score(average)} "
        f"(to {words.format_date(last_day)}), {words.difference(average - info['value'])} "
        f"your baseline of {words.format_score(info['value'])}."
        + _milestone(info["value"], average)
    )


def _baseline_sentence(info: Record) -> str:
    """Describe where the baseline came from."""
    what = "PHQ-9" if info["source"] == "phq9" else "daily PHQ-9-style score"
    count = "1 score" if info["n"] == 1 else f"{info['n']} scores"
    return (
        f"Your baseline {what} is {words.format_score(info['value'])} "
        f"(average of {count} before your first session)."
    )


def caption_timeline(
    daily: Sequence[Record], validated: Sequence[Record], baseline_info: Record | None
) -> str:
    """Summarise the latest scores against the baseline in a sentence or two."""
    if not daily and not validated:
        return EMPTY
    if baseline_info is None:
        latest = _latest_daily_sentence(daily) + " " if daily else ""
        return (
            latest + "A baseline appears once you have check-ins with all nine questions "
            "answered in the 14 days before your first treatment session."
        )
    if baseline_info["source"] == "phq9":
        sentence = _compare_phq9(validated, baseline_info)
    else:
        sentence = _compare_daily(daily, baseline_info) if daily else None
    if sentence:
        return sentence
    latest = " " + _latest_daily_sentence(daily) if daily else ""
    return _baseline_sentence(baseline_info) + latest


def caption(data: ChartData) -> str:
    """Summarise the latest scores against the baseline, and say what the points are."""
    text = caption_timeline(data.daily, data.validated, data.baseline)
    if data.daily:
        text += " " + RESOLUTION_NOTES[data.resolution]
    return speak(text, data.clinician)
