"""Writes to a council's master data. Every function runs in the current council's schema."""

from .gazetteer import import_gazetteer
from .imports import ImportResult, ensure_source, import_source, parse_rows
from .matching import (
    address_score,
    export_links,
    place_changed,
    place_person,
    place_place,
    resolve_people,
    resolve_places,
    thresholds,
)
from .personal import (
    complete_subject_access,
    erase_person,
    one_month_after,
    request_subject_access,
    subject_access_archive,
    subject_access_export,
)
from .review import confirm_pair, merge_people, merge_places, reject_pair, unmerge_person_record
from .warehouse import financial_year, publish_distinct_counts

__all__ = [
    "ImportResult",
    "address_score",
    "complete_subject_access",
    "confirm_pair",
    "ensure_source",
    "erase_person",
    "export_links",
    "financial_year",
    "publish_distinct_counts",
    "import_gazetteer",
    "import_source",
    "merge_people",
    "merge_places",
    "one_month_after",
    "parse_rows",
    "place_changed",
    "place_person",
    "place_place",
    "reject_pair",
    "request_subject_access",
    "resolve_people",
    "resolve_places",
    "subject_access_archive",
    "subject_access_export",
    "thresholds",
    "unmerge_person_record",
]
