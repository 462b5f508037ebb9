"""Checks on the raw request that run before any view, CSRF check or body parser.

A request that no field rule would ever accept is refused here, once, with a 4xx: JSON nested
deeper than any record needs, and NUL bytes or lone surrogates anywhere in the query string,
form fields or JSON strings; a path argument with one matches no route (a 404). Field rules
(journal.fields) still check every value they read; this layer keeps shapes that crash parsers
or databases from reaching them at all.
"""

import json

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

from .errors import Invalid
from .fields import text_problem

MAX_JSON_DEPTH = 32
# Endpoints that take a bigger upload than MAX_CONTENT_LENGTH allows elsewhere (an import's
# file), and their own cap; every other request keeps the small one.
UPLOAD_CAPS = {
    "api_imports.create_import": 20 * 1024 * 1024 + 64 * 1024,
    "imports.upload": 20 * 1024 * 1024 + 64 * 1024,
}
# The largest id a URL may carry: PostgreSQL's INTEGER; a 64-bit or larger number is no row.
MAX_ID = 2**31 - 1


class CappedIntConverter(IntegerConverter):
    """`<int:...>` that matches only ids a database column can hold (larger ones are a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# Characters no stored id, token or name holds: PostgreSQL refuses a NUL in any text parameter.
UNSTORABLE_IN_PATH = "\\x00\\ud800-\\udfff"


class TextConverter(UnicodeConverter):
    """`<name>`, `<string:name>` that never match a NUL or a lone surrogate (a 404, not a 500)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", f"[^/{UNSTORABLE_IN_PATH}]", 1)


class TextPathConverter(PathConverter):
    """`<path:name>` with the same refusal of NUL and lone surrogates."""

    regex = f"[^/{UNSTORABLE_IN_PATH}][^{UNSTORABLE_IN_PATH}]*?"


def check_strings(values, where: str) -> None:
    """Refuse (400) a query string or form with a NUL byte or a lone surrogate."""
    for key, value in values.items(multi=True):
        if key is None:
            # A multipart part without a name: nothing could read it (Flask-WTF's CSRF check
            # would even fail on it), so it is refused as malformed.
            abort(400, description=f"The {where} has a part without a name.")
        if text_problem(key) or (isinstance(value, str) and text_problem(value)):
            abort(400, description=f"The {where} has a character that cannot be stored ({key!r}).")


def json_problems(document) -> tuple[bool, dict[str, str]]:
    """Walk parsed JSON without recursion: return (too deep, {path: problem in a string})."""
    problems: dict[str, str] = {}
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True, problems
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (problem := text_problem(key)):
                    problems[name] = problem
                stack.append((item, name, depth + 1))
        elif isinstance(value, str) and (problem := text_problem(value)):
            problems[path or "body"] = problem
    return False, problems


def check_json() -> None:
    """Refuse JSON nested too deep (400) or carrying unstorable text (422 naming the field)."""
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        document = json.loads(data)
    except RecursionError:
        abort(400, description=f"JSON nested more than {MAX_JSON_DEPTH} levels deep.")
    except ValueError:
        return  # malformed JSON: the body parser answers 400 with its own message
    too_deep, problems = json_problems(document)
    if too_deep:
        abort(400, description=f"JSON nested more than {MAX_JSON_DEPTH} levels deep.")
    if problems:
        raise Invalid("Some fields need attention.", problems)


def check_request() -> None:
    """Refuse a malformed request before any view or CSRF check does work on it."""
    if (cap := UPLOAD_CAPS.get(request.endpoint)) is not None:
        # Set before anything reads the body: the form parser enforces it (413 past it).
        request.max_content_length = cap
    check_strings(request.args, "address")
    if request.is_json:
        check_json()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        check_strings(request.form, "form")


def init_app(app: Flask) -> None:
    """Cap integer URL parts and run the checks first among the before-request hooks."""
    app.url_map.converters["int"] = CappedIntConverter
    for name in ("default", "string"):
        app.url_map.converters[name] = TextConverter
    app.url_map.converters["path"] = TextPathConverter
    # First in the list: Flask-WTF's CSRF hook would otherwise read the form before us.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
