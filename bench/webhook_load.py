"""What bench/webhooks.py and bench/capacity.py share: web processes started as the Procfile starts them, and
signed webhooks sent by many connections at once (aiohttp), timed one by one.

Requests are signed before the clock starts (the X-Twilio-Signature Twilio would
send), so the load generator spends its time sending, not hashing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from benchlib import percentile  # noqa: E402

from ivr.launcher import gunicorn_command  # noqa: E402
from ivr.private_redis import free_port  # noqa: E402

AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
CALLER, LINE = "+13125550199", "+13125550311"


def new_call_sid() -> str:
    return "CA" + uuid.uuid4().hex


@dataclass
class WebProcess:
    """One gunicorn serving `app` with the Procfile's settings."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_web(app: str, env: dict[str, str], log: Path, workers: int = 2, threads: int = 32) -> WebProcess:
    """gunicorn as the Procfile runs it (`ivr.wsgi:app`, or the bare app), answering on a free port."""
    port = free_port()
    command = gunicorn_command("127.0.0.1", port, workers, threads)
    command[command.index("ivr.wsgi:app")] = app
    with log.open("ab") as output:  # the access log is on, as in production; it goes to a file
        process = subprocess.Popen([*command, "--pythonpath", str(ROOT)], cwd=ROOT, stdout=output,
                                   stderr=subprocess.STDOUT, env={**os.environ, **env, "PORT": str(port)})
    web = WebProcess(f"http://127.0.0.1:{port}", process)
    _wait_until_up(web, log)
    return web


def _wait_until_up(web: WebProcess, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if web.process.poll() is not None:
            raise RuntimeError(f"{web.url} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(web.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    web.stop()
    raise RuntimeError(f"{web.url} did not answer within {timeout} s: {log.read_text()[-2000:]}")


def cpu_seconds(pids: Iterable[int]) -> float:
    """User plus system CPU the processes have used so far (Linux /proc; 0 for one gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers under its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if parent == str(pid):
                found.append(int(entry.name))
    return found


@dataclass(frozen=True)
class Webhook:
    """One signed POST, ready to send."""

    path: str  # with its query string
    body: bytes
    headers: dict[str, str]


def signed(base_url: str, path: str, params: dict[str, str], token: str = AUTH_TOKEN) -> Webhook:
    signature = RequestValidator(token).compute_signature(base_url + path, params)
    return Webhook(path, urlencode(params).encode(), {
        "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded",
        "I-Twilio-Idempotency-Token": uuid.uuid4().hex,
    })


def call_params(call_sid: str, status: str = "in-progress", **more: str) -> dict[str, str]:
    return {"CallSid": call_sid, "AccountSid": "AC" + "0" * 32, "From": CALLER, "To": LINE,
            "CallStatus": status, "Direction": "inbound", "ApiVersion": "2010-04-01", **more}


@dataclass
class Timings:
    """Seconds per request, and how many did not come back 2xx."""

    seconds: list[float] = field(default_factory=list)
    failed: int = 0
    elapsed: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per part of the machine, when measured

    def cpu_per_request(self, part: str) -> float:
        """Microseconds of `part`'s CPU per answered request."""
        return self.cpu.get(part, float("nan")) / len(self.seconds) * 1e6 if self.seconds else float("nan")

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.elapsed if self.elapsed else 0.0

    def p(self, share: float) -> float:
        return percentile(self.seconds, share) if self.seconds else float("nan")


async def send(session: aiohttp.ClientSession, base_url: str, hook: Webhook, timings: Timings) -> bytes:
    began = time.perf_counter()
    async with session.post(base_url + hook.path, data=hook.body, headers=hook.headers) as response:
        body = await response.read()
        ok = 200 <= response.status < 300
    if ok:
        timings.seconds.append(time.perf_counter() - began)
    else:
        timings.failed += 1
    return body


def closed_loop(base_url: str, hooks: Sequence[Webhook], connections: int, seconds: float) -> Timings:
    """`connections` clients, each sending the next webhook as soon as its last one is answered, for `seconds`
    (or until the webhooks run out); the most the server can take."""

    async def run() -> Timings:
        timings, feed = Timings(), iter(hooks)
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=connector) as session:
            stop = time.perf_counter() + seconds

            async def client() -> None:
                for hook in feed:
                    if time.perf_counter() >= stop:
                        return
                    await send(session, base_url, hook, timings)

            began = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(connections)))
            timings.elapsed = time.perf_counter() - began
        return timings

    return asyncio.run(run())


def open_loop(base_url: str, hooks: Iterable[Webhook], rate: float, seconds: float) -> Timings:
    """Webhooks sent at a fixed rate whatever the answers (as Twilio sends them): latency at that load."""

    async def run() -> Timings:
        timings, pending = Timings(), []
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            began = time.perf_counter()
            for number, hook in enumerate(hooks):
                due = began + number / rate
                if due - began >= seconds:
                    break
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                pending.append(asyncio.create_task(send(session, base_url, hook, timings)))
            await asyncio.gather(*pending)
            timings.elapsed = time.perf_counter() - began
        return timings

    return asyncio.run(run())
