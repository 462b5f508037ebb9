"""The API's limits and the forms' limits are one: OpenAPI against the rendered HTML forms.

For every request body a page also edits, each property with a limit (maxLength, minLength,
minimum, maximum, enum) in /api/v1/openapi.json is found on the page (the control the
declaration names for it) and must state the same limit: maxlength/minlength/min/max on an
input, or options inside the range or the enum on a select or radio group.
"""

from html.parser import HTMLParser

import pytest

from journal.accounts import services as accounts
from journal.accounts.rules import EMAIL_CHANGE, PASSWORD_CHANGE, PASSWORD_RESET, REGISTER
from journal.checkins.rules import CHECKIN
from journal.extensions import db
from journal.models import User
from journal.reflections.rules import REFLECTION
from journal.reminders.rules import REMINDERS
from journal.settings.rules import SETTINGS
from journal.share.rules import SHARE
from journal.treatments.rules import TREATMENT

# A session's preparation and follow-up are edited on Today's session-day cards; the session form
# only carries them through, unchanged, as hidden JSON (tests/app/test_session_day.py).
SESSION_DAY = (
    "preparation.checklist.0.text",
    "preparation.ride_home.name",
    "preparation.ride_home.phone",
    "follow_up.sleep_hours",
    "follow_up.dissociation",
    "follow_up.mood",
)
LIMITS = ("maxLength", "minLength", "minimum", "maximum", "enum", "pattern")
# Values a body may send to mean "not given" (a select's blank option, "auto").
UNSET = {"", "auto"}


class Controls(HTMLParser):
    """Collect a page's form controls by name: their attributes and any options."""

    def __init__(self):
        super().__init__()
        self.controls: dict[str, dict] = {}
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        """Record inputs, selects and text areas, and each option of a select or radio group."""
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "select", "textarea") and name:
            found = self.controls.setdefault(name, {"attrs": attrs, "options": []})
            if attrs.get("type") in ("radio", "checkbox"):
                found["options"].append(attrs.get("value"))
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select:
            self.controls[self.select]["options"].append(attrs.get("value"))

    def handle_endtag(self, tag):
        """Leave a select."""
        if tag == "select":
            self.select = None


def controls_of(html: str) -> dict:
    """Return the page's controls by name."""
    parser = Controls()
    parser.feed(html)
    return parser.controls


def limited(properties: dict, prefix: str = "") -> dict:
    """Return {path: schema} for every property (nested objects too) that carries a limit."""
    found = {}
    for name, schema in properties.items():
        path = f"{prefix}{name}"
        if any(key in schema for key in LIMITS):
            found[path] = schema
        if schema.get("type") == "object":
            found.update(limited(schema.get("properties", {}), f"{path}."))
        if schema.get("type") == "array" and "items" in schema:
            found.update(limited({"0": schema["items"]}, f"{path}."))
    return found


def check_control(path: str, schema: dict, control: dict) -> list[str]:
    """Return how a control's limits differ from the schema's (empty when they agree)."""
    attrs, options = control["attrs"], [o for o in control["options"] if o not in UNSET]
    problems = []
    for key, attr in (("maxLength", "maxlength"), ("minLength", "minlength")):
        if key in schema and attrs.get(attr) != str(schema[key]):
            problems.append(f"{path}: {key} {schema[key]} but {attr}={attrs.get(attr)}")
    numbers = [float(o) for o in options] if options and "enum" not in schema else []
    for key, attr in (("minimum", "min"), ("maximum", "max")):
        if key not in schema:
            continue
        if numbers:
            inside = all(
                schema.get("minimum", -1e9) <= n <= schema.get("maximum", 1e9) for n in numbers
            )
            if not inside:
                problems.append(f"{path}: options {options} outside {key} {schema[key]}")
        elif attrs.get(attr) is None or float(attrs[attr]) != float(schema[key]):
            problems.append(f"{path}: {key} {schema[key]} but {attr}={attrs.get(attr)}")
    # HH:MM is what a time input sends; any other pattern must be stated as is.
    if (
        "pattern" in schema
        and attrs.get("type") != "time"
        and attrs.get("pattern") != schema["pattern"]
    ):
        problems.append(f"{path}: pattern {schema['pattern']} but {attrs.get('pattern')}")
    if "enum" in schema and control["attrs"].get("type") != "checkbox":
        enum = set(schema["enum"]) - UNSET
        if set(options) != enum:
            problems.append(f"{path}: enum {sorted(enum)} but options {sorted(set(options))}")
    return problems


