"""The storm harness under each fault it can inject, at small scale: nothing lost, nothing forged, never a 500.

Each test runs bench/storm.py as an operator would (the whole stack on loopback: gunicorn, two `cityline
worker`s, a private Redis, a fresh PostgreSQL schema behind a cuttable proxy) with a small, short storm
and the fault, and reads its reconciliation.  Full-scale figures are in docs/operations.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e
#: A mix without the slow kinds' long holds, so each storm ends within seconds of its last arrival.
#: The harness gives up waiting for jobs after --catch-up-seconds and reconciles, well before the test's timeout.
SMALL = ["--rate", "10", "--agents", "3", "--catch-up-seconds", "120", "--mix",
         "office_hours=3,trash_day=2,case_status=2,menu_hang_up=1,agent=2,abandon=1,message=1"]


def storm(*args: str) -> str:
    done = subprocess.run([sys.executable, "bench/storm.py", *SMALL, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0 and "reconciled: nothing lost, nothing forged" in done.stdout, (
        done.stdout + done.stderr[-3000:])
    return done.stdout


def figure(out: str, pattern: str) -> int:
    found = re.search(pattern, out)
    assert found, out
    return int(found.group(1))


def test_killing_a_worker_mid_storm_loses_and_doubles_nothing(postgres_url):
    out = storm("--calls", "80", "--kill-worker-at", "2,5")
    assert len(re.findall(r"^fault at \d+ s: SIGKILL cityline worker \d+$", out, re.M)) == 2
    assert figure(out, r"calls placed without a Call row: (\d+)  \(80 placed, 80 rows\)") == 0
    assert figure(out, r"cases expected but not found: (\d+)  \((\d+) expected") == 0
    assert figure(out, r"jobs in RQ's failed registry: (\d+)") == 0


def test_killing_a_web_process_mid_storm_is_harmless_to_callers_retried_or_not(postgres_url):
    """Twilio sends a webhook whose connection dropped once more: one kill at a time.  Kills 3 s apart once hit
    a webhook and then its retry (the surviving process, alone and slow while the new one starts, was next)."""
    out = storm("--calls", "130", "--kill-web-at", "2,12")
    assert len(re.findall(r"^fault at \d+ s: SIGKILL gunicorn worker \d+$", out, re.M)) == 2
    assert figure(out, r"webhooks not 2xx or not valid TwiML: (\d+)") == 0
    assert figure(out, r"calls with more than one Call row: (\d+)") == 0
    assert figure(out, r"console requests answered 5xx \(503 aside\) or lost: (\d+)") == 0


def test_a_database_cut_is_ridden_out_and_caught_up(postgres_url):
    out = storm("--calls", "100", "--rate", "5", "--cut-database-at", "2", "--cut-seconds", "20")
    assert re.search(r"^fault at \d+ s: database cut for 20 s$", out, re.M), out
    assert figure(out, r"webhooks not 2xx or not valid TwiML: (\d+)") == 0
    assert figure(out, r"apologies heard outside a database cut: (\d+)") == 0
    assert figure(out, r"\((\d+) answered 503, try again\)") > 0  # the console was asked during the cut
    assert figure(out, r"calls placed without a Call row: (\d+)") == 0
    assert figure(out, r"Call rows not ended: (\d+)") == 0
    assert figure(out, r"cases expected but not found: (\d+)") == 0
    assert figure(out, r"jobs not done when the storm ended: (\d+)") == 0


def test_redis_cut_and_then_restarted_with_its_data_loses_nothing(postgres_url):
    out = storm("--calls", "100", "--cut-redis-at", "2", "--redis-cut-seconds", "6", "--restart-redis-at", "10",
                "--redis-persistent")
    assert re.search(r"^fault at \d+ s: Redis cut for 6 s$", out, re.M), out
    assert re.search(r"^fault at \d+ s: Redis restarted with its append-only file$", out, re.M), out
    assert figure(out, r"webhooks not 2xx or not valid TwiML: (\d+)") == 0
    assert figure(out, r"apologies heard outside a database cut: (\d+)") == 0
    assert figure(out, r"calls placed without a Call row: (\d+)  \(100 placed, 100 rows\)") == 0
    assert figure(out, r"Call rows not ended: (\d+)") == 0
    assert figure(out, r"cases expected but not found: (\d+)") == 0
    assert figure(out, r"callers connected to two agents: (\d+)") == 0
    assert figure(out, r"jobs not done when the storm ended: (\d+)") == 0


def test_redis_restarted_empty_loses_only_what_it_held_and_the_centre_carries_on(postgres_url):
    """Without persistence the events not yet in SQL go with Redis (/healthz warns of it); every call begun
    afterwards is recorded, callers keep hearing prompts, and agents are never given or connected to two."""
    out = storm("--calls", "80", "--restart-redis-at", "3")
    assert re.search(r"^fault at \d+ s: Redis restarted empty$", out, re.M), out
    assert figure(out, r"webhooks not 2xx or not valid TwiML: (\d+)") == 0
    assert figure(out, r"apologies heard outside a database cut: (\d+)") == 0
    assert figure(out, r"calls placed without a Call row: (\d+)") == 0  # of the calls begun after the restart
    assert figure(out, r"Call rows not ended: (\d+)") == 0
    assert figure(out, r"callers given to two agents: (\d+)") == 0
    assert figure(out, r"callers connected to two agents: (\d+)") == 0
    assert figure(out, r"jobs not done when the storm ended: (\d+)") == 0
    assert re.search(r"^--- lost with Redis's memory, of \d+ calls begun before it restarted empty", out, re.M)


def test_callbacks_promised_on_hold_are_placed_answered_and_recorded_on_the_call_that_asked(postgres_url):
    """Callbacks offered from 5 s of estimated wait (the routing file's callbacks.offer_after), so three agents
    leave enough callers waiting that some ask; each is called back, and the agent's case is on their call."""
    out = storm("--calls", "100", "--callback-offer-after", "5", "--mix",
                "office_hours=2,agent=3,callback=3,abandon=1")
    asked = figure(out, r"callbacks: (\d+) asked for")
    assert asked > 0, out
    assert re.search(rf"callbacks: {asked} asked for \(offered when the wait is long\), {asked} placed and answered",
                     out), out
    assert figure(out, r"callbacks promised but never placed: (\d+)") == 0
    assert figure(out, r"calls placed without a Call row: (\d+)  \(100 placed, 100 rows\)") == 0
    assert figure(out, r"cases expected but not found: (\d+)") == 0
    assert figure(out, r"cases from calls that should have none: (\d+)") == 0
