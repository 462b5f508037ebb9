"""Days with a mood and no total (one-tap entries, imported diaries) in every chart and analysis."""

import json

import pytest

from journal import analysis, charts
from journal.charts import CHART_NAMES, durability, timeline
from tests.unit.test_charts import build, build_json, checkin, data_for, day, session


def mood_day(on, mood: int, answers=None) -> dict:
    """Return a daily check-in with a mood and no total, as load_inputs gives it."""
    return {"date": on, "total": None, "mood": mood, "answers": answers}


# Moods 1-10 on June 1-20, a session on June 10: no day has a total (one partly answered).
MOODS = [mood_day(day(n), n % 10 + 1) for n in range(1, 20)]
MOODS.append(mood_day(day(20), 1, answers=[1, None, 2, None, None, None, None, None, None]))
SESSIONS = [session(day(10))]


def moods_only(**options):
    """Return the analysis of twenty mood-only days around one session."""
    return data_for(MOODS, sessions=SESSIONS, start=day(1), end=day(30), **options)


def trace(body: dict, name: str, yaxis: str | None = None) -> dict:
    """Return the first trace called `name` (on `yaxis`, when given)."""
    return next(
        t for t in body["data"] if t.get("name") == name and yaxis in (None, t.get("yaxis"))
    )


@pytest.mark.parametrize("name", CHART_NAMES)
@pytest.mark.parametrize("clinician", [False, True])
def test_every_chart_builds_from_mood_only_days(name, clinician):
    """No chart fails on days without a total, and its figure still validates."""
    fig, caption = build(name, moods_only(clinician=clinician))
    assert caption and fig.to_json()


def test_timeline_draws_mood_only_days_in_the_mood_panel_and_no_score_panel():
    """Every mood is a point; there is no score panel to leave empty."""
    body = json.loads(build_json("timeline", moods_only())[0])
    titles = [a["text"] for a in body["layout"]["annotations"] if "Mood" in a.get("text", "")]
    assert titles
    points = trace(body, "Each day")
    assert points["y"] == [c["mood"] for c in MOODS]
    assert not any("Daily score" in (t.get("hovertemplate") or "") for t in body["data"])


def test_timeline_with_mixed_days_draws_scores_and_every_mood():
    """Full days feed the score panel; mood-only days still reach the mood panel."""
    full = [checkin(day(n), 10 + n, mood=5) for n in (21, 22)]
    body = json.loads(build_json("timeline", data_for([*MOODS, *full], end=day(30)))[0])
    scores = [t for t in body["data"] if "Daily score" in (t.get("hovertemplate") or "")]
    moods = [t for t in body["data"] if "Mood:" in (t.get("hovertemplate") or "")]
    assert scores[0]["y"] == [31, 32]
    assert len(moods[0]["y"]) == len(MOODS) + 2


def test_timeline_caption_describes_the_mood_when_no_day_has_a_total():
    """The sentence names the mood average, never a score that does not exist."""
    text = timeline.caption_timeline(moods_only().daily, [], None)
    assert "7-day average mood is" in text and "of 10" in text
    assert "PHQ-9-style" not in text.split("A baseline")[0]
    one = timeline.caption_timeline([mood_day(day(1), 4)], [], None)
    assert one.startswith("Your latest mood is 4 of 10")


def test_calendar_colours_mood_only_days_by_mood():
    """Without totals the squares are moods 0-10; a square per mood day."""
    body = json.loads(build_json("calendar", moods_only())[0])
    heat = body["data"][0]
    assert heat["zmax"] == 10
    values = [v for row in heat["z"] for v in row if v is not None]
    assert sorted(values) == sorted(c["mood"] for c in MOODS)


def test_calendar_with_scores_draws_mood_only_days_in_a_mood_layer():
    """Score days on the score scale; the days with a mood alone on the mood scale, not as 0."""
    full = [checkin(day(n), 20, mood=3) for n in (21, 22)]
    data = data_for([*MOODS, *full], start=day(1), end=day(30))
    text, caption = build_json("calendar", data)
    heats = [t for t in json.loads(text)["data"] if t["type"] == "heatmap"]
    mood, score = heats  # the mood layer under the score's, whose day numbers stay on top
    assert score["zmax"] == 27 and mood["zmax"] == 10 and mood["showscale"] is False
    assert sorted(v for row in score["z"] for v in row if v is not None) == [20, 20]
    assert sorted(v for row in mood["z"] for v in row if v is not None) == sorted(
        c["mood"] for c in MOODS
    )
    assert "Mood: 2" in json.dumps(score["hovertext"])
    # Each day number is written once, by the layer that colours its square (for contrast).
    numbers = [t for layer in heats for row in layer["text"] for t in row if t]
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 31)]
    assert {t for row in mood["text"] for t in row if t} == {str(n) for n in range(1, 21)}
    assert "mood alone is blue" in caption


