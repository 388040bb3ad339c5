"""Reading an agent API request's JSON body: an object, or a 400 that says so.

`request.get_json(silent=True) or {}` followed by `.get` turned a body of
`1`, `"x"` or `[1]` into a server error.  Endpoints call `json_object()` and
`text_field()` instead.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, make_response, request


def json_object() -> dict[str, Any]:
    """The body as a JSON object; anything else ends the request with 400 and a sentence."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        abort(make_response(jsonify(error="the request body must be a JSON object, like {\"state\": \"break\"}"),
                            400))
    return body


def text_field(body: dict[str, Any], name: str) -> str:
    """A string member of the body ('' when absent); a number, list or object there is a 400."""
    value = body.get(name, "")
    if not isinstance(value, str):
        abort(make_response(jsonify(error=f"{name} must be a string"), 400))
    return value
