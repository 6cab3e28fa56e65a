"""OCDS 1.1: the releases a commission's stages produce, release packages and records.

Each stage change stores one ``Release`` (planning, tender, tenderUpdate, award, contract,
implementation, contractTermination); the feed serves them in release packages and a record per
ocid (its releases and a compiled release). The ocid is ``<OCDS_OCID_PREFIX>-<council>-<id>``;
the prefix comes from the setting (read at call time; registered with the Open Contracting
Partnership in production). Validation against the official 1.1 schema and codelists
(``ocds_schema/``, copied from open-contracting/standard) is in ``validate_package``.

Extensions: every package declares the UK extension that Find a Tender publishes with
(cabinetoffice/ocds_uk_extension) and the nine extensions it depends on (``EXTENSIONS``), and is
validated against the 1.1 release schema patched by each of them in turn (JSON Merge Patch, as
OCDS tooling does; the files are vendored in ``ocds_schema/extensions/``, see its SOURCE). Of
their fields the releases carry those the platform has the data for: the number of bids
(``bids.statistics``, bid extension), when the tender reached its final status
(``tender.finalStatusDate``), the award's main procurement category and the contract period's
``durationInMonths`` (UK extension).
"""

import copy
import csv
import json
from datetime import UTC
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema" / "schema"
EXTENSIONS_DIR = SCHEMA_DIR.parent / "extensions"
_OCE = "https://raw.githubusercontent.com/open-contracting-extensions"
# (vendored directory, the URL declared in packages), applied in this order: the dependencies
# (as the UK extension's extension.json names them), then the UK extension itself, pinned to
# the commit vendored.
EXTENSIONS = [
    ("ocds_awardCriteria_extension", f"{_OCE}/ocds_awardCriteria_extension/master/extension.json"),
    ("ocds_bid_extension", f"{_OCE}/ocds_bid_extension/v1.1.5/extension.json"),
    ("ocds_communication_extension", f"{_OCE}/ocds_communication_extension/master/extension.json"),
    ("ocds_location_extension", f"{_OCE}/ocds_location_extension/master/extension.json"),
    (
        "ocds_otherRequirements_extension",
        f"{_OCE}/ocds_otherRequirements_extension/master/extension.json",
    ),
    (
        "ocds_performance_failures_extension",
        f"{_OCE}/ocds_performance_failures_extension/master/extension.json",
    ),
    (
        "ocds_subcontracting_extension",
        f"{_OCE}/ocds_subcontracting_extension/master/extension.json",
    ),
    ("ocds_suitability_extension", f"{_OCE}/ocds_suitability_extension/master/extension.json"),
    ("ocds_techniques_extension", f"{_OCE}/ocds_techniques_extension/master/extension.json"),
    (
        "ocds_uk_extension",
        "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/"
        "aa0e43b84dfad0cb9b839a8135e0bc4b285d32fc/extension.json",
    ),
]
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
DEFAULT_PREFIX = "ocds-cpltfm"
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def ocid_prefix() -> str:
    return getattr(settings, "OCDS_OCID_PREFIX", "") or DEFAULT_PREFIX


def _council():
    from tenants.access import current_council

    return current_council()


def ocid_for(pk: int) -> str:
    council = _council()
    slug = council.slug if council else "council"
    return f"{ocid_prefix()}-{slug}-{pk:06d}"


def _money(value) -> dict:
    return {"amount": float(Decimal(value)), "currency": "GBP"}


