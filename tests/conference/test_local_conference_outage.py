"""The local phone network keeps its conferences in Redis: while Redis is away it says so (503), never a 500,
and the local caller in a conference carries on as it was until the network can answer again."""

from __future__ import annotations

import json

from ivr.app import create_app
from ivr.conference import conference_name
from ivr.local_caller.conference import ConferenceLine
from ivr.local_caller.flow import Fetch
from tests.conftest import CALL_SID, TwilioClient


def test_with_redis_away_the_local_conference_answers_503_and_asks_to_try_again(env):
    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0", "TELEPHONY": "local"})
    reply = TwilioClient(app.test_client()).post("/voice/local-conference",
                                                 {"ConferenceName": conference_name(CALL_SID)})
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "1"
    assert reply.get_json()["state"] == "unknown"
    app.extensions["cityline"].sql.dispose()


class Reply:
    def __init__(self, status: int, body: dict) -> None:
        self.status, self.body = status, json.dumps(body)


class Session:
    """What ConferenceLine asks of the call's session: where to post and what came back."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.endpoints = type("Endpoints", (), {"public": staticmethod(lambda path: f"http://localhost{path}")})()

    def request(self, fetch: Fetch) -> Reply:
        return self.replies.pop(0)


def test_the_local_caller_takes_a_503_as_a_pass_where_nothing_changed():
    line = ConferenceLine(Session([Reply(503, {"state": "unknown"}), Reply(200, {"state": "ended"})]),
                          caller=None, run_document=None, path="/voice/local-conference")  # type: ignore[arg-type]
    assert line._where("room") == {"state": "unknown"}
    assert line._where("room") == {"state": "ended"}
