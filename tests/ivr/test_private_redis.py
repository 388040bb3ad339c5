"""`cityline run` starts its own Redis when none is configured."""

from __future__ import annotations

from pathlib import Path

from redis import Redis

from ivr.private_redis import start_private_redis


def test_a_private_redis_starts_from_a_relative_folder_and_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    process, url = start_private_redis(Path("var") / "redis")
    try:
        with Redis.from_url(url) as client:
            assert client.ping() is True
        assert url.startswith("redis://127.0.0.1:")
        assert (tmp_path / "var" / "redis" / "redis.log").exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
