"""Reads of records objects named in a request: scoped to the council (the schema) and to what
the user may see. Another council's object, a missing one and one the user may not see all
give the same 404."""

from django.http import Http404

from .models import Classification, Record, RecordVersion

MANAGER_GROUPS = {"Records managers", "Council administrators"}


def is_records_manager(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_records_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._records_groups = cached
    return bool(cached & MANAGER_GROUPS)


def visible_records(user):
    """Records this user may see: OFFICIAL-SENSITIVE only for records managers."""
    # The tsvector and the extracted text are for the index, not for answers: never loaded.
    records = Record.objects.select_related("file_class").defer("search_vector", "extracted_text")
    if not is_records_manager(user):
        records = records.filter(classification=Classification.OFFICIAL)
    return records


def access_record(user, record_id) -> Record:
    try:
        return visible_records(user).get(pk=int(record_id))
    except (Record.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None


def access_version(user, record_id, number) -> RecordVersion:
    record = access_record(user, record_id)
    try:
        return record.versions.select_related("record").get(number=int(number))
    except (RecordVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version") from None
