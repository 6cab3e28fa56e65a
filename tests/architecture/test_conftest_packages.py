"""Every conftest.py below the root sits in a package. A conftest in a plain directory is
imported as the top-level module ``conftest``, shadowing the root conftest for every
``from conftest import ...`` in the suite (which once turned 774 tests into import errors)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", "var", ".git"}


def test_every_nested_conftest_is_in_a_package():
    loose = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("conftest.py")
        if path.parent != ROOT
        and not SKIP.intersection(path.relative_to(ROOT).parts)
        and not (path.parent / "__init__.py").exists()
    ]
    assert loose == [], f"add an __init__.py beside: {loose}"
