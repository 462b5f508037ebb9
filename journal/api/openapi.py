"""The OpenAPI document tells the truth: the real error body and every status an operation returns.

flask-smorest documents what its decorators see (a body's 422, the 200); the rest comes from
layers it cannot see (sign-in, CSRF, request limits, the record kernel's 404 and 409). Rather than
repeat those statuses on every view, `complete` adds them once, by rule, after every blueprint
is registered, so a new operation is documented the same way without remembering to.
"""

from http import HTTPStatus

from flask_smorest import Api
from marshmallow import Schema, fields

# Operations a client may call without signing in; every other operation can answer 401.
PUBLIC = {
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/reset-request"),
    ("post", "/api/v1/auth/reset"),
    ("get", "/api/v1/csrf"),
    ("get", "/api/v1/instruments"),
    ("get", "/api/v1/crisis"),
}
UNSAFE = {"post", "put", "patch", "delete"}
METHODS = UNSAFE | {"get"}


class ErrorDetail(Schema):
    """What went wrong: a stable code, a sentence for people and field paths with messages."""

    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "field path (e.g. 'answers.3', 'tags.0') -> message"},
    )
    current = fields.Dict(
        allow_none=True,
        metadata={"description": "409 only: the server's copy of the record, when there is one"},
    )


class ErrorBody(Schema):
    """The one error shape every API error has."""

    error = fields.Nested(ErrorDetail, required=True)


class JournalApi(Api):
    """flask-smorest's Api with the journal's real error body in its document."""

    ERROR_SCHEMA = ErrorBody


def statuses(method: str, path: str, operation: dict, parameters: list) -> dict[int, str]:
    """Return the error statuses an operation can answer, by rule, with why."""
    found = {
        400: "Malformed request: bad JSON, a NUL or lone surrogate in the query, or JSON "
        "nested too deep"
    }
    if (method, path) not in PUBLIC:
        found[401] = "Not signed in"
    if method in UNSAFE:
        found[400] += "; or the CSRF token (X-CSRFToken header) is missing or wrong"
    if "requestBody" in operation:
        found[413] = "Body larger than the server accepts"
        found[422] = "A field breaks a rule; `fields` names each"
    if operation.get("parameters"):
        found[422] = "A query parameter breaks a rule; `fields` names it"
    names = {p.get("name") for p in parameters + operation.get("parameters", [])}
    if "client_id" in names:
        found[404] = "No such record for this user"
        found[422] = found.get(422, "client_id is not a UUID")
    if names & {"share_id", "name", "session"}:
        found[404] = "Not found"
    if method == "put" and "client_id" in names:
        found[409] = "Stale base_revision or a taken date; `current` has the server copy"
    if path == "/api/v1/auth/login":
        found[429] = "Too many failed sign-ins from this address"
    return found


def complete(api: Api, chart_names: list[str]) -> None:
    """Add every error status, the error body, uuid client ids and the chart enum to the spec."""
    spec = api.spec
    spec.components.get_ref("response", "DEFAULT_ERROR")
    error_content = spec.components.responses["DEFAULT_ERROR"]["content"]
    for path, item in spec._paths.items():
        parameters = item.get("parameters", [])
        for parameter in parameters:
            if parameter.get("name") == "client_id":
                parameter["schema"] = {"type": "string", "format": "uuid"}
            elif parameter.get("name") == "name" and path.startswith("/api/v1/charts/"):
                parameter["schema"] = {"type": "string", "enum": list(chart_names)}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, why in statuses(method, path, operation, parameters).items():
                known = responses.get(str(status))
                description = (known or {}).get("description") or why
                if known is None or "$ref" in known or "content" not in known:
                    responses[str(status)] = {
                        "description": description or HTTPStatus(status).phrase,
                        "content": error_content,
                    }
