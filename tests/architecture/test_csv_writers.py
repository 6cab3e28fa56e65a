"""Every CSV the platform writes goes through platform_core.csvio (formula prefixes
neutralised): no other module may build a ``csv.writer`` or ``csv.DictWriter``."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "static_build", "var", ".git"}
ALLOWED = {ROOT / "platform_core" / "csvio.py"}
WRITERS = {"writer", "DictWriter"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIP_DIRS or path in ALLOWED or path.name.startswith("test_"):
            continue
        yield path


def _raw_csv_writers(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} csv.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} from csv import {a.name}"
                for a in node.names
                if a.name in WRITERS
            ]
    return found


def test_no_module_writes_csv_without_the_neutralising_writer():
    offenders = [hit for path in _python_files() for hit in _raw_csv_writers(path)]
    assert offenders == [], (
        "Write CSV through platform_core.csvio (formula injection): " + ", ".join(offenders)
    )
