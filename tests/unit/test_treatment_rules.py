"""Pure rules for sessions and reflections: validation, the due date and follow-up prompts."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.checkins.services import validated_due
from journal.errors import Invalid
from journal.reflections import rules as reflection_rules
from journal.treatments import rules

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 3, 10)


def body(**overrides) -> dict:
    """Return a valid session body for 9:30 in Chicago, two days before TODAY."""
    return {"started_at": "2026-03-08T09:30:00-05:00", "route": "iv", **overrides}


def problems(data: dict, today: date = TODAY) -> dict:
    """Return the field errors a session body gets (empty when it is valid)."""
    try:
        rules.clean_treatment(data, CHICAGO, today)
    except Invalid as exc:
        return exc.fields
    return {}


def test_minimal_session_is_cleaned():
    """Date and route alone make a session; the rest is None and it is not planned."""
    clean = rules.clean_treatment(body(), CHICAGO, TODAY)
    assert clean["local_date"] == date(2026, 3, 8)
    assert clean["started_at"] == datetime(2026, 3, 8, 14, 30, tzinfo=UTC)
    assert clean["planned"] is False
    assert clean["dose"] is clean["side_effects"] is clean["bp_before"] is None


def test_local_date_is_the_users_date_not_utc():
    """01:30 UTC on the 9th is still the 8th in Chicago."""
    clean = rules.clean_treatment(body(started_at="2026-03-09T01:30:00+00:00"), CHICAGO, TODAY)
    assert clean["local_date"] == date(2026, 3, 8)


def test_aware_datetime_is_accepted():
    """The HTML form passes an aware datetime rather than a string."""
    aware = datetime(2026, 3, 8, 9, 30, tzinfo=CHICAGO)
    assert rules.clean_treatment(body(started_at=aware), CHICAGO, TODAY)["started_at"] == aware


@pytest.mark.parametrize(
    "value",
    ["2026-03-08T09:30:00", "2026-03-08", "yesterday", None, 1741426200, "2026-13-01T00:00Z"],
)
def test_started_at_needs_an_iso_time_with_offset(value):
    """A naive time, a bare date, junk or a number is refused."""
    assert "started_at" in problems(body(started_at=value))


def test_naive_datetime_object_is_refused():
    """A naive datetime is refused even when passed directly."""
    assert "offset" in problems(body(started_at=datetime(2026, 3, 8, 9, 30)))["started_at"]


@pytest.mark.parametrize(
    ("started_at", "planned", "ok"),
    [
        ("2026-03-10T23:59:00-05:00", False, True),  # later today is today
        ("2026-03-11T09:00:00-05:00", False, False),  # tomorrow must be planned
        ("2026-03-11T09:00:00-05:00", True, True),
        ("2026-06-08T09:00:00-05:00", True, True),  # exactly 90 days ahead
        ("2026-06-09T09:00:00-05:00", True, False),  # 91 days ahead
        ("9999-12-31T23:00:00-05:00", True, False),
        ("1900-01-01T12:00:00-06:00", False, True),
        ("1899-12-31T12:00:00-06:00", False, False),
        ("0001-01-01T00:00:00-05:00", False, False),
        ("2020-01-01T09:00:00-06:00", True, True),  # a plan in the past is allowed
    ],
)
def test_when_a_session_may_be(started_at, planned, ok):
    """Up to today unplanned; up to 90 days ahead when planned; not before 1900."""
    assert ("started_at" not in problems(body(started_at=started_at, planned=planned))) is ok


def test_future_unplanned_message_says_what_to_do():
    """The refusal tells the person to mark the session as planned."""
    message = problems(body(started_at="2026-03-12T09:00:00-05:00"))["started_at"]
    assert "planned" in message


@pytest.mark.parametrize("planned", ["yes", 1, "true"])
def test_planned_must_be_boolean(planned):
    """planned is true or false, nothing else."""
    assert "planned" in problems(body(planned=planned))


@pytest.mark.parametrize("route", list(rules.ROUTES))
def test_every_route_is_accepted(route):
    """Each route on the list is valid (other with its label)."""
    assert problems(body(route=route, route_label="TMS")) == {}


@pytest.mark.parametrize("route", ["IV", "infusion", "", None, 3])
def test_unknown_route_is_refused(route):
    """Routes are the fixed list."""
    assert "route" in problems(body(route=route))


@pytest.mark.parametrize("label", [None, "", "   "])
def test_other_needs_a_label(label):
    """Route other needs a label saying what it was."""
    assert "route_label" in problems(body(route="other", route_label=label))


def test_route_label_is_trimmed_and_limited():
    """A label is trimmed and at most 80 characters."""
    clean = rules.clean_treatment(body(route="other", route_label="  ECT  "), CHICAGO, TODAY)
    assert clean["route_label"] == "ECT"
    assert "route_label" in problems(body(route="other", route_label="x" * 81))
    assert problems(body(route="other", route_label="x" * 80)) == {}


@pytest.mark.parametrize(
    ("dose", "unit", "field"),
    [
        (0, "mg", "dose"),
        (-1, "mg", "dose"),
        (1000.5, "mg", "dose"),
        (10.5, "mg/kg", "dose"),
        (float("nan"), "mg", "dose"),
        (float("inf"), "mg", "dose"),
        (True, "mg", "dose"),
        ("56", "mg", "dose"),
        (56, None, "dose_unit"),
        (56, "g", "dose_unit"),
        (None, "ml", "dose_unit"),
    ],
)
def test_bad_doses_are_refused(dose, unit, field):
    """A dose is a positive number below its unit's maximum, with a known unit."""
    assert field in problems(body(dose=dose, dose_unit=unit))


