"""A storm of whole calls against the whole stack, with faults on demand; then nothing lost, nothing forged.

    python bench/storm.py [--calls 10000] [--rate 20] [--max-seconds 900] [--agents 8] [--workers 2]
                          [--kill-worker-at 30,60] [--kill-web-at 45] [--cut-database-at 20 --cut-seconds 30]
                          [--cut-redis-at 40 --redis-cut-seconds 30] [--restart-redis-at 50 [--redis-persistent]]

Starts the stack on loopback (bench/stack.py: a fresh PostgreSQL schema and a
private Redis, each reached through a cuttable proxy, gunicorn as the Procfile runs it,
`--workers` `cityline worker` processes), loads the sample city, and places
`--calls` calls, arriving as a Poisson process at `--rate` a second, each
played by the local caller (ivr/local_caller, Twilio's side: signed webhooks,
TwiML followed verb by verb, the status callback at the end).  The mix:

- office hours, trash day for an address, a case number looked up (self-service);
- a hang-up at the first menu;
- the potholes queue, answered by a simulated agent (`--agents` of them log in
  to the console, go available, accept offers, and are available again after
  each call);
- the potholes queue, hanging up after one hold announcement;
- a callback asked for while holding (the callee answers the call placed back);
- the streetlights line, which nobody staffs: the caller leaves a message.

Faults, at seconds after the first call: SIGKILL a `cityline worker`
(a new one starts), SIGKILL a gunicorn worker process (gunicorn starts another;
a webhook whose connection dropped is sent once more, as Twilio retries), cut
the database for `--cut-seconds`, cut Redis for `--redis-cut-seconds` (unreachable:
every connection reset, new ones refused), restart Redis (SIGKILL and start
again on the same port: empty, or with its data when `--redis-persistent`
keeps an append-only file).

Afterwards it reconciles: calls placed against Call rows, webhooks answered 2xx
with valid TwiML, agents never on two calls, callers never given to two agents,
cases expected against found, RQ's failed jobs; and prints webhook p50/p99.
Exits 1 when anything failed to reconcile.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit, urlunsplit

import sqlalchemy as sa
from benchlib import percentile
from stack import (
    POSTGRES_SERVER,
    Workers,
    gunicorn_workers,
    in_fresh_schema,
    reconcile,
    wait_for_workers,
)
from tcp_proxy import CuttableProxy
from webhook_load import AUTH_TOKEN, ROOT, new_call_sid, start_web

from ivr import db
from ivr.local_caller import CallTranscript, LocalCall, ScriptedCaller, parse_script
from ivr.models.agent import Agent
from ivr.models.case import Case
from tests.e2e.console_client import console
from tests.redis_server import PrivateRedis

#: What each kind of caller does (docs: ivr/local_caller/README.md), and how often it calls, in parts.
SCRIPTS = {
    "office_hours": ("press 1\npress 4\npress 2\n", 20),
    "trash_day": ("press 1\npress 1\npress 1200#\nsay Elm Street\npress 2\n", 15),
    "case_status": ("press 1\npress 3\npress 2600000014\npress 2\n", 10),
    "menu_hang_up": ("press 1\nhangup\n", 10),
    "agent": ("press 1\npress 2\npress 1\nwait 20\nwait 1\nhangup\n", 20),
    "abandon": ("press 1\npress 2\npress 1\nwait\nhangup\n", 10),
    "callback": ("press 1\npress 2\npress 1\npress 1\n", 5),
    "message": ("press 1\npress 2\npress 2\npress 2\nrecord the streetlight on Elm Street is out\npress 1\n", 10),
}
APOLOGY = "Sorry, something went wrong on our side."
SAVED = "Your message has been saved"  # with its case number, or (Redis away) to be numbered by the sweep
CALLED_BACK = "We will call you back"


@dataclass
class Ledger:
    """Everything the storm saw, appended from many threads."""

    placed: list[tuple[str, str]] = field(default_factory=list)  # (kind, CallSid)
    transcripts: list[tuple[str, CallTranscript]] = field(default_factory=list)
    accepted: list[tuple[str, str, float]] = field(default_factory=list)  # (agent, CallSid, when)
    spans: list[tuple[str, float, float]] = field(default_factory=list)  # (CallSid, began, ended)
    lock: threading.Lock = field(default_factory=threading.Lock)
    retried: int = 0  # webhooks sent twice because the connection dropped

    def add(self, name: str, item: object) -> None:
        with self.lock:
            getattr(self, name).append(item)


class SimulatedAgent(threading.Thread):
    """Logs in to the console, goes available, accepts each offer, and is available again after each call."""

    def __init__(self, server: SimpleNamespace, login: str, ledger: Ledger, stop: threading.Event) -> None:
        super().__init__(daemon=True, name=f"agent-{login}")
        self.server, self.login, self.ledger, self.stop = server, login, ledger, stop
        self.errors: list[str] = []
        self.unavailable = 0  # 503s: "try again shortly", as the console answers while the database is away
        self.ready = threading.Event()

    def run(self) -> None:
        self._call("POST", "/api/me/state", {"state": "available"})
        self.ready.set()
        while not self.stop.is_set():
            me = self._call("GET", "/api/me")
            if me and me.get("offer"):
                taken = self._call("POST", f"/api/offers/{me['offer']['id']}/accept")
                if taken and taken.get("state") == "on_call":
                    self.ledger.add("accepted", (self.login, me["offer"]["call_sid"], time.monotonic()))
            elif me and me.get("state") == "wrap_up":
                self._call("POST", "/api/me/state", {"state": "available"})
            time.sleep(0.2)

    def _call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        try:
            return console(self.server, self.login, method, path, body)
        except urllib.error.HTTPError as error:
            if error.code == 503:
                self.unavailable += 1
            elif error.code >= 500:
                self.errors.append(f"{method} {path}: HTTP {error.code}")
            error.close()
        except ConnectionError:  # the web process was killed under us: the console asks again, as a browser does
            pass
        except OSError as error:
            if not isinstance(getattr(error, "reason", None), ConnectionError):  # urllib wraps a dropped one
                self.errors.append(f"{method} {path}: {error}")
        return None


class Callees(threading.Thread):
    """Answers every call the app places (callbacks), as the resident's phone would."""

    def __init__(self, url: str, redis_url: str, ledger: Ledger, stop: threading.Event) -> None:
        super().__init__(daemon=True, name="callees")
        self.url, self.redis_url, self.ledger, self.stop = url, redis_url, ledger, stop

    def run(self) -> None:
        from redis import Redis
        from redis.exceptions import RedisError

        from ivr.telephony.local_adapter import LocalTelephony

        seen: set[str] = set()
        with Redis.from_url(self.redis_url) as redis, ThreadPoolExecutor(8) as pool:
            while not self.stop.is_set():
                try:
                    placed_calls = LocalTelephony(redis).sent("calls")
                except RedisError:  # a Redis fault of the storm's own: the phones ring once it is back
                    placed_calls = []
                for placed in placed_calls:
                    if placed["sid"] not in seen and placed["url"].startswith(("http", "/")):
                        seen.add(placed["sid"])
                        pool.submit(self._answer, placed)
                time.sleep(0.5)

    def _answer(self, placed: dict[str, str]) -> None:
        call = LocalCall(base_url=self.url, caller=ScriptedCaller(parse_script("wait 2\nhangup\n")),
                         auth_token=AUTH_TOKEN, from_number="+13125550311", to_number=placed["to"],
                         voice_path=_path(placed["url"]), status_path=_path(placed["status_callback"]) or None,
                         call_sid=placed["sid"], direction="outbound-api", retry_dropped=True)
        self.ledger.add("transcripts", ("callee", call.run()))


