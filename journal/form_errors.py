"""How a page shows a service's refusal: each message next to its form field, and a 422.

Every form uses `show_service_errors`; a declaration (`BodySpec.form_field`) says which control
shows an error about a field path, so no page keeps its own map.
"""

from collections.abc import Callable

from .errors import DomainError


def identity(name: str) -> str:
    """Return the error's own name: the form control is named like the field."""
    return name


def show_service_errors(
    form, exc: DomainError, field_for: Callable[[str], str | None] = identity
) -> int:
    """Put each field error beside the control that carries it; return the status to answer.

    A message about no control (or a refusal without field errors) goes above the form.
    """
    # WTForms keeps these as tuples until the form is validated.
    form.form_errors = list(form.form_errors)
    for name, message in exc.fields.items():
        field = form._fields.get(field_for(name) or "")
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
    if not exc.fields:
        form.form_errors.append(exc.message)
    return exc.status


def form_status(form) -> int:
    """Return 422 for a form that carries errors (so tests and tools see it failed), else 200."""
    return 422 if form.errors or form.form_errors else 200