@pytest.mark.parametrize(
    ("dose", "unit"), [(1000, "mg"), (56, "mg"), (0.5, "mg/kg"), (10, "mg/kg")]
)
def test_doses_up_to_the_maximum_are_fine(dose, unit):
    """The maximum itself is allowed."""
    clean = rules.clean_treatment(body(dose=dose, dose_unit=unit), CHICAGO, TODAY)
    assert (clean["dose"], clean["dose_unit"]) == (float(dose), unit)


def test_dose_message_names_the_maximum():
    """The message says what the maximum is for the unit."""
    assert "10 mg/kg" in problems(body(dose=11, dose_unit="mg/kg"))["dose"]
    assert "1,000 mg" in problems(body(dose=1001, dose_unit="mg"))["dose"]


def test_unit_without_dose_is_dropped():
    """A unit alone says nothing and is not stored."""
    assert rules.clean_treatment(body(dose_unit="mg"), CHICAGO, TODAY)["dose_unit"] is None


def test_side_effects_keep_what_was_rated():
    """Rated side effects are kept; unrated (None) ones are left out."""
    effects = {"dissociation": 7, "nausea": "mild", "headache": None, "anxiety": "none"}
    clean = rules.clean_treatment(body(side_effects=effects), CHICAGO, TODAY)
    assert clean["side_effects"] == {"dissociation": 7, "nausea": "mild", "anxiety": "none"}


def test_empty_side_effects_are_none():
    """Nothing rated is stored as no side effects."""
    clean = rules.clean_treatment(body(side_effects={"nausea": None}), CHICAGO, TODAY)
    assert clean["side_effects"] is None


@pytest.mark.parametrize(
    ("effects", "field"),
    [
        ({"dissociation": 11}, "side_effects.dissociation"),
        ({"dissociation": -1}, "side_effects.dissociation"),
        ({"dissociation": 5.5}, "side_effects.dissociation"),
        ({"dissociation": True}, "side_effects.dissociation"),
        ({"dissociation": "mild"}, "side_effects.dissociation"),
        ({"nausea": "awful"}, "side_effects.nausea"),
        ({"nausea": 2}, "side_effects.nausea"),
        ({"sedation": "Severe"}, "side_effects.sedation"),
        ({"vertigo": "mild"}, "side_effects.vertigo"),
        (["nausea"], "side_effects"),
    ],
)
def test_bad_side_effects_are_refused(effects, field):
    """Dissociation is 0-10; the others none/mild/moderate/severe; no unknown keys."""
    assert field in problems(body(side_effects=effects))


@pytest.mark.parametrize(
    ("reading", "field"),
    [
        ({"systolic": 59, "diastolic": 40}, "bp_before.systolic"),
        ({"systolic": 261, "diastolic": 80}, "bp_before.systolic"),
        ({"systolic": 120, "diastolic": 29}, "bp_before.diastolic"),
        ({"systolic": 200, "diastolic": 161}, "bp_before.diastolic"),
        ({"systolic": 120.5, "diastolic": 80}, "bp_before.systolic"),
        ({"systolic": "120", "diastolic": 80}, "bp_before.systolic"),
        ({"systolic": 120}, "bp_before.diastolic"),
        ({"systolic": 80, "diastolic": 80}, "bp_before"),
        ({"systolic": 70, "diastolic": 90}, "bp_before"),
        ({"systolic": 120, "diastolic": 80, "pulse": 70}, "bp_before.pulse"),
        ("120/80", "bp_before"),
    ],
)
def test_bad_blood_pressure_is_refused(reading, field):
    """Systolic 60-260, diastolic 30-160, systolic above diastolic, both given."""
    assert field in problems(body(bp_before=reading))


