"""What validating OCDS packages against the UK extension costs: the same release package
validated against the OCDS 1.1 release schema alone and against it patched by the ten declared
extensions (commissioning/commissions/ocds.py, ``EXTENSIONS``), side by side, in both orders.

``python -m bench.run ocds_extensions [--releases N]`` (default 1,000;
DJANGO_SETTINGS_MODULE=platform_core.settings.test). No database is used: the releases are a
fixed contract-stage release (every stage's blocks, the extensions' fields included) repeated
with new ids, so the figure is the schema walk, not the data's variety.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _release(n: int) -> dict:
    money = {"amount": 1200.0, "currency": "GBP"}
    supplier = {"id": "org-1", "name": "Supplier"}
    return {
        "ocid": f"ocds-bench-{n:06d}",
        "id": f"ocds-bench-{n:06d}-05-contract",
        "date": "2026-03-01T00:00:00Z",
        "tag": ["contract"],
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": "commissioner-1", "name": "Buyer"},
        "parties": [
            {"id": "commissioner-1", "name": "Buyer", "roles": ["buyer", "payer"]},
            {"id": "council", "name": "Council", "roles": ["procuringEntity"]},
            {**supplier, "roles": ["tenderer", "supplier", "payee"]},
        ],
        "planning": {"rationale": "Need", "budget": {"id": "budget-1", "amount": money}},
        "tender": {
            "id": "t",
            "title": "Befriending",
            "status": "complete",
            "value": money,
            "procurementMethod": "open",
            "mainProcurementCategory": "services",
            "awardCriteria": "ratedCriteria",
            "finalStatusDate": "2026-02-01T00:00:00Z",
            "tenderPeriod": {
                "startDate": "2026-01-01T00:00:00Z",
                "endDate": "2026-01-10T00:00:00Z",
            },
            "tenderers": [supplier],
            "numberOfTenderers": 1,
        },
        "bids": {
            "statistics": [
                {"id": "bids", "measure": "bids", "value": 1, "date": "2026-01-10T00:00:00Z"}
            ]
        },
        "awards": [
            {
                "id": "a",
                "status": "active",
                "date": "2026-02-01T00:00:00Z",
                "value": money,
                "suppliers": [supplier],
                "mainProcurementCategory": "services",
            }
        ],
        "contracts": [
            {
                "id": "c",
                "awardID": "a",
                "status": "active",
                "value": money,
                "period": {
                    "startDate": "2026-03-01T00:00:00Z",
                    "endDate": "2027-02-28T00:00:00Z",
                    "durationInMonths": 12,
                },
                "milestones": [
                    {
                        "id": "m",
                        "title": "Live",
                        "type": "delivery",
                        "dueDate": "2026-04-01T00:00:00Z",
                        "status": "scheduled",
                    }
                ],
                "implementation": {
                    "transactions": [
                        {
                            "id": "r1",
                            "date": "2026-04-01T00:00:00Z",
                            "value": money,
                            "payer": {"id": "commissioner-1", "name": "Buyer"},
                            "payee": supplier,
                        }
                    ]
                },
            }
        ],
    }


def _timed(ocds, package, extensions) -> tuple[float, int]:
    ocds.EXTENSIONS = extensions
    for cached in (ocds.release_schema, ocds._validators, ocds._codelists):
        cached.cache_clear()
    ocds._validators()  # built outside the timing, as it is once per process
    started = time.perf_counter()
    errors = ocds.validate_package(package)
    return time.perf_counter() - started, len(errors)


def main(argv):
    import django

    django.setup()
    from commissioning.commissions import ocds

    n = int(argv[argv.index("--releases") + 1]) if "--releases" in argv else 1000
    declared = list(ocds.EXTENSIONS)
    package = json.loads(json.dumps(ocds.release_package([_release(i) for i in range(n)], "u")))
    rows = []
    for order in (("core", "patched"), ("patched", "core")):
        times = {}
        for which in order:
            seconds, errors = _timed(ocds, package, [] if which == "core" else declared)
            assert errors == 0, f"{which}: {errors} errors"
            times[which] = round(seconds, 2)
        rows.append({"order": " then ".join(order), **times})
    ocds.EXTENSIONS = declared
    for cached in (ocds.release_schema, ocds._validators, ocds._codelists):
        cached.cache_clear()
    print(json.dumps({"releases": n, "bytes": len(json.dumps(package)), "runs": rows}, indent=1))
    for row in rows:
        print(f"{row['order']}: patched / core = {row['patched'] / row['core']:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
