"""Declarations: a body's fields in order, the one place its rules, schemas and forms come from."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Invalid
from .base import Field


@dataclass(frozen=True)
class Output:
    """A response-only field: its schema and how to read it from a row."""

    schema: dict
    read: Callable


@dataclass(frozen=True)
class BodySpec:
    """What a person may send in one form or API body, declared once.

    From it come the check (`clean`, `validate`), the request and response JSON Schema
    (`input_schema`, `output_schema`, `required`), a form control's limits and choices
    (`attrs`, `choices`) and which form control shows an error (`form_field`).
    """

    name: str
    fields: dict
    # Response-only fields (computed, or shown differently from how they are stored).
    outputs: dict = field(default_factory=dict)
    # Input fields the response leaves out or shows through `outputs` instead.
    hidden: tuple = ()
    # Partial (a PATCH): only the fields given are checked and returned.
    partial: bool = False
    message: str = "Some fields need attention."

    def clean(self, data: dict, errors: dict) -> dict:
        """Check every field; return the values (errors are collected, not raised)."""
        if self.partial:
            return {
                name: spec.clean_given(data[name], name, errors)
                for name, spec in self.fields.items()
                if name in data
            }
        return {
            name: spec.clean(data.get(name), name, errors) for name, spec in self.fields.items()
        }

    def validate(self, data: object, errors: dict | None = None) -> dict:
        """Return the checked values, or raise Invalid naming every bad field.

        `errors` may carry problems found before (a rule spanning fields) to raise with them.
        """
        errors = {} if errors is None else errors
        if not isinstance(data, dict):
            raise Invalid("Send a JSON object.", {"body": "Send a JSON object."})
        values = self.clean(data, errors)
        if errors:
            raise Invalid(self.message, errors)
        return values

    def dump(self, row) -> dict:
        """Return a row's (or a dict's) fields through the allowlist, in declaration order."""
        read = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        shown = {
            name: spec.dump(read(name))
            for name, spec in self.fields.items()
            if name not in self.hidden and name not in self.outputs
        }
        return {**shown, **{name: out.read(row) for name, out in self.outputs.items()}}

    def output_names(self) -> list[str]:
        """Return the response's own field names (without fields shared by every record)."""
        names = [n for n in self.fields if n not in self.hidden and n not in self.outputs]
        return names + list(self.outputs)

    def input_schema(self) -> dict:
        """Return JSON Schema properties for a request body."""
        return {name: spec.json_schema() for name, spec in self.fields.items()}

    def output_schema(self) -> dict:
        """Return JSON Schema properties for a response body."""
        found = {
            name: spec.json_schema()
            for name, spec in self.fields.items()
            if name not in self.hidden and name not in self.outputs
        }
        return {**found, **{name: dict(out.schema) for name, out in self.outputs.items()}}

    def required(self) -> list[str]:
        """Return the names a request must carry."""
        return [name for name, spec in self.fields.items() if spec.required]

    def vocabulary(self) -> dict:
        """Describe the fields to the offline JavaScript."""
        return {name: spec.vocabulary() for name, spec in self.fields.items()}

    def attrs(self, name: str) -> dict:
        """Return one field's (or 'group.key' sub-field's) form limits, and `required`."""
        found = self.field(name)
        return {**found.form_attrs(), **({"required": True} if found.required else {})}

    def choices(self, name: str) -> list[tuple[str, str]]:
        """Return a choice field's (key, label) pairs for a select or radio group."""
        return self.field(name).choices()

    def field(self, name: str) -> Field:
        """Return one field by name, or a sub-field by a dotted path ('group.key')."""
        head, *rest = name.split(".")
        found = self.fields[head]
        for key in rest:
            found = found.sub(key)
        return found

    def form_field(self, path: str) -> str:
        """Return the form control that shows an error about `path` ('schedules.gad7.every_days').

        The deepest declared field on the path names it: its `form`, else its own name; a path
        through unknown keys stops at the last field that is declared.
        """
        head, *rest = path.split(".")
        found, name = self.fields.get(head), head
        for key in rest:
            if found is None or found.sub(key) is None:
                break
            found = found.sub(key)
            name = key if not key.isdigit() else name
        if found is not None and found.form:
            return found.form.split()[0]
        return name


class RecordSpec(BodySpec):
    """A synced record kind's fields (check-in, session, reflection): a whole-body declaration."""

    def attrs(self, name: str) -> dict:
        """Return one field's form attributes (record forms mark required fields themselves)."""
        return self.field(name).form_attrs()
