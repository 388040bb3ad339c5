"""What the routing benchmarks share: a Redis to run against, key clean-up, round-trip counting, percentiles.

Each benchmark runs against `--redis-url` when given, otherwise against a
private redis-server started for the run (ivr.private_redis) and stopped at
the end.  Everything it writes lives under one random prefix that is deleted
when it finishes, so pointing it at a shared Redis leaves nothing behind.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.connection import Connection

from ivr.private_redis import start_private_redis


class CountingConnection(Connection):
    """Counts requests sent to Redis: one per command, pipeline or script call (a round trip each)."""

    sent = 0

    def send_packed_command(self, command, check_health=True):  # type: ignore[no-untyped-def]
        CountingConnection.sent += 1
        super().send_packed_command(command, check_health)


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--redis-url", help="Redis to run against (default: a private redis-server for this run)")
    return parser.parse_args()


@contextmanager
def bench_redis(url: str | None) -> Iterator[tuple[Redis, str]]:
    """A counting Redis client and a fresh key prefix; the prefix's keys are deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="cityline-bench-") as workdir:
        process = None
        if url is None:
            process, url = start_private_redis(Path(workdir))
        client = Redis.from_url(url, connection_class=CountingConnection)
        prefix = f"bench:{uuid.uuid4().hex[:8]}:"
        try:
            yield client, prefix
        finally:
            delete_prefix(client, prefix)
            client.close()
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def delete_prefix(client: Redis, prefix: str) -> None:
    batch = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            client.unlink(*batch)
            batch.clear()
    if batch:
        client.unlink(*batch)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
