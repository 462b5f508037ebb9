"""Plotly figure builders (journal.charts): panels, resolution, axes, sessions, escaping, voice."""

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest

from journal import charts, instruments
from journal.analysis import ITEM_SHORT_LABELS
from journal.charts import CHART_NAMES, ChartData, ChartInputs, style
from journal.charts.voice import speak
from journal.demo import generate

SCRIPT = "<script>alert(1)</script>"
TODAY = date(2025, 6, 30)


def day(n: int) -> date:
    """Return the n-th day of June 2025."""
    return date(2025, 6, 1) + timedelta(days=n - 1)


def checkin(on: date, total: int | None, mood: int | None = None):
    """Return a daily check-in dict in the views' shape."""
    return {"date": on, "total": total, "mood": mood, "answers": [1] * 9}


def session(on: date, planned: bool = False, **extra):
    """Return a treatment session dict in the views' shape."""
    return {
        "date": on,
        "started_at": datetime.combine(on, time(10), UTC),
        "route": "iv",
        "route_label": None,
        "dose": 0.5,
        "dose_unit": "mg/kg",
        "clinic": "Bright Clinic",
        "planned": planned,
        **extra,
    }


def data_for(daily=(), validated=(), sessions=(), start=None, end=TODAY, **options) -> ChartData:
    """Return the shared analysis of some records."""
    inputs = ChartInputs(list(daily), list(validated), list(sessions), start, end)
    return ChartData(inputs, TODAY, **options)


def build(name: str, data: ChartData) -> tuple[go.Figure, str]:
    """Return one chart as the validated figure an image is drawn from, and its caption."""
    spec, caption = charts.build(name, data)
    return charts.drawable(spec), caption


def build_json(name: str, data: ChartData) -> tuple[str, str]:
    """Return the figure part of what every page receives (as JSON text) and its caption."""
    sent = json.loads(charts.body(name, data))
    assert sent.pop("name") == name and sent.pop("title") == charts.CHART_TITLES[name]
    caption = sent.pop("caption")
    return json.dumps(sent), caption


def decoded(fig: go.Figure) -> dict:
    """Return the figure as the browser receives it (to_json escapes "<" as \\u003c)."""
    return json.loads(fig.to_json())


def strings(value) -> list[str]:
    """Return every string inside a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def demo_data(years: float, days: int | None, **options) -> ChartData:
    """Return the analysis of generated demo history, over the last `days` (None: all)."""
    records = generate(years, TODAY, seed=3)
    daily, validated = [], []
    for c in records["checkins"]:
        if c["instrument"] == "daily":
            daily.append(checkin(c["local_date"], sum(c["answers"]), c["mood"]))
        else:
            validated.append(
                {"date": c["local_date"], "instrument": c["instrument"], "total": sum(c["answers"])}
            )
    sessions = [{"date": t["local_date"], **t} for t in records["treatments"]]
    start = None if days is None else TODAY - timedelta(days=days - 1)
    return data_for(daily, validated, sessions, start=start, **options)


@pytest.fixture(scope="module")
def year():
    """Return a year of demo history over its last year."""
    return demo_data(1, 365)


# --- medication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"medication": "ketamine"}, "Ketamine"),
        ({"medication": "esketamine", "medication_label": "ignored"}, "Esketamine"),
        ({"medication": "other", "medication_label": "  Psilocybin  "}, "Psilocybin"),
        ({"medication": "other", "medication_label": None}, "Other"),
        ({"medication": None}, None),
        ({}, None),
    ],
)
def test_medication_name_reads_objects_and_dicts(fields, expected):
    """The medication name comes from `medication`, or the label for other; absent is None."""
    assert charts.medication_name(SimpleNamespace(**fields)) == expected
    assert charts.medication_name(fields) == expected


def test_session_hover_shows_medication_route_dose_and_escapes():
    """A session's hover names date, medication, route and dose, with user text escaped."""
    hover = style.session_hover(
        session(day(3), medication="other", medication_label=SCRIPT, clinic=SCRIPT)
    )
    assert hover.startswith("Session 3 Jun 2025")
    assert "IV infusion, 0.5 mg/kg" in hover
    assert SCRIPT not in hover and "&lt;script&gt;" in hover


# --- every chart -----------------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 365, None])
def test_charts_use_only_trace_types_in_the_vendored_bundle(days):
    """The cartesian bundle has scatter, bar and heatmap: anything else would draw blank."""
    data = demo_data(5, days)
    types = {t.type for name in CHART_NAMES for t in build(name, data)[0].data}
    assert types <= {"scatter", "bar", "heatmap"}