def _dt(value) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _date(value) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _months(start, end) -> int:
    """Whole months from ``start`` to ``end``, a part month counted as one (the maximum
    duration, as the UK extension's ``Period.durationInMonths`` asks)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(1, months + (1 if end.day > start.day else 0))


def _org_party(org_id, name: str, roles: list[str]) -> dict:
    return {"id": f"org-{org_id}", "name": name, "roles": roles}


TENDER_STATUS = {
    "planning": "planning",
    "tender": "active",
    "evaluation": "active",
    "awarded": "complete",
    "contract": "complete",
    "complete": "complete",
    "cancelled": "cancelled",
}


def build_release(commission, tag: str, release_id: str, date) -> dict:
    """The release of a commission as it stands, tagged with the stage it reached."""
    from .actions import bids_unsealed

    council = _council()
    council_name = council.name if council else "Council"
    commissioner = commission.commissioner
    buyer_id = f"commissioner-{commissioner.pk}"
    parties = {
        buyer_id: {"id": buyer_id, "name": commissioner.name, "roles": ["buyer"]},
        "council": {"id": "council", "name": council_name, "roles": ["procuringEntity"]},
    }
    budget = commission.budget
    release: dict = {
        "ocid": commission.ocid,
        "id": release_id,
        "date": _dt(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": buyer_id, "name": commissioner.name},
        "planning": {
            "rationale": commission.need,
            "budget": {
                "id": f"budget-{budget.pk}",
                "description": f"{budget.name} {budget.financial_year}",
                "amount": _money(commission.estimated_value),
            },
        },
    }
    full = commission.path == "full"
    tender: dict = {
        "id": f"{commission.ocid}-tender",
        "title": commission.title,
        "description": commission.description or commission.need,
        "status": TENDER_STATUS[commission.stage],
        "value": _money(commission.estimated_value),
        "procurementMethod": "open" if full else "direct",
        "procurementMethodDetails": "Open opportunity"
        if full
        else "Direct award from a personal or member budget",
        "mainProcurementCategory": "services",
        "procuringEntity": {"id": "council", "name": council_name},
    }
    if TENDER_STATUS[commission.stage] == "complete" and commission.awarded_at:
        tender["finalStatusDate"] = _dt(commission.awarded_at)  # UK extension
    if commission.category:
        tender["items"] = [{"id": "1", "description": commission.category, "quantity": 1}]
    criteria = list(commission.criteria.all())
    if criteria:
        tender["awardCriteria"] = "ratedCriteria"
        tender["awardCriteriaDetails"] = "; ".join(f"{c.name} {c.weight}%" for c in criteria)
    if commission.published_at and commission.tender_deadline:
        tender["tenderPeriod"] = {
            "startDate": _dt(commission.published_at),
            "endDate": _dt(commission.tender_deadline),
        }
        tender["submissionMethod"] = ["electronicSubmission"]
    if full and commission.stage != "planning" and bids_unsealed(commission):
        bids = list(commission.bids.select_related("organization"))
        tender["numberOfTenderers"] = len(bids)
        tender["tenderers"] = [
            {"id": f"org-{b.organization_id}", "name": b.organization.name} for b in bids
        ]
        # Bid extension: how many bids arrived by the deadline (never what they offered).
        release["bids"] = {
            "statistics": [
                {
                    "id": "bids",
                    "measure": "bids",
                    "value": len(bids),
                    "date": _dt(commission.tender_deadline),
                }
            ]
        }
        for b in bids:
            parties.setdefault(
                f"org-{b.organization_id}",
                _org_party(b.organization_id, b.organization.name, []),
            )["roles"].append("tenderer")
    release["tender"] = tender
    bid = commission.awarded_bid
    if bid is not None:
        supplier = {"id": f"org-{bid.organization_id}", "name": bid.organization.name}
        party = parties.setdefault(
            supplier["id"], _org_party(bid.organization_id, bid.organization.name, [])
        )
        party["roles"].append("supplier")
        release["awards"] = [
            {
                "id": f"{commission.ocid}-award-1",
                "title": commission.title,
                "status": "active",
                "date": _dt(commission.awarded_at),
                "value": _money(commission.award_value),
                "suppliers": [supplier],
                "mainProcurementCategory": "services",  # UK extension
            }
        ]
        contract = (
            getattr(commission, "contract", None)
            if commission.stage
            in (
                "contract",
                "complete",
            )
            else None
        )
        if contract is not None:
            block: dict = {
                "id": f"{commission.ocid}-contract-1",
                "awardID": f"{commission.ocid}-award-1",
                "title": commission.title,
                "status": "active" if contract.status == "active" else "terminated",
                "period": {
                    "startDate": _date(contract.start_date),
                    "endDate": _date(contract.end_date),
                    "durationInMonths": _months(contract.start_date, contract.end_date),
                },
                "value": _money(contract.value),
                "dateSigned": _dt(contract.created_at),
            }
            milestones = [
                {
                    "id": f"milestone-{m.pk}",
                    "title": m.title,
                    "type": "delivery",
                    "dueDate": _date(m.due_date),
                    "status": "met" if m.met_on else "scheduled",
                    **({"dateMet": _date(m.met_on)} if m.met_on else {}),
                }
                for m in contract.milestones.all()
            ]
            if milestones:
                block["milestones"] = milestones
            transactions = [
                {
                    "id": f"return-{r.pk}",
                    "date": _dt(r.submitted_at),
                    "value": _money(r.amount_invoiced),
                    "payer": {"id": buyer_id, "name": commissioner.name},
                    "payee": supplier,
                }
                for r in contract.returns.all()
                if r.amount_invoiced
            ]
            if transactions:
                parties[buyer_id]["roles"].append("payer")
                party["roles"].append("payee")
                block["implementation"] = {"transactions": transactions}
            release["contracts"] = [block]
    release["parties"] = list(parties.values())
    return release


def store_release(commission, tag: str):
    from .models import Release

    now = timezone.now()
    number = commission.releases.count() + 1
    release_id = f"{commission.ocid}-{number:02d}-{tag}"
    data = build_release(commission, tag, release_id, now)
    return Release.objects.create(
        commission=commission, release_id=release_id, tag=tag, date=now, data=data
    )


def publisher() -> dict:
    council = _council()
    return {"name": council.name if council else "Council"}


def release_package(releases: list[dict], uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _dt(timezone.now()),
        "publisher": publisher(),
        "license": LICENSE,
        "publicationPolicy": "https://www.gov.uk/government/publications/procurement-act-2023",
        "extensions": extension_urls(),
        "releases": releases,
    }


def merge(base, update):
    """OCDS merge (simplified): objects merge key by key; arrays of objects with ``id`` merge by
    id; other arrays and values are replaced; ``tag`` is not merged."""
    if isinstance(base, dict) and isinstance(update, dict):
        out = dict(base)
        for key, value in update.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    if (
        isinstance(base, list)
        and isinstance(update, list)
        and all(isinstance(i, dict) and "id" in i for i in base + update)
    ):
        merged = {i["id"]: i for i in base}
        for item in update:
            merged[item["id"]] = merge(merged[item["id"]], item) if item["id"] in merged else item
        return list(merged.values())
    return update


def compiled_release(releases: list[dict]) -> dict:
    compiled: dict = {}
    for release in releases:
        compiled = merge(compiled, {k: v for k, v in release.items() if k != "tag"})
    compiled["tag"] = ["compiled"]
    if releases:
        compiled["id"] = f"{releases[-1]['ocid']}-compiled"
    return compiled


def record_package(ocid: str, releases: list[dict], uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": _dt(timezone.now()),
        "publisher": publisher(),
        "license": LICENSE,
        "extensions": extension_urls(),
        "records": [
            {"ocid": ocid, "releases": releases, "compiledRelease": compiled_release(releases)}
        ],
    }


# --- validation (tests, the benchmark) ------------------------------------------------------------


@cache
def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


def extension_urls() -> list[str]:
    return [url for _, url in EXTENSIONS]


@cache
def release_schema() -> dict:
    """The OCDS 1.1 release schema patched by every extension in ``EXTENSIONS``, in order (JSON
    Merge Patch, RFC 7386: objects merge key by key, a ``null`` removes a key; as
    ocdsextensionregistry's ProfileBuilder applies extensions)."""
    import json_merge_patch

    schema = copy.deepcopy(_schema("release-schema.json"))
    for directory, _ in EXTENSIONS:
        patch = json.loads((EXTENSIONS_DIR / directory / "release-schema.json").read_text())
        schema = json_merge_patch.merge(schema, patch)
    return schema


def _read_codes(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


@cache
def _codelists() -> dict[str, set[str]]:
    """The core codelists with each extension's: ``+name.csv`` adds codes to a codelist,
    ``-name.csv`` removes codes from it, any other name is a new codelist."""
    out = {path.name: _read_codes(path) for path in (SCHEMA_DIR / "codelists").glob("*.csv")}
    for directory, _ in EXTENSIONS:
        for path in sorted((EXTENSIONS_DIR / directory / "codelists").glob("*.csv")):
            name = path.name.lstrip("+-")
            if path.name.startswith("+"):
                out[name] = out.get(name, set()) | _read_codes(path)
            elif path.name.startswith("-"):
                out[name] = out.get(name, set()) - _read_codes(path)
            else:
                out[name] = _read_codes(path)
    return out


def _validator(package_schema: str):
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    # The packages' schemas refer to the release schema by its URL: it resolves to the patched
    # one (as OCDS tools validate a package that declares extensions).
    release = Resource.from_contents(release_schema(), default_specification=DRAFT4)
    registry = Registry().with_resources(
        [(RELEASE_SCHEMA_URL, release), (release_schema().get("id", ""), release)]
    )
    return Draft4Validator(
        _schema(package_schema), registry=registry, format_checker=FormatChecker()
    )


@cache
def _validators():
    return {
        "release": _validator("release-package-schema.json"),
        "record": _validator("record-package-schema.json"),
    }


def _codelist_errors(value, schema: dict, path: str, errors: list[str]) -> None:
    """Every field that names a codelist (open or closed) carries one of its codes."""
    definitions = release_schema()["definitions"]
    if "$ref" in schema:
        schema = definitions[schema["$ref"].split("/")[-1]]
    codelist = schema.get("codelist")
    if codelist:
        codes = _codelists().get(codelist, set())
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item not in codes:
                errors.append(f"{path}: {item!r} is not in {codelist}")
        return
    if isinstance(value, dict):
        for key, sub in value.items():
            if key in schema.get("properties", {}):
                _codelist_errors(sub, schema["properties"][key], f"{path}.{key}", errors)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for n, item in enumerate(value):
            _codelist_errors(item, schema["items"], f"{path}[{n}]", errors)


def validate_package(package: dict) -> list[str]:
    """Errors (empty when valid) of a release or record package: the OCDS 1.1 JSON schema
    patched by the declared extensions (draft 4, with formats) and the codelists, the
    extensions' included, of every release in it."""
    kind = "record" if "records" in package else "release"
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validators()[kind].iter_errors(package)
    ]
    patched = release_schema()
    releases = (
        package.get("releases", [])
        if kind == "release"
        else [
            r
            for rec in package.get("records", [])
            for r in [*rec.get("releases", []), rec.get("compiledRelease")]
            if isinstance(r, dict) and "ocid" in r
        ]
    )
    for n, release in enumerate(releases):
        _codelist_errors(release, patched, f"release[{n}]", errors)
    return errors
