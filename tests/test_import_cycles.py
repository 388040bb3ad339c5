"""Every module imports on its own, whichever is imported first: no import cycles (the brief's rule).

A cycle only shows when a particular module is the first one imported (a worker's job importing
ivr.sms, say), so each module is imported in a fresh forked child of a process that has loaded only
the third-party libraries.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ivr", "agents", "routing", "flows")
#: Modules that run something when imported: the WSGI app (needs a migrated database), the CLI entry.
SKIP = {"ivr.wsgi", "ivr.cli.__main__"}
CHILD = r"""
import importlib, os, sys
for library in ("flask", "sqlalchemy", "redis", "rq", "twilio", "babel", "yaml", "phonenumbers", "holidays",
                "click", "alembic", "flask_login", "flask_wtf", "flask_limiter", "argon2", "prometheus_client",
                "shapely", "sklearn"):
    try:
        importlib.import_module(library)
    except ImportError:
        pass
failed = 0
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as error:
            print(f"{name}: {error!r}"[:400], flush=True)
            os._exit(1)
        os._exit(0)
    failed += os.waitpid(pid, 0)[1] != 0
sys.exit(1 if failed else 0)
"""


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if name not in SKIP:
                found.append(name)
    return found


def test_every_module_imports_first_without_a_cycle():
    names = modules()
    assert len(names) > 150
    done = subprocess.run([sys.executable, "-c", CHILD, *names], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
