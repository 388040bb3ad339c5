"""An Open311 api_key sent in the query string never reaches the access log (docs/operations.md)."""

from __future__ import annotations

import datetime
import logging
import shlex
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from ivr.launcher import ACCESS_LOG_FORMAT, gunicorn_command

KEY = "secret-open311-key-0123456789"


def _logged_line(log_format: str) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", log_format)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": f"/open311/v2/requests.json?api_key={KEY}",
               "PATH_INFO": "/open311/v2/requests.json", "QUERY_STRING": f"api_key={KEY}",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9"}
    response = SimpleNamespace(status="201 CREATED", sent=42, headers=[])
    atoms = Logger(config).atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(seconds=1))
    return log_format % atoms


def test_the_access_log_line_names_the_path_but_not_the_query():
    line = _logged_line(ACCESS_LOG_FORMAT)
    assert '"POST /open311/v2/requests.json HTTP/1.1" 201' in line
    assert KEY not in line
    assert KEY in _logged_line(Config().access_log_format)  # gunicorn's default would have written it


def test_both_ways_of_starting_gunicorn_use_that_format():
    assert ACCESS_LOG_FORMAT in gunicorn_command("127.0.0.1", 5000, 2, 32)
    web = next(line for line in Path("Procfile").read_text().splitlines() if line.startswith("web:"))
    assert shlex.split(web)[shlex.split(web).index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    logging.getLogger("gunicorn.access").handlers.clear()
