"""Several OS processes route at once; the recorded reservations show nobody was ever double-assigned.

Each process has its own Redis connection to the test's database, enqueues
calls and works randomly chosen agents (accept, complete, become available),
so the same agent and the same call are raced for constantly.  Every
reservation is stamped from one Redis counter when offered and when it ends;
the test then checks that no agent and no call ever held two reservations
whose stamps overlap, and that every call was answered exactly once.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict

from routing.agents import AgentProfile
from routing.calls import CallStatus
from routing.config import config_from_mapping
from routing.router import Router
from routing.scripts import text
from routing.snapshots import decode_hash
from tests.routing import concurrency_worker
from tests.routing.conftest import CONFIG, PREFIX

PROCESSES = 4
CALLS_PER_PROCESS = 60
AGENTS = [f"agent{number:02d}" for number in range(10)]
RAW_CONFIG = {**CONFIG, "defaults": {**CONFIG["defaults"], "max_size": 1000}}


def test_no_agent_or_call_is_ever_double_assigned_across_processes(redis, redis_url):
    router = Router(redis, config_from_mapping(RAW_CONFIG), prefix=PREFIX)
    for number, agent_id in enumerate(AGENTS):
        skills = {"noise": 5, "trash": 5} if number % 2 else {"noise": 5} if number % 3 else {"trash": 5}
        router.register_agent(AgentProfile(agent_id, agent_id, skills, ("en",)))
    run_processes(redis_url)
    concurrency_worker.drain(router, AGENTS, time.monotonic() + 20)

    reservations = read_reservations(redis)
    assert_never_overlapping(reservations, "agent")
    assert_never_overlapping(reservations, "call")
    sids = [f"W{worker}-{number}" for worker in range(PROCESSES) for number in range(CALLS_PER_PROCESS)]
    accepted = defaultdict(list)
    for reservation in reservations:
        if reservation["status"] == "accepted":
            accepted[reservation["call"]].append(reservation["agent"])
    assert {sid: len(accepted[sid]) for sid in sids} == dict.fromkeys(sids, 1)
    assert all(router.call(sid).status is CallStatus.COMPLETED for sid in sids)
    answered = [record.sid for record in router.read_waits(count=10_000)]
    assert sorted(answered) == sorted(sids)


def run_processes(redis_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(PROCESSES)
    processes = [spawn.Process(target=concurrency_worker.run,
                               args=(redis_url, PREFIX, RAW_CONFIG, worker, CALLS_PER_PROCESS, AGENTS, start))
                 for worker in range(PROCESSES)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    codes = [process.exitcode for process in processes]
    for process in processes:
        process.close()
    assert codes == [0] * PROCESSES


def read_reservations(redis) -> list[dict[str, str]]:
    keys = list(redis.scan_iter(match=f"{PREFIX}reservation:*", count=1000))
    pipe = redis.pipeline(transaction=False)
    for key in keys:
        pipe.hgetall(text(key))
    return [decode_hash(raw) for raw in pipe.execute()]


def assert_never_overlapping(reservations: list[dict[str, str]], holder: str) -> None:
    """Per agent (or call), each reservation ends before the next one is offered."""
    spans = defaultdict(list)
    for reservation in reservations:
        end = reservation.get("closed_seq") or reservation.get("ended_seq")
        assert end, f"reservation {reservation['id']} never ended"
        spans[reservation[holder]].append((int(reservation["offered_seq"]), int(end), reservation["id"]))
    for owner, owned in spans.items():
        owned.sort()
        for (_, end, first), (start, _, second) in zip(owned, owned[1:], strict=False):
            assert end < start, f"{holder} {owner} held {first} and {second} at once"
