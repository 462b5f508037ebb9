"""The timeline: one measure per panel on one shared time axis, at the range's resolution.

Panels, top to bottom: the daily PHQ-9-style score (0-27, PHQ-9 bands shaded for orientation),
mood (0-10, higher is better), one panel per validated questionnaire with scores in the range
(taken from `journal.instruments`, each on its own 0-max scale with its own bands), and a strip
of session ticks. Reference lines (baseline, response, remission) are traces named in the
legend, so no label is drawn inside the plot where it could collide with another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from journal import analysis, instruments
from journal.analysis import Record

from . import style, words
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
SCORE_PX, MOOD_PX, VALIDATED_PX, SESSIONS_PX, TITLE_PX = 250, 110, 120, 26, 26
LEGEND_PX = 120
FEW_SESSIONS = 12  # full-height session lines only up to this many in view
BAND_FILL = "rgba(0,0,0,{:.3f})"
RESOLUTION_NOTES = {
    "day": "One point per day, with the 7-day average.",
    "week": "Weekly means; the shading spans each week's lowest to highest daily value.",
    "month": "Monthly means; the shading spans each month's lowest to highest daily value.",
}
BIN_WORDS = {"week": "Week of", "month": "Month of"}


def validated_instruments(data: ChartData) -> list[instruments.Instrument]:
    """Return each validated instrument with a score in the range, in the registry's order."""
    present = {v["instrument"] for v in data.validated}
    return [i for i in instruments.INSTRUMENTS.values() if i.validated and i.id in present]


def factor(instrument: instruments.Instrument) -> int:
    """Return what a raw total is multiplied by on the chart (WHO-5: its percentage score)."""
    # The WHO-5's authors follow change on the percentage scale, so that is what is drawn.
    return instrument.percent_factor or 1


def scale_max(instrument: instruments.Instrument) -> int:
    """Return the top of an instrument's chart scale (a display maximum if it declares one)."""
    return getattr(instrument, "display_max", None) or instrument.max_total * factor(instrument)


def score_text(instrument: instruments.Instrument, total: int) -> str:
    """Describe a total the way its panel draws it ("WHO-5 64% (raw 16 of 25)")."""
    if instrument.percent_factor:
        shown = instruments.percentage(instrument, total)
        return f"{instrument.short_title} {shown}% (raw {total} of {instrument.max_total})"
    return f"{instrument.short_title} {total} of {scale_max(instrument)}"


def band_label(label: str) -> str:
    """Break a two-word band label so it fits the right margin ("Moderately<br>severe")."""
    return label.replace(" ", "<br>", 1)


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


