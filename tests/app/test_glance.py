"""Today's glance on the page: drawn from the person's own recent days, escaped, without script."""

import re
from datetime import timedelta

from journal.records import user_today
from tests.app.test_mood_only_charts_api import put_mood
from tests.conftest import new_id


def test_today_draws_a_glance_of_mood_only_days(auth_api, user):
    """Four one-tap moods give four dots and a sentence; no plotly script is loaded up front."""
    today = user_today(user)
    for k, mood in enumerate([3, 5, 6, 8]):
        put_mood(auth_api, today - timedelta(days=k), mood)
    html = auth_api.get("/").get_data(as_text=True)
    assert html.count('class="glance-dot"') == 4
    assert "Your mood on 4 of the last 28 days: latest 3 of 10" in html
    assert 'role="img" aria-labelledby="glance-label glance-summary"' in html
    # No script tag loads plotly (its hashed URL is only named for charts.js, in data-plotly-src).
    assert not re.search(r"<script[^>]*vendor/plotly", html)


def test_today_says_the_day_after_the_last_session_in_the_glance(auth_api, user):
    """With a session and no check-ins, the glance card still says which day after it today is."""
    started = (user_today(user) - timedelta(days=2)).isoformat() + "T10:00:00+00:00"
    assert auth_api.put(
        f"/api/v1/treatments/{new_id()}", {"started_at": started, "route": "iv"}
    ).status_code in (200, 201)
    html = auth_api.get("/").get_data(as_text=True)
    assert 'class="card glance"' in html and "after your last session" in html
    assert 'class="glance-svg"' not in html


def test_new_account_has_no_glance(logged_in):
    """Nothing logged and no session: no empty card."""
    html = logged_in.get("/").get_data(as_text=True)
    assert 'class="card glance"' not in html
