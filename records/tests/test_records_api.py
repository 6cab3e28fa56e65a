import hashlib
import urllib.request

import pytest

from records.conftest import upload
from records.tests.files import make_docx, make_pdf

pytestmark = pytest.mark.django_db


def _declare_via_api(client, file_class, name="minutes.pdf", data=None, **fields):
    body = {
        "title": fields.pop("title", "Cabinet minutes March"),
        "file_class": file_class.pk,
        "file": upload(name, data if data is not None else make_pdf("Cabinet minutes")),
        **fields,
    }
    return client.post("/api/v1/records/records/", body)


def test_declaring_a_record_stores_an_immutable_version_in_s3(
    records_client_a, file_plan_a, s3, council_a
):
    data = make_pdf("Budget decision")
    response = _declare_via_api(records_client_a, file_plan_a["minutes"], data=data)
    assert response.status_code == 201, response.content
    body = response.json()
    version = body["versions"][0]
    assert version["sha256"] == hashlib.sha256(data).hexdigest()
    assert version["size"] == len(data)
    assert version["content_type"] == "application/pdf"
    assert version["uploaded_by"] == "rm@alphaford.example"
    from django_tenants.utils import schema_context

    from records.models import RecordVersion

    with schema_context(council_a.schema_name):
        key = RecordVersion.objects.get(record_id=body["id"]).storage_key
    stored = s3.get_object(Bucket=s3.bucket, Key=f"{council_a.schema_name}/private/{key}")[
        "Body"
    ].read()
    assert stored == data
    assert key.startswith("records/") and len(key) == len("records/") + 32


def test_new_content_makes_a_new_version_and_keeps_the_old(records_client_a, file_plan_a, s3):
    record = _declare_via_api(records_client_a, file_plan_a["minutes"]).json()
    new = make_docx("Revised minutes")
    response = records_client_a.post(
        f"/api/v1/records/records/{record['id']}/versions/", {"file": upload("minutes.docx", new)}
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    versions = records_client_a.get(f"/api/v1/records/records/{record['id']}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["sha256"] == record["versions"][0]["sha256"]


def test_download_is_a_short_lived_presigned_url_and_is_audited(records_client_a, file_plan_a, s3):
    data = make_pdf("Presigned")
    record = _declare_via_api(records_client_a, file_plan_a["minutes"], data=data).json()
    response = records_client_a.get(f"/api/v1/records/records/{record['id']}/versions/1/download/")
    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Expires=60" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as fetched:  # noqa: S310 - moto on loopback
        assert fetched.read() == data
    trail = records_client_a.get(f"/api/v1/records/records/{record['id']}/audit/").json()
    assert [e["action"] for e in trail] == [
        "record.declared",
        "version.created",
        "content.link_issued",
    ]


def test_download_streams_from_the_filesystem_by_default(records_client_a, file_plan_a):
    data = make_pdf("Filesystem")
    record = _declare_via_api(records_client_a, file_plan_a["minutes"], data=data).json()
    response = records_client_a.get(f"/api/v1/records/records/{record['id']}/versions/1/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert "attachment" in response["Content-Disposition"]


def test_metadata_change_is_audited_with_before_and_after(records_client_a, file_plan_a):
    record = _declare_via_api(records_client_a, file_plan_a["minutes"]).json()
    response = records_client_a.patch(
        f"/api/v1/records/records/{record['id']}/",
        {"title": "Cabinet minutes (approved)", "owner": "Democratic services"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    trail = records_client_a.get(f"/api/v1/records/records/{record['id']}/audit/").json()
    change = trail[-1]
    assert change["action"] == "record.changed"
    assert change["detail"]["title"] == {
        "from": "Cabinet minutes March",
        "to": "Cabinet minutes (approved)",
    }


def test_official_sensitive_records_are_hidden_from_staff_outside_records_management(
    records_client_a, file_plan_a, staff_client_factory, council_a
):
    sensitive = _declare_via_api(
        records_client_a,
        file_plan_a["minutes"],
        title="Case file",
        classification="official_sensitive",
    ).json()
    editor = staff_client_factory(
        council_a, groups=("Records viewers",), username="viewer@alphaford.example"
    )
    missing = editor.get("/api/v1/records/records/987654/")
    hidden = editor.get(f"/api/v1/records/records/{sensitive['id']}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert editor.get("/api/v1/records/records/").json()["count"] == 0
    assert records_client_a.get(f"/api/v1/records/records/{sensitive['id']}/").status_code == 200


def test_staff_outside_records_management_cannot_declare(
    staff_client_factory, council_a, file_plan_a
):
    editor = staff_client_factory(
        council_a, groups=("Editors",), username="editor@alphaford.example"
    )
    response = _declare_via_api(editor, file_plan_a["minutes"])
    assert response.status_code == 403


def test_council_b_gets_the_missing_answer_for_council_a_records(
    records_client_a, records_client_b, file_plan_a
):
    record = _declare_via_api(records_client_a, file_plan_a["minutes"]).json()
    for suffix in ("", "versions/", "versions/1/download/", "audit/"):
        for_a = records_client_b.get(f"/api/v1/records/records/{record['id']}/{suffix}")
        missing = records_client_b.get(f"/api/v1/records/records/987654/{suffix}")
        assert for_a.status_code == missing.status_code == 404, suffix
        assert for_a.json() == missing.json()
    upload_for_a = records_client_b.post(
        f"/api/v1/records/records/{record['id']}/versions/", {"file": upload("x.pdf", make_pdf())}
    )
    assert upload_for_a.status_code == 404
    assert records_client_b.get("/api/v1/records/records/").json()["count"] == 0


def test_large_upload_streams_through_a_temporary_file_and_multipart_s3(
    records_client_a, file_plan_a, s3, council_a, settings
):
    """9 MB: above FILE_UPLOAD_MAX_MEMORY_SIZE (so Django spools it to disk) and above the single
    PUT limit (so it goes to S3 in sequential 8 MB parts)."""
    settings.RECORDS_OBJECT_LOCK_MODE = "GOVERNANCE"
    data = (b"Minutes of the meeting of the Council.\n" * 250_000)[: 9 * 1024 * 1024]
    response = _declare_via_api(records_client_a, file_plan_a["minutes"], name="big.txt", data=data)
    assert response.status_code == 201, response.content
    version = response.json()["versions"][0]
    assert version["size"] == len(data) and version["sha256"] == hashlib.sha256(data).hexdigest()
    from django_tenants.utils import schema_context

    from records.models import RecordVersion

    with schema_context(council_a.schema_name):
        key = f"{council_a.schema_name}/private/{RecordVersion.objects.get(record_id=response.json()['id']).storage_key}"
    head = s3.head_object(Bucket=s3.bucket, Key=key)
    assert head["ContentLength"] == len(data) and head["ObjectLockMode"] == "GOVERNANCE"
    assert "-" in head["ETag"]  # a multipart upload's ETag
    assert s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read() == data
