"""Importing another directory's Open Referral UK feed into this council's directory.

A feed is ORUK JSON: one service (``/services/{id}``), a list of services, or a page of them as
``/services`` answers (``{"total_items", ..., "contents": [...]}``), with their organisation,
``service_at_locations`` (locations and addresses), contacts (and phones), schedules, cost
options, service areas, languages and ``attributes`` (taxonomy terms).

Two stages, in one transaction:

1. The whole feed is checked first: its shape, every service against ORUK's compiled service
   schema (``oruk_schema/service.json``, Draft 2020-12 with formats), the page fields against
   ORUK's ``Page``, and ids: an id used twice for different entries (two services, two
   contacts...), or a referenced organisation, location or term that appears twice with
   different content, is refused naming the id and both paths. Any error here → ``FeedInvalid``
   listing every error with its JSON path; nothing is imported.
2. Each service is imported in a savepoint keeping the feed's ids (ORUK ids are UUIDs), so a
   second import of the same feed updates (or leaves unchanged) what the first created. A
   service whose data this directory cannot hold (a latitude out of range, an attending type it
   does not know, an organisation id that names nothing...) is refused with every error's path
   and rolled back alone; the others are imported. Parts of an imported service the directory
   cannot hold (a service area without a GSS code, a language without a name) are left out and
   listed. The feed is authoritative for a service's own parts: contacts, schedules, costs,
   areas, languages, terms and service-at-locations not in the feed are removed.

The result is a ``FeedImport`` row (counts created/updated/unchanged by kind, refused entries,
parts left out) and one audit entry ``providers.feed_imported``.
"""

import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from jsonschema import Draft202012Validator, FormatChecker

from platform_core.audit.log import append as audit

from .models import (
    GSS_CODE,
    Address,
    Contact,
    CostOption,
    FeedImport,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)

SCHEMA_DIR = Path(__file__).parent / "oruk_schema"
# ORUK's Page (schema/openapi.json, components.schemas.Page) for a feed that is a page.
PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array"},
    },
    "required": ["contents"],
}
KINDS = ("services", "organizations", "locations", "taxonomies", "taxonomy_terms")
IMPORTED_TAXONOMY = "Imported terms"
MAX_MESSAGE = 300
GSS_RE = re.compile(r"[EKNSW]\d{8}")


class FeedInvalid(Exception):
    """The feed cannot be imported at all; ``errors`` is [{"path", "message"}], every one."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors[:20]))


def _error(path: str, message: str) -> dict:
    return {"path": path, "message": message[:MAX_MESSAGE]}


def json_path(base: str, parts) -> str:
    """``$.contents[2].location.latitude`` from a base path and jsonschema's path parts."""
    path = base
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            path += f".{part}"
        else:
            path += f"[{json.dumps(str(part))}]"
    return path


@cache
def _service_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / "service.json").read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _schema_errors(validator, instance, base: str) -> list[dict]:
    found = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [_error(json_path(base, e.absolute_path), e.message) for e in found]


