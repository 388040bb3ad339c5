"""A Redis primary, a replica and three sentinels on loopback free ports, for failover tests.

Started from the redis-server on PATH (`redis-server sentinel.conf --sentinel`) in a temporary
directory, nothing kept on disk, and killed at the end.  Never the machine's shared Redis.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError

from ivr.private_redis import find_redis_server, free_port

SERVICE = "mymaster"
#: How long the sentinels wait before they call a silent primary down (a production value is 5-30 s).
DOWN_AFTER_MS = 1000


class SentinelSet:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir.resolve()
        self.ports = {"primary": free_port(), "replica": free_port()}
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def sentinels(self) -> str:
        """The REDIS_SENTINELS value for these sentinels."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def start(self) -> None:
        primary, replica = self.ports["primary"], self.ports["replica"]
        self._server(primary)
        self._server(replica, "--replicaof", "127.0.0.1", str(primary))
        self._wait(lambda: _info(replica, "replication").get("master_link_status") == "up", "the replica to sync")
        for port in self.sentinel_ports:
            conf = self.workdir / f"sentinel-{port}.conf"
            conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {self.workdir}\n"
                            f"sentinel monitor {SERVICE} 127.0.0.1 {primary} 2\n"
                            f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}\n"
                            f"sentinel failover-timeout {SERVICE} 4000\n"
                            f"sentinel parallel-syncs {SERVICE} 1\n")
            self._spawn(port, [str(conf), "--sentinel"])
        self._wait(self._sentinels_agree, "the sentinels to find the replica and each other")

    def stop(self) -> None:
        for process in self.processes.values():
            process.kill()
            process.wait(timeout=10)
        self.processes.clear()

    def primary_port(self) -> int:
        with Redis(port=self.sentinel_ports[0], socket_timeout=1) as sentinel:
            _host, port = sentinel.sentinel_get_master_addr_by_name(SERVICE)
        return int(port)

    def failover(self) -> int:
        """A switch an operator asks for (SENTINEL FAILOVER): the old primary becomes a replica.  The new port."""
        old = self.primary_port()
        with Redis(port=self.sentinel_ports[0], socket_timeout=2) as sentinel:
            sentinel.execute_command("SENTINEL FAILOVER", SERVICE)
        return self._wait_for_new_primary(old)

    def kill_primary(self) -> int:
        """The primary dies (SIGKILL); the sentinels notice and promote the replica.  The new port."""
        old = self.primary_port()
        process = self.processes.pop(old)
        process.kill()
        process.wait(timeout=10)
        return self._wait_for_new_primary(old)

    def _wait_for_new_primary(self, old: int) -> int:
        def promoted() -> bool:
            port = self.primary_port()
            return port != old and _info(port, "replication").get("role") == "master"

        self._wait(promoted, "a new primary", timeout=20)
        return self.primary_port()

    def _sentinels_agree(self) -> bool:
        for port in self.sentinel_ports:
            with Redis(port=port, socket_timeout=1) as sentinel:
                master = sentinel.sentinel_master(SERVICE)
                if int(master["num-slaves"]) < 1 or int(master["num-other-sentinels"]) < 2:
                    return False
        return True

    def _server(self, port: int, *extra: str) -> None:
        self._spawn(port, ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                           "--dir", str(self.workdir), *extra])
        self._wait(lambda: _info(port, "server") != {}, f"redis-server on port {port}")

    def _spawn(self, port: int, arguments: list[str]) -> None:
        with (self.workdir / f"redis-{port}.log").open("wb") as log:  # the child keeps its own copy
            self.processes[port] = subprocess.Popen([find_redis_server(), *arguments], stdout=log,
                                                    stderr=subprocess.STDOUT, cwd=self.workdir)

    def _wait(self, condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except RedisError:
                pass
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what} (logs in {self.workdir})")


def _info(port: int, section: str) -> dict:
    try:
        with Redis(port=port, socket_timeout=1, socket_connect_timeout=0.5) as client:
            return client.info(section)
    except RedisError:
        return {}
