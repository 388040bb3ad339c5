"""/metrics: Prometheus text that parses and follows the floor's state."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from routing.calls import CallRequest
from tests.agents.login import log_in


def samples(app) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def test_metrics_follow_callers_and_agents(app) -> None:  # type: ignore[no-untyped-def]
    before = samples(app)
    assert before[("cityline_calls_waiting", (("queue", "potholes-en"),))] == 0
    assert before[("cityline_agents", (("state", "break"),))] == 0
    app.extensions["cityline"].router.enqueue(CallRequest("CA" + "a" * 32, "potholes", "en"))
    agent = log_in(app.test_client(), "alice", skills={"trash": 8})
    assert agent.post("/agents/api/me/state", json={"state": "break"}).status_code == 200
    after = samples(app)
    assert after[("cityline_calls_waiting", (("queue", "potholes-en"),))] == 1
    assert after[("cityline_agents", (("state", "break"),))] == 1
    assert ("cityline_jobs", (("state", "failed"),)) in after
    assert ("cityline_calls_in_progress", ()) in after



def test_metrics_are_a_503_when_redis_is_unreachable(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    assert services.router.ctx.connection is services.redis  # one client: breaking its pool breaks both
    dead = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(services.redis, "connection_pool", dead.connection_pool)
    assert app.test_client().get("/metrics").status_code == 503


def test_webhook_latency_is_a_histogram_counted_across_processes(app, twilio) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        answered = twilio.post("/voice/incoming")
        assert answered.status_code == 200
        answered.close()  # as every WSGI server does once the answer is sent: the sample is counted then
    other_app_process = samples(app)  # any process reads the counts every process wrote to Redis
    label = (("endpoint", "voice.incoming"),)
    assert other_app_process[("cityline_webhook_seconds_count", label)] == 3
    assert other_app_process[("cityline_webhook_seconds_bucket", (("endpoint", "voice.incoming"), ("le", "+Inf")))] == 3
    assert 0 < other_app_process[("cityline_webhook_seconds_sum", label)] < 3 * 15
    buckets = sorted((float(dict(labels)["le"]), value) for (name, labels), value in other_app_process.items()
                     if name == "cityline_webhook_seconds_bucket" and dict(labels)["endpoint"] == "voice.incoming")
    assert [value for _, value in buckets] == sorted(value for _, value in buckets)  # cumulative
