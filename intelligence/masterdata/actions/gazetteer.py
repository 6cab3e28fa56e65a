"""The local land and property gazetteer (LLPG): the places source of truth."""

from django.db import transaction

from platform_core.audit import log as audit

from .. import normalise as n
from ..models import GazetteerEntry, GoldenPlace
from .imports import ImportResult, parse_rows


@transaction.atomic
def import_gazetteer(data, *, actor=None, progress=None) -> ImportResult:
    """Upsert gazetteer entries (``uprn,usrn,address,postcode``) and their golden places.
    Entries are never removed by an import (a UPRN is for ever)."""
    rows, warnings = parse_rows(data, "gazetteer")
    result = ImportResult(source="gazetteer", kind="places", rows=len(rows), warnings=warnings)
    existing = set(GazetteerEntry.objects.values_list("uprn", flat=True))
    entries, goldens = [], []
    for _line, r in rows:
        key = n.address_key(r["address"])
        values = {
            "usrn": r.get("usrn", ""),
            "address": r["address"],
            "postcode": r.get("postcode", ""),
        }
        entries.append(GazetteerEntry(uprn=r["uprn"], address_key=key, **values))
        goldens.append(GoldenPlace(uprn=r["uprn"], address_key=key, in_gazetteer=True, **values))
        if r["uprn"] in existing:
            result.updated += 1
        else:
            result.created += 1
    fields = ["usrn", "address", "postcode", "address_key"]
    GazetteerEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["uprn"],
        update_fields=fields,
        batch_size=5000,
    )
    GoldenPlace.objects.bulk_create(
        goldens,
        update_conflicts=True,
        unique_fields=["uprn"],
        update_fields=[*fields, "in_gazetteer"],
        batch_size=5000,
    )
    if progress:
        progress("load", len(rows), len(rows))
    audit.append(
        "masterdata.gazetteer.imported",
        object_type="masterdata.gazetteerentry",
        actor=actor,
        detail={"rows": result.rows, "created": result.created, "updated": result.updated},
    )
    return result