def _path(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, "")) if url else ""


def caller_number(n: int) -> str:
    """The n-th caller's own Chicago number: a valid one (exchange 200-999, never an N11 such as 311), so a
    callback can be offered to them; +1312000... numbers are not numbers anybody can be called back on."""
    exchange = 200 + n // 10_000 % 800
    exchange += 1 if exchange % 100 == 11 else 0
    return f"+1312{exchange:03d}{n % 10_000:04d}"


def place_calls(args: argparse.Namespace, url: str, ledger: Ledger, began: float) -> float:
    """Place the calls; returns the seconds it took to place them (the calls themselves may still be running)."""
    kinds, weights = zip(*args.mix.items(), strict=True)
    rng = random.Random(args.seed)
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        due = time.monotonic()
        for number in range(args.calls):
            if time.monotonic() - began > args.max_seconds:
                break
            kind = rng.choices(kinds, weights)[0]
            pool.submit(_one_call, url, kind, caller_number(number), ledger)
            due += rng.expovariate(args.rate)  # Poisson arrivals
            time.sleep(max(0.0, due - time.monotonic()))
        placing = time.monotonic() - began
    return placing


def _one_call(url: str, kind: str, number: str, ledger: Ledger) -> None:
    call_sid, began = new_call_sid(), time.monotonic()
    ledger.add("placed", (kind, call_sid))
    transcript = LocalCall(base_url=url, caller=ScriptedCaller(parse_script(SCRIPTS[kind][0])),
                           auth_token=AUTH_TOKEN, from_number=number, to_number="+13125550311", call_sid=call_sid,
                           max_hold_loops=3, retry_dropped=True, timeout=30).run()
    ledger.add("transcripts", (kind, transcript))
    ledger.add("spans", (call_sid, began, time.monotonic()))