@pytest.mark.parametrize("name", CHART_NAMES)
def test_empty_states_say_what_to_log(name):
    """With no data each chart is one message and no axes."""
    fig, caption = build(name, data_for())
    assert not fig.data and "Log" in caption
    assert fig.layout.xaxis.visible is False


@pytest.mark.parametrize("name", CHART_NAMES)
def test_clinician_captions_never_speak_to_the_patient(name):
    """Report and share captions are third person: no "you" or "your", nothing to log."""
    for data in (demo_data(5, None, clinician=True), data_for(clinician=True)):
        caption = build(name, data)[1]
        assert not re.search(r"\byou(r)?\b", caption, re.IGNORECASE), caption
        assert not caption.startswith("Log")


def test_speak_rewrites_to_third_person():
    """The rewrite keeps the numbers and changes only the person."""
    text = "Over your last 4 weeks, sleep bothered you most. Your baseline is 12."
    assert speak(text, clinician=False) == text
    assert speak(text, clinician=True) == (
        "Over the last 4 weeks, sleep bothered the patient most. The baseline is 12."
    )


@pytest.mark.parametrize("days", [30, 365, None])
def test_each_chart_is_small_enough_to_send(days):
    """Every chart of five years stays well under 100 kB of JSON before gzip (it compresses)."""
    data = demo_data(5, days)
    for name in CHART_NAMES:
        assert len(build(name, data)[0].to_json()) < 200_000, name


@pytest.mark.parametrize("days", [7, 90, 365, None])
@pytest.mark.parametrize("options", [{}, {"compact": True}, {"clinician": True}])
def test_unvalidated_json_is_the_validated_figure(days, options):
    """The pages' JSON (no go.Figure built) decodes to exactly what an image's figure writes."""
    data = demo_data(5, days, **options)
    for name in CHART_NAMES:
        text, caption = build_json(name, data)
        figure, expected = build(name, data)
        assert json.loads(text) == decoded(figure) and caption == expected, name
    for name in CHART_NAMES:
        assert json.loads(build_json(name, data_for())[0]) == decoded(build(name, data_for())[0])


def test_user_text_is_escaped_in_every_chart():
    """A clinic or route label with markup never reaches a figure unescaped."""
    daily = [checkin(day(n), 10 + n % 3, mood=5) for n in range(1, 29)]
    sessions = [session(day(10), clinic=SCRIPT, route="other", route_label=SCRIPT)]
    data = data_for(daily, sessions=sessions, start=day(1))
    for name in CHART_NAMES:
        text = strings(decoded(build(name, data)[0]))
        assert not any("<script" in s for s in text), name
        sent = charts.body(name, data)  # what the API, the share view and the report page get
        assert "<" not in sent and not any("<script" in s for s in strings(json.loads(sent))), name


# --- the timeline ----------------------------------------------------------------------------


def timeline_figure(data: ChartData) -> go.Figure:
    """Return the timeline as a validated figure."""
    return build("timeline", data)[0]


def panel_titles(fig: go.Figure) -> list[str]:
    """Return the timeline's panel titles, top to bottom."""
    return [a.text for a in fig.layout.annotations if a.yref == "paper"]


def test_timeline_has_one_panel_per_measure():
    """Score, mood, PHQ-9 and GAD-7 each get their own panel and scale; sessions a strip."""
    daily = [checkin(day(n), 12, mood=4) for n in range(1, 11)]
    validated = [
        {"date": day(2), "instrument": "phq9", "total": 16},
        {"date": day(3), "instrument": "gad7", "total": 9},
    ]
    fig = timeline_figure(data_for(daily, validated, [session(day(5))], start=day(1), end=day(10)))
    titles = panel_titles(fig)
    assert [t.split(" (")[0] for t in titles] == [
        "Daily score",
        "Mood",
        "PHQ-9",
        "GAD-7",
        "Sessions",
    ]
    layout = fig.layout
    assert list(layout.yaxis.range) == [0, 27]
    assert list(layout.yaxis2.range) == [0, 10]
    assert list(layout.yaxis3.range) == [0, 27]
    assert list(layout.yaxis4.range) == [0, 21]
    gad = next(t for t in fig.data if t.name == "GAD-7")
    assert gad.yaxis == "y4" and "Mild" in gad.hovertext[0]


def test_timeline_panels_follow_the_instrument_registry(monkeypatch):
    """A new validated instrument with scores gets its own 0-max panel without chart code."""
    pcl5 = replace(instruments.GAD7, id="pcl5", short_title="PCL-5", bands=())
    monkeypatch.setitem(instruments.INSTRUMENTS, "pcl5", pcl5)
    validated = [{"date": day(4), "instrument": "pcl5", "total": 15}]
    fig = timeline_figure(data_for(validated=validated, start=day(1), end=day(10)))
    assert panel_titles(fig) == [f"PCL-5 (0-{pcl5.max_total})"]
    assert list(fig.layout.yaxis.range) == [0, pcl5.max_total]


