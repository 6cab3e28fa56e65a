"""360Giving: validate and import grants data (who funds what in the council's area), and
build the council's own feed of grants as a valid 360Giving package.

The schemas are the standard's own (standards/360giving/, copied unchanged with their licence):
the package schema refers to the grant schema by its published address, resolved here to the
local copy (never fetched).
"""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from platform_core.inputcheck import BadInput, check_structure

SCHEMA_DIR = Path(__file__).resolve().parent / "standards" / "360giving" / "schema"
MAX_ERRORS = 200


class GrantsFileError(ValueError):
    """A 360Giving file that cannot be imported: ``problems`` lists every error with its JSON
    path (``$.grants[3].amountAwarded: ...``)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@lru_cache(maxsize=1)
def _schemas() -> tuple[dict, dict]:
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    return package, grant


CODELIST_DIR = SCHEMA_DIR.parent / "codelists"


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of one of the standard's codelists (``codelists/<name>``)."""
    import csv

    with (CODELIST_DIR / name).open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"].strip() for row in csv.DictReader(handle) if row["Code"])


def _codelist_keyword(validator, name, instance, schema):
    """The standard marks fields drawn from a *closed* codelist (``"openCodelist": false``)
    with ``"codelist": "<file>.csv"``; JSON Schema does not check them (360Giving's data
    quality tool does). A value not in the list is an error at its path."""
    if schema.get("openCodelist") is not False or not isinstance(instance, str):
        return
    if instance not in codelist(name):
        from jsonschema import ValidationError as SchemaError

        yield SchemaError(f"{instance!r} is not a code of the standard's {name} codelist")


def _with_codelists(cls):
    from jsonschema import validators

    return validators.extend(cls, {"codelist": _codelist_keyword})


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """The currency codes 360Giving accepts (the grant schema's ``currency`` enum)."""
    return frozenset(_schemas()[1]["$defs"]["currency"]["enum"])