@dataclass
class Faults:
    """What to break and when (seconds after the first call)."""

    kill_worker_at: list[float]
    kill_web_at: list[float]
    cut_database_at: list[float]
    cut_seconds: float
    cut_redis_at: list[float] = field(default_factory=list)
    redis_cut_seconds: float = 30.0
    restart_redis_at: list[float] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    cuts: list[tuple[float, float]] = field(default_factory=list)  # (from, to) while the database was away
    emptied_at: list[float] = field(default_factory=list)  # when Redis restarted without its data

    def forgotten(self, ledger: Ledger) -> set[str]:
        """Calls begun before the last restart that emptied Redis: what of them was not in SQL yet is gone."""
        if not self.emptied_at:
            return set()
        last = max(self.emptied_at)
        return {sid for sid, began, _ in ledger.spans if began <= last}

    def plan(self) -> list[tuple[float, str]]:
        return sorted([(at, "worker") for at in self.kill_worker_at] + [(at, "web") for at in self.kill_web_at]
                      + [(at, "database") for at in self.cut_database_at]
                      + [(at, "redis cut") for at in self.cut_redis_at]
                      + [(at, "redis restart") for at in self.restart_redis_at])

    def run(self, began: float, stack: SimpleNamespace, stop: threading.Event) -> None:
        for at, what in self.plan():
            if stop.wait(max(0.0, began + at - time.monotonic())):
                return
            when = f"{time.monotonic() - began:.0f} s"
            if what == "worker":
                self.done.append(f"{when}: SIGKILL cityline worker {stack.workers.kill_one()}")
            elif what == "web":
                victim = gunicorn_workers(stack.web)[0]
                os.kill(victim, signal.SIGKILL)
                self.done.append(f"{when}: SIGKILL gunicorn worker {victim}")
            elif what == "redis cut":
                self.done.append(f"{when}: Redis cut for {self.redis_cut_seconds:g} s")
                self._cut(stack.redis_proxy, self.redis_cut_seconds, stop)
            elif what == "redis restart":
                stack.redis.restart()
                if not stack.redis.persistent:
                    self.emptied_at.append(time.monotonic())
                kept = "with its append-only file" if stack.redis.persistent else "empty"
                self.done.append(f"{when}: Redis restarted {kept}")
            elif stack.database_proxy is not None:
                self.done.append(f"{when}: database cut for {self.cut_seconds:g} s")
                self.cuts.append(self._cut(stack.database_proxy, self.cut_seconds, stop))

    @staticmethod
    def _cut(proxy: CuttableProxy, seconds: float, stop: threading.Event) -> tuple[float, float]:
        proxy.cut()
        cut_at = time.monotonic()
        stop.wait(seconds)
        proxy.restore()
        return cut_at, time.monotonic()


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failures: int = 0

    def check(self, label: str, bad: int, detail: str = "") -> None:
        self.failures += bad
        self.lines.append(f"{'ok ' if not bad else 'BAD'} {label}: {bad}{'  ' + detail if detail else ''}")


