"""Plotly figure builders: traces, axes, shapes, escaping and empty states."""

import json
from datetime import UTC, date, datetime, time, timedelta

import plotly.graph_objects as go
import pytest

from journal import analysis, charts
from journal.charts import (
    ITEM_SHORT_LABELS,
    around_sessions_figure,
    items_figure,
    session_change_figure,
    timeline_figure,
)

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'


def jan(day: int) -> date:
    """Return the given day of January 2025."""
    return date(2025, 1, 1) + timedelta(days=day - 1)


def checkin(day: date, total: int, mood: int | None = None, answers: list[int] | None = None):
    """Return a daily check-in dict in the views' shape."""
    return {"date": day, "total": total, "mood": mood, "answers": answers or [1] * 9}


def session(day: date, planned: bool = False, **extra):
    """Return a treatment session dict in the views' shape."""
    return {
        "date": day,
        "started_at": datetime.combine(day, time(10), UTC),
        "route": "iv",
        "route_label": None,
        "dose": 0.5,
        "dose_unit": "mg/kg",
        "clinic": "Bright Clinic",
        "planned": planned,
        **extra,
    }


def strings(value) -> list[str]:
    """Return every string inside a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def decoded(fig: go.Figure) -> dict:
    """Return the figure as the browser receives it (to_json escapes "<" as \\u003c)."""
    return json.loads(fig.to_json())


def by_name(fig: go.Figure) -> dict:
    """Return the figure's traces keyed by name."""
    return {trace.name: trace for trace in fig.data}


def empty_text(fig: go.Figure) -> str:
    """Return the empty-state annotation with its line breaks undone."""
    (note,) = fig.layout.annotations
    return note.text.replace("<br>", " ")


@pytest.fixture
def timeline():
    """Return a timeline with daily data (4 Jan missing), PHQ-9, GAD-7, sessions, baseline."""
    daily = [checkin(jan(d), 10 + d, mood=d) for d in (1, 2, 3, 5, 6, 7, 8)]
    daily[1]["mood"] = None
    validated = [
        {"date": jan(2), "instrument": "phq9", "total": 16},
        {"date": jan(3), "instrument": "gad7", "total": 9},
    ]
    sessions = [session(jan(6)), session(jan(20), planned=True)]
    info = {"value": 16.0, "source": "phq9", "n": 1, "start": jan(1), "end": jan(5)}
    return timeline_figure(daily, validated, sessions, info)


def test_only_trace_types_in_the_vendored_basic_bundle(timeline):
    """plotly-basic has scatter, bar and pie only: anything else renders blank in the browser."""
    windows = [{"session": session(jan(6)), "points": [(-1, 10), (1, 5)]}]
    changes = [
        {
            "session": session(jan(6)),
            "before_mean": 10.0,
            "after_mean": 5.0,
            "change": -5.0,
            "meets_mid": True,
        }
    ]
    figures = [
        timeline,
        around_sessions_figure(windows, analysis.mean_by_offset(windows)),
        session_change_figure(changes),
        items_figure(analysis.weekly_item_means([checkin(jan(6), 9)])),
    ]
    assert {t.type for fig in figures for t in fig.data} <= {"scatter", "bar", "pie"}


# --- timeline -------------------------------------------------------------------------------


def test_timeline_traces(timeline):
    """Sessions first (drawn underneath), then daily, average, mood, PHQ-9, GAD-7."""
    assert [(t.type, t.name) for t in timeline.data] == [
        ("scatter", "Session"),
        ("scatter", "Planned session"),
        ("scatter", "Daily score (PHQ-9-style)"),
        ("scatter", "7-day average"),
        ("scatter", "Mood (0-10, right axis)"),
        ("scatter", "PHQ-9 (2-week)"),
        ("scatter", "GAD-7 (2-week)"),
    ]


def test_timeline_gaps_are_none_on_missing_days(timeline):
    """One value per calendar day from 1 Jan, None on 4 Jan, and gaps are not joined."""
    daily = by_name(timeline)["Daily score (PHQ-9-style)"]
    assert (daily.x0, daily.dx) == ("2025-01-01", 24 * 60 * 60 * 1000)
    assert daily.y == (11, 12, 13, None, 15, 16, 17, 18)
    assert daily.connectgaps is False
    assert daily.mode == "lines+markers"
    mood = by_name(timeline)["Mood (0-10, right axis)"]
    assert mood.y == (1, None, 3, None, 5, 6, 7, 8)