def test_calendar_without_mood_only_days_has_one_layer():
    """Full days alone draw a single heat map, as before."""
    data = data_for([checkin(day(n), 5, mood=5) for n in (1, 2)], start=day(1), end=day(30))
    assert [t["type"] for t in json.loads(build_json("calendar", data)[0])["data"]] == ["heatmap"]


def test_around_sessions_draws_moods_when_no_day_has_a_total():
    """The windows read moods, the axis says so and the caption speaks of mood."""
    data = moods_only()
    assert data.window_key == "mood"
    assert dict(data.windows[0]["points"])[0] == MOODS[9]["mood"]
    text, caption = build_json("around-sessions", data)
    layout = json.loads(text)["layout"]
    assert layout["yaxis"]["range"] == [0, 10] and "Mood" in layout["yaxis"]["title"]["text"]
    assert "your mood on days 1-3" in caption


def test_around_sessions_keeps_totals_and_skips_mood_only_days_when_totals_exist():
    """With totals, mood-only days are skipped: never read as a total of 0."""
    full = [checkin(day(n), 12, mood=5) for n in (8, 9, 11, 12)]
    data = data_for([*MOODS[:7], *full], sessions=SESSIONS, start=day(1), end=day(30))
    assert data.window_key == "total"
    assert [v for _, v in data.windows[0]["points"]] == [12, 12, 12, 12]


@pytest.mark.parametrize("name", ["session-change", "durability"])
def test_score_comparisons_skip_mood_only_days(name):
    """Before/after change and durability compare totals: mood-only days count as nothing."""
    data = moods_only()
    rows = data.changes if name == "session-change" else data.durability
    assert all(r.get("change") is None and r.get("pre") is None for r in rows)
    assert "all nine questions" in charts.build(name, data)[1]


def test_items_and_baseline_ignore_mood_only_days():
    """No answers, no item weeks; no totals, no daily baseline."""
    data = moods_only()
    assert data.weekly_items["weeks"] == []
    assert data.baseline is None


def test_analysis_skips_missing_totals():
    """Baseline, windows, change, durability and since-last skip None totals, never as 0."""
    daily = [mood_day(day(n), 2) for n in range(1, 10)] + [checkin(day(8), 9)]
    first = [session(day(10))]
    assert analysis.baseline(daily, [], first) == {
        "value": 9,
        "source": "daily",
        "n": 1,
        "start": day(10) - analysis.ONE_DAY * 14,
        "end": day(9),
    }
    assert analysis.session_windows(daily, first)[0]["points"] == [(-2, 9)]
    moods = analysis.session_windows(daily, first, key="mood")[0]["points"]
    assert moods == [(-3, 2), (-2, 2), (-1, 2)]
    change = analysis.session_change(daily, first)[0]
    assert change["before_mean"] == 9 and change["before_n"] == 1 and change["after_mean"] is None
    assert analysis.durability(daily, first, day(20))[0]["pre"] == 9
    assert analysis.since_last_session(daily, first, day(11))["mean"] is None


def test_today_sentence_speaks_of_mood_when_recent_days_have_no_total():
    """Where today stands after a session reads moods when the last 6 days hold no total."""
    daily = [mood_day(day(n), 3) for n in (5, 6, 7)] + [mood_day(day(n), 7) for n in (8, 9, 10)]
    info = analysis.since_last_session(daily, [session(day(2))], day(10))
    assert (info["measure"], info["mean"], info["earlier"], info["trend"]) == (
        "mood",
        7,
        3,
        "rising",
    )
    sentence = durability.today_sentence(info)
    assert "Your 3-day mean mood is 7, rising" in sentence
    scored = [*daily, checkin(day(9), 12)]
    info = analysis.since_last_session(scored, [session(day(2))], day(10))
    assert (info["measure"], info["mean"], info["earlier"]) == ("total", 12, None)