def check_webhooks(ledger: Ledger, cuts: list[tuple[float, float]], report: Report) -> list[float]:
    """Every webhook 2xx with TwiML the caller could follow; an apology only while the database was cut (the
    flow's on_failure path: the caller is sent on to an agent); returns the webhook times."""
    seconds, failed, apologies, excused, examples = [], 0, 0, 0, []
    spans = {sid: (began, ended) for sid, began, ended in ledger.spans}
    for _, transcript in ledger.transcripts:
        began, ended = spans.get(transcript.call_sid, (0.0, 0.0))
        during_cut = any(began <= cut_to + 5 and ended >= cut_from for cut_from, cut_to in cuts)
        excused += transcript.heard.count(APOLOGY) if during_cut else 0
        seconds += [request.seconds for request in transcript.requests if request.status]
        ledger.retried += sum(request.retried for request in transcript.requests)
        failed += len(transcript.errors)
        apologies += transcript.heard.count(APOLOGY)
        examples += transcript.errors[:1]
    report.check("webhooks not 2xx or not valid TwiML", failed, "; ".join(examples[:3]))
    report.check("apologies heard outside a database cut", apologies - excused,
                 f"({excused} during a cut, answered by the flow's on_failure path)" if cuts else "")
    return seconds


def check_agents(ledger: Ledger, report: Report, emptied_at: list[float]) -> None:
    """No caller given to two agents (an accept Redis forgot in an empty restart aside: the caller never reached
    that agent, and is offered again); no caller connected to two; no agent accepting a call before the last
    one ended."""
    agents_per_call, first_accept = defaultdict(set), {}
    for login, sid, when in ledger.accepted:
        agents_per_call[sid].add(login)
        first_accept.setdefault(sid, when)
    twice = {sid for sid, logins in agents_per_call.items() if len(logins) > 1}
    forgotten = {sid for sid in twice if any(first_accept[sid] <= at for at in emptied_at)}
    report.check("callers given to two agents", len(twice - forgotten))
    if emptied_at:
        report.lines.append(f"--- offered again after Redis restarted empty and forgot the accept: {len(forgotten)}")
    connected = [{event.detail for event in transcript.events if event.kind == "connected"}
                 for kind, transcript in ledger.transcripts if kind != "callee"]
    report.check("callers connected to two agents", sum(1 for agents in connected if len(agents) > 1))


#: A caller's call ends a moment after their conversation (the hang-up, then the status callback).
HANG_UP_TOLERANCE = 2.0


def check_agent_overlaps(ledger: Ledger, report: Report) -> None:
    """No agent accepting a caller while the caller they accepted before is still on the line (the caller's
    call, as the simulated caller saw it, from its first webhook to its status callback).

    Not what the simulated agents saw of their own state: while the console answered 503 an agent could miss
    its whole wrap-up, which routing ended on time, and look busy when its next offer came."""
    ended = {sid: until for sid, _, until in ledger.spans}
    doubled, examples, last = 0, [], {}
    for login, sid, when in sorted(ledger.accepted, key=lambda accepted: accepted[2]):
        before = last.get(login)
        if before is not None and ended.get(before, 0.0) > when + HANG_UP_TOLERANCE:
            doubled += 1
            examples.append(f"{login}: {before} then {sid}")
        last[login] = sid
    report.check("agents on two calls at once", doubled, f"({len(ledger.accepted)} calls taken by agents)"
                 + (f" e.g. {', '.join(examples[:2])}" if examples else ""))


