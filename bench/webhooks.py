"""CityLine's voice webhooks against a bare Flask app returning fixed TwiML, under the same gunicorn settings.

    python bench/webhooks.py [--seconds 5] [--runs 5] [--connections 20] [--rate 200] [--quick]

Starts the project's web process (the Procfile's web line: gunicorn, 2 gthread
workers, access log on) with a private Redis and a migrated SQLite database, and
bench/bare_app.py under the very same command.  Each is then driven in turn
with real signed webhooks, every call with its own CallSid, by `--connections`
clients that send again as soon as they are answered:

- `/voice/incoming`, a new call (greeting, language menu);
- a main-menu key press (`/voice/step`, key 2 for the report menu);
- a hold announcement (`/voice/hold`) for callers really waiting in a queue.

It prints requests per second and p50/p99 for each route and each app, and the
ratio project/bare, as the median of `--runs` runs that alternate which app goes
first.  Then it sends each route to the project at a fixed `--rate` (requests per
second, as Twilio does, whatever the answers) and prints p99 at that load.

It also prints the CPU each request cost the gunicorn workers of each app, the
project's Redis and the load generator (Linux /proc), which says where the
ratio comes from.  Absolute figures on a shared machine are noise: the ratios
are what count.  The
load generator (aiohttp, one process) runs on the same machine as the servers
and takes its share of the cores from both alike.  Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from webhook_load import (
    AUTH_TOKEN,
    Timings,
    Webhook,
    WebProcess,
    call_params,
    children_of,
    closed_loop,
    cpu_seconds,
    new_call_sid,
    open_loop,
    signed,
    start_web,
)

from ivr import db
from ivr.private_redis import start_private_redis

#: Callers put on hold before the hold loop is timed (under the queue's limit of 100).
CALLERS_ON_HOLD = 50
HOLD_PATH = "/voice/hold?skill=general&lang=en"
#: Route name -> how to make its n-th webhook for a server (base URL) and the callers on hold there.
Maker = Callable[[str, list[str], int], Webhook]
ROUTES: dict[str, Maker] = {
    "/voice/incoming": lambda url, held, n: signed(url, "/voice/incoming", call_params(new_call_sid(), "ringing")),
    "menu key (/voice/step)": lambda url, held, n: signed(
        url, "/voice/step?node=main_menu&lang=en", call_params(new_call_sid(), Digits="2")),
    "hold (/voice/hold)": lambda url, held, n: signed(
        url, HOLD_PATH, call_params(held[n % len(held)], QueuePosition=str(1 + n % len(held)))),
}


def project_env(workdir: Path, redis_url: str) -> dict[str, str]:
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    engine.dispose()
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "CITY_TIMEZONE": "America/New_York", "OFFICE_HOURS": "mon-sun 00:00-24:00", "LOG_LEVEL": "WARNING"}


def put_callers_on_hold(web: WebProcess, count: int) -> list[str]:
    """Real calls that asked for an agent (key 0), so the hold loop announces real positions and waits."""
    held = [new_call_sid() for _ in range(count)]
    for path, extra in (("/voice/incoming", {}), ("/voice/step?node=language&lang=en", {"Digits": "1"}),
                        ("/voice/step?node=main_menu&lang=en", {"Digits": "0"})):
        timings = closed_loop(web.url, [signed(web.url, path, call_params(sid, **extra)) for sid in held], 4, 60)
        if timings.failed:
            raise RuntimeError(f"{timings.failed} callers could not be put on hold ({path})")
    return held


def hooks(maker: Maker, url: str, held: list[str], count: int) -> list[Webhook]:
    return [maker(url, held, n) for n in range(count)]


def measure(args: argparse.Namespace, servers: dict[str, WebProcess], held: dict[str, list[str]],
            redis_pid: int) -> dict[tuple[str, str], list[Timings]]:
    results: dict[tuple[str, str], list[Timings]] = {}
    budget = int(args.seconds * 4000) + 200  # more webhooks than the fastest server can take in the time
    for run in range(args.runs):
        order = ["project", "bare"] if run % 2 == 0 else ["bare", "project"]
        for route, maker in ROUTES.items():
            for name in order:
                web = servers[name]
                closed_loop(web.url, hooks(maker, web.url, held[name], 200), args.connections, args.seconds / 5)
                parts = {"web": children_of(web.process.pid), "redis": [redis_pid] if name == "project" else []}
                before = {part: cpu_seconds(pids) for part, pids in parts.items()}
                own_before = resource.getrusage(resource.RUSAGE_SELF)
                timings = closed_loop(web.url, hooks(maker, web.url, held[name], budget), args.connections,
                                      args.seconds)
                own = resource.getrusage(resource.RUSAGE_SELF)
                timings.cpu = {part: cpu_seconds(pids) - before[part] for part, pids in parts.items()}
                timings.cpu["load"] = own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime
                results.setdefault((route, name), []).append(timings)
    return results


def at_fixed_rate(args: argparse.Namespace, web: WebProcess, held: list[str]) -> dict[str, Timings]:
    count = int(args.rate * args.seconds) + 1
    return {route: open_loop(web.url, hooks(maker, web.url, held, count), args.rate, args.seconds)
            for route, maker in ROUTES.items()}


def median(values: Iterator[float]) -> float:
    return statistics.median(list(values))


def report(args: argparse.Namespace, results: dict[tuple[str, str], list[Timings]],
           fixed: dict[str, Timings]) -> int:
    print(f"{args.runs} alternating run(s) of {args.seconds:g} s per route and app, {args.connections} connections; "
          f"gunicorn as in the Procfile (2 gthread workers, access log on); medians over the runs")
    print(f"{'route':24s} {'project req/s':>13s} {'bare req/s':>10s} {'ratio':>6s}   "
          f"{'project p50/p99 ms':>18s} {'bare p50/p99 ms':>16s}   {'p99 ms at ' + format(args.rate, 'g') + '/s':>14s}")
    failed = 0
    for route in ROUTES:
        mine, bare = results[(route, "project")], results[(route, "bare")]
        failed += sum(t.failed for t in mine + bare) + fixed[route].failed
        rates = [m.rate / b.rate for m, b in zip(mine, bare, strict=True)]
        print(f"{route:24s} {median(t.rate for t in mine):13.0f} {median(t.rate for t in bare):10.0f} "
              f"{statistics.median(rates):6.2f}   "
              f"{median(t.p(.5) for t in mine) * 1e3:8.1f} / {median(t.p(.99) for t in mine) * 1e3:6.1f}  "
              f"{median(t.p(.5) for t in bare) * 1e3:7.1f} / {median(t.p(.99) for t in bare) * 1e3:6.1f}   "
              f"{fixed[route].p(.99) * 1e3:14.1f}")
    print()
    print("CPU per request, microseconds (medians): the gunicorn workers, the project's Redis, and the load "
          "generator, which shares the machine")
    print(f"{'route':24s} {'project web':>11s} {'bare web':>8s} {'web ratio':>9s} {'redis':>6s} "
          f"{'load (project/bare)':>19s}")
    for route in ROUTES:
        mine, bare = results[(route, "project")], results[(route, "bare")]
        web_mine, web_bare = (median(t.cpu_per_request("web") for t in runs) for runs in (mine, bare))
        print(f"{route:24s} {web_mine:11.0f} {web_bare:8.0f} {web_bare / web_mine:9.2f} "
              f"{median(t.cpu_per_request('redis') for t in mine):6.0f} "
              f"{median(t.cpu_per_request('load') for t in mine):9.0f} / "
              f"{median(t.cpu_per_request('load') for t in bare):.0f}")
    if failed:
        print(f"{failed} request(s) did not get a 2xx answer", file=sys.stderr)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each timed run")
    parser.add_argument("--runs", type=int, default=5, help="alternating runs per route (median reported)")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second of the fixed-rate check")
    parser.add_argument("--quick", action="store_true", help="a few seconds in all: checks that it works")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.runs, args.connections, args.rate = 0.5, 1, 4, 40.0
    with tempfile.TemporaryDirectory(prefix="cityline-webhooks-") as name:
        workdir = Path(name)
        redis, redis_url = start_private_redis(workdir / "redis")
        servers: dict[str, WebProcess] = {}
        try:
            servers["project"] = start_web("ivr.wsgi:app", project_env(workdir, redis_url), workdir / "project.log")
            servers["bare"] = start_web("bench.bare_app:app", {}, workdir / "bare.log")
            held = {"project": put_callers_on_hold(servers["project"], CALLERS_ON_HOLD),
                    "bare": [new_call_sid() for _ in range(CALLERS_ON_HOLD)]}
            results = measure(args, servers, held, redis.pid)
            fixed = at_fixed_rate(args, servers["project"], held["project"])
            return report(args, results, fixed)
        finally:
            for web in servers.values():
                web.stop()
            redis.terminate()
            redis.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
