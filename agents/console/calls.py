"""On the call: the city directory an agent reads numbers from (and transfers callers to).

The call controls themselves (hold, mute, transfers, interpreter) are
agents/console/call_controls.py; see docs/agents.md "During a call".
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from agents.auth import console_login
from agents.console.directory import InvalidDirectory, read_directory, search

bp = Blueprint("agents_calls", __name__, url_prefix="/agents", static_folder="static",
               static_url_path="/static/call-tools")


@bp.get("/api/directory")
@console_login
def directory() -> ResponseReturnValue:
    """City departments matching every word of `q` (all of them without one)."""
    try:
        departments = read_directory()
    except InvalidDirectory as error:
        current_app.logger.error("directory: %s", error)
        return jsonify(error="The city directory file is invalid; an administrator must fix it."), 503
    found = search(departments, request.args.get("q", "")[:100])
    return jsonify(departments=[{"id": d.id, "names": d.names, "number": d.number, "hours": d.hours,
                                 "keywords": list(d.keywords)} for d in found])
