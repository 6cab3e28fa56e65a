"""Reads of records objects named in a request: scoped to the council (the schema) and to what
the user may see. Another council's object, a missing one and one the user may not see all
give the same 404."""

import re

from django.http import Http404

from .models import Classification, Record, RecordVersion


def is_records_manager(user) -> bool:
    """Manages records (the Wagtail records admin, holds, disposal): ``records.change_record``,
    held by "Records managers" and "Council administrators" (records/permissions.py)."""
    return bool(user and user.is_authenticated and user.has_perm("records.change_record"))


def can_read_sensitive(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("records.view_sensitive_record"))


def visible_records(user):
    """Records this user may see: OFFICIAL-SENSITIVE only with ``records.view_sensitive_record``
    (records managers). Every list of record ids shown to a user comes from this query."""
    # The tsvector and the extracted text are for the index, not for answers: never loaded.
    records = Record.objects.select_related("file_class").defer("search_vector", "extracted_text")
    if not can_read_sensitive(user):
        records = records.filter(classification=Classification.OFFICIAL)
    return records


def visible_record_ids(user):
    """For ``Prefetch``: the related records of a decision, hold or record that this user may see."""
    records = Record.objects.only("pk", "classification")
    if not can_read_sensitive(user):
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


def published_decision(decision_id):
    """A decision in the published register (what anyone may read, in the open decisions feed),
    or None: for other apps that link their own objects to the decision recorded for them."""
    from .models import Decision

    if decision_id is None:
        return None
    return Decision.objects.filter(pk=decision_id, published=True).first()


# --- subject access (platform_core/subject_access.py) ----------------------------------------
SUBJECT_ACCESS_LIMIT = 200


def _names_person(term: str, how: str) -> re.Pattern:
    """The term as whole words of the text: a name's words in order (any white space between,
    not inside a longer or hyphenated name: "Ann Lee" is not "Joanne Lee", "Mary-Ann Lee" nor
    "Ann Lee-Jones"), or the whole email address (not the end of a longer one)."""
    if how == "email":
        return re.compile(r"(?<![\w.+-])" + re.escape(term) + r"(?![\w-]|\.\w)", re.IGNORECASE)
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(r"(?<![\w-])" + words + r"(?![\w-])", re.IGNORECASE)


def subject_access(subject) -> list[dict]:
    """Records whose title, description or extracted text name the person (a full name, first
    name and surname, as a phrase, or an email address). The council's PostgreSQL full-text
    index finds candidates; each is then checked against the text itself, because the index
    stems words ("Lees" finds "Lee") and runs the title into the description (a title ending
    "Ann" and a description starting "Lee" read as "Ann Lee"). A surname alone names too many
    people and is not searched. Listed by reference, not content: the records manager reviews
    each before anything is disclosed (classification and third parties). Destroyed records'
    stubs are left out."""
    from django.contrib.postgres.search import SearchQuery

    terms = [
        (f"{first} {surname}".strip(), "name")
        for first, surname in sorted(set(subject.names))
        if first.strip() and surname.strip()
    ]
    terms += [(email, "email") for email in subject.emails]
    found: dict[int, tuple[Record, list[str]]] = {}
    for term, how in dict.fromkeys(terms):
        pattern = _names_person(term, how)
        phrase = '"' + term.replace('"', " ") + '"'
        query = SearchQuery(phrase, config="english", search_type="websearch")
        matched = 0
        for record in (
            Record.objects.filter(search_vector=query)
            .exclude(status=Record.Status.DESTROYED)
            .select_related("file_class")
            .order_by("-id")
            .iterator(chunk_size=100)
        ):
            texts = (record.title, record.description or "", record.extracted_text or "")
            if not any(pattern.search(text) for text in texts):
                continue
            found.setdefault(record.pk, (record, []))[1].append(f"{how}: {term}")
            matched += 1
            if matched >= SUBJECT_ACCESS_LIMIT:
                break
    return [
        {
            "kind": "record",
            "matched_on": ", ".join(matches),
            "uid": str(record.uid),
            "title": record.title,
            "file_class": str(record.file_class),
            "classification": record.classification,
            "status": record.status,
            "created_at": record.created_at.isoformat(),
            "note": "listed by reference: review the record before disclosing it",
        }
        for record, matches in (found[pk] for pk in sorted(found))
    ]