def test_blood_pressure_limits_are_inclusive():
    """The range ends are allowed."""
    for reading in ({"systolic": 60, "diastolic": 30}, {"systolic": 260, "diastolic": 160}):
        assert problems(body(bp_after=reading)) == {}


def test_empty_blood_pressure_is_none():
    """Neither number given is no reading (the form sends both empty)."""
    reading = {"systolic": None, "diastolic": None}
    assert rules.clean_treatment(body(bp_after=reading), CHICAGO, TODAY)["bp_after"] is None


@pytest.mark.parametrize(
    ("field", "limit"), [("clinic", 200), ("intention", 5000), ("notes", 20000)]
)
def test_text_limits(field, limit):
    """Each text field has its limit, and the message gives it."""
    assert problems(body(**{field: "x" * limit})) == {}
    assert f"{limit:,}" in problems(body(**{field: "x" * (limit + 1)}))[field]


def test_every_problem_is_reported_at_once():
    """One refusal names every bad field, so a form can show them all."""
    fields = problems(
        body(route="x", dose=-1, dose_unit="mg", notes=5, bp_after={"systolic": 1, "diastolic": 1})
    )
    assert {"route", "dose", "notes", "bp_after.systolic"} <= set(fields)


def test_blank_text_is_none():
    """Whitespace-only text is stored as nothing."""
    clean = rules.clean_treatment(body(clinic="  ", notes="\n"), CHICAGO, TODAY)
    assert clean["clinic"] is clean["notes"] is None


def test_local_to_aware_uses_the_zone():
    """A wall-clock time in Chicago becomes the right instant."""
    aware = rules.local_to_aware(date(2026, 1, 15), time(9, 30), CHICAGO)
    assert aware.astimezone(UTC) == datetime(2026, 1, 15, 15, 30, tzinfo=UTC)


def test_local_to_aware_refuses_a_time_skipped_by_dst():
    """02:30 on the morning clocks go forward does not exist."""
    with pytest.raises(Invalid) as caught:
        rules.local_to_aware(date(2026, 3, 8), time(2, 30), CHICAGO)
    assert "started_at" in caught.value.fields


def test_has_happened():
    """Plans and future sessions do not count as taken."""
    assert rules.has_happened(False, TODAY, TODAY)
    assert not rules.has_happened(True, TODAY - timedelta(days=1), TODAY)
    assert not rules.has_happened(False, TODAY + timedelta(days=1), TODAY)


# The validated PHQ-9 / GAD-7 schedule.


def test_due_today_when_never_taken_and_no_session():
    """A new user is due now."""
    assert validated_due(None, None, TODAY) == TODAY


def test_due_14_days_after_last_taken():
    """Without sessions the questionnaire is every 14 days."""
    assert validated_due(date(2026, 3, 1), None, TODAY) == date(2026, 3, 15)


def test_a_later_session_restarts_the_clock():
    """A session after the last questionnaire moves the due date to 14 days after it."""
    assert validated_due(date(2026, 3, 1), date(2026, 3, 5), TODAY) == date(2026, 3, 19)


def test_an_earlier_session_does_not_move_it():
    """The later of the two counts."""
    assert validated_due(date(2026, 3, 5), date(2026, 3, 1), TODAY) == date(2026, 3, 19)


def test_never_taken_is_due_now_even_after_a_session():
    """Never taken, but a session logged: due now, so a baseline exists."""
    assert validated_due(None, date(2026, 3, 9), TODAY) == TODAY


def test_overdue_stays_in_the_past():
    """An overdue date is returned as is (the page says "due now")."""
    assert validated_due(date(2026, 1, 1), None, TODAY) == date(2026, 1, 15)


# Reflections.


def reflection_problems(data: dict) -> dict:
    """Return the field errors a reflection body gets (empty when it is valid)."""
    try:
        reflection_rules.clean_reflection(data, TODAY)
    except Invalid as exc:
        return exc.fields
    return {}


