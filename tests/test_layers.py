"""The pure layers stay pure: the flow engine and routing's domain know nothing of the web, the phone company
or our other packages, so they can be read, tested and reused alone (docs/architecture.md, Layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: package -> top-level names its modules must not import.
FORBIDDEN = {
    "flows": {"ivr", "agents", "routing", "flask", "twilio", "redis", "rq", "sqlalchemy"},
    "routing": {"ivr", "agents", "flows", "flask", "twilio", "sqlalchemy"},
}


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_pure_package_imports_none_of_the_outer_layers(package):
    offending = {str(path.relative_to(ROOT)): sorted(imported_names(path) & FORBIDDEN[package])
                 for path in sorted((ROOT / package).rglob("*.py"))}
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ivr.voice import twiml\n    import flask.json\n")
    assert imported_names(module) == {"ivr", "flask"}