def check_calls(database_url: str, ledger: Ledger, report: Report, forgotten: set[str]) -> None:
    """`forgotten`: calls begun before Redis restarted empty, whose events not yet in SQL it took with it."""
    inbound = [sid for _, sid in ledger.placed]
    rows = reconcile(database_url, inbound)  # a callback's leg is recorded on the call that asked for it
    missing, open_calls = sorted(rows.missing_calls - forgotten), sorted(rows.open_calls - forgotten)
    report.check("calls placed without a Call row", len(missing),
                 f"({len(inbound)} placed, {rows.rows} rows){' e.g. ' + ', '.join(missing[:3]) if missing else ''}")
    report.check("calls with more than one Call row", rows.duplicated)
    report.check("Call rows nobody placed", rows.unknown)
    report.check("Call rows not ended", len(open_calls), f"e.g. {', '.join(open_calls[:3])}" if open_calls else "")
    if forgotten:
        report.lines.append(f"--- lost with Redis's memory, of {len(forgotten)} calls begun before it restarted "
                            f"empty: {len(rows.missing_calls & forgotten)} with no row, "
                            f"{len(rows.open_calls & forgotten)} rows not ended")


def expected_cases(ledger: Ledger) -> set[tuple[str, str]]:
    """A case for each message saved and each call an agent took: (CallSid, "message" or "agent")."""
    keys = set()
    for kind, transcript in ledger.transcripts:
        if any(SAVED in line for line in transcript.heard):
            keys.add((transcript.call_sid, "message"))
        if kind != "callee" and any(_reached_agent(event) for event in transcript.events):
            keys.add((transcript.call_sid, "agent"))
        if kind == "callee" and any(_reached_agent(event) for event in transcript.events):
            asked = _callback_of(transcript)  # the agent's case is on the call that asked for the callback
            if asked:
                keys.add((asked, "agent"))
    return keys


def _callback_of(transcript) -> str | None:  # type: ignore[no-untyped-def]
    """The CallSid a placed callback returns, from its webhooks' query strings."""
    for request in transcript.requests:
        asked = parse_qs(urlsplit(request.url).query).get("callback")
        if asked:
            return asked[0]
    return None


def _reached_agent(event) -> bool:  # type: ignore[no-untyped-def]
    """Talking with an agent, or in the call's conference an agent accepted (where, while the local network's
    Redis was away, the caller could not be told whom they were talking with)."""
    return event.kind == "connected" or (event.kind == "conference" and event.detail.startswith("call-"))


def _case_of(source_key: str | None) -> tuple[str, str] | None:
    """call:<sid>:message and call:<sid>:overflow-message are messages; call:<sid>:agent an agent's call."""
    parts = (source_key or "").split(":")
    if len(parts) != 3 or parts[0] != "call":
        return None
    return parts[1], "message" if parts[2].endswith("message") else parts[2]


def check_cases(database_url: str, ledger: Ledger, report: Report, forgotten: set[str]) -> None:
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        found = Counter(connection.execute(sa.select(Case.source_key)).scalars())
    engine.dispose()
    wanted, filed = expected_cases(ledger), Counter(_case_of(key) for key in found.elements())
    not_found = wanted - set(filed)
    lost = {key for key in not_found if key[0] in forgotten}
    examples = sorted(f"{sid} ({kind})" for sid, kind in not_found - lost)[:3]
    report.check("cases expected but not found", len(not_found - lost), f"({len(wanted)} expected, "
                 f"{sum(found.values())} found){' e.g. ' + ', '.join(examples) if examples else ''}")
    if forgotten:
        report.lines.append(f"--- lost with Redis's memory: {len(lost)} cases of calls begun before it restarted empty")
    report.check("cases filed twice", sum(1 for key, count in filed.items() if key and count > 1))
    unexpected = sorted(f"{sid} ({kind})" for sid, kind in (key for key in filed if key and key not in wanted))
    report.check("cases from calls that should have none", len(unexpected),
                 f"e.g. {', '.join(unexpected[:3])}" if unexpected else "")