def reflection(**overrides) -> dict:
    """Return a valid reflection body."""
    return {"local_date": "2026-03-09", "text": "It was calm.", **overrides}


def test_tags_are_trimmed_lowercased_and_deduplicated():
    """Tags are normalised; repeats (after normalising) are dropped; order is kept."""
    errors: dict = {}
    tags = reflection_rules.REFLECTION.field("tags").clean(
        [" Sleep ", "family", "SLEEP", "work  life"], "tags", errors
    )
    assert (tags, errors) == (["sleep", "family", "work life"], {})


@pytest.mark.parametrize(
    ("tags", "field"),
    [
        (["x" * 41], "tags.0"),
        (["ok", "   "], "tags.1"),
        (["ok", 3], "tags.1"),
        (["a,b"], "tags.0"),
        ([f"t{n}" for n in range(21)], "tags"),
        ("sleep", "tags"),
    ],
)
def test_bad_tags_are_refused(tags, field):
    """At most 20 tags of 1 to 40 characters, without commas."""
    assert field in reflection_problems(reflection(tags=tags))


def test_twenty_tags_after_deduplication_are_fine():
    """The limit counts distinct tags."""
    tags = [f"t{n}" for n in range(20)] + ["T0", "t1"]
    assert reflection_problems(reflection(tags=tags)) == {}


def test_reflection_text_limit():
    """Free text is at most 20,000 characters; prompts 5,000 each."""
    assert reflection_problems(reflection(text="x" * 20000)) == {}
    assert "text" in reflection_problems(reflection(text="x" * 20001))
    assert "prompts.body" in reflection_problems(reflection(prompts={"body": "x" * 5001}))


def test_unknown_prompt_is_refused():
    """Only the five guided prompts exist."""
    assert "prompts.mood" in reflection_problems(reflection(prompts={"mood": "fine"}))


def test_reflection_needs_some_writing():
    """A reflection with neither prompts nor text is refused."""
    assert "text" in reflection_problems({"local_date": "2026-03-09", "tags": ["x"]})
    assert "text" in reflection_problems(reflection(text="  ", prompts={"body": ""}))
    assert reflection_problems(reflection(text=None, prompts={"action": "Walk"})) == {}


@pytest.mark.parametrize("local_date", ["2026-03-11", "1899-12-31", "soon", None])
def test_reflection_date_range(local_date):
    """Not after today, not before 1900, a real date."""
    assert "local_date" in reflection_problems(reflection(local_date=local_date))


def test_share_defaults_to_false_and_must_be_boolean():
    """Private unless asked; "yes" is not a boolean."""
    assert reflection_rules.clean_reflection(reflection(), TODAY)["share"] is False
    assert "share" in reflection_problems(reflection(share="yes"))


# Follow-up prompts.


def states(session_day: date, reflections: list[date], today: date) -> dict:
    """Return {prompt key: state}."""
    schedule = reflection_rules.prompt_schedule(session_day, reflections, today)
    return {prompt.key: prompt.state for prompt in schedule}


def test_prompts_on_the_day_of_a_session():
    """On the day only day 0 is open."""
    assert states(TODAY, [], TODAY) == {"day0": "open", "day1": "upcoming", "day7": "upcoming"}


def test_a_reflection_on_the_day_fulfils_day0_only():
    """Day 1 opens the next day even though day 0 was written."""
    day1 = TODAY + timedelta(days=1)
    assert states(TODAY, [TODAY], day1) == {"day0": "done", "day1": "open", "day7": "upcoming"}


def test_a_late_reflection_fulfils_earlier_prompts():
    """A reflection on day 7 settles day 0, day 1 and day 7."""
    day7 = TODAY + timedelta(days=7)
    assert set(states(TODAY, [day7], day7).values()) == {"done"}


def test_a_reflection_before_the_session_fulfils_nothing():
    """Writing before the session does not count as integration."""
    assert states(TODAY, [TODAY - timedelta(days=1)], TODAY)["day0"] == "open"


def test_prompts_lapse_after_a_week():
    """An unanswered prompt is open for 7 days, then lapses."""
    assert states(TODAY, [], TODAY + timedelta(days=6))["day0"] == "open"
    assert states(TODAY, [], TODAY + timedelta(days=7))["day0"] == "lapsed"
    assert states(TODAY, [], TODAY + timedelta(days=13))["day7"] == "open"
    assert states(TODAY, [], TODAY + timedelta(days=14))["day7"] == "lapsed"