def _bin_x(bins: list[analysis.Record], unit: str) -> list[str]:
    """Return each bin's centre on the date axis (noon of the middle day for weeks)."""
    if unit == "month":
        return [style.iso_noon(b["start"] + (b["end"] - b["start"]) / 2) for b in bins]
    return [
        style.iso_noon(b["start"] + timedelta(days=(b["end"] - b["start"]).days // 2)) for b in bins
    ]


def _bin_hover(bins: list[analysis.Record], unit: str, what: str) -> list[str | None]:
    """Return the hover text of each bin: period, mean, range and count."""
    texts = []
    for b in bins:
        if b["mean"] is None:
            texts.append(None)
            continue
        period = (
            f"{BIN_WORDS[unit]} {words.format_date(b['start'])}"
            if unit != "month"
            else f"{b['start']:%B %Y}"
        )
        count = "1 check-in" if b["n"] == 1 else f"{b['n']} check-ins"
        texts.append(
            f"{period}<br>{what}: mean {words.format_score(b['mean'])} "
            f"(lowest {words.format_score(b['min'])}, highest {words.format_score(b['max'])})"
            f"<br>{count}"
        )
    return texts


def _daily_traces(data: ChartData, key: str, yref: str, legend: bool) -> list[dict[str, Any]]:
    """Return one daily series (score or mood) at the range's resolution."""
    unit = data.resolution
    what = "Daily score" if key == "total" else "Mood"
    if unit == "day":
        rows = sorted((c["date"], c.get(key)) for c in data.daily if c.get(key) is not None)
        traces = [
            {
                "type": "scatter",
                "name": "Each day",
                "legendgroup": "day",
                "showlegend": legend,
                "x": [style.iso_noon(d) for d, _ in rows],
                "y": [v for _, v in rows],
                "yaxis": yref,
                "mode": "markers",
                "marker": {"color": style.BLUE, "size": 6, "symbol": "circle"},
                "hovertemplate": f"%{{x|%a %-d %b %Y}}<br>{what}: %{{y}}<extra></extra>",
            }
        ]
        averages = analysis.rolling_mean(rows)
        if any(v is not None for _, v in averages):
            traces.append(
                {
                    "type": "scatter",
                    "name": "7-day average",
                    "legendgroup": "average",
                    "showlegend": legend,
                    "x": [style.iso_noon(d) for d, _ in averages],
                    "y": [style.rounded(v) for _, v in averages],
                    "yaxis": yref,
                    "mode": "lines",
                    "connectgaps": False,
                    "line": {"color": style.ORANGE, "width": 3},
                    "hovertemplate": (
                        f"%{{x|%a %-d %b %Y}}<br>{what}, 7-day average: %{{y:.1f}}<extra></extra>"
                    ),
                }
            )
        return traces
    bins = data.series(key)
    x = _bin_x(bins, unit)
    word = "Weekly" if unit == "week" else "Monthly"
    band = {"type": "scatter", "x": x, "yaxis": yref, "mode": "lines", "hoverinfo": "skip"}
    return [
        {**band, "y": [b["min"] for b in bins], "line": {"width": 0}, "showlegend": False},
        {
            **band,
            "name": "Lowest to highest",
            "legendgroup": "range",
            "showlegend": legend,
            "y": [b["max"] for b in bins],
            "fill": "tonexty",
            "fillcolor": "rgba(31,78,121,0.18)",
            "line": {"width": 0},
        },
        {
            "type": "scatter",
            "name": f"{word} mean",
            "legendgroup": "mean",
            "showlegend": legend,
            "x": x,
            "y": [style.rounded(b["mean"]) for b in bins],
            "yaxis": yref,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"color": style.BLUE, "width": 2.5},
            "marker": {"color": style.BLUE, "size": 5},
            "hovertext": _bin_hover(bins, unit, what),
            "hoverinfo": "text",
        },
    ]


def _bands(
    bands, yref: str, top: int, scale: int = 1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return an instrument's band rectangles (raw totals times `scale`) and their names."""
    shapes, notes = [], []
    for k, band in enumerate(bands):
        # Totals are whole numbers: each band reaches halfway to its neighbour.
        y0, y1 = max((band.low - 0.5) * scale, 0), min((band.high + 0.5) * scale, top)
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": yref,
                "y0": y0,
                "y1": y1,
                "fillcolor": BAND_FILL.format(0.02 + 0.025 * k),
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            {
                "text": band_label(band.label),
                "xref": "paper",
                "x": 1,
                "xanchor": "left",
                "xshift": 4,
                "yref": yref,
                "y": (y0 + y1) / 2,
                "yanchor": "middle",
                "align": "left",
                "showarrow": False,
                "font": {"size": 10, "color": style.GREY},
            }
        )
    return shapes, notes


def _reference_traces(info: analysis.Record, yref: str, first: date, last: date) -> list[dict]:
    """Return the baseline, response and remission lines as legend-named traces."""
    value = info["value"]
    response = analysis.response_threshold(value)
    x = [first.isoformat(), (last + timedelta(days=1)).isoformat()]
    lines = (
        (value, f"Baseline {words.format_score(value)}", style.DARK_GREY, "dash"),
        (response, f"Response: ≤ {words.format_score(response)} (half)", style.GREEN, "dashdot"),
        (analysis.REMISSION_BELOW, "Remission: below 5", style.PURPLE, "dot"),
    )
    return [
        {
            "type": "scatter",
            "name": name,
            "x": x,
            "y": [y, y],
            "yaxis": yref,
            "mode": "lines",
            "line": {"color": color, "width": 1.5, "dash": dash},
            "hovertemplate": f"{name}<extra></extra>",
            "legendrank": 1500,
        }
        for y, name, color, dash in lines
    ]


def _validated_trace(data: ChartData, instrument, yref: str) -> dict[str, Any]:
    """Return one instrument's scores as markers, with the band in the hover."""
    rows = sorted(
        (v["date"], v["total"]) for v in data.validated if v["instrument"] == instrument.id
    )
    hover = [
        score_text(instrument, total)
        + (f" · {instrument.band_for(total)}" if instrument.bands else "")
        + f"<br>{words.format_date(day)}"
        for day, total in rows
    ]
    return {
        "type": "scatter",
        "name": instrument.short_title,
        "showlegend": False,
        "x": [style.iso_noon(d) for d, _ in rows],
        "y": [t * factor(instrument) for _, t in rows],
        "yaxis": yref,
        "mode": "lines+markers",
        "line": {"color": style.GREEN, "width": 1.5},
        "marker": {"color": style.GREEN, "size": 8, "symbol": "diamond"},
        "cliponaxis": False,
        "hovertext": hover,
        "hoverinfo": "text",
    }


def _session_traces(sessions: list[dict], yref: str, many: bool) -> list[dict[str, Any]]:
    """Return the session ticks along the time axis, one trace per medication/route group."""
    styles = style.group_styles(sessions)
    traces = []
    for name, (color, symbol) in styles.items():
        for planned in (False, True):
            rows = [
                s
                for s in sessions
                if style.group_name(s) == name and bool(s.get("planned")) == planned
            ]
            if not rows:
                continue
            shape = "line-ns-open" if many else symbol + ("-open" if planned else "")
            traces.append(
                {
                    "type": "scatter",
                    "name": style.escape(name) + (" (planned)" if planned else ""),
                    "x": [style.iso_noon(s["date"]) for s in rows],
                    "y": [0.5] * len(rows),
                    "yaxis": yref,
                    "mode": "markers",
                    "marker": {
                        "color": color,
                        "size": 14 if many else 11,
                        "symbol": shape,
                        "line": {"color": color, "width": 2},
                        "opacity": 0.5 if planned else 1,
                    },
                    "cliponaxis": False,
                    "hovertext": [style.session_hover(s) for s in rows],
                    "hoverinfo": "text",
                    "legendrank": 2000,
                }
            )
    return traces


def _session_lines(sessions: list[dict]) -> list[dict[str, Any]]:
    """Return a full-height line per session (only drawn when few are in view)."""
    return [
        {
            "type": "line",
            "xref": "x",
            "x0": style.iso_noon(s["date"]),
            "x1": style.iso_noon(s["date"]),
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {
                "color": style.GREY,
                "width": 1,
                "dash": "dash" if s.get("planned") else "solid",
            },
            "layer": "below",
        }
        for s in sessions
    ]


def figure(data: ChartData) -> style.Spec:
    """Build the timeline: score, mood, each validated questionnaire, sessions."""
    if not data.daily and not data.validated:
        return style.empty(caption(data))
    has_score = any(c.get("total") is not None for c in data.daily)
    has_mood = any(c.get("mood") is not None for c in data.daily)
    validated = validated_instruments(data)
    sessions = sorted(data.sessions, key=lambda s: (s["date"], s["started_at"]))
    plan: list[tuple[str, str, int]] = []
    if has_score:
        plan.append(("score", "Daily score (0-27, PHQ-9-style; higher = worse)", SCORE_PX))
    if has_mood:
        plan.append(("mood", "Mood (0-10; higher = better)", MOOD_PX))
    for instrument in validated:
        top = scale_max(instrument)
        unit = "%; higher = better" if instrument.percent_factor else ""
        plan.append((instrument.id, f"{instrument.short_title} (0-{top}{unit})", VALIDATED_PX))
    if sessions:
        plan.append(("sessions", "Sessions", SESSIONS_PX))
    panels = Panels(plan)
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    notes = list(panels.titles)
    legend_given = False
    if has_score:
        ref = panels.ref("score")
        traces += _daily_traces(data, "total", ref, legend=True)
        legend_given = True
        more_shapes, more_notes = _bands(instruments.DAILY.bands, ref, SCORE_MAX)
        shapes += more_shapes
        notes += more_notes
        # Small on paper, a panel's "0" would touch the title of the panel below it.
        ticks = [10, 20] if data.compact else [0, 5, 10, 15, 20, 27]
        panels.axes["score"].update(range=[0, SCORE_MAX], tickvals=ticks)
    if has_mood:
        ref = panels.ref("mood")
        traces += _daily_traces(data, "mood", ref, legend=not legend_given)
        ticks = [5, 10] if data.compact else [0, 5, 10]
        panels.axes["mood"].update(range=[0, MOOD_MAX], tickvals=ticks)
    for instrument in validated:
        ref, top = panels.ref(instrument.id), scale_max(instrument)
        traces.append(_validated_trace(data, instrument, ref))
        if instrument.bands:
            more_shapes, more_notes = _bands(instrument.bands, ref, top, factor(instrument))
            shapes += more_shapes
            notes += [] if data.compact else more_notes
        if data.compact:
            panels.axes[instrument.id].update(range=[0, top], tickvals=[top // 2, top])
        else:
            panels.axes[instrument.id].update(range=[0, top], nticks=4)
    info = data.baseline
    if info is not None:
        # The baseline belongs on the panel of the score it was computed from.
        key = "phq9" if info["source"] == "phq9" else "score"
        if key in panels.names:
            traces += _reference_traces(info, panels.ref(key), data.first, data.last)
    done = [s for s in sessions if not s.get("planned")]
    if sessions:
        many = len(sessions) > FEW_SESSIONS
        traces += _session_traces(sessions, panels.ref("sessions"), many)
        panels.axes["sessions"].update(
            range=[0, 1], visible=False, showgrid=False, showline=False, zeroline=False
        )
        if not many:
            shapes += _session_lines(sessions)
    del done
    height = panels.total_px + 24 + 40 + LEGEND_PX
    layout = style.layout(
        height=height,
        margin={"l": 8, "r": 76, "t": 24, "b": 8},
        xaxis=style.date_axis(data.first, data.last, anchor=panels.bottom),
        **panels.layout_axes(),
        shapes=shapes,
        annotations=notes,
    )
    return style.figure(traces, layout)


def _latest_daily_sentence(daily: Sequence[Record]) -> str:
    """Describe the latest 7-day average, or the latest total when the average has too few days."""
    last_day, average = analysis.rolling_mean([(c["date"], c["total"]) for c in daily])[-1]
    if average is None:
        latest = max(daily, key=lambda c: c["date"])["total"]
        return f"Your latest daily PHQ-9-style score is {latest} ({words.format_date(last_day)})."
    return (
        f"Your 7-day average daily PHQ-9-style score is {words.format_score(average)} "
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
    last_day, average = analysis.rolling_mean([(c["date"], c["total"]) for c in daily])[-1]
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
            latest + "A baseline appears once you have check-ins in the 14 days before "
            "your first treatment session."
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