def test_the_who5_panel_draws_the_percentage_score():
    """WHO-5 raw 16 is drawn at 64 on a 0-100 scale; its bands meet at 50 %, as the cut-off."""
    validated = [{"date": day(4), "instrument": "who5", "total": 16}]
    fig = timeline_figure(data_for(validated=validated, start=day(1), end=day(10)))
    assert panel_titles(fig) == ["WHO-5 (0-100%; higher = better)"]
    assert list(fig.layout.yaxis.range) == [0, 100]
    trace = next(t for t in fig.data if t.name == "WHO-5")
    assert list(trace.y) == [64]
    assert trace.hovertext[0].startswith("WHO-5 64% (raw 16 of 25) · Higher well-being")
    bands = sorted((shape.y0, shape.y1) for shape in fig.layout.shapes if shape.type == "rect")
    assert bands == [(0, 50), (50, 100)]


def test_timeline_mood_is_never_inside_the_score_bands():
    """The band rectangles belong to score panels only, never to the mood axis."""
    daily = [checkin(day(n), 12, mood=4) for n in range(1, 11)]
    fig = timeline_figure(data_for(daily, start=day(1), end=day(10)))
    assert {s.yref for s in fig.layout.shapes if s.type == "rect"} == {"y"}


@pytest.mark.parametrize(
    ("days", "unit", "names"),
    [
        (30, "day", {"Each day", "7-day average"}),
        (365, "week", {"Weekly mean", "Lowest to highest"}),
        (None, "month", {"Monthly mean", "Lowest to highest"}),
    ],
)
def test_timeline_resolution_follows_the_range(days, unit, names):
    """Daily points up to 3 months, weekly means over a year, monthly over five; caption says."""
    data = demo_data(5, days)
    fig, caption = build("timeline", data)
    assert data.resolution == unit
    assert names <= {t.name for t in fig.data}
    assert {"day": "One point per day", "week": "Weekly means", "month": "Monthly means"}[
        unit
    ] in caption
    points = max(len(t.y) for t in fig.data if t.yaxis == "y")
    assert points <= {"day": 40, "week": 60, "month": 70}[unit]


def test_reference_lines_are_named_in_the_legend_not_written_in_the_plot():
    """Baseline, response and remission are legend entries; no label sits inside the plot."""
    daily = [checkin(day(n), 14) for n in range(1, 29)]
    fig = timeline_figure(data_for(daily, sessions=[session(day(15))], start=day(1)))
    names = {t.name for t in fig.data}
    assert {"Baseline 14", "Response: ≤ 7 (half)", "Remission: below 5"} <= names
    inside = [a for a in fig.layout.annotations if a.xref == "paper" and 0 < a.x < 1]
    assert not inside


def test_sessions_are_full_lines_when_few_and_ticks_when_many():
    """Up to 12 sessions draw full-height lines; more are ticks along the time axis only."""
    daily = [checkin(day(n), 10) for n in range(1, 31)]
    few = timeline_figure(data_for(daily, sessions=[session(day(3))], start=day(1)))
    assert [s for s in few.layout.shapes if s.type == "line"]
    many = [session(day(n)) for n in range(1, 29, 2)]
    lots = timeline_figure(data_for(daily, sessions=many, start=day(1)))
    assert not [s for s in lots.layout.shapes if s.type == "line"]
    ticks = next(t for t in lots.data if t.name == "IV infusion")
    assert ticks.marker.symbol == "line-ns-open" and len(ticks.x) == len(many)


def test_sessions_are_grouped_by_medication_and_route():
    """Each medication/route group has its own colour and legend name; planned ones apart."""
    sessions = [
        session(day(3), medication="ketamine"),
        session(day(6), route="intranasal", medication="esketamine"),
        session(day(9), planned=True, medication="ketamine"),
    ]
    fig = timeline_figure(data_for([checkin(day(2), 8)], sessions=sessions, start=day(1)))
    names = [t.name for t in fig.data if t.yaxis == "y2"]
    assert names == [
        "Ketamine · IV infusion",
        "Ketamine · IV infusion (planned)",
        "Esketamine · Intranasal",
    ]


def test_date_axis_covers_whole_days_and_never_shows_hours():
    """A single check-in still spans a week of whole days; tick formats are dates only."""
    fig = timeline_figure(data_for([checkin(day(5), 9)], start=day(5), end=day(5)))
    axis = fig.layout.xaxis
    assert axis.type == "date" and list(axis.range) == ["2025-06-02", "2025-06-09"]
    assert all("%H" not in stop.value and "%L" not in stop.value for stop in axis.tickformatstops)
    assert axis.nticks <= 7


