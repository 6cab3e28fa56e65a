"""Download names go through Django's ``content_disposition_header`` (RFC 6266): a crafted file
name cannot close the quoted string and change the name (or extension) the browser saves.
Issue 8, item 3."""

import ast
import urllib.parse
from pathlib import Path

import pytest
from django.utils.http import content_disposition_header

from records import storage
from tests.architecture.test_csv_writers import ROOT, SKIP_DIRS

pytestmark = pytest.mark.django_db

# A hand-built header would read ``filename="payload.html"; filename="minutes.pdf"``: browsers
# take the first, so an accepted .pdf upload is saved (and opened) as .html.
CRAFTED = 'payload.html"; filename="minutes.pdf'


def test_presigned_download_names_the_file_by_rfc_6266(s3):
    url = storage.download_url("records/" + "a" * 32, CRAFTED)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["response-content-disposition"] == [content_disposition_header(True, CRAFTED)]
    assert 'filename="payload.html"' not in query["response-content-disposition"][0]


def test_filesystem_download_names_the_file_by_rfc_6266(
    records_client_a, file_plan_a, council_a, declare
):
    from records.tests.files import make_pdf

    record = declare(council_a, file_plan_a["minutes"], name=CRAFTED, data=make_pdf("x"))
    response = records_client_a.get(f"/api/v1/records/records/{record.pk}/versions/1/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, CRAFTED)


def _hand_built_dispositions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if "filename=" in text or "filename*=" in text:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_builds_a_content_disposition_by_hand():
    """``bench/`` builds multipart request bodies (a client), not response headers."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & (SKIP_DIRS | {"bench"}) or path.name.startswith("test_"):
            continue
        offenders += _hand_built_dispositions(path)
    assert offenders == [], "use django.utils.http.content_disposition_header: " + ", ".join(
        offenders
    )
