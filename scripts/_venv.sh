# Shared by scripts/run and scripts/test: make .venv with Python >= 3.11 and install CityLine into it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "CityLine needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$1]"
# Front-end libraries (charts for the supervisor's floor, axe-core for the accessibility tests) come from npm.
if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --silent
else
    echo "npm not found: pages that draw charts will show tables only; install Node.js for the full console" >&2
fi
