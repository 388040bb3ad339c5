"""Hold-time records and queue statistics, and the announcement a waiting caller hears."""

from __future__ import annotations

from routing.calls import CallRequest
from tests.routing.conftest import T0, staff


def test_every_wait_is_recorded_with_what_was_announced(router):
    staff(router, "ann", {"noise": 5})
    router.accept(router.enqueue(CallRequest("CA0", "noise", "en"), now=T0).offer.id, now=T0 + 1)
    router.enqueue(CallRequest("CA1", "noise", "en"), now=T0 + 2)
    second = router.enqueue(CallRequest("CA2", "noise", "en", priority=3), now=T0 + 5)
    router.complete("CA0", now=T0 + 20)
    [offer] = router.set_agent_state("ann", "available", now=T0 + 30)
    router.accept(offer.id, now=T0 + 33)
    router.abandon("CA1", now=T0 + 40)
    _, answered, abandoned = router.read_waits()
    assert (answered.sid, answered.outcome, answered.priority, answered.waited) == ("CA2", "answered", 3, 28.0)
    assert answered.position == 1  # priority 3 went ahead of CA1
    assert answered.estimate == round(second.estimate.seconds, 1) > 0
    assert (abandoned.sid, abandoned.outcome, abandoned.position) == ("CA1", "abandoned", 1)
    assert router.read_waits(after=answered.id) == [abandoned]


def test_the_record_stream_is_capped(make_router):
    from tests.routing.conftest import CONFIG

    router = make_router({**CONFIG, "records": {"waits_cap": 10}})
    for number in range(300):
        router.enqueue(CallRequest(f"CA{number}", "noise", "en", ), now=T0 + number)
        router.abandon(f"CA{number}", now=T0 + number + 1)
    assert len(router.read_waits(count=1000)) < 300  # trimmed approximately, never unbounded


def test_queue_statistics_follow_recent_outcomes(router):
    staff(router, "ann", {"noise": 5}, free_at=None)
    for number in range(4):
        router.enqueue(CallRequest(f"CA{number}", "noise", "en"), now=T0 + number)
    router.abandon("CA0", now=T0 + 20)
    offers = router.set_agent_state("ann", "available", now=T0 + 31)
    router.accept(offers[0].id, now=T0 + 31)
    stats = router.queue_stats("noise", "en")
    assert (stats.waiting, stats.staffed, stats.available) == (2, 1, 0)
    assert stats.abandon_rate == 0.5
    assert stats.median_answered_wait == 30.0


def test_the_announcement_follows_the_caller_up_the_line(router):
    staff(router, "ann", {"noise": 5}, free_at=None)
    for number in range(4):
        router.enqueue(CallRequest(f"CA{number}", "noise", "en"), now=T0 + number)
    router.set_agent_state("ann", "available", now=T0 + 10)  # takes CA0: one agent staffed, busy
    # 3 handle times of 240 s to go with one agent: the 80th percentile is 17.1 minutes, said as 20
    assert router.announcement("CA3", "en", now=T0 + 11) == "You are number 3 in line; the wait is about 20 minutes."
    router.abandon("CA1", now=T0 + 12)
    assert router.announcement("CA3", "es", now=T0 + 13) == (
        "Usted es el número 2 en la fila; la espera es de aproximadamente 15 minutos.")


def test_a_new_caller_can_be_told_the_wait_before_joining(router):
    assert router.estimate("noise", "en") is None  # nobody staffed
    staff(router, "ann", {"noise": 5})
    assert router.estimate("noise", "en").minutes == 0