def promised_callbacks(ledger: Ledger) -> set[str]:
    """The callers told "we will call you back"."""
    return {t.call_sid for kind, t in ledger.transcripts
            if kind != "callee" and any(CALLED_BACK in line for line in t.heard)}


def callbacks_owed(ledger: Ledger) -> set[str]:
    """Callers told "we will call you back" whom no placed call has returned yet."""
    return promised_callbacks(ledger) - {_callback_of(t) for kind, t in ledger.transcripts if kind == "callee"}


def wait_for_callbacks(ledger: Ledger, timeout: float) -> None:
    """After the last call: until every promised callback was placed and answered (agents take them in turn),
    or `timeout`; the callee's answer is recorded a few seconds after the callback is placed."""
    if not promised_callbacks(ledger):
        return
    deadline = time.monotonic() + timeout
    while callbacks_owed(ledger) and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(2)  # the last callee's transcript is in; its status callbacks follow


def check_callbacks(ledger: Ledger, report: Report) -> None:
    """Every caller told "we will call you back" was called back (the callees answer every call placed)."""
    never = sorted(callbacks_owed(ledger))
    report.check("callbacks promised but never placed", len(never), f"e.g. {', '.join(never[:3])}" if never else "")


def check_jobs(redis_url: str, report: Report) -> None:
    from redis import Redis

    from ivr.jobs.job_registry import queue_status

    with Redis.from_url(redis_url) as redis:
        status = queue_status(redis)
    report.check("jobs in RQ's failed registry", status.failed)
    report.check("jobs not done when the storm ended", status.queued + status.started + status.scheduled,
                 f"(queued {status.queued}, running {status.started}, waiting to retry {status.scheduled})")


def wait_for_jobs(redis_url: str, timeout: float) -> None:
    """Until the workers have run every job, retries included (a job that failed while the database was away
    waits 2 s, 10 s, 30 s, 2 min... before its next try), or timeout."""
    from redis import Redis

    from ivr.jobs.job_registry import queue_status

    deadline = time.monotonic() + timeout
    with Redis.from_url(redis_url) as redis:
        while time.monotonic() < deadline:
            status = queue_status(redis)
            if status.queued + status.started + status.scheduled == 0:
                time.sleep(3)  # the event mover and the sweep run every second or two
                status = queue_status(redis)
                if status.queued + status.started + status.scheduled == 0:
                    return
            time.sleep(0.5)


