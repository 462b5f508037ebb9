"""Share links over JSON: make one (the only response with its URL), list, revoke."""

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from .. import paging
from ..accounts import events, web
from ..share import services
from . import require_login
from .schemas import PageQuery, ShareCreated, ShareIn, ShareList

bp = Blueprint("api_shares", __name__, url_prefix="/api/v1/shares", description="Share links")
bp.before_request(require_login)


@bp.route("", methods=["POST"])
@bp.arguments(ShareIn)
@bp.response(201, ShareCreated)
def create_share(body):
    """Make a share link; the response is the only place its URL (and token) appears."""
    link, token = services.create_share(current_user, body)
    events.record("share_created", current_user.id, share_id=str(link.id), **web.client())
    url = url_for("share.view", token=token, _external=True)
    return {**services.share_to_dict(link), "url": url}


@bp.route("", methods=["GET"])
@bp.arguments(PageQuery, location="query")
@bp.response(200, ShareList)
def list_shares(query):
    """List the user's share links, newest first, with their status and openings (follow `next`)."""

    def fetch(limit, after):
        return services.list_shares(current_user, limit=limit, after=after)

    return paging.respond("shares", services.SHARE_ORDER, query, fetch, services.share_to_dict)


@bp.route("/<int:share_id>", methods=["DELETE"])
@bp.response(204)
@bp.alt_response(404, description="No such share link")
def revoke_share(share_id):
    """Revoke a share link at once (it stays listed as revoked)."""
    services.revoke_share(current_user, share_id)
    events.record("share_revoked", current_user.id, share_id=str(share_id), **web.client())
