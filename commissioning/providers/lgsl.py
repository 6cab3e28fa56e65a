"""The full Local Government Service List as the directory's "LGSL" taxonomy.

``data/lgsl.csv`` is a snapshot of the published list (see ``data/SOURCE``: 1,519 services as
of February 2015, Open Government Licence, LG Inform Plus). ``load_lgsl()`` adds it to the
current council's "LGSL" taxonomy (created if missing, with the demo's fixed id), one term per
service with its LGSL id as ``code`` and ``http://id.esd.org.uk/service/<id>`` as its URI; ids
are fixed (uuid5 of the code), so loading again updates names and descriptions and adds
nothing twice. Terms without a code (the demo's subset) are left as they are.
"""

import csv
import uuid
from pathlib import Path

from django.db import transaction

from platform_core.audit.log import append as audit

from .models import Taxonomy, TaxonomyTerm

DATA = Path(__file__).parent / "data" / "lgsl.csv"
NAMESPACE = uuid.UUID("6f1c7f8e-52a8-4c1b-9d40-0c7f0f6f1a12")  # the demo's (demo._id)
TERM_URI = "http://id.esd.org.uk/service/{}"
TAXONOMY_URI = "https://standards.esd.org.uk/?uri=list%2FenglishAndWelshServices"
VERSION = "2015-02-05"


def rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"lgsl/{code}")


@transaction.atomic
def load_lgsl(actor=None) -> dict:
    """Add or update the full list in this council's LGSL taxonomy: {created, updated,
    unchanged}."""
    taxonomy = Taxonomy.objects.filter(name="LGSL").first()
    if taxonomy is None:
        taxonomy = Taxonomy.objects.create(
            id=uuid.uuid5(NAMESPACE, "taxonomy/LGSL"),
            name="LGSL",
            description="Local Government Service List (LG Inform Plus, Open Government Licence).",
            uri=TAXONOMY_URI,
            version=VERSION,
        )
    elif taxonomy.version != VERSION:
        taxonomy.version = VERSION
        taxonomy.save(update_fields=["version"])
    terms = list(TaxonomyTerm.objects.filter(taxonomy=taxonomy))
    existing = {t.code: t for t in terms if t.code}
    uncoded = {t.name.casefold(): t for t in terms if not t.code}
    new, changed, unchanged = [], [], 0
    for row in rows():
        code = row["code"]
        values = {
            "name": row["name"][:300],
            "description": row["description"] or row["name"],
            "term_uri": TERM_URI.format(code),
        }
        term = existing.get(code)
        adopt = uncoded.pop(values["name"].casefold(), None) if term is None else None
        if adopt is not None:
            # a term already here by that name without its LGSL id (the demo's subset) becomes
            # the LGSL term, keeping its own id, so services and markets using it are unchanged
            adopt.code = code
            for key, value in values.items():
                setattr(adopt, key, value)
            changed.append(adopt)
        elif term is None:
            new.append(TaxonomyTerm(id=term_id(code), taxonomy=taxonomy, code=code, **values))
        elif any(getattr(term, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(term, key, value)
            changed.append(term)
        else:
            unchanged += 1
    TaxonomyTerm.objects.bulk_create(new, batch_size=500)
    TaxonomyTerm.objects.bulk_update(
        changed, ["code", "name", "description", "term_uri"], batch_size=500
    )
    result = {"created": len(new), "updated": len(changed), "unchanged": unchanged}
    audit("providers.lgsl_loaded", taxonomy, actor=actor, detail={**result, "version": VERSION})
    return result
