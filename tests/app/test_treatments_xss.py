"""Everything a person types about a session or a reflection is escaped on every page."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.records import user_today
from tests.conftest import new_id

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + IMG
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile(auth_api, user):
    """Store a session and a reflection with the payload in every text field."""
    on = user_today(user) - timedelta(days=1)
    at = datetime.combine(on, time(9, 30), tzinfo=ZoneInfo(user.timezone)).isoformat()
    session_id, reflection_id = new_id(), new_id()
    response = auth_api.put(
        f"/api/v1/treatments/{session_id}",
        {
            "started_at": at,
            "route": "other",
            "route_label": PAYLOAD,
            "clinic": PAYLOAD,
            "intention": PAYLOAD,
            "notes": PAYLOAD,
        },
    )
    assert response.status_code == 201, response.get_json()
    response = auth_api.put(
        f"/api/v1/reflections/{reflection_id}",
        {
            "local_date": on.isoformat(),
            "treatment_id": session_id,
            "prompts": {
                key: PAYLOAD for key in ("came_up", "feelings", "body", "insight", "action")
            },
            "text": PAYLOAD,
            "tags": [SCRIPT, IMG],
        },
    )
    assert response.status_code == 201, response.get_json()
    return {"session": session_id, "reflection": reflection_id}


@pytest.mark.parametrize(
    "template",
    [
        "/treatments/",
        "/treatments/{session}",
        "/treatments/{session}/edit",
        "/treatments/{session}/delete",
        "/reflections/",
        "/reflections/{reflection}",
        "/reflections/{reflection}/edit",
        "/reflections/new?session={session}&prompt=day1",
        "/timeline",
        "/",
    ],
)
def test_payload_is_escaped(logged_in, hostile, template):
    """The page shows the text escaped and never as markup."""
    response = logged_in.get(template.format(**hostile))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert ESCAPED_SCRIPT in html
    assert ESCAPED_IMG in html


def test_every_field_is_shown_escaped_on_the_detail_pages(logged_in, hostile):
    """Each text field appears (escaped) on its detail page: none is silently dropped."""
    session = logged_in.get(f"/treatments/{hostile['session']}").get_data(as_text=True)
    # route label (heading and reflection list), clinic, intention, notes
    assert session.count(ESCAPED_SCRIPT) >= 4
    reflection = logged_in.get(f"/reflections/{hostile['reflection']}").get_data(as_text=True)
    # five prompts, the text, the tag, and the session's route label
    assert reflection.count(ESCAPED_SCRIPT) >= 8


def test_tags_are_escaped_in_lists(logged_in, hostile):
    """Tags are shown as text in the reflection list."""
    html = logged_in.get("/reflections/").get_data(as_text=True)
    assert f'<span class="flag">{ESCAPED_SCRIPT}</span>' in html
    assert f'<span class="flag">{ESCAPED_IMG}</span>' in html