def prepare_database(database_url: str, agents: int) -> subprocess.Popen[bytes]:
    """Schema and the agents, who take the potholes line only; returns the sample city's import (streets for
    trash day), still running, so the stack starts meanwhile."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        for number in range(agents):
            session.add(Agent(login=f"storm{number:02d}", name=f"Storm Agent {number}", skills={"potholes": 5},
                              languages=["en"], active=True, role="agent"))
    engine.dispose()
    return subprocess.Popen([sys.executable, "-m", "ivr.cli", "import", "sample"], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": database_url}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def through_proxy(database_url: str, proxy: CuttableProxy) -> str:
    return database_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/", 1)


def routing_with_offer_after(workdir: Path, seconds: int) -> Path:
    """The shipped routing file with callbacks offered from `seconds` of estimated wait (the storm's agents are
    quick, so the shipped two minutes are seldom reached and no callback would be asked for)."""
    import yaml

    from routing.config import DEFAULT_CONFIG_FILE

    config = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    config["callbacks"]["offer_after"] = seconds
    path = workdir / "routing.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def stack_env(args: argparse.Namespace, workdir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """What the web and worker processes are configured with."""
    env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "CITY_TIMEZONE": "America/New_York", "OFFICE_HOURS": "mon-sun 00:00-24:00", "LOG_LEVEL": "WARNING",
           "TELEPHONY": "local"}
    if args.callback_offer_after is not None:
        env["ROUTING_FILE"] = str(routing_with_offer_after(workdir, args.callback_offer_after))
    return env


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> int:
    proxy = CuttableProxy(("127.0.0.1", 5432)).start() if database_url.startswith(POSTGRES_SERVER) else None
    stack_url = through_proxy(database_url, proxy) if proxy else database_url
    redis = PrivateRedis(workdir / "redis", persistent=args.redis_persistent)
    redis.start()
    redis_url, redis_proxy = redis.url, CuttableProxy(("127.0.0.1", redis.port)).start()
    env = stack_env(args, workdir, stack_url, f"redis://127.0.0.1:{redis_proxy.port}/0")
    workers, web, stop, ledger = Workers(env, workdir / "workers.log"), None, threading.Event(), Ledger()
    threads: list[threading.Thread] = []
    try:
        city = prepare_database(database_url, args.agents)
        workers.start(args.workers)
        web = start_web("ivr.wsgi:app", env, workdir / "web.log", workers=args.web_workers)
        wait_for_workers(redis_url, args.workers)
        if city.wait(timeout=300):
            raise RuntimeError("cityline import sample failed")
        server = SimpleNamespace(url=web.url, env={"DATABASE_URL": database_url})
        agents = [SimulatedAgent(server, f"storm{n:02d}", ledger, stop) for n in range(args.agents)]
        threads = [*agents, Callees(web.url, redis_url, ledger, stop)]
        for thread in threads:
            thread.start()
        for agent in agents:
            agent.ready.wait(timeout=60)
        faults = Faults(args.kill_worker_at, args.kill_web_at, args.cut_database_at, args.cut_seconds,
                        args.cut_redis_at, args.redis_cut_seconds, args.restart_redis_at)
        began = time.monotonic()
        stack = SimpleNamespace(workers=workers, web=web, database_proxy=proxy, redis=redis, redis_proxy=redis_proxy)
        threads.append(threading.Thread(target=faults.run, args=(began, stack, stop), daemon=True))
        threads[-1].start()
        placing = place_calls(args, web.url, ledger, began)
        elapsed = time.monotonic() - began
        wait_for_callbacks(ledger, timeout=args.catch_up_seconds)  # agents still free the queue of callbacks
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        wait_for_jobs(redis_url, timeout=args.catch_up_seconds)
        if args.transcripts:
            write_transcripts(ledger, Path(args.transcripts))
        failed = summarise(args, ledger, faults, agents, (placing, elapsed), database_url, redis_url)
        if failed:
            print_logs(workdir)
        return failed
    finally:
        stop.set()
        workers.stop()
        if web is not None:
            web.stop()
        if proxy is not None:
            proxy.stop()
        redis_proxy.stop()
        redis.stop()


def print_logs(workdir: Path) -> None:
    """What the processes said, to see why something failed to reconcile."""
    for log in ("workers.log", "web.log"):
        lines = (workdir / log).read_text(errors="replace").splitlines()
        print(f"--- last lines of {log}:", *lines[-40:], sep="\n", file=sys.stderr)


def write_transcripts(ledger: Ledger, path: Path) -> None:
    with path.open("w") as out:
        for kind, transcript in ledger.transcripts:
            out.write(json.dumps({"kind": kind, "call_sid": transcript.call_sid, "heard": transcript.heard,
                                  "errors": transcript.errors, "events": [e.detail for e in transcript.events]}))
            out.write("\n")


def summarise(args, ledger, faults, agents, times, database_url, redis_url) -> int:  # type: ignore[no-untyped-def]
    report = Report()
    seconds = check_webhooks(ledger, faults.cuts, report)
    check_agents(ledger, report, faults.emptied_at)
    report.check("console requests answered 5xx (503 aside) or lost", sum(len(agent.errors) for agent in agents),
                 "; ".join(error for agent in agents for error in agent.errors[:1])[:300]
                 or f"({sum(agent.unavailable for agent in agents)} answered 503, try again)")
    forgotten = faults.forgotten(ledger)
    check_agent_overlaps(ledger, report)
    check_calls(database_url, ledger, report, forgotten)
    check_cases(database_url, ledger, report, forgotten)
    check_callbacks(ledger, report)
    check_jobs(redis_url, report)
    kinds = Counter(kind for kind, _ in ledger.placed)
    asked = len(promised_callbacks(ledger))
    answered = sum(1 for kind, t in ledger.transcripts if kind == "callee")
    placing, elapsed = times
    print(f"storm: {len(ledger.placed)} calls placed in {placing:.0f} s ({len(ledger.placed) / placing:.1f} calls/s, "
          f"target {args.rate:g}), all ended after {elapsed:.0f} s; {args.web_workers} gunicorn workers, "
          f"{args.workers} cityline workers, {args.agents} agents")
    print("mix: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    print(f"callbacks: {asked} asked for (offered when the wait is long), {answered} placed and answered")
    print(f"webhooks: {len(seconds)}, p50 {percentile(seconds, .5) * 1e3:.0f} ms, "
          f"p99 {percentile(seconds, .99) * 1e3:.0f} ms, max {max(seconds) * 1e3:.0f} ms; "
          f"{ledger.retried} sent again after a dropped connection")
    for line in faults.done:
        print(f"fault at {line}")
    for line in report.lines:
        print(line)
    print(f"reconciled: {'nothing lost, nothing forged' if not report.failures else f'{report.failures} problems'}")
    return 1 if report.failures else 0


def _seconds(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part]


def _mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in SCRIPTS:
            raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; one of {', '.join(SCRIPTS)}")
        mix[kind] = float(weight or 1)
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls to place (at most)")
    parser.add_argument("--rate", type=float, default=20.0, help="mean arrivals a second (Poisson)")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="stop placing calls after this long")
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="cityline worker processes")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--concurrency", type=int, default=400, help="calls in progress at most (threads)")
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--kill-worker-at", type=_seconds, default=[], help="seconds, comma-separated")
    parser.add_argument("--kill-web-at", type=_seconds, default=[], help="seconds, comma-separated")
    parser.add_argument("--cut-database-at", type=_seconds, default=[], help="seconds, comma-separated")
    parser.add_argument("--cut-seconds", type=float, default=30.0, help="how long each database cut lasts")
    parser.add_argument("--cut-redis-at", type=_seconds, default=[], help="seconds, comma-separated")
    parser.add_argument("--redis-cut-seconds", type=float, default=30.0, help="how long each Redis cut lasts")
    parser.add_argument("--restart-redis-at", type=_seconds, default=[], help="seconds, comma-separated")
    parser.add_argument("--redis-persistent", action="store_true",
                        help="Redis keeps an append-only file, so a restart brings its data back")
    parser.add_argument("--catch-up-seconds", type=float, default=300.0,
                        help="how long the workers may take, after the last call, to finish every job and retry")
    parser.add_argument("--callback-offer-after", type=int, metavar="SECONDS",
                        help="offer callbacks from this estimated wait (the routing file's callbacks.offer_after)")
    parser.add_argument("--mix", type=_mix, default={kind: weight for kind, (_, weight) in SCRIPTS.items()},
                        help="kind=parts,... of " + ", ".join(SCRIPTS))
    parser.add_argument("--transcripts", help="write every call's transcript to this file (JSON lines)")
    parser.add_argument("--logs", help="keep the web, worker and Redis logs in this folder (default: removed)")
    parser.add_argument("--database-url", help="default: a fresh schema on the local PostgreSQL, dropped after")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # stop the stack and drop the schema too
    return in_fresh_schema(args.database_url, lambda workdir, url: run(args, workdir, url), "storm", args.logs)


if __name__ == "__main__":
    sys.exit(main())
