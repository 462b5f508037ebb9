"""WTForms controls made from a declaration (journal.fields): label, limits and choices.

A page says only how a field looks (a radio group instead of a select, an autocomplete hint);
what it accepts comes from the same declaration the service and the API check with.
"""

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired

from .fields import BodySpec

# The WTForms control for each field type (by `Field.kind`); anything else is a text box.
CONTROLS = {
    "boolean": BooleanField,
    "date": DateField,
    "email": EmailField,
    "integer": IntegerField,
    "secret": PasswordField,
}


def control(
    spec: BodySpec,
    name: str,
    label: str | None = None,
    radio: bool = False,
    typed: bool = False,
    before: tuple = (),
    default: object = None,
    **render_kw,
):
    """Return the form control for a declared field.

    A choice is a select (`radio`: a radio group; `typed`: a text box, say with a datalist, for
    hundreds of options); `before` puts (key, label) choices first.

    Required fields get InputRequired, so an empty form is a 422 before the service runs; a
    page may say otherwise (`required=True` or False).
    """
    declared = spec.field(name)
    options = common_options(spec, name, label, render_kw)
    if default is not None or declared.default is not None:
        options["default"] = declared.default if default is None else default
    if declared.kind == "choice" and not typed:
        pairs = (*before, *declared.choices())
        options["choices"] = [SelectChoice(key, text) for key, text in pairs]
        return (RadioField if radio else SelectField)(**options)
    return CONTROLS.get(declared.kind, StringField)(**options)


def common_options(spec: BodySpec, name: str, label: str | None, render_kw: dict) -> dict:
    """Return the label, HTML limits and validators every control of a declared field takes."""
    declared = spec.field(name)
    must = render_kw.pop("required", declared.required)
    # WTForms writes `required` itself for fields with InputRequired.
    attrs = {key: value for key, value in spec.attrs(name).items() if key != "required"}
    return {
        "label": label or declared.label or name,
        "render_kw": {**attrs, **render_kw},
        "validators": [InputRequired()] if must else [],
    }


def controls(spec: BodySpec, looks: dict, skip: tuple = ()) -> dict:
    """Return a control for every top-level field of a declaration (`looks`: name -> options)."""
    return {
        name: control(spec, name, **looks.get(name, {})) for name in spec.fields if name not in skip
    }
