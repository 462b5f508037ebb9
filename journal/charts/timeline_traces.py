"""The timeline's pieces: score scales, band shading, and the traces of each panel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from journal import analysis, instruments

from . import style, words
from .data import ChartData

BAND_FILL = "rgba(0,0,0,{:.3f})"
# Validated scores' markers, mildest band to most severe (colour-blind safe enough beside the
# band named in each hover and the shaded bands behind).
SEVERITY = ("#2e7d32", "#9e9d24", "#f9a825", "#ef6c00", "#c62828")
BIN_WORDS = {"week": "Week of", "month": "Month of"}


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


def daily_traces(data: ChartData, key: str, yref: str, legend: bool) -> list[dict[str, Any]]:
    """Return one daily series (score or mood) at the range's resolution."""
    what = "Daily score" if key == "total" else "Mood"
    if data.resolution == "day":
        return _each_day(data, key, yref, legend, what)
    return _binned(data, key, yref, legend, what)


def _each_day(data: ChartData, key: str, yref: str, legend: bool, what: str) -> list[dict]:
    """Return a series as one marker per day, with its 7-day average line."""
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


def _binned(data: ChartData, key: str, yref: str, legend: bool, what: str) -> list[dict]:
    """Return a series as weekly or monthly means inside a lowest-to-highest band."""
    unit = data.resolution
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


def bands(
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


def reference_traces(info: analysis.Record, yref: str, first: date, last: date) -> list[dict]:
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


def severity_colour(instrument: instruments.Instrument, total: int) -> str:
    """Colour a validated score by its band: green for the mildest, red for the most severe."""
    bands = instrument.bands
    if len(bands) < 2:  # one band is no severity scale (PCL-5 past week): neutral
        return style.GREY
    index = next(k for k, b in enumerate(bands) if b.low <= total <= b.high)
    place = index / (len(bands) - 1)
    if instrument.higher_is_better:
        place = 1 - place
    return SEVERITY[round(place * (len(SEVERITY) - 1))]


def validated_trace(data: ChartData, instrument, yref: str) -> dict[str, Any]:
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
        "line": {"color": style.GREY, "width": 1},
        "marker": {
            "color": [severity_colour(instrument, t) for _, t in rows],
            "size": 9,
            "symbol": "diamond",
            "line": {"color": style.TEXT, "width": 0.5},
        },
        "cliponaxis": False,
        "hovertext": hover,
        "hoverinfo": "text",
    }


def session_traces(sessions: list[dict], yref: str, many: bool) -> list[dict[str, Any]]:
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


def session_lines(sessions: list[dict]) -> list[dict[str, Any]]:
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