def test_timeline_rolling_average_needs_four_days_in_seven(timeline):
    """5 Jan: 11 12 13 15 = 12.75; 6 Jan: + 16 = 13.4; 8 Jan (2-8 Jan): 12 13 15 16 17 18."""
    average = by_name(timeline)["7-day average"]
    assert average.y == (None, None, None, None, 12.75, 13.4, 14.0, 15.17)
    assert average.line.width >= 3


def test_timeline_mood_is_dotted_on_the_second_axis(timeline):
    """Mood uses y2, a dotted line and a different marker from the daily score."""
    traces = by_name(timeline)
    mood, daily = traces["Mood (0-10, right axis)"], traces["Daily score (PHQ-9-style)"]
    assert mood.yaxis == "y2"
    assert mood.line.dash == "dot"
    assert mood.marker.symbol != daily.marker.symbol


def test_timeline_axis_ranges(timeline):
    """The score axis is 0-27 and the mood axis 0-10 on the right."""
    assert timeline.layout.yaxis.range == (0, 27)
    assert timeline.layout.yaxis2.range == (0, 10)
    assert timeline.layout.yaxis2.overlaying == "y"
    assert timeline.layout.yaxis2.side == "right"


def test_timeline_validated_scores_are_distinct_markers(timeline):
    """PHQ-9 diamonds and GAD-7 triangles, markers only."""
    traces = by_name(timeline)
    assert traces["PHQ-9 (2-week)"].marker.symbol == "diamond"
    assert traces["PHQ-9 (2-week)"].y == (16,)
    assert traces["GAD-7 (2-week)"].marker.symbol == "triangle-up"
    assert traces["GAD-7 (2-week)"].mode == "markers"


def test_timeline_severity_bands_are_shaded_and_labelled_for_orientation(timeline):
    """Five rectangles meeting halfway between whole scores, each labelled."""
    rects = [s for s in timeline.layout.shapes if s.type == "rect"]
    assert [(s.y0, s.y1) for s in rects] == [
        (0, 4.5),
        (4.5, 9.5),
        (9.5, 14.5),
        (14.5, 19.5),
        (19.5, 27),
    ]
    texts = [a.text for a in timeline.layout.annotations]
    for label in ("none-minimal", "mild", "moderate", "moderately severe", "severe"):
        assert label in texts
    assert any("for orientation" in text for text in texts)


def test_timeline_baseline_response_and_remission_lines(timeline):
    """Baseline 16 draws lines at 16, 8 (half) and 5."""
    lines = [s for s in timeline.layout.shapes if s.type == "line"]
    assert sorted(s.y0 for s in lines) == [5, 8.0, 16.0]
    texts = " ".join(a.text for a in timeline.layout.annotations)
    assert "Baseline 16" in texts
    assert "Response line (half of baseline) 8" in texts
    assert "Remission line (below 5)" in texts


def test_timeline_without_baseline_has_no_reference_lines():
    """No baseline: bands only."""
    fig = timeline_figure([checkin(jan(1), 5)], [], [], None)
    assert [s.type for s in fig.layout.shapes] == ["rect"] * 5


def test_timeline_sessions_are_vertical_segments_with_planned_ones_dashed(timeline):
    """Each session is a 0-27 segment with a None break; planned sessions are dashed."""
    traces = by_name(timeline)
    done, planned = traces["Session"], traces["Planned session"]
    assert done.x == ("2025-01-06", "2025-01-06", None)
    assert done.y == (0, 27, None)
    assert done.line.dash == "solid"
    assert planned.line.dash == "dash"
    assert done.line.color != planned.line.color
    assert done.hovertext[0] == "Session 6 Jan 2025<br>IV infusion, 0.5 mg/kg<br>Bright Clinic"
    assert planned.hovertext[0].startswith("Planned session 20 Jan 2025")


