"""The two speed benchmarks of issue 10 still run, end to end, in their quick modes (so they cannot rot)."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_SERVER

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def empty_postgres(postgres_url: str) -> Iterator[str]:  # postgres_url: skipped when PostgreSQL is away
    schema = f"cityline_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_SERVER)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_the_webhook_benchmark_compares_every_route_with_the_bare_app():
    out = run_bench("bench/webhooks.py", "--quick")
    for route in ("/voice/incoming", "menu key (/voice/step)", "hold (/voice/hold)"):
        line = next(line for line in out.splitlines() if line.startswith(route))
        project, bare, ratio = (float(x) for x in line[len(route):].split()[:3])
        assert project > 0 and bare > 0
        assert ratio == pytest.approx(project / bare, abs=0.02)


def test_the_capacity_benchmark_places_whole_calls_and_reconciles_every_row(empty_postgres):
    out = run_bench("bench/capacity.py", "--quick", "--database-url", empty_postgres)
    assert re.search(r"^capacity: \d+(\.\d+)? calls/s carried", out, re.M), out
    placed = re.search(r"reconciled: (\d+) calls placed, (\d+) rows, 0 calls without exactly one row, "
                       r"0 rows not ended", out)
    assert placed and int(placed[1]) == int(placed[2]) > 0, out


def test_a_rate_the_load_generator_could_not_keep_up_with_is_not_carried(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from capacity import LATE_P95_LIMIT, Step

    on_time = Step(100.0, placed=100, webhook_seconds=[0.02] * 500, row_seconds=[0.05] * 100,
                   lateness=[0.001] * 100)
    assert on_time.carried()
    # the same answers, but the calls went out ever later: the box could not place 100 a second
    behind = Step(100.0, placed=100, webhook_seconds=[0.02] * 500, row_seconds=[0.05] * 100,
                  lateness=[n * 0.01 for n in range(100)])
    assert max(behind.lateness) > LATE_P95_LIMIT and not behind.carried()
