"""Web Push end to end against web-push-testing (npm, started by the test on a free port).

The local push service checks the VAPID JWT against the subscription's application server
key and decrypts the aes128gcm payload, as a browser's push service and browser would.
"""

import json
import os
import shutil
import stat
import subprocess
import time as clock
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from journal.extensions import db
from journal.models import utcnow
from journal.reminders import push, run
from journal.reminders.models import PushSubscription, ReminderPreference, ReminderSent
from tests.app.reminder_support import reminder_config
from tests.conftest import Api, app_with_schema
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "node_modules" / "web-push-testing" / "src" / "bin" / "server.js"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not SERVER.exists(),
    reason="web-push-testing is not installed (npm ci)",
)


@pytest.fixture
def push_service():
    """Start web-push-testing on a free loopback port; yield its base URL; stop it by PID."""
    port = free_port()
    process = subprocess.Popen(
        ["node", str(SERVER), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://localhost:{port}"
    for _ in range(100):
        try:
            if requests.post(f"{base}/status", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            clock.sleep(0.05)
    else:
        process.kill()
        pytest.fail("web-push-testing did not start")
    yield base
    process.terminate()
    process.wait(10)


@pytest.fixture
def push_app(push_service):
    """Create an app that accepts subscriptions on the local push service (no SMTP)."""
    host = push_service.removeprefix("http://")
    yield from app_with_schema(**reminder_config(None, JOURNAL_PUSH_HOSTS=host))


@pytest.fixture
def signed_in(push_app):
    """Return an API client signed in as a new user."""
    api = Api(push_app.test_client())
    response = api.post(
        "/api/v1/auth/register",
        {"email": "pat@example.com", "password": "correct horse battery", "timezone": "UTC"},
    )
    assert response.status_code == 201, response.get_json()
    api.csrf()
    return api


def subscribe(push_service: str, api: Api) -> dict:
    """Subscribe at the push service with the journal's VAPID key, as a browser would."""
    key = api.get("/api/v1/push/vapid-key").get_json()["public_key"]
    answer = requests.post(
        f"{push_service}/subscribe",
        # Its API takes the options as strings, the way a form posts them.
        data={"userVisibleOnly": "true", "applicationServerKey": key},
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def received(push_service: str, client_hash: str) -> list[dict]:
    """Return the decrypted messages the push service received for a subscription."""
    answer = requests.post(
        f"{push_service}/get-notifications", json={"clientHash": client_hash}, timeout=5
    )
    return [json.loads(m) for m in answer.json()["data"]["messages"]]


def test_a_reminder_arrives_encrypted_and_a_410_removes_the_subscription(
    push_app, push_service, signed_in
):
    """Stored, delivered (VAPID checked, payload decrypted), then expired and forgotten."""
    subscription = subscribe(push_service, signed_in)
    body = {"endpoint": subscription["endpoint"], "keys": subscription["keys"]}
    assert signed_in.post("/api/v1/push/subscriptions", body).status_code == 201
    saved = signed_in.put(
        "/api/v1/reminders",
        {
            "time": "00:00",
            "channels": {"push": True, "email": False, "calendar": False},
            "kinds": {"daily": True, "questionnaires": False, "reflections": False},
        },
    )
    assert saved.status_code == 200, saved.get_json()
    with push_app.app_context():
        assert db.session.scalars(select(PushSubscription.endpoint)).all() == [body["endpoint"]]
        report = run.send_due()
    assert (report.claimed, report.pushes, report.errors) == (1, 1, [])
    assert received(push_service, subscription["clientHash"]) == [
        {
            "title": "Mood Journal",
            "body": "Your check-in is due.",
            "url": "/checkins/new",
            "tag": "reminder-daily",
            "kind": "daily",
        }
    ]
    expired = requests.post(
        f"{push_service}/expire-subscription/{subscription['clientHash']}", timeout=5
    )
    assert expired.status_code == 200
    with push_app.app_context():
        report = run.send_due(utcnow() + timedelta(days=1))
        assert report.subscriptions_removed == 1
        assert db.session.scalars(select(PushSubscription)).all() == []
        # The claim stays (nothing twice), with no channel delivered.
        rows = db.session.scalars(select(ReminderSent).order_by(ReminderSent.id)).all()
        assert [r.channels for r in rows] == ["push", None]


def test_subscribing_validates_every_field(push_app, push_service, signed_in):
    """Non-string endpoints, unknown hosts, plain http elsewhere and bad keys are 422s."""
    keys = {"p256dh": "B" * 87, "auth": "a" * 22}
    cases = [
        ({"endpoint": 5, "keys": keys}, "endpoint"),
        ({"endpoint": "https://evil.example/push/1", "keys": keys}, "endpoint"),
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/x", "keys": keys}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": "k"}, "keys"),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": {"auth": 1}}, "keys.p256dh"),
        ({"keys": keys}, "endpoint"),
    ]
    for body, field in cases:
        response = signed_in.post("/api/v1/push/subscriptions", body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["error"]["fields"], (body, response.get_json())
    good = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys}
    assert signed_in.post("/api/v1/push/subscriptions", good).status_code == 201
    apple = {"endpoint": "https://web.push.apple.com/QGx", "keys": keys}
    assert signed_in.post("/api/v1/push/subscriptions", apple).status_code == 201


def test_unsubscribing_validates_and_is_scoped_to_the_owner(push_app, push_service, signed_in):
    """DELETE needs a string endpoint (422 otherwise), and another user's is a 404."""
    keys = {"p256dh": "B" * 87, "auth": "a" * 22}
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/abc"
    assert signed_in.post("/api/v1/push/subscriptions", {"endpoint": endpoint, "keys": keys})
    for bad in ({"endpoint": 7}, {"endpoint": ["x"]}, {"endpoint": None}, {}):
        response = signed_in.delete("/api/v1/push/subscriptions", json=bad)
        assert response.status_code == 422, (bad, response.get_json())
        assert "endpoint" in response.get_json()["error"]["fields"]
    other = Api(push_app.test_client())
    other.post(
        "/api/v1/auth/register",
        {"email": "alex@example.com", "password": "correct horse battery", "timezone": "UTC"},
    )
    other.csrf()
    assert (
        other.delete("/api/v1/push/subscriptions", json={"endpoint": endpoint}).status_code == 404
    )
    assert (
        signed_in.delete("/api/v1/push/subscriptions", json={"endpoint": endpoint}).status_code
        == 204
    )
    assert (
        signed_in.delete("/api/v1/push/subscriptions", json={"endpoint": endpoint}).status_code
        == 404
    )
    malformed = signed_in.client.delete(
        "/api/v1/push/subscriptions",
        data="{not json",
        headers={"X-CSRFToken": signed_in.token, "Content-Type": "application/json"},
    )
    assert malformed.status_code in (400, 422)


def test_a_push_needs_csrf(push_app, signed_in):
    """An unsafe request without the token is refused."""
    response = signed_in.post("/api/v1/push/subscriptions", {"endpoint": "x"}, csrf=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_vapid_keys_are_generated_once_into_the_instance_owner_only(tmp_path):
    """First use writes instance/vapid_private.pem (0600); the next use reads the same key."""
    first = push.load_vapid({}, str(tmp_path))
    path = tmp_path / push.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = push.load_vapid({}, str(tmp_path))
    assert push.public_key(first) == push.public_key(second)
    assert len(push.public_key(first)) == 87  # 65 bytes, base64url without padding


def test_vapid_keys_from_the_environment():
    """JOURNAL_VAPID_PRIVATE_KEY as PEM wins over the instance file."""
    pem = reminder_config(None)["JOURNAL_VAPID_PRIVATE_KEY"]
    vapid = push.load_vapid({"JOURNAL_VAPID_PRIVATE_KEY": pem}, "/nonexistent")
    assert push.public_key(vapid)


@pytest.mark.parametrize(
    ("config", "subject"),
    [
        ({"JOURNAL_VAPID_SUBJECT": "mailto:ops@clinic.example"}, "mailto:ops@clinic.example"),
        (
            {"JOURNAL_VAPID_SUBJECT": "https://clinic.example/contact"},
            "https://clinic.example/contact",
        ),
        (
            {"JOURNAL_MAIL_FROM": "Mood Journal <hello@clinic.example>"},
            "mailto:hello@clinic.example",
        ),
    ],
)
def test_the_vapid_subject_is_mailto_or_https(config, subject):
    """Apple refuses other subjects, so only these pass."""
    assert push.vapid_subject(config) == subject


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"JOURNAL_VAPID_SUBJECT": "http://clinic.example"},
        {"JOURNAL_VAPID_SUBJECT": "mailto:nobody"},
        {"JOURNAL_VAPID_SUBJECT": "ops@clinic.example"},
        {"JOURNAL_MAIL_FROM": "no address here"},
    ],
)
def test_other_vapid_subjects_are_refused(config):
    """No push rather than a push service's silent refusal."""
    with pytest.raises(push.PushNotConfigured):
        push.vapid_subject(config)