def compare(openapi, schema_name, spec, html, api_only=(), controls_for=None) -> list[str]:
    """Compare one request schema with one rendered form; return every disagreement.

    `api_only`: paths no control carries (said why where used); `controls_for`: a path shown by
    several controls (a check-in's answers, one radio group per item).
    """
    properties = openapi["components"]["schemas"][schema_name]["properties"]
    controls = controls_of(html)
    problems = []
    checked = 0
    for path, schema in limited(properties).items():
        if path in api_only:
            continue
        for name in (controls_for or {}).get(path, [spec.form_field(path)]):
            if name not in controls:
                problems.append(f"{path}: no control {name!r} on the page")
                continue
            problems += check_control(path, schema, controls[name])
            checked += 1
    assert checked, f"{schema_name}: no limited field was compared"
    return problems


@pytest.fixture
def openapi(client):
    """Return the served OpenAPI document."""
    return client.get("/api/v1/openapi.json").get_json()


def test_sign_up_form_states_the_api_limits(client, openapi):
    """Sign-up: e-mail and password lengths, the crisis regions."""
    html = client.get("/auth/register").get_data(as_text=True)
    assert compare(openapi, "RegisterIn", REGISTER, html) == []


def test_reset_form_states_the_api_limits(app, client, user, openapi):
    """Password reset: the new password's length (the token travels in the URL)."""
    with app.app_context():
        token = accounts.create_reset_token(db.session.get(User, user.id))
        db.session.commit()  # services never commit: the request (here the test) does
    html = client.get(f"/auth/reset/{token}").get_data(as_text=True)
    assert compare(openapi, "ResetIn", PASSWORD_RESET, html, api_only=("token",)) == []


# A check-in's instrument comes from the page's URL; a tag's length cannot be stated on a
# comma-separated box; the reset token travels in the URL.
DAILY_ITEMS = {"answers.0": [f"item{n}" for n in range(1, 10)]}


@pytest.mark.parametrize(
    ("url", "schema_name", "spec", "api_only", "controls_for"),
    [
        ("/settings/", "SettingsIn", SETTINGS, (), None),
        ("/shares/", "ShareIn", SHARE, (), None),
        ("/reminders/", "RemindersIn", REMINDERS, (), None),
        ("/settings/account/password", "PasswordChangeIn", PASSWORD_CHANGE, (), None),
        ("/settings/account/email", "EmailChangeIn", EMAIL_CHANGE, (), None),
        ("/checkins/new", "CheckInIn", CHECKIN, ("instrument", "tags.0"), DAILY_ITEMS),
        ("/treatments/new", "TreatmentIn", TREATMENT, SESSION_DAY, None),
        ("/reflections/new", "ReflectionIn", REFLECTION, ("tags.0",), None),
    ],
)
def test_signed_in_forms_state_the_api_limits(
    logged_in, openapi, url, schema_name, spec, api_only, controls_for
):
    """Every limit the API documents is the one the page's control states."""
    response = logged_in.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert compare(openapi, schema_name, spec, html, api_only, controls_for) == []


def test_a_wrong_limit_is_caught(openapi):
    """The comparison fails when a page states another limit (the test can fail)."""
    html = '<input name="label" maxlength="79"><input name="expires_in_days" min="1" max="90">'
    problems = compare(openapi, "ShareIn", SHARE, html)
    assert any("maxLength 80" in problem for problem in problems)