def test_timeline_escapes_user_text_in_hover():
    """Clinic and route label are HTML-escaped; quotes as numeric entities plotly.js decodes."""
    sessions = [
        session(jan(2), clinic=SCRIPT, route="other", route_label=ATTRIBUTE_BREAKOUT, dose=None)
    ]
    fig = timeline_figure([checkin(jan(1), 5)], [], sessions, None)
    all_text = strings(decoded(fig))
    assert not [s for s in all_text if "<script" in s or "<img" in s]
    hover = by_name(fig)["Session"].hovertext[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover
    assert "Other: &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in hover


def test_session_hover_names_the_medication_escaped():
    """The hover says which drug it was; a label the person typed is escaped."""
    sessions = [
        session(jan(2), drug="Esketamine", route="intranasal", dose=56, dose_unit="mg"),
        session(jan(3), drug=SCRIPT, route="iv"),
    ]
    figure = timeline_figure([checkin(jan(1), 5)], [], sessions, None)
    hover = list(dict.fromkeys(h for h in by_name(figure)["Session"].hovertext if h))
    assert "Esketamine · Intranasal, 56 mg" in hover[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; · IV infusion" in hover[1]


def test_timeline_with_validated_scores_only():
    """PHQ-9 scores alone still draw a timeline, without daily traces."""
    fig = timeline_figure([], [{"date": jan(1), "instrument": "phq9", "total": 12}], [], None)
    assert [t.name for t in fig.data] == ["PHQ-9 (2-week)"]


def test_timeline_empty_state():
    """Nothing logged: no traces, the empty-state message, hidden axes."""
    fig = timeline_figure([], [], [session(jan(1))], None)
    assert fig.data == ()
    assert empty_text(fig) == analysis.EMPTY_TIMELINE
    assert fig.layout.xaxis.visible is False


def test_timeline_layout_is_mobile_friendly_and_small(timeline):
    """Horizontal legend at the bottom, fonts of 12 or more, a tiny template, compact JSON."""
    layout = timeline.layout
    assert layout.legend.orientation == "h"
    assert layout.legend.yanchor == "bottom"
    assert layout.font.size >= 12
    assert all((a.font.size or layout.font.size) >= 12 for a in layout.annotations)
    assert layout.hovermode == "x unified"
    assert len(json.dumps(decoded(timeline)["layout"]["template"])) < 1000
    assert len(timeline.to_json()) < 12_000


# --- around sessions ------------------------------------------------------------------------


@pytest.fixture
def windows():
    """Return two session windows; the first has a missing day 0."""
    return [
        {"session": session(jan(6)), "points": [(-1, 14), (1, 8), (2, 9)]},
        {"session": session(jan(13)), "points": [(-2, 15), (-1, 12), (0, 10), (1, 6)]},
        {"session": session(jan(20)), "points": []},
    ]


def test_around_sessions_traces(windows):
    """Faint session lines, the IQR band (q1 then q3 filled to it), then the bold average."""
    fig = around_sessions_figure(windows, analysis.mean_by_offset(windows))
    lines, q1, q3, mean = fig.data
    assert lines.name == "Each session"
    assert lines.hoverinfo == "skip"
    assert q1.showlegend is False
    assert q3.fill == "tonexty"
    assert q3.name == "Middle half of days (IQR)"
    assert mean.name == "Average"
    assert mean.line.width > lines.line.width
    assert mean.x == (-2, -1, 0, 1, 2)
    assert mean.y == (15.0, 13.0, 10.0, 7.0, 9.0)
    assert q1.y == (15.0, 12.5, 10.0, 6.5, 9.0)
    assert q3.y == (15.0, 13.5, 10.0, 7.5, 9.0)


def test_around_sessions_lines_keep_gaps_and_break_between_sessions(windows):
    """One trace: each session's offsets in order, None for a missing day and between sessions."""
    lines = around_sessions_figure(windows, analysis.mean_by_offset(windows)).data[0]
    assert lines.x == (-1, 0, 1, 2, None, -2, -1, 0, 1, None)
    assert lines.y == (14, None, 8, 9, None, 15, 12, 10, 6, None)


def test_around_sessions_axes_and_session_line(windows):
    """x covers -3..+14 days with a vertical line at 0; y is 0-27."""
    fig = around_sessions_figure(windows, analysis.mean_by_offset(windows))
    assert fig.layout.xaxis.range == (-3.5, 14.5)
    assert fig.layout.xaxis.tickvals == (-3, 0, 1, 2, 3, 7, 14)
    assert fig.layout.yaxis.range == (0, 27)
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.yref) == (0, 0, "paper")


def test_around_sessions_empty_state():
    """No points around any session: the empty-state message."""
    fig = around_sessions_figure([{"session": session(jan(1)), "points": []}], [])
    assert fig.data == ()
    assert empty_text(fig) == analysis.EMPTY_AROUND_SESSIONS


# --- session change -------------------------------------------------------------------------


def change(day: date, before: float | None, after: float | None, **extra) -> dict:
    """Return one session_change row."""
    diff = None if before is None or after is None else after - before
    return {
        "session": session(day, **extra),
        "before_mean": before,
        "after_mean": after,
        "before_n": 3,
        "after_n": 7,
        "change": diff,
        "meets_mid": None if diff is None else diff <= -5,
    }


def test_session_change_bars_differ_by_colour_and_pattern():
    """Bars meeting the 5-point MID and the rest differ in colour, pattern and legend name."""
    changes = [change(jan(13), 15, 12), change(jan(6), 16, 9), change(jan(20), 10, None)]
    fig = session_change_figure(changes)
    meets, other = fig.data
    assert (meets.type, other.type) == ("bar", "bar")
    assert meets.name == "Fell by 5 or more points"
    assert other.name == "Less than a 5-point fall"
    assert meets.x == ("2025-01-06",)
    assert meets.y == (-7,)
    assert other.x == ("2025-01-13",)
    assert meets.marker.color != other.marker.color
    assert meets.marker.pattern.shape != other.marker.pattern.shape
    assert meets.text == ("-7.0",)
    assert fig.layout.xaxis.categoryarray == ("2025-01-06", "2025-01-13")
    assert fig.layout.barmode == "overlay"


def test_session_change_hover_shows_means_and_escapes_user_text():
    """Hover has before/after means; the clinic name is escaped."""
    fig = session_change_figure([change(jan(6), 16, 9, clinic=SCRIPT)])
    hover = fig.data[0].hovertext[0]
    assert "Before: 16.0 (3 check-ins)" in hover
    assert "After: 9.0 (7 check-ins)" in hover
    assert "Change: -7.0 points" in hover
    assert "&lt;script&gt;" in hover
    assert not [s for s in strings(decoded(fig)) if "<script" in s]


def test_session_change_numbers_sessions_sharing_a_date():
    """Two sessions on one date get distinct categories."""
    fig = session_change_figure([change(jan(6), 16, 9), change(jan(6), 12, 10)])
    assert fig.layout.xaxis.categoryarray == ("2025-01-06", "2025-01-06 #2")


def test_session_change_empty_states():
    """No sessions, or none with data on both sides: a message saying what to log."""
    assert empty_text(session_change_figure([])) == analysis.EMPTY_SESSION_CHANGE
    fig = session_change_figure([change(jan(6), 16, None)])
    assert fig.data == ()
    assert empty_text(fig).startswith("To compare before and after a session")


# --- items ----------------------------------------------------------------------------------


def test_item_short_labels():
    """Nine short labels in PHQ-9 item order."""
    assert ITEM_SHORT_LABELS == (
        "Interest",
        "Feeling down",
        "Sleep",
        "Energy",
        "Appetite",
        "Self-worth",
        "Concentration",
        "Movement",
        "Self-harm thoughts",
    )


def test_items_figure_is_a_grid_of_week_tiles():
    """One row of weekly tiles per item, item 1 on top, coloured 0-3, no tile for empty weeks."""
    weekly = {
        "weeks": [jan(6), jan(13), jan(20)],
        "items": [[2.0, None, 1.0 / 3]] + [[0.0, None, 3.0]] * 8,
    }
    fig = items_figure(weekly)
    assert len(fig.data) == 9
    first, last = fig.data[0], fig.data[8]
    assert {t.type for t in fig.data} == {"bar"}
    assert (first.name, first.base, last.name, last.base) == (
        "Interest",
        8,
        "Self-harm thoughts",
        0,
    )
    assert first.x0 == "2025-01-06"
    assert first.dx == first.width == charts.WEEK_MS
    assert first.y == (1, None, 1)
    assert first.marker.color == (2.0, 0, 0.33)
    assert first.marker.coloraxis == "coloraxis"
    assert fig.layout.coloraxis.cmin == 0
    assert fig.layout.coloraxis.cmax == 3
    assert fig.layout.yaxis.ticktext == ITEM_SHORT_LABELS
    assert fig.layout.yaxis.tickvals[0] == 8.5
    assert fig.layout.barmode == "overlay"


def test_items_empty_state():
    """No check-ins: the empty-state message."""
    fig = items_figure(analysis.weekly_item_means([]))
    assert fig.data == ()
    assert empty_text(fig) == analysis.EMPTY_ITEMS
