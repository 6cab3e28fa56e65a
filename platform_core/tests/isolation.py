"""The kernel's council-domain routes (health, media, whoami, API schema) for the isolation probe.

Media: council B's staff and an anonymous visitor on B's domain ask for council A's stored files
(a Wagtail document's file, a record's content) by name; the answer must be the one for a file
that exists nowhere. The traversal matrix (``..%5C``, ``%2e%2e`` ...) is in
tests/isolation/test_media.py.
"""

from tests.isolation.probe import Seed


def probe_seeds() -> list[Seed]:
    return [
        Seed(
            "media",
            kwargs=lambda w: {"name": w.document.file.name},
            missing={"name": "documents/no-such-file-probe.txt"},
        ),
    ]
