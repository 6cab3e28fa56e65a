"""The import contracts (pyproject.toml, run by `make lint`) hold, and fail on a violation.

Each case copies the code into a temporary directory, adds one module that breaks a rule, and runs
``lint-imports`` there with the project's own configuration: it must exit non-zero and name the
broken rule. The unmodified copy must pass.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "platform_core",
    "tenants",
    "cms",
    "records",
    "intelligence",
    "commissioning",
    "billing",
]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("contracts")
    only_python = shutil.ignore_patterns(
        "static", "templates", "__pycache__", "*.html", "*.css", "*.js", "*.txt"
    )
    for package in PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=only_python)
    (copy / "tests" / "architecture").mkdir(parents=True)
    for name in ["tests/__init__.py", "tests/architecture/__init__.py"]:
        (copy / name).write_text("")
    shutil.copy(ROOT / "tests/architecture/contracts.py", copy / "tests/architecture/contracts.py")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract(code_copy):
    result = lint_imports(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        # The kernel imports no app.
        (
            "platform_core/_violation.py",
            "import records.models\n",
            "platform_core is not allowed to import records",
        ),
        # tenants knows no app (provisioning goes through the kernel's registry).
        ("tenants/_violation.py", "import cms.models\n", "tenants is not allowed to import cms"),
        # A domain app uses a sibling only through its actions/access/api surface.
        ("records/_violation.py", "import cms.models\n", "records is not allowed to import cms"),
        # No cycles between apps: cms imports the commons, so the commons must not import cms.
        (
            "cms/commons/_violation.py",
            "import cms.models\n",
            "Import cycle between apps: cms, cms.commons",
        ),
    ],
)
def test_a_deliberate_violation_fails_lint(code_copy, module, source, message):
    violation = code_copy / module
    violation.write_text(source)
    try:
        result = lint_imports(code_copy)
    finally:
        violation.unlink()
    assert result.returncode != 0
    assert message in " ".join(result.stdout.split()), result.stdout