def test_a_session_on_the_first_day_is_inside_the_plot():
    """The axis starts at midnight of the first day; the session tick is drawn at its noon."""
    fig = timeline_figure(data_for([checkin(day(1), 9)], sessions=[session(day(1))], start=day(1)))
    assert fig.layout.xaxis.range[0] == "2025-06-01"
    tick = next(t for t in fig.data if t.yaxis == "y2")
    assert tick.x == ("2025-06-01 12:00",)


# --- the other charts ------------------------------------------------------------------------


def test_items_is_a_heat_map_of_items_by_week(year):
    """Nine rows (the items) by one column per week, 0-3."""
    (trace,) = build("items", year)[0].data
    assert trace.type == "heatmap" and list(trace.y) == list(ITEM_SHORT_LABELS)
    assert 50 <= len(trace.x) <= 54 and trace.zmin == 0 and trace.zmax == 3


def test_items_over_many_years_are_monthly():
    """Five years fold into about sixty monthly columns."""
    (trace,) = build("items", demo_data(5, None))[0].data
    assert 55 <= len(trace.x) <= 62


def test_calendar_month_view_for_short_ranges():
    """Up to three months: weeks down, Monday to Sunday across, sessions ringed."""
    daily = [checkin(day(n), n % 27) for n in range(1, 31)]
    data = data_for(daily, sessions=[session(day(4))], start=day(1), end=day(30))
    heat, ring = build("calendar", data)[0].data
    assert list(heat.x) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(heat.y) == 6  # 1 June 2025 is a Sunday, 30 June a Monday: weeks 26 May-30 June
    assert heat.z[0][6] == 1 and heat.z[0][0] is None
    assert ring.x == ("Wed",) and ring.y == (heat.y[1],)


def test_calendar_weeks_start_on_the_persons_first_day():
    """With Sunday as the first day, columns run Sunday to Saturday and 1 June opens row one."""
    daily = [checkin(day(n), n % 27) for n in range(1, 31)]
    data = data_for(daily, start=day(1), end=day(30), week_start=6)
    heat = build("calendar", data)[0].data[0]
    assert list(heat.x) == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert len(heat.y) == 5  # Sunday 1 June to Saturday 5 July
    assert heat.z[0][0] == 1 and heat.text[0][0] == "1"


def test_calendar_rows_are_months_for_long_ranges(year):
    """A year: one row per month, one column per day of the month."""
    heat = build("calendar", year)[0].data[0]
    assert list(heat.x) == list(range(1, 32)) and len(heat.y) in (12, 13)


def test_durability_marks_cut_short_windows_open(year):
    """Complete windows are filled markers, cut-short ones open triangles; caption has a median."""
    fig, caption = build("durability", year)
    symbols = {t.marker.symbol for t in fig.data}
    assert "triangle-up-open" in symbols and len(symbols) >= 2
    assert "median of" in caption and "cut short" in caption


# --- the report's score table ----------------------------------------------------------------


def test_report_score_table_has_band_and_change_from_each_baseline():
    """Baselines: PHQ-9 (16 + 14) / 2 = 15, GAD-7 10, from the 14 days before 15 June.

    After the session: PHQ-9 8 is -7 (Mild), GAD-7 12 is +2 (Moderate); scores on or before
    the baseline's last day (14 June) show no change.
    """
    from journal.report.build import score_table

    validated = [
        {"date": day(3), "instrument": "phq9", "total": 16},
        {"date": day(10), "instrument": "phq9", "total": 14},
        {"date": day(10), "instrument": "gad7", "total": 10},
        {"date": day(20), "instrument": "gad7", "total": 12},
        {"date": day(20), "instrument": "phq9", "total": 8},
    ]
    rows = score_table(data_for(validated=validated, sessions=[session(day(15))], start=day(1)))
    assert [(r.day, r.instrument, r.total, r.band, r.change) for r in rows] == [
        (day(3), "PHQ-9", 16, "Moderately severe", None),
        (day(10), "PHQ-9", 14, "Moderate", None),
        (day(10), "GAD-7", 10, "Moderate", None),
        (day(20), "PHQ-9", 8, "Mild", -7),
        (day(20), "GAD-7", 12, "Moderate", 2),
    ]


def test_report_name_is_the_display_name_never_the_email():
    """A name given for the report wins; else the display name; else nothing at all."""
    from journal.report.build import display_name

    person = SimpleNamespace(email="someone@example.com", display_name="  Sam   R. ")
    assert display_name(person, "J. D.") == "J. D."
    assert display_name(person, None) == "Sam R."
    assert display_name(SimpleNamespace(email="someone@example.com"), None) is None
