"""Importing the postcode lookup (postcode → centroid and GSS codes) that the directory's
``postcode``/``proximity`` filters use, from a CSV in the ONS Postcode Directory's layout.

The ONSPD's columns (lower case, any order, extra columns ignored): a postcode in ``pcds``
(``AB1 2CD``), ``pcd`` or ``pcd2`` (fixed width); ``lat`` and ``long`` (WGS84); and the GSS
codes of the areas it lies in, kept from any of ``GSS_COLUMNS`` that hold one (county, district,
ward, parish, country, region, constituency, LSOA/MSOA...). Rows the ONSPD marks as having no
grid reference (``lat`` 99.999999) are skipped and counted, not errors.

The whole file is checked first: a missing column, a postcode that is not one, a latitude or
longitude that is not a number in range → every bad line listed (``line N: ...``) and nothing
written. A good file is written in one transaction, creating new postcodes and replacing the
centroid and codes of known ones, and audited (``providers.postcodes_imported``).
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from platform_core.audit.log import append as audit

from .models import GSS_CODE, Postcode

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2")
GSS_COLUMNS = (
    "oscty",
    "oslaua",
    "osward",
    "parish",
    "ctry",
    "rgn",
    "pcon",
    "ced",
    "lsoa21",
    "msoa21",
    "lsoa11",
    "msoa11",
)
NO_GRID_LATITUDE = Decimal("99.999999")
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
GSS_RE = re.compile(GSS_CODE.regex.pattern)
BATCH = 2000
MAX_ERRORS = 500


class PostcodeFileInvalid(Exception):
    def __init__(self, errors: list[str], more: int = 0):
        self.errors = errors
        self.more = more
        extra = f" (and {more} more)" if more else ""
        super().__init__("; ".join(errors[:20]) + extra)


@dataclass
class PostcodeImport:
    rows: int
    created: int
    updated: int
    skipped: int


def _text(data) -> io.TextIOBase:
    if isinstance(data, bytes | bytearray):
        data = io.BytesIO(data)
    if isinstance(data, str):
        return io.StringIO(data)
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="")


def _parse(reader, header) -> tuple[list[tuple], list[str], int, int]:
    """(rows as (postcode, lat, lon, codes), errors, error count, skipped)."""
    errors: list[str] = []
    count = 0
    skipped = 0
    found: list[tuple] = []
    postcode_column = next(c for c in POSTCODE_COLUMNS if c in header)
    gss_columns = [c for c in GSS_COLUMNS if c in header]

    def bad(line: int, message: str) -> None:
        nonlocal count
        count += 1
        if len(errors) < MAX_ERRORS:
            errors.append(f"line {line}: {message}")

    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        raw = " ".join((row.get(postcode_column) or "").split()).upper()
        postcode = Postcode.normalise(raw)
        if not POSTCODE_RE.match(postcode):
            bad(line, f"{postcode_column} {raw!r} is not a postcode.")
            continue
        if postcode in seen:
            bad(line, f"{postcode} is also on line {seen[postcode]}.")
            continue
        seen[postcode] = line
        try:
            lat = Decimal((row.get("lat") or "").strip())
            lon = Decimal((row.get("long") or "").strip())
        except InvalidOperation:
            bad(line, "lat and long must be numbers (decimal degrees).")
            continue
        if lat == NO_GRID_LATITUDE:
            skipped += 1
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            bad(line, "lat must be from -90 to 90 and long from -180 to 180.")
            continue
        codes = []
        for column in gss_columns:
            value = (row.get(column) or "").strip()
            pseudo = value[1:] == "99999999"  # the ONSPD's "not applicable" (e.g. E99999999)
            if value and GSS_RE.match(value) and not pseudo and value not in codes:
                codes.append(value)
        gss = ",".join(codes)
        if len(gss) > 200:
            bad(line, "more GSS codes than the directory keeps (200 characters).")
            continue
        found.append(
            (postcode, lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001")), gss)
        )
    return found, errors, count, skipped


def import_postcodes(data, *, actor=None, filename: str = "") -> PostcodeImport:
    """Check the whole file, then write it (see the module docstring); PostcodeFileInvalid
    listing the bad lines otherwise (nothing written)."""
    reader = csv.DictReader(_text(data))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = []
    if not any(c in header for c in POSTCODE_COLUMNS):
        missing.append("a postcode column (pcds, pcd or pcd2)")
    missing += [c for c in ("lat", "long") if c not in header]
    if missing:
        raise PostcodeFileInvalid([f"line 1: missing column {', '.join(missing)}."])
    try:
        found, errors, count, skipped = _parse(reader, header)
    except UnicodeDecodeError:
        raise PostcodeFileInvalid(["The file is not UTF-8 text."]) from None
    except csv.Error as exc:
        raise PostcodeFileInvalid([f"line {reader.line_num}: {exc}"]) from None
    if errors:
        raise PostcodeFileInvalid(errors, more=count - len(errors))
    if not found and not skipped:
        raise PostcodeFileInvalid(["The file has no postcodes."])
    with transaction.atomic():
        known = set()
        codes = [row[0] for row in found]
        for start in range(0, len(codes), BATCH):
            known.update(
                Postcode.objects.filter(postcode__in=codes[start : start + BATCH]).values_list(
                    "postcode", flat=True
                )
            )
        objs = [
            Postcode(postcode=p, latitude=lat, longitude=lon, gss_codes=gss)
            for p, lat, lon, gss in found
        ]
        Postcode.objects.bulk_create(
            objs,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude", "gss_codes"],
        )
        result = PostcodeImport(
            rows=len(found), created=len(found) - len(known), updated=len(known), skipped=skipped
        )
        audit(
            "providers.postcodes_imported",
            None,
            actor=actor,
            object_type="providers.postcode",
            detail={"file": filename, **result.__dict__},
        )
    return result


# --- one postcode at a time (the admin's postcode screen) ---------------------------------------

MAX_URL_POSTCODE = 20  # longer than any postcode with spaces; anything longer is refused unread


class BadPostcode(ValueError):
    """A postcode in the wrong format: the message says what was wrong."""


def parse_postcode(raw: str) -> str:
    """``raw`` (any case and spacing: ``dm11na``, ``DM1 1NA``, `` dm1  1na``) as the lookup
    keeps it (``DM1 1NA``), or ``BadPostcode`` naming what is wrong."""
    if len(raw) > MAX_URL_POSTCODE:
        raise BadPostcode(f"A postcode is at most 8 characters; this is {len(raw)} long.")
    if not raw.strip():
        raise BadPostcode("Enter a postcode.")
    shown = "".join(ch if ch.isprintable() else "?" for ch in raw)
    if not all(ch.isascii() and (ch.isalnum() or ch.isspace()) for ch in raw):
        raise BadPostcode(
            f"“{shown}” is not a postcode: only letters, digits and a space (like SW1A 1AA)."
        )
    postcode = Postcode.normalise(" ".join(raw.split()).upper())
    if not POSTCODE_RE.match(postcode):
        raise BadPostcode(f"“{shown}” is not a postcode in the UK format (like SW1A 1AA).")
    return postcode


def url_form(postcode: str) -> str:
    """How a postcode appears in the admin's URLs: upper case without its space (``DM11NA``),
    nothing that needs escaping."""
    return postcode.replace(" ", "")


def parse_gss_codes(raw: str) -> str:
    """GSS codes typed as a list (commas, spaces or new lines between them) → the lookup's
    comma-separated form, each checked; ``BadPostcode``-style ``ValueError`` naming the bad
    ones."""
    codes: list[str] = []
    bad = []
    for value in raw.replace(",", " ").split():
        value = value.strip().upper()
        if not GSS_RE.match(value):
            bad.append(value)
        elif value not in codes:
            codes.append(value)
    if bad:
        shown = ", ".join(bad[:5]) + (f" (and {len(bad) - 5} more)" if len(bad) > 5 else "")
        raise ValueError(
            f"Not GSS codes: {shown}. A GSS code is a letter (E, K, N, S or W) and eight "
            "digits, e.g. E06000023."
        )
    joined = ",".join(codes)
    if len(joined) > 200:
        raise ValueError("More GSS codes than the directory keeps (200 characters).")
    return joined


@transaction.atomic
def change_postcode(postcode: Postcode, *, latitude, longitude, gss_codes: str, actor=None) -> bool:
    """Set one postcode's centroid and GSS codes; audited (``providers.postcode_changed``, with
    what it was and what it is now). Returns False (and writes nothing) when nothing changed."""
    before = {
        "latitude": str(postcode.latitude),
        "longitude": str(postcode.longitude),
        "gss_codes": postcode.gss_codes,
    }
    latitude = Decimal(latitude).quantize(Decimal("0.000001"))
    longitude = Decimal(longitude).quantize(Decimal("0.000001"))
    after = {"latitude": str(latitude), "longitude": str(longitude), "gss_codes": gss_codes}
    if before == after:
        return False
    Postcode.objects.filter(pk=postcode.pk).update(
        latitude=latitude, longitude=longitude, gss_codes=gss_codes
    )
    audit(
        "providers.postcode_changed",
        None,
        actor=actor,
        object_type="providers.postcode",
        object_id=postcode.pk,
        detail={"before": before, "after": after},
    )
    return True


@transaction.atomic
def delete_postcode(postcode: Postcode, *, actor=None) -> None:
    """Remove one postcode from the lookup; audited (``providers.postcode_deleted``)."""
    detail = {
        "latitude": str(postcode.latitude),
        "longitude": str(postcode.longitude),
        "gss_codes": postcode.gss_codes,
    }
    Postcode.objects.filter(pk=postcode.pk).delete()
    audit(
        "providers.postcode_deleted",
        None,
        actor=actor,
        object_type="providers.postcode",
        object_id=postcode.pk,
        detail=detail,
    )
