"""Isolation probe seeds for the kernel's routes: a public file of council A with the marker.

Council B asking for ``/media/<name>`` of A's file must get the missing-file answer (404).
The traversal matrix itself (every spelling of ``..``, on disk and S3) is in
tests/security/test_media.py."""

from django.core.files.base import ContentFile
from django.core.files.storage import storages

NAME = "images/isolation-probe.txt"


def seed(council) -> dict[str, dict]:
    from tests.isolation.probe import MARKER

    storage = storages["public"]
    if storage.exists(NAME):
        storage.delete(NAME)
    storage.save(NAME, ContentFile(MARKER.encode()))
    return {"media": {"name": NAME}}