def parse(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedInvalid([_error("$", f"The feed is not JSON: {exc}")]) from None


def services_in(feed: Any) -> tuple[list[tuple[str, Any]], list[dict]]:
    """[(JSON path, service)] of the feed's services and the page's own errors, or FeedInvalid
    for a feed of the wrong shape."""
    if isinstance(feed, list):
        return [(f"$[{i}]", item) for i, item in enumerate(feed)], []
    if isinstance(feed, dict) and "contents" in feed:
        errors = _schema_errors(Draft202012Validator(PAGE_SCHEMA), {**feed, "contents": []}, "$")
        if not isinstance(feed["contents"], list):
            raise FeedInvalid(errors + [_error("$.contents", "must be a list of services.")])
        return [(f"$.contents[{i}]", item) for i, item in enumerate(feed["contents"])], errors
    if isinstance(feed, dict):
        return [("$", feed)], []
    raise FeedInvalid(
        [_error("$", "An ORUK feed is a service, a list of services or a page of services.")]
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _extra_items(items, path: str, what: str) -> tuple[list, list[dict]]:
    """Lists the ORUK compiled schema does not describe but this platform's own API publishes
    (a contact's ``phones``, a service-at-location's ``schedules``): objects with a UUID id."""
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], [_error(path, f"must be a list of {what}.")]
    good, errors = [], []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not _is_uuid(item.get("id")):
            errors.append(
                _error(f"{path}[{i}]", f"a {what[:-1]} must be an object with a UUID id.")
            )
        else:
            good.append((f"{path}[{i}]", item))
    return good, errors


def check_ids(services: list[tuple[str, dict]]) -> list[dict]:
    """Duplicate ids (two entries of one kind with the same id) and referenced entities
    (organisation, location, taxonomy term) repeated with different content."""
    owned: dict[tuple[str, str], list[str]] = {}
    referenced: dict[tuple[str, str], tuple[str, str]] = {}
    errors: list[dict] = []

    def own(kind, item, path):
        owned.setdefault((kind, str(item["id"]).lower()), []).append(path)

    def ref(kind, item, path) -> bool:
        key = (kind, str(item["id"]).lower())
        canonical = json.dumps(item, sort_keys=True)
        if key in referenced:
            first_path, first = referenced[key]
            if first != canonical:
                errors.append(
                    _error(
                        path,
                        f"{kind} {item['id']} also appears at {first_path} with different content.",
                    )
                )
            return False
        referenced[key] = (path, canonical)
        return True

    for base, service in services:
        own("service", service, base)
        if isinstance(service.get("organization"), dict):
            ref("organization", service["organization"], f"{base}.organization")
        for i, sal in enumerate(service.get("service_at_locations") or []):
            path = f"{base}.service_at_locations[{i}]"
            own("service_at_location", sal, path)
            schedules, bad = _extra_items(sal.get("schedules"), f"{path}.schedules", "schedules")
            errors += bad
            for spath, schedule in schedules:
                own("schedule", schedule, spath)
            location = sal.get("location")
            if isinstance(location, dict) and ref("location", location, f"{path}.location"):
                for j, address in enumerate(location.get("addresses") or []):
                    own("address", address, f"{path}.location.addresses[{j}]")
        for key, kind in (
            ("contacts", "contact"),
            ("schedules", "schedule"),
            ("cost_options", "cost_option"),
            ("service_areas", "service_area"),
            ("languages", "language"),
            ("attributes", "attribute"),
        ):
            for i, item in enumerate(service.get(key) or []):
                path = f"{base}.{key}[{i}]"
                own(kind, item, path)
                if kind == "contact":
                    phones, bad = _extra_items(item.get("phones"), f"{path}.phones", "phones")
                    errors += bad
                    for ppath, phone in phones:
                        own("phone", phone, ppath)
                if kind == "attribute" and isinstance(item.get("taxonomy_term"), dict):
                    ref("taxonomy_term", item["taxonomy_term"], f"{path}.taxonomy_term")
    for (kind, pk), paths in owned.items():
        if len(paths) > 1:
            errors.append(
                _error(paths[1], f"duplicate {kind} id {pk}: used at {' and '.join(paths)}.")
            )
    return errors


def validate(feed: Any) -> list[tuple[str, dict]]:
    """The feed's services once every check passes; FeedInvalid with every error otherwise."""
    services, errors = services_in(feed)
    validator = _service_validator()
    for base, service in services:
        errors += _schema_errors(validator, service, base)
    if errors:
        raise FeedInvalid(errors)
    errors = check_ids(services)
    if errors:
        raise FeedInvalid(errors)
    return services


# --- stage 2: writing ---------------------------------------------------------------------------


class _Refuse(Exception):
    pass


# The model field → ORUK field name where they differ, for error paths.
ORUK_FIELD = {
    "organization": "organization_id",
    "organization_id": "organization_id",
    "location": "location_id",
    "code": "term",
    "gss_code": "extent",
    "taxonomy": "taxonomy",
}


@dataclass
class _Done:
    obj: Any
    status: str  # created, updated, unchanged


class Importer:
    def __init__(self):
        self.done: dict[tuple[str, str], _Done] = {}
        self.refused: list[dict] = []
        self.skipped: list[dict] = []
        self.errors: list[dict] = []
        self.touched = False

    # -- helpers --

    def _fail(self, path: str, message: str) -> None:
        self.errors.append(_error(path, message))

    def status(self, kind, pk) -> str:
        return self.done[(kind, str(pk).lower())].status

    def part(self, kind, model, pk, values: dict, path: str):
        """A service's own part (contact, schedule...): a change marks the service updated."""
        obj = self.upsert(kind, model, pk, values, path)
        if obj is not None and self.status(kind, pk) != "unchanged":
            self.touched = True
        return obj

    def upsert(self, kind, model, pk, values: dict, path: str, *, create_only=None):
        """Create or update ``model`` ``pk`` from ``values`` (validated with ``full_clean``);
        the object, or None after recording its errors. Once per (kind, id) in an import."""
        key = (kind, str(pk).lower())
        if key in self.done:
            return self.done[key].obj
        existing = model.objects.filter(pk=pk).first()
        candidate = model(pk=pk, **values, **({} if existing else (create_only or {})))
        if existing is not None:
            candidate._state.adding = False
        try:
            candidate.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                where = (
                    path if field == NON_FIELD_ERRORS else f"{path}.{ORUK_FIELD.get(field, field)}"
                )
                for message in messages:
                    self._fail(where, message)
            return None
        if existing is None:
            candidate._state.adding = True
            candidate.save(force_insert=True)
            status, obj = "created", candidate
        else:
            names = [model._meta.get_field(k).attname for k in values]
            changed = [n for n in names if getattr(existing, n) != getattr(candidate, n)]
            for name in changed:
                setattr(existing, name, getattr(candidate, name))
            if changed:
                existing.save()
            status, obj = ("updated" if changed else "unchanged"), existing
        self.done[key] = _Done(obj, status)
        return obj

    def sync(self, model, parent: dict, keep: list) -> bool:
        """Remove the parent's parts the feed no longer has; True if there were any."""
        stale = model.objects.filter(**parent).exclude(pk__in=keep)
        if stale.exists():
            stale.delete()
            return True
        return False

    # -- entities --

    def organization(self, service: dict, base: str):
        org = service.get("organization")
        if isinstance(org, dict):
            if (
                service.get("organization_id")
                and str(service["organization_id"]).lower() != str(org["id"]).lower()
            ):
                self._fail(f"{base}.organization_id", "differs from organization.id.")
                return None
            return self.upsert(
                "organizations",
                Organization,
                org["id"],
                {
                    "name": org.get("name", ""),
                    "description": org.get("description", ""),
                    "email": org.get("email", ""),
                    "website": org.get("website", ""),
                },
                f"{base}.organization",
            )
        org_id = service.get("organization_id")
        if not org_id:
            self._fail(base, "a service needs an organization (or an organization_id).")
            return None
        found = self.done.get(("organizations", str(org_id).lower()))
        if found:
            return found.obj
        existing = Organization.objects.filter(pk=org_id).first()
        if existing is None:
            self._fail(
                f"{base}.organization_id",
                f"no organisation {org_id} in the feed or in this directory.",
            )
        return existing

    def _coordinate(self, value, path: str, limit: int):
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -limit <= value <= limit
        ):
            self._fail(path, f"must be a number from -{limit} to {limit}.")
            return None
        return Decimal(str(round(float(value), 6)))

    def location(self, location: dict, path: str, org):
        values = {
            "location_type": location.get("location_type", "physical"),
            "name": location.get("name", ""),
            "description": location.get("description", ""),
            "latitude": self._coordinate(location.get("latitude"), f"{path}.latitude", 90),
            "longitude": self._coordinate(location.get("longitude"), f"{path}.longitude", 180),
        }
        key = ("locations", str(location["id"]).lower())
        if key in self.done:
            return self.done[key].obj
        obj = self.upsert(
            "locations",
            Location,
            location["id"],
            values,
            path,
            create_only={"organization_id": org.pk if org else None},
        )
        if obj is None:
            return None
        keep, changed = [], False
        for j, address in enumerate(location.get("addresses") or []):
            keep.append(address["id"])
            done = self.upsert(
                "addresses",
                Address,
                address["id"],
                {
                    "location_id": obj.pk,
                    "address_1": address.get("address_1", ""),
                    "city": address.get("city", ""),
                    "state_province": address.get("state_province", ""),
                    "postal_code": address.get("postal_code", ""),
                    "country": address.get("country", ""),
                    "address_type": address.get("address_type", ""),
                },
                f"{path}.addresses[{j}]",
            )
            changed |= done is not None and self.status("addresses", address["id"]) != "unchanged"
        changed |= self.sync(Address, {"location": obj}, keep)
        if changed and self.done[key].status == "unchanged":
            self.done[key] = _Done(obj, "updated")
        return obj

    def _taxonomy(self, term: dict, path: str):
        taxonomy_id = term.get("taxonomy_id")
        name = (term.get("taxonomy") or "").strip()
        if taxonomy_id:
            found = Taxonomy.objects.filter(pk=taxonomy_id).first()
            if found:
                return found
        if name:
            found = Taxonomy.objects.filter(name=name).first()
            if found:
                return found
        if not taxonomy_id and not name:
            found = Taxonomy.objects.filter(name=IMPORTED_TAXONOMY).first()
            if found:
                return found
        return self.upsert(
            "taxonomies",
            Taxonomy,
            taxonomy_id or uuid.uuid4(),
            {
                "name": name or IMPORTED_TAXONOMY,
                "description": "Terms that came with an imported Open Referral UK feed.",
            },
            f"{path}.taxonomy",
        )

    def term(self, term: dict, path: str):
        key = ("taxonomy_terms", str(term["id"]).lower())
        if key in self.done:
            return self.done[key].obj
        taxonomy = self._taxonomy(term, path)
        if taxonomy is None:
            return None
        parent_id = term.get("parent_id")
        if parent_id and not TaxonomyTerm.objects.filter(pk=parent_id).exists():
            self.skipped.append(
                _error(f"{path}.parent_id", f"no term {parent_id} here: imported without a parent.")
            )
            parent_id = None
        code = (term.get("term") or "").strip()
        return self.upsert(
            "taxonomy_terms",
            TaxonomyTerm,
            term["id"],
            {
                "taxonomy_id": taxonomy.pk,
                "parent_id": parent_id or None,
                "name": term.get("name", ""),
                "description": term.get("description", ""),
                "term_uri": term.get("term_uri", ""),
                "code": "" if code == term.get("name") else code,
            },
            path,
        )

    def _schedule_values(self, item: dict) -> dict:
        return {
            "freq": item.get("freq", ""),
            "byday": item.get("byday", ""),
            "opens_at": item.get("opens_at") or None,
            "closes_at": item.get("closes_at") or None,
            "valid_from": item.get("valid_from") or None,
            "valid_to": item.get("valid_to") or None,
            "description": item.get("description", ""),
            "attending_type": item.get("attending_type", ""),
            "notes": item.get("notes", ""),
        }

    def _age(self, value, path: str):
        if value is None:
            return None
        if isinstance(value, float) and not value.is_integer():
            self._fail(path, "must be a whole number of years.")
            return None
        return int(value)

    def service(self, base: str, data: dict) -> None:
        self.errors = []
        self.touched = False
        org = self.organization(data, base)
        values = {
            "organization_id": org.pk if org else None,
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "url": data.get("url", ""),
            "email": data.get("email", ""),
            "status": data.get("status", ""),
            "fees": data.get("fees", ""),
            "minimum_age": self._age(data.get("minimum_age"), f"{base}.minimum_age"),
            "maximum_age": self._age(data.get("maximum_age"), f"{base}.maximum_age"),
        }
        if org is None:
            raise _Refuse
        service = self.upsert("services", Service, data["id"], values, base)
        if service is None:
            raise _Refuse
        own = {"service_id": service.pk}

        keep = []
        for i, sal in enumerate(data.get("service_at_locations") or []):
            path = f"{base}.service_at_locations[{i}]"
            location_data = sal.get("location")
            if isinstance(location_data, dict):
                location = self.location(location_data, f"{path}.location", org)
            else:
                location = Location.objects.filter(pk=sal.get("location_id")).first()
                if location is None:
                    self._fail(
                        f"{path}.location_id", "no location with this id here or in the feed."
                    )
            if location is None:
                continue
            keep.append(sal["id"])
            obj = self.part(
                "sal", ServiceAtLocation, sal["id"], {**own, "location_id": location.pk}, path
            )
            if obj is not None:
                schedule_keep = []
                for j, schedule in enumerate(sal.get("schedules") or []):
                    schedule_keep.append(schedule["id"])
                    self.part(
                        "schedule",
                        Schedule,
                        schedule["id"],
                        {"service_at_location_id": obj.pk, **self._schedule_values(schedule)},
                        f"{path}.schedules[{j}]",
                    )
                self.touched |= self.sync(Schedule, {"service_at_location": obj}, schedule_keep)
        self.touched |= self.sync(ServiceAtLocation, {"service": service}, keep)

        keep = []
        for i, contact in enumerate(data.get("contacts") or []):
            path = f"{base}.contacts[{i}]"
            keep.append(contact["id"])
            obj = self.part(
                "contact",
                Contact,
                contact["id"],
                {
                    **own,
                    "name": contact.get("name", ""),
                    "title": contact.get("title", ""),
                    "email": contact.get("email", ""),
                },
                path,
            )
            if obj is not None:
                phone_keep = []
                for j, phone in enumerate(contact.get("phones") or []):
                    phone_keep.append(phone["id"])
                    self.part(
                        "phone",
                        Phone,
                        phone["id"],
                        {
                            "contact_id": obj.pk,
                            "number": phone.get("number", ""),
                            "description": phone.get("description", ""),
                        },
                        f"{path}.phones[{j}]",
                    )
                self.touched |= self.sync(Phone, {"contact": obj}, phone_keep)
        self.touched |= self.sync(Contact, {"service": service}, keep)

        keep = []
        for i, schedule in enumerate(data.get("schedules") or []):
            keep.append(schedule["id"])
            self.part(
                "schedule",
                Schedule,
                schedule["id"],
                {**own, **self._schedule_values(schedule)},
                f"{base}.schedules[{i}]",
            )
        self.touched |= self.sync(Schedule, {"service": service}, keep)

        keep = []
        for i, cost in enumerate(data.get("cost_options") or []):
            path = f"{base}.cost_options[{i}]"
            amount = cost.get("amount")
            try:
                amount = None if amount is None else Decimal(str(amount))
            except InvalidOperation:
                self._fail(f"{path}.amount", "must be a number.")
                continue
            keep.append(cost["id"])
            self.part(
                "cost",
                CostOption,
                cost["id"],
                {
                    **own,
                    "option": cost.get("option", ""),
                    "amount": amount,
                    "amount_description": cost.get("amount_description", ""),
                    "valid_from": cost.get("valid_from") or None,
                    "valid_to": cost.get("valid_to") or None,
                },
                path,
            )
        self.touched |= self.sync(CostOption, {"service": service}, keep)

        keep = []
        for i, area in enumerate(data.get("service_areas") or []):
            path = f"{base}.service_areas[{i}]"
            code = self._gss_code(area)
            if code is None:
                self.skipped.append(
                    _error(path, "left out: no GSS code in its extent or uri (e.g. E06000023).")
                )
                continue
            keep.append(area["id"])
            self.part(
                "area",
                ServiceArea,
                area["id"],
                {
                    **own,
                    "name": (area.get("name") or area.get("service_area") or code)[:200],
                    "gss_code": code,
                },
                path,
            )
        self.touched |= self.sync(ServiceArea, {"service": service}, keep)

        keep = []
        for i, language in enumerate(data.get("languages") or []):
            path = f"{base}.languages[{i}]"
            name = (
                (language.get("name") or "").strip()
                if isinstance(language.get("name"), str)
                else ""
            )
            if not name:
                self.skipped.append(_error(path, "left out: a language without a name."))
                continue
            code = language.get("code") or ""
            code = code.split("-")[0].lower() if isinstance(code, str) else ""
            keep.append(language["id"])
            self.part(
                "language", Language, language["id"], {**own, "name": name, "code": code}, path
            )
        self.touched |= self.sync(Language, {"service": service}, keep)

        keep = []
        for i, attribute in enumerate(data.get("attributes") or []):
            path = f"{base}.attributes[{i}]"
            if isinstance(attribute.get("taxonomy_term"), dict):
                term = self.term(attribute["taxonomy_term"], f"{path}.taxonomy_term")
            elif attribute.get("taxonomy_term_id"):
                term = TaxonomyTerm.objects.filter(pk=attribute["taxonomy_term_id"]).first()
                if term is None:
                    self._fail(f"{path}.taxonomy_term_id", "no taxonomy term with this id here.")
            else:
                self.skipped.append(_error(path, "left out: an attribute without a taxonomy term."))
                continue
            if term is None:
                continue
            keep.append(attribute["id"])
            self.part("attribute", ServiceTerm, attribute["id"], {**own, "term_id": term.pk}, path)
        self.touched |= self.sync(ServiceTerm, {"service": service}, keep)

        if self.errors:
            raise _Refuse
        key = ("services", str(service.pk).lower())
        if self.touched and self.done[key].status == "unchanged":
            self.done[key] = _Done(service, "updated")
            Service.objects.filter(pk=service.pk).update(last_modified=_now())

    @staticmethod
    def _gss_code(area: dict) -> str | None:
        for value in (area.get("extent"), area.get("uri")):
            if isinstance(value, str):
                match = GSS_RE.search(value)
                if match:
                    try:
                        GSS_CODE(match.group(0))
                    except ValidationError:
                        continue
                    return match.group(0)
        return None

    def run(self, services: list[tuple[str, dict]]) -> None:
        for base, data in services:
            done, skipped = dict(self.done), len(self.skipped)
            try:
                with transaction.atomic():
                    self.service(base, data)
            except _Refuse:
                self.done = done
                del self.skipped[skipped:]
                self.refused.append(
                    {
                        "path": base,
                        "id": str(data.get("id", "")),
                        "name": str(data.get("name", ""))[:300],
                        "errors": list(self.errors),
                    }
                )

    def counts(self) -> dict:
        counts = {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in KINDS}
        for (kind, _pk), done in self.done.items():
            if kind in counts:
                counts[kind][done.status] += 1
        return counts


def _now():
    from django.utils import timezone

    return timezone.now()


def import_feed(data: bytes | str, *, source: str, actor=None) -> FeedImport:
    """Import a feed (see the module's docstring); FeedInvalid when nothing can be imported."""
    services = validate(parse(data))
    if not services:
        raise FeedInvalid([_error("$", "The feed has no services.")])
    with transaction.atomic():
        importer = Importer()
        importer.run(services)
        result = FeedImport.objects.create(
            source=source[:500],
            imported_by=actor if getattr(actor, "pk", None) else None,
            counts=importer.counts(),
            refused=importer.refused,
            skipped=importer.skipped,
        )
        audit(
            "providers.feed_imported",
            result,
            actor=actor,
            detail={
                "source": result.source,
                "counts": result.counts,
                "refused": [r["id"] for r in importer.refused],
                "skipped": len(importer.skipped),
            },
        )
    return result


def import_url(url: str, *, actor=None) -> FeedImport:
    """Fetch a feed (``fetch.fetch``: SSRF-safe, timeout, size cap) and import it."""
    from .fetch import fetch

    return import_feed(fetch(url), source=url, actor=actor)
