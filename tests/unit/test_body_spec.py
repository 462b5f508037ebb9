"""BodySpec, without Flask: partial bodies, lists of entries, error paths and form controls."""

import pytest

from journal.errors import Invalid
from journal.fields import BodySpec, Boolean, Choice, Group, Integer, ListOf, Text

# The shape a later declaration (a safety plan) needs: short texts and {name, phone} entries.
PLAN = BodySpec(
    name="plan",
    fields={
        "signs": ListOf(item=Text(max_length=10), max_items=3),
        "contacts": ListOf(
            item=Group(
                fields={"name": Text(required=True, max_length=20), "phone": Text(max_length=5)},
                form="contacts",
            ),
            max_items=2,
        ),
    },
)
PATCH = BodySpec(
    name="patch",
    partial=True,
    fields={
        "theme": Choice(options={"light": "Light", "dark": "Dark"}, nullable=False),
        "region": Choice(options={"UK": "UK"}, unset=("", "auto")),
        "every": Integer(minimum=7, maximum=90, message="Choose {minimum} to {maximum} days."),
        "switches": Group(
            fields={"on": Boolean(nullable=False, form="switch_on")}, partial=True, nullable=False
        ),
    },
)


def test_lists_of_texts_and_entries_name_each_bad_item():
    """Each item is checked under its index; blank texts drop out; too many is one error."""
    body = {"signs": ["tired", " ", "x" * 11], "contacts": [{"name": "Ann"}, {"phone": "123456"}]}
    with pytest.raises(Invalid) as caught:
        PLAN.validate(body)
    assert set(caught.value.fields) == {"signs.2", "contacts.1.name", "contacts.1.phone"}
    good = PLAN.validate({"signs": ["tired", " "], "contacts": [{"name": "Ann", "phone": "1"}]})
    assert good == {"signs": ["tired"], "contacts": [{"name": "Ann", "phone": "1"}]}
    with pytest.raises(Invalid) as caught:
        PLAN.validate({"signs": ["a"] * 4})
    assert set(caught.value.fields) == {"signs"}


def test_a_partial_body_checks_only_what_is_given():
    """Left out is unchanged; null only where allowed; unset values mean 'not given'."""
    assert PATCH.validate({}) == {}
    assert PATCH.validate({"region": "auto", "switches": {}}) == {"region": None, "switches": {}}
    with pytest.raises(Invalid) as caught:
        PATCH.validate({"theme": None, "every": 3, "switches": {"on": None, "off": True}})
    assert caught.value.fields == {
        "theme": "Choose one of: light, dark.",
        "every": "Choose 7 to 90 days.",
        "switches.on": "Must be true or false.",
        "switches.off": "Not a field this journal records.",
    }


def test_error_paths_name_their_form_control():
    """The deepest declared field names the control: its `form`, else its own name."""
    assert PATCH.form_field("switches.on") == "switch_on"
    assert PATCH.form_field("switches.off") == "switches"
    assert PATCH.form_field("every") == "every"
    assert PLAN.form_field("contacts.1.phone") == "phone"
    assert PLAN.form_field("signs.0") == "signs"


def test_forms_and_schemas_come_from_the_declaration():
    """Limits reach both the form attributes and the JSON Schema; unset values are listed."""
    assert PATCH.attrs("every") == {"min": 7, "max": 90, "inputmode": "numeric"}
    assert PATCH.field("region").json_schema()["enum"] == ["", "auto", "UK"]
    assert PLAN.input_schema()["contacts"]["items"]["required"] == ["name"]
    assert PATCH.input_schema()["switches"]["properties"]["on"] == {"type": "boolean"}
