"""Reflections over JSON (the shared record API); `session` keeps those of one session."""

from flask_login import current_user

from ..errors import NotFound
from ..reflections import services
from .records import record_blueprint
from .schemas import ReflectionIn, ReflectionList, ReflectionOut, ReflectionQuery


def list_items(query: dict, **page) -> list:
    """Return the reflections the query asks for; an unknown session is a 404."""
    treatment = None
    if query["session"] is not None:
        treatment = services.find_session(current_user, query["session"])
        if treatment is None:
            raise NotFound(services.NO_SUCH_SESSION)
    return services.list_reflections(current_user, query["from_"], query["to"], treatment, **page)


bp = record_blueprint(
    services.KIND,
    "reflections",
    "Reflections",
    {"in": ReflectionIn, "out": ReflectionOut, "list": ReflectionList, "query": ReflectionQuery},
    list_items,
    "List reflections by date, oldest first, a page at a time (follow `next`); `session` keeps "
    "those linked to one session.",
)
