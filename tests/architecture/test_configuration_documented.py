"""Every environment variable the code reads is in the README's configuration table, and every
variable the table lists is read by the code (or, where noted, by a library)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where the deployment's environment is read: settings, the production web server's config.
SOURCES = [*sorted((ROOT / "platform_core/settings").glob("*.py")), ROOT / "infra/gunicorn.conf.py"]
# Listed in the README and read outside those files.
READ_ELSEWHERE = {
    "DJANGO_SETTINGS_MODULE": "manage.py, wsgi.py, celery.py",
    "AWS_ACCESS_KEY_ID": "boto3",
    "AWS_SECRET_ACCESS_KEY": "boto3",
    "MIGRATION_WORKERS": "tenants/management/commands/migrate_platform.py",
    "CELERY_METRICS_PORT": "platform_core/metrics.py (a worker's metrics port)",
}
# Read by the settings but set by the test runner, not by whoever deploys: not configuration.
SET_BY_TOOLS = {
    "PYTEST_XDIST_WORKER": "pytest-xdist names each worker (platform_core/settings/test.py)"
}
READS = re.compile(
    r"""(?:\benv(?:_bool)?\(\s*|os\.environ(?:\.get)?[\(\[]\s*)["']([A-Z][A-Z0-9_]+)["']"""
)
LISTED = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def variables_read() -> set[str]:
    names = set()
    for path in SOURCES:
        text = path.read_text()
        names |= set(READS.findall(text))
        # production.py refuses to start without these (a loop over their names).
        for group in re.findall(r"for _required in \(([^)]*)\)", text):
            names |= set(re.findall(r'"([A-Z0-9_]+)"', group))
    return names


def variables_listed() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in LISTED.findall(row.split("|")[1])}


def test_every_variable_the_code_reads_is_documented():
    assert variables_read() - variables_listed() - set(SET_BY_TOOLS) == set()


def test_every_documented_variable_is_read():
    assert variables_listed() - variables_read() - set(READ_ELSEWHERE) == set()
