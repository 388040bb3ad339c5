"""Reference numbers come from one Redis counter per year, re-seeded from SQL when Redis forgot it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from redis import Redis

from ivr import db
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.reference import make_reference, sequence_of
from ivr.cases.service import NewCase, highest_sequence, open_case


def allocator(redis: Redis, sessions) -> ReferenceAllocator:  # type: ignore[no-untyped-def]
    def highest(year: int) -> int:
        with sessions() as session:
            return highest_sequence(session, year)

    return ReferenceAllocator(redis, highest, prefix="test:")


def test_numbers_count_up_per_year(redis, sessions):
    references = allocator(redis, sessions)
    assert [sequence_of(references.allocate(2026)) for _ in range(3)] == [1, 2, 3]
    assert sequence_of(references.allocate(2027)) == 1
    assert references.allocate(2027).startswith("27")


def test_a_forgotten_counter_continues_after_the_highest_case_in_sql(redis, sessions):
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=make_reference(2026, 41), service_code="noise", channel="web",
                                   opened_at=datetime(2026, 11, 24, tzinfo=UTC)))
    redis.delete("test:case-reference:2026")
    assert sequence_of(allocator(redis, sessions).allocate(2026)) == 42


def test_two_allocators_never_hand_out_the_same_number(redis, sessions):
    first, second = allocator(redis, sessions), allocator(redis, sessions)
    numbers = [a.allocate(2026) for _ in range(20) for a in (first, second)]
    assert len(set(numbers)) == 40


def test_redis_down_is_a_named_error(sessions):
    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with pytest.raises(ReferenceUnavailable):
        allocator(unreachable, sessions).allocate(2026)
    unreachable.close()


def test_the_same_purpose_always_gets_the_same_number(redis, sessions):
    """A retried webhook for the same voice message must not tell the caller a second number."""
    references = allocator(redis, sessions)
    first = references.allocate_once("message:CA1", 2026)
    assert references.allocate_once("message:CA1", 2026) == first
    assert allocator(redis, sessions).allocate_once("message:CA1", 2026) == first
    assert references.allocate_once("message:CA2", 2026) != first
