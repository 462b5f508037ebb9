"""One JSON API shape for every synced record: idempotent PUT by client id, list, read, delete."""

from collections.abc import Callable

from flask_login import current_user
from flask_smorest import Blueprint

from .. import paging, records
from . import require_login


def record_blueprint(
    kind: records.RecordKind,
    plural: str,
    title: str,
    schemas: dict,
    list_items: Callable[..., list],
    list_help: str,
) -> Blueprint:
    """Return the API blueprint for one record kind (the views commit; services never do).

    `list_items(query, limit=, after=)` returns up to `limit` rows after a cursor's sort key.
    """
    noun = kind.noun
    # Instances, not classes: given a class, webargs builds a new schema for every request.
    body_schema, query_schema = schemas["in"](), schemas["query"]()
    bp = Blueprint(f"api_{plural}", __name__, url_prefix=f"/api/v1/{plural}", description=title)
    bp.before_request(require_login)

    @bp.route("")
    @bp.arguments(query_schema, location="query")
    @bp.response(200, schemas["list"])
    @documented(list_help)
    def list_all(query):
        order = kind.order(kind.model)

        def fetch(limit, after):
            return list_items(query, limit=limit, after=after)

        return paging.respond(plural, order, query, fetch, kind.to_dict)

    @bp.route("/<client_id>", methods=["PUT"])
    @bp.arguments(body_schema)
    @bp.response(200, schemas["out"])
    @bp.alt_response(201, schema=schemas["out"], description="Created")
    @bp.alt_response(409, description="Stale base_revision or a taken date; has the server copy")
    @documented(f"Create or update a {noun}; repeating the same body changes nothing.")
    def put(body, client_id):
        row, created = records.upsert(kind, current_user, client_id, body)
        return kind.to_dict(row), 201 if created else 200

    @bp.route("/<client_id>", methods=["GET"])
    @bp.response(200, schemas["out"])
    @documented(f"Return one {noun}.")
    def read(client_id):
        return kind.to_dict(records.get(kind, current_user, client_id))

    @bp.route("/<client_id>", methods=["DELETE"])
    @bp.response(204)
    @documented(f"Delete a {noun}.")
    def remove(client_id):
        records.delete(kind, current_user, client_id)

    return bp


def documented(summary: str) -> Callable:
    """Give a generated view its docstring, which becomes the OpenAPI summary."""

    def decorate(view: Callable) -> Callable:
        view.__doc__ = summary
        return view

    return decorate
