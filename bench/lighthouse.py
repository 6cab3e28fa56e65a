"""Lighthouse (npm ``lighthouse@12.2.3``, desktop preset, Debian's Chromium) on each demo
council's home page and a service page, against a running ``make run``.

    make run                       # in one terminal
    make lighthouse                # in another: installs Lighthouse once under var/tools

Prints each page's four category scores, writes the JSON reports under
test-output/lighthouse/, and exits non-zero when any score is below the goal (0.95).
Not part of ``make test``: scores depend on the machine's load, so they are measured and
recorded (docs/benchmarks.md), not asserted in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "var" / "tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
OUTPUT = ROOT / "test-output" / "lighthouse"
COUNCILS = ["northshire", "riverton", "eastvale"]
PAGES = {"home": "/", "service": "/bins-and-recycling/collections/report-a-missed-bin/"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
GOAL = 0.95


def install() -> None:
    if not LIGHTHOUSE.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "lighthouse@12.2.3",
            ],
            check=True,
        )


def audit(url: str, report: Path, attempts: int = 3) -> dict[str, float]:
    """One page's scores. Lighthouse sometimes fails to record the page-load trace under load
    (NO_NAVSTART): such a run is repeated, up to ``attempts`` times, and never scored."""
    for attempt in range(1, attempts + 1):
        try:
            return _audit_once(url, report)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
            print(f"  {url}: Lighthouse run failed, trying again ({attempt}/{attempts})")
    raise AssertionError("unreachable")


def _audit_once(url: str, report: Path) -> dict[str, float]:
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--preset=desktop",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
        ],
        check=True,
        env=env,
        timeout=300,
    )
    data = json.loads(report.read_text())
    return {c: data["categories"][c]["score"] for c in CATEGORIES}


def main(argv: list[str]) -> int:
    port = os.environ.get("PORT", "8000")
    install()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    below = []
    print(f"{'page':32} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    for slug in COUNCILS:
        for name, path in PAGES.items():
            url = f"http://{slug}.localhost:{port}{path}"
            scores = audit(url, OUTPUT / f"{slug}-{name}.json")
            print(f"{slug + ' ' + name:32} " + " ".join(f"{scores[c]:>15.2f}" for c in CATEGORIES))
            below += [(url, c, s) for c, s in scores.items() if s is None or s < GOAL]
    for url, category, score in below:
        print(f"below {GOAL}: {url} {category} {score}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
