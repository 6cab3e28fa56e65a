"""Demo master data for ``make run``: four council systems holding overlapping residents (with
the errors real systems have: nicknames, typos, swapped dates, moves, twins), a gazetteer and a
planning system's places, resolved, with pairs in the review queue. The council's first
administrator joins the Master data group so the demo shows people. Safe to re-run."""

import random

from platform_core import csvio

from . import synthetic
from .testing import import_people, people_files


def seed_demo(council) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from .actions import import_gazetteer, import_source, resolve_people, resolve_places

    seed = int(council.gss_code[-3:]) if council.gss_code[-3:].isdigit() else 1
    files, _truth = people_files(400, seed=seed)
    import_people(files, place=False)
    gazetteer = synthetic.places(300, seed=seed)
    import_gazetteer(_csv(["uprn", "usrn", "address", "postcode"], gazetteer))
    import_source(
        _csv(["source_id", "uprn", "usrn", "address", "postcode"], _planning(gazetteer, seed)),
        source="planning",
        kind="places",
        owner="Planning and building control",
        trust_rank=60,
        place=False,
    )
    from .models import PersonRecord, PlaceRecord

    # A re-run (``make run`` again) imports the same records, which changes none of them:
    # resolving again would only repeat the last run's result, at most of seed_demo's time.
    if not _resolved_since_last_change("people", PersonRecord):
        resolve_people(actor="demo")
    if not _resolved_since_last_change("places", PlaceRecord):
        resolve_places(actor="demo")
    group = Group.objects.filter(name="Master data").first()
    admin = get_user_model().objects.filter(username=f"admin@{council.slug}.example").first()
    if group and admin:
        admin.groups.add(group)


def _resolved_since_last_change(kind: str, model) -> bool:
    """A full run of ``kind`` finished after the last change to any of its records."""
    from .models import ResolutionRun

    last = (
        ResolutionRun.objects.filter(kind=kind, finished_at__isnull=False)
        .order_by("-finished_at")
        .first()
    )
    return last is not None and not model.objects.filter(updated_at__gt=last.finished_at).exists()


def _planning(gazetteer: list[dict], seed: int) -> list[dict]:
    """Planning applications' sites: most with a UPRN, some typed by hand (abbreviations, a
    flat number, no town), a few nowhere in the gazetteer."""
    rng = random.Random(seed)
    rows = []
    for i, place in enumerate(gazetteer[:200], 1):
        r = rng.random()
        address, uprn = place["address"], place["uprn"]
        if r < 0.6:
            pass
        elif r < 0.85:
            uprn = ""
            address = address.replace("Street", "St").replace("Road", "Rd").replace("Avenue", "Ave")
        elif r < 0.95:
            uprn = ""
            address = f"Flat {rng.randint(1, 6)}, {address.split(',')[0]}"
        else:
            uprn = ""
            address = f"Land adjacent to {address.split(',')[0]}"
        rows.append(
            {
                "source_id": f"PA{i:05d}",
                "uprn": uprn,
                "usrn": "",
                "address": address,
                "postcode": place["postcode"],
            }
        )
    return rows


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    import io

    out = io.StringIO()
    writer = csvio.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return out.getvalue().encode()