@lru_cache(maxsize=1)
def geo_code_types() -> dict[str, str]:
    """GSS code prefix (``E05``) → the standard's geoCodeType (``WD``), from its codelist
    (each row documents its ONS statistical entity)."""
    import csv

    out: dict[str, str] = {}
    with (CODELIST_DIR / "geoCodeType.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entity = (row.get("Documentation (URL)") or "").rstrip("/").rsplit("/", 1)[-1]
            if len(entity) == 3 and row["Code"]:
                out[entity] = row["Code"].strip()
    return out


@lru_cache(maxsize=1)
def package_validator():
    """The package schema as published (grants resolved to the local grant schema)."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package, grant = _schemas()
    # The files say "http://json-schema.org/draft/2020-12/schema" (http): name the dialect.
    resource = DRAFT202012.create_resource(grant)
    # The package names the grant schema at 1.4.2; the copy's own $id is 1.4.3: both resolve here.
    registry = Registry().with_resources(
        [
            (grant["$id"], resource),
            (package["properties"]["grants"]["items"]["$ref"], resource),
        ]
    )
    return _with_codelists(Draft202012Validator)(
        package, registry=registry, format_checker=FormatChecker()
    )


@lru_cache(maxsize=1)
def grant_validator():
    from jsonschema import Draft202012Validator, FormatChecker

    return _with_codelists(Draft202012Validator)(_schemas()[1], format_checker=FormatChecker())


def _message(error) -> str:
    # oneOf failures (recipientOrganization or recipientIndividual) say which is missing.
    if error.validator == "oneOf" and error.context:
        branches: dict[int, list[str]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub.message)
        fewest = min(len(m) for m in branches.values())
        best = [m for m in branches.values() if len(m) == fewest]
        if len(best) == 1:
            return "; ".join(best[0])
        return " or ".join(sorted({"; ".join(m) for m in best}))
    return error.message


def problems_of(package) -> list[str]:
    """Every schema error of a package, each with its JSON path.

    The same rules as validating the whole package with the package schema, applied in parts so
    that large files stay fast: the package's own fields (with the grants list checked for
    being a non-empty list), each grant against the grant schema, and the package schema's
    ``uniqueItems`` on grants by canonical JSON (jsonschema compares every pair of objects,
    which takes minutes at 10,000 grants)."""
    out: list[str] = []
    if isinstance(package, dict) and isinstance(package.get("grants"), list) and package["grants"]:
        grants = package["grants"]
        shell = {**package, "grants": [{}]}  # the package-level rules; grants checked below
        for error in package_validator().iter_errors(shell):
            if list(error.absolute_path)[:1] == ["grants"] and len(error.absolute_path) > 1:
                continue
            out.append(f"{error.json_path}: {_message(error)}")
        validator = grant_validator()
        for index, grant in enumerate(grants):
            for error in validator.iter_errors(grant):
                path = error.json_path.replace("$", f"$.grants[{index}]", 1)
                out.append(f"{path}: {_message(error)}")
                if len(out) > MAX_ERRORS:
                    break
            if len(out) > MAX_ERRORS:
                out.append("... and more errors (the first 200 are shown)")
                return out
        seen: dict[str, int] = {}
        for index, grant in enumerate(grants):
            key = json.dumps(grant, sort_keys=True)
            if key in seen:
                out.append(
                    f"$.grants[{index}]: is the same as $.grants[{seen[key]}] (grants must be unique)"
                )
            seen.setdefault(key, index)
    else:
        out = [f"{e.json_path}: {_message(e)}" for e in package_validator().iter_errors(package)]
    return out[: MAX_ERRORS + 1]


def parse_package(content: bytes | str) -> dict:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise GrantsFileError(["$: the file is not UTF-8 text"]) from None
    try:
        package = json.loads(content)
    except json.JSONDecodeError as exc:
        raise GrantsFileError(
            [f"$: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"]
        ) from None
    try:
        check_structure(package)
    except BadInput as exc:
        raise GrantsFileError([f"$: {exc.message}"]) from None
    if not isinstance(package, dict):
        raise GrantsFileError(["$: a 360Giving package is an object with a grants list"])
    problems = problems_of(package)
    if not problems:
        problems = _extra_problems(package)
    if problems:
        raise GrantsFileError(problems)
    return package


def _extra_problems(package: dict) -> list[str]:
    """What the schema allows but a store cannot: duplicate grant ids, amounts that are not
    finite, dates that do not exist."""
    problems = []
    seen: dict[str, int] = {}
    for index, grant in enumerate(package["grants"]):
        at = f"$.grants[{index}]"
        if grant["id"] in seen:
            problems.append(f"{at}.id: {grant['id']!r} is also grant {seen[grant['id']]}")
        seen.setdefault(grant["id"], index)
        try:
            amount = Decimal(str(grant["amountAwarded"]))
            if not amount.is_finite() or abs(amount) >= Decimal("1e14"):
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"{at}.amountAwarded: {grant['amountAwarded']!r} is out of range")
        if _award_date(grant["awardDate"]) is None:
            problems.append(f"{at}.awardDate: {grant['awardDate']!r} is not a real date")
    return problems


def _award_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def import_package(content: bytes | str, *, filename: str, actor=None):
    """Validate the whole file against the 360Giving package schema (``GrantsFileError`` with
    every error's JSON path; nothing imported), then store its grants. A grant already imported
    (same id) is replaced by the newer copy."""
    from platform_core.audit import log as audit

    from .models import ExternalGrant, GrantsImport

    package = parse_package(content)
    publisher = (package.get("publisher") or {}).get("name", "")
    with transaction.atomic():
        batch = GrantsImport.objects.create(
            filename=filename[:300],
            publisher=publisher[:300],
            grants=len(package["grants"]),
            imported_by=actor if actor is not None and actor.is_authenticated else None,
        )
        ids = [g["id"] for g in package["grants"]]
        ExternalGrant.objects.filter(grant_id__in=ids).delete()
        ExternalGrant.objects.bulk_create(
            [_external(batch, grant) for grant in package["grants"]], batch_size=1000
        )
        audit.append(
            "funding.360giving.imported",
            batch,
            actor=actor,
            object_type="funding.grantsimport",
            object_id=str(batch.pk),
            detail={"filename": filename, "grants": batch.grants},
        )
    return batch


def _external(batch, grant: dict):
    from .models import ExternalGrant

    funder = grant["fundingOrganization"][0]
    recipient = (grant.get("recipientOrganization") or grant.get("recipientIndividual") or [{}])[0]
    codes = []
    for location in grant.get("beneficiaryLocation") or []:
        code = (location.get("geoCode") or "").strip().upper()
        if len(code) == 9 and code not in codes:
            codes.append(code)
    return ExternalGrant(
        batch=batch,
        grant_id=grant["id"][:300],
        title=grant["title"][:500],
        funder_id=funder["id"][:200],
        funder_name=funder["name"][:300],
        recipient_name=(recipient.get("name") or "")[:300],
        amount_awarded=Decimal(str(grant["amountAwarded"])).quantize(Decimal("0.01")),
        currency=grant["currency"],
        award_date=_award_date(grant["awardDate"]),
        geo_codes=codes,
        data=grant,
    )


# --- the council's own feed -----------------------------------------------------------------


class NoOrgId(ValueError):
    """The council has no org-id yet: its feed cannot name the funder (360Giving requires an
    org-id)."""


def funder_org_id(council) -> str:
    """The council's organisation identifier in the feed: its org-id (org-id.guide) from its
    nation's local authority register (GB-LAE-, GB-WLA-, GB-SLA-, GB-NIA-), as platform staff
    recorded it on the council (tenants' ``Council.org_id``, checked against the council's GSS
    code when set). ``NoOrgId`` while it has none: no made-up identifier is published."""
    org_id = getattr(council, "org_id", "") or ""
    if not org_id:
        raise NoOrgId(
            f"{council.name} has no organisation identifier (org-id) yet, which a 360Giving "
            "package needs for its funder: platform staff set it in the console."
        )
    return org_id


CHARITY_REGISTERS = (
    (re.compile(r"^\d{6,8}$"), "GB-CHC-"),  # Charity Commission for England and Wales
    (re.compile(r"^SC\d{6}$"), "GB-SC-"),  # Scottish Charity Regulator
)
COMPANY_RE = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")  # Companies House


def recipient_org_id(prefix: str, org_id: str, charity: str, company: str, name: str, pk) -> str:
    """The recipient's org-id: the one given; else from its charity or company number in the
    register that issued it (``GB-CHC-1234567``, ``GB-SC-SC012345``, ``GB-COH-01234567``), as
    360Giving asks; else the council's own identifier for the organisation, the same for every
    grant to the same name (``360G-<council>-org-<name>``)."""
    if org_id:
        return org_id
    charity = "".join((charity or "").upper().split())
    for pattern, register in CHARITY_REGISTERS:
        if pattern.match(charity):
            return register + charity
    company = "".join((company or "").upper().split())
    if COMPANY_RE.match(company):
        return "GB-COH-" + company
    slug = slugify(name)[:80]
    return f"{prefix}-org-{slug}" if slug else f"{prefix}-org-{pk}"


def grant_prefix(council) -> str:
    return f"360G-{council.slug}"


def feed(council, *, site_url: str = "") -> dict:
    """Every grant the council makes, as a 360Giving package (version 1.4). Built from values,
    not model instances, so 10,000 grants stay fast."""
    from intelligence.warehouse import access as warehouse

    from .models import Grant

    funder = {"id": funder_org_id(council), "name": council.name}
    prefix = grant_prefix(council)
    # Each beneficiary location by its name where the warehouse knows the area (its wards).
    names = {area.code: area.name for area in warehouse.areas()}
    grants = []
    rows = Grant.objects.order_by("id").values_list(
        "id",
        "title",
        "description",
        "currency",
        "amount_awarded",
        "award_date",
        "recipient_name",
        "recipient_org_id",
        "recipient_charity_number",
        "recipient_company_number",
        "programme",
        "beneficiary_geo",
        "source",
        "from_open_call",
        "modified_at",
    )
    for (
        pk,
        title,
        description,
        currency,
        amount,
        award_date,
        recipient_name,
        org_id,
        charity,
        company,
        programme,
        geo,
        source,
        open_call,
        modified,
    ) in rows.iterator(chunk_size=2000):
        recipient = {
            "id": recipient_org_id(prefix, org_id, charity, company, recipient_name, pk),
            "name": recipient_name,
        }
        if charity:
            recipient["charityNumber"] = charity
        if company:
            recipient["companyNumber"] = company
        grant = {
            "id": f"{prefix}-{pk}",
            "title": title,
            "description": description,
            "currency": currency,
            "amountAwarded": float(amount) if amount != amount.to_integral() else int(amount),
            "awardDate": award_date.isoformat(),
            "recipientOrganization": [recipient],
            "fundingOrganization": [funder],
            "fromOpenCall": "Yes" if open_call else "No",
            "dateModified": modified.isoformat(),
        }
        if programme:
            grant["grantProgramme"] = [{"title": programme}]
        if geo:
            types = geo_code_types()
            grant["beneficiaryLocation"] = [
                {"name": names.get(code, code), "geoCode": code, "geoCodeType": types[code[:3]]}
                if code[:3] in types
                else {"name": names.get(code, code), "geoCode": code}
                for code in geo
            ]
        if source != "direct":
            grant["classifications"] = [
                {"vocabulary": "council-platform:grant-source", "code": source}
            ]
        grants.append(grant)
    package = {
        "version": "1.4",
        "title": f"Grants made by {council.name}",
        "publisher": {"name": council.name, "identifier": funder["id"]},
        "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "modified": timezone.now().isoformat(),
        "grants": grants,
    }
    if site_url:
        package["publisher"]["website"] = site_url
        package["accessURL"] = site_url
    return package
