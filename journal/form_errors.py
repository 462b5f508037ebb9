"""How a page shows a service's refusal: each message next to its form field, and a 422."""

from collections.abc import Callable

from .errors import Invalid


def show_service_errors(form, exc: Invalid, field_for: Callable[[str], str | None]) -> None:
    """Put each field error from the service beside the form field that carries it."""
    for name, message in exc.fields.items():
        field = form._fields.get(field_for(name))
        (field.errors if field is not None else form.form_errors).append(message)


def form_status(form) -> int:
    """Return 422 for a form that carries errors (so tests and tools see it failed), else 200."""
    return 422 if form.errors or form.form_errors else 200
