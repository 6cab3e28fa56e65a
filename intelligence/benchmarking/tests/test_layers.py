"""The pool receives; the warehouse pushes (issue 10 item 3): no module of the benchmarking app
imports the warehouse (import-linter holds the same contract in ``make lint`` once it lands)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1]


def test_benchmarking_never_imports_the_warehouse():
    offenders = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [
                f"{path.relative_to(APP)}:{node.lineno}"
                for name in names
                if name.startswith("intelligence.warehouse")
            ]
    assert offenders == []


def test_publishing_never_switches_into_a_council_schema():
    source = (APP / "actions.py").read_text()
    assert "schema_context(council" not in source and "set_tenant" not in source
