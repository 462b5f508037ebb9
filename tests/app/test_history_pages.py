"""History: a month of moods with words and session markers, and the days in words, paged."""

import re
from datetime import timedelta

import pytest

from journal.checkins import history
from journal.records import user_today
from tests.conftest import new_id


def put_checkin(api, day, **body):
    """Store a check-in for a day through the API."""
    body = {"instrument": "daily", "local_date": day.isoformat(), **body}
    assert api.put(f"/api/v1/checkins/{new_id()}", body).status_code == 201


def test_the_month_shows_each_days_mood_as_a_colour_and_a_word(logged_in, auth_api, user):
    today = user_today(user)
    put_checkin(auth_api, today, mood=6, tags=["work"])
    started = f"{today.isoformat()}T09:00:00"
    assert auth_api.put(
        f"/api/v1/treatments/{new_id()}", {"started_at": started + "-06:00", "route": "iv"}
    ).status_code in (200, 201)
    html = logged_in.get("/checkins/").get_data(as_text=True)
    assert f'<h2 id="month-title">{today.strftime("%B %Y")}</h2>' in html
    cell = html.split('aria-current="date"', 1)[1].split("</td>", 1)[0]
    assert '<span class="word">Good</span>' in cell and "mood (6 of 10)" in cell
    assert "session day" in cell and "/checkins/" in cell
    assert re.search(r'class="day mood-4 today"', html)
    assert (
        f"{today.strftime('%a %-d %b')}</time></a>: mood Good (6), tags: work, session day" in html
    )
    assert "Next month" not in html and "Previous month" in html


def test_another_month_is_drawn_and_the_list_starts_at_its_end(logged_in, auth_api, user):
    today = user_today(user)
    earlier = (today.replace(day=1) - timedelta(days=40)).replace(day=10)
    put_checkin(auth_api, earlier, mood=1)
    put_checkin(auth_api, today, mood=9)
    html = logged_in.get(f"/checkins/?month={earlier:%Y-%m}").get_data(as_text=True)
    assert earlier.strftime("%B %Y") in html and "Next month" in html
    assert "mood Very low (1)" in html and "mood Very good (9)" not in html
    assert "Newest days" in html


def test_the_days_are_paged_by_the_last_day_shown(logged_in, auth_api, user, monkeypatch):
    monkeypatch.setattr(history, "DAYS_PER_PAGE", 2)
    today = user_today(user)
    for back in range(5):
        put_checkin(auth_api, today - timedelta(days=back), mood=back)
    first = logged_in.get("/checkins/").get_data(as_text=True)
    assert first.count("</time></a>: mood") == 2
    older = re.search(r'href="(/checkins/\?before=[^"]+)">Older days', first)[1]
    second = logged_in.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert "mood Low (2)" in second and "mood Low (3)" in second and "(0)" not in second
    third = logged_in.get(
        re.search(r'href="(/checkins/\?before=[^"]+)">Older days', second)[1].replace("&amp;", "&")
    ).get_data(as_text=True)
    assert third.count("</time></a>: mood") == 1 and "Older days" not in third


def test_another_users_days_are_not_shown(logged_in, other_api, user):
    put_checkin(other_api, user_today(user), mood=2, note="their day")
    html = logged_in.get("/checkins/").get_data(as_text=True)
    assert "mood Low (2)" not in html and "No check-ins yet" in html
    assert 'class="day mood-' not in html


def test_the_table_stays_behind_the_table_view(logged_in, auth_api, user):
    put_checkin(auth_api, user_today(user), mood=3)
    html = logged_in.get("/checkins/?view=table").get_data(as_text=True)
    assert 'class="records"' in html and "<td>3</td>" in html
    assert 'aria-current="page">Table' in html and "month-title" not in html


def test_user_text_is_escaped_in_the_days(logged_in, auth_api, user):
    put_checkin(auth_api, user_today(user), mood=5, tags=["<b>x</b>"])
    html = logged_in.get("/checkins/").get_data(as_text=True)
    assert "tags: &lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("month=2025-13", "month"),
        ("month=abc", "month"),
        ("before=2025-02-30", "before"),
        ("before=yesterday", "before"),
    ],
)
def test_bad_history_queries_are_a_422_naming_the_field(logged_in, query, field):
    response = logged_in.get(f"/checkins/?{query}")
    assert response.status_code == 422
    api = logged_in.get(f"/checkins/?{query}", headers={"Accept": "application/json"})
    assert field in api.get_json()["error"]["fields"]
