"""Domain exceptions raised by services, and the one handler that renders every error."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A service refused a request; the view turns it into a 4xx."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    """No such record for this user (another user's record is also 'not found')."""

    status = 404
    code = "not_found"


class Invalid(DomainError):
    """Input that breaks a rule; `fields` says which and why."""

    status = 422
    code = "invalid"


class Conflict(DomainError):
    """A stale revision or an occupied date; `current` is the server's copy."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current


def wants_json() -> bool:
    """Tell whether this request should get a JSON error rather than an HTML page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    """Build the one JSON error shape the API uses."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def flatten_messages(messages: dict, prefix: str = "") -> dict[str, str]:
    """Flatten webargs/marshmallow messages into {"field.sub": "message"}."""
    flat: dict[str, str] = {}
    for key, value in messages.items():
        # marshmallow reports a wrong-typed nested object under "_schema": name the field itself.
        name = prefix.rstrip(".") if key == "_schema" and prefix else f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_messages(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = " ".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat


def http_error_fields(error: HTTPException) -> dict[str, str]:
    """Pull field messages out of a webargs 422 (flask-smorest puts them in `data`)."""
    messages = getattr(error, "data", {}).get("messages", {})
    # webargs nests by location ("json", "query"); the location is noise for a client.
    merged: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            merged.update(location_messages)
        else:  # a message about the whole body, e.g. "Invalid JSON body."
            merged["body"] = location_messages
    return flatten_messages(merged)


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


def handle_http_exception(error: HTTPException):
    """Render an HTTP error as JSON for API clients and as a page for people."""
    status = error.code or 500
    code = HTTP_CODES.get(status, "error")
    message = error.description or error.name
    if status == 422:
        message = "Some fields need attention."
    elif status == 429:
        message = "Too many attempts. Please wait a few minutes and try again."
    elif error.__class__.__name__ == "CSRFError":
        code, message = "csrf_failed", "The form expired or the CSRF token is missing; reload."
    if wants_json():
        return jsonify(error_body(code, message, http_error_fields(error))), status
    return render_template("error.html", status=status, message=message), status


def handle_domain_error(error: DomainError):
    """Render a service's refusal."""
    extra = {"current": error.current} if isinstance(error, Conflict) else {}
    headers = {"Retry-After": str(error.retry_after)} if hasattr(error, "retry_after") else {}
    if wants_json():
        body = error_body(error.code, error.message, error.fields, **extra)
        return jsonify(body), error.status, headers
    page = render_template("error.html", status=error.status, message=error.message)
    return page, error.status, headers


def register_error_handlers(app: Flask) -> None:
    """Install the handlers; they replace flask-smorest's so every error has one shape."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