def test_preferences_round_trip_and_validation(push_app, signed_in):
    """GET gives the defaults, PUT checks each field by path, a time in quiet hours is refused."""
    assert signed_in.get("/api/v1/reminders").get_json()["channels"] == {
        "push": False,
        "email": False,
        "calendar": False,
    }
    bad = signed_in.put(
        "/api/v1/reminders",
        {
            "time": "25:00",
            "quiet_hours": {"start": "22:00", "end": 7},
            "channels": {"push": "yes", "fax": True},
            "kinds": [],
        },
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {
        "time",
        "quiet_hours.end",
        "channels.push",
        "channels.fax",
        "kinds",
    }
    inside = signed_in.put(
        "/api/v1/reminders",
        {"time": "23:00", "quiet_hours": {"start": "22:00", "end": "07:00"}, "channels": {}},
    )
    assert inside.status_code == 422 and "time" in inside.get_json()["error"]["fields"]
    good = {
        "time": "20:15",
        "quiet_hours": {"start": "22:00", "end": "07:00"},
        "channels": {"push": False, "email": True, "calendar": False},
        "kinds": {"daily": True, "questionnaires": False, "reflections": True},
    }
    saved = signed_in.put("/api/v1/reminders", good)
    assert saved.status_code == 200
    assert saved.get_json() == {**good, "calendar_subscription": False}
    assert signed_in.get("/api/v1/reminders").get_json() == {**good, "calendar_subscription": False}
    with push_app.app_context():
        assert db.session.scalars(select(ReminderPreference)).one().email is True
    for body in (None, [], "x", 5):
        assert signed_in.put("/api/v1/reminders", body).status_code in (400, 422), body
        assert signed_in.post("/api/v1/push/subscriptions", body).status_code in (400, 422), body
        response = signed_in.delete("/api/v1/push/subscriptions", json=body)
        assert response.status_code in (400, 422), body
    odd = {
        "time": "20:00",
        "channels": {},
        "quiet_hours": {"start": "22:00", "end": "07:00", "x": 1},
    }
    assert "quiet_hours.x" in signed_in.put("/api/v1/reminders", odd).get_json()["error"]["fields"]
    half = {"time": "20:00", "channels": {}, "quiet_hours": {"start": "22:00"}}
    assert (
        "quiet_hours.end" in signed_in.put("/api/v1/reminders", half).get_json()["error"]["fields"]
    )


def push_on(api: Api, push_service: str, push: bool = True, **kinds) -> dict:
    """Subscribe this user at the push service and save preferences; return the subscription."""
    subscription = subscribe(push_service, api)
    body = {"endpoint": subscription["endpoint"], "keys": subscription["keys"]}
    assert api.post("/api/v1/push/subscriptions", body).status_code == 201
    chosen = {"daily": True, "questionnaires": True, "reflections": True, **kinds}
    prefs = {"time": "00:00", "channels": {"push": push, "email": False, "calendar": False}}
    assert api.put("/api/v1/reminders", {**prefs, "kinds": chosen}).status_code == 200
    return subscription


def test_each_reminder_opens_its_own_form(push_app, push_service, signed_in):
    """PCL-5 past-week form, PHQ-9, GAD-7, the daily check-in and a day +1 reflection prompt."""
    schedules = {"pcl5": {"enabled": True, "form": "week"}}
    assert signed_in.request("PATCH", "/api/v1/me", {"schedules": schedules}).status_code == 200
    today = signed_in.get("/api/v1/me").get_json()["today"]
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    session_id = str(uuid.uuid4())
    logged = signed_in.put(
        f"/api/v1/treatments/{session_id}",
        {"started_at": f"{yesterday}T10:00:00+00:00", "route": "iv", "medication": "ketamine"},
    )
    assert logged.status_code == 201, logged.get_json()
    subscription = push_on(signed_in, push_service)
    with push_app.app_context():
        report = run.send_due()
    assert report.errors == []
    got = {(m["kind"], m["url"]) for m in received(push_service, subscription["clientHash"])}
    assert got == {
        ("daily", "/checkins/new"),
        ("phq9", "/checkins/new?instrument=phq9"),
        ("gad7", "/checkins/new?instrument=gad7"),
        ("pcl5", "/checkins/new?instrument=pcl5w"),
        ("reflection", f"/reflections/new?session={session_id}&prompt=day1"),
    }
    bodies = {m["body"] for m in received(push_service, subscription["clientHash"])}
    assert not any("PCL" in b or "PHQ" in b or "GAD" in b for b in bodies)


def test_push_turned_off_sends_nothing_though_subscribed(push_app, push_service, signed_in):
    """The channel switch wins over a stored subscription."""
    subscription = push_on(signed_in, push_service, push=False)
    with push_app.app_context():
        report = run.send_due()
    assert (report.candidates, report.claimed) == (0, 0)
    assert received(push_service, subscription["clientHash"]) == []
