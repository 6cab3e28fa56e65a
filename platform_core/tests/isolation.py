"""The kernel's council-domain routes (health, media, whoami, API schema) for the isolation probe.

Media: council B's staff and an anonymous visitor on B's domain ask for council A's public file
(an image rendition, the only thing /media/ serves) by name; the answer must be the one for a
file that exists nowhere. Private files and the traversal matrix (``..%5C``, ``%2e%2e``
...) are in tests/isolation/test_media.py.
"""

from tests.isolation.probe import Seed


def probe_seeds() -> list[Seed]:
    return [
        Seed(
            "media",
            kwargs=lambda w: {"name": w.rendition.file.name},  # public media: renditions only
            missing={"name": "images/no-such-file-probe.png"},
        ),
    ]
