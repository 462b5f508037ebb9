"""The field every declared input is: how to check it, show it in JSON, and limit a form."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One input field: how to check it, how to show it in JSON and in a form."""

    required: bool = False
    description: str = ""
    # The form control(s) that carry this field, when its name differs from the field's.
    form: str | None = None
    # Whether an explicit null is allowed (None: allowed unless the field is required).
    nullable: bool | None = None
    # What a field left out stores (and the OpenAPI default); None is 'nothing'.
    default: object = None
    # The form control's label; the form may give its own.
    label: str = ""
    example: object = None

    def clean(self, value: object, path: str, errors: dict) -> object:
        """Return the stored value, or note an error under `path` (None is 'not given')."""
        if value is None:
            if self.required:
                errors[path] = self.missing
            return self.empty
        return self.check(value, path, errors)

    def clean_given(self, value: object, path: str, errors: dict) -> object:
        """Check a value a partial body gave: an explicit null only where null is allowed."""
        if value is None and not self.allows_null:
            # The type's own message says what to give instead.
            return self.check(value, path, errors)
        return self.clean(value, path, errors)

    @property
    def allows_null(self) -> bool:
        """Tell whether null is a value this field takes."""
        return not self.required if self.nullable is None else self.nullable

    @property
    def missing(self) -> str:
        """Say what to give when a required field is absent."""
        return "This field is required."

    @property
    def empty(self) -> object:
        """Return what a field left out stores."""
        return self.default

    def check(self, value: object, path: str, errors: dict) -> object:
        """Check a given value (subclasses say how)."""
        return value

    def dump(self, value: object) -> object:
        """Return a stored value as JSON."""
        return value

    def json_schema(self) -> dict:
        """Return the field as a JSON Schema property for the OpenAPI document."""
        schema = {**self.schema()}
        if self.description:
            schema["description"] = self.description
        if self.allows_null:
            schema["nullable"] = True
        if self.default is not None:
            schema["default"] = self.default
        if self.example is not None:
            schema["example"] = self.example
        return schema

    def schema(self) -> dict:
        """Return the type-specific part of the JSON Schema."""
        return {}

    def form_attrs(self) -> dict:
        """Return HTML attributes that state the same limits in the form."""
        return {}

    def vocabulary(self) -> dict:
        """Describe the field to the offline JavaScript (type and form control names)."""
        return {"type": self.kind, **({"input": self.form} if self.form else {})}

    def sub(self, key: str) -> "Field | None":
        """Return a sub-field by name (None: this field has none by that name)."""
        return None

    kind = "raw"
