"""Files and /media/ (issue 8, items 1 and 2).

1. No name that traverses (``../``, ``%2e%2e``, ``..\\``, ``%5C``, ``//``, absolute, unicode
   dots, NUL, double encoding) reaches another council's files, this council's private files or
   any other object in the bucket: every one is a 404, on the filesystem and on S3 (moto's server
   over HTTP), asked on council A's host and on council B's.
2. /media/ serves public renditions only. Record content, transfer packages and Wagtail documents
   live under the council's private prefix; records leave through the records API (permission,
   audit), documents through Wagtail's serve view (collection privacy).
"""

import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
from django_tenants.utils import schema_context

from records.conftest import BUCKET

pytestmark = pytest.mark.django_db

SECRET = b"ISOLATION-MEDIA-SECRET-91c3"

SEPARATORS = ["/", "%2F", "\\", "%5C", "%5c"]
DOTS = [
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    quote("\u2024\u2024"),  # ONE DOT LEADER, NFKC "."
    quote("\uff0e\uff0e"),  # FULLWIDTH FULL STOP, NFKC "."
    quote("\u2025"),  # TWO DOT LEADER, NFKC ".."
]


def traversal_urls(targets: list[str]) -> list[str]:
    """Every way of climbing out of /media/ towards each target (a path from the bucket or
    MEDIA_ROOT root, or from the council's folder), with each separator spelling."""
    urls = []
    for target in targets:
        for sep in SEPARATORS:
            spelled = target.replace("/", sep)
            for dots in DOTS:
                for ups in (1, 2, 3):
                    urls.append("/media/" + (dots + sep) * ups + spelled)
            urls.append(f"/media/images{sep}..{sep}..{sep}{spelled}")
        urls += [
            f"/media//{target}",
            f"/media///{target}",
            f"/media/%2F{target}",
            f"/media/{quote(settings.MEDIA_ROOT)}/{target}",
            f"/media/%252e%252e%252f{quote(target, safe='')}",
            f"/media/..%c0%af{target}",
            f"/media/images/%00/../../{target}",
            f"/media/{target}%00.png",
        ]
    return urls


def _assert_all_404(urls, clients):
    leaks = []
    for client in clients:
        for url in urls:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            # A NUL byte is refused by the request layer (400) before any view runs.
            expected = (400, 404) if "%00" in url else (404,)
            if response.status_code not in expected or SECRET in body:
                leaks.append(f"{client.defaults['HTTP_HOST']} {url} -> {response.status_code}")
    assert leaks == [], f"{len(leaks)} traversals answered: {leaks[:10]}"


def _targets(schema_a: str, tag: str) -> tuple[dict[str, bytes], list[str]]:
    """Objects planted at keys relative to the storage root (new and old layouts, and one at
    the root itself), and the names a traversal would aim at."""
    objects = {
        f"{schema_a}/public/images/pub-{tag}.txt": SECRET + b" public of A",
        f"{schema_a}/private/records/{tag}": SECRET + b" record of A",
        f"{schema_a}/private/documents/budget-{tag}.pdf": SECRET + b" document of A",
        f"{schema_a}/images/old-{tag}.txt": SECRET + b" old layout image",
        f"{schema_a}/records/old-{tag}": SECRET + b" old layout record",
        f"root-{tag}.txt": SECRET + b" bucket root",
    }
    names = [
        f"{schema_a}/private/records/{tag}",
        f"{schema_a}/images/old-{tag}.txt",
        f"root-{tag}.txt",
        f"private/records/{tag}",
    ]
    return objects, names


@pytest.fixture
def two_hosts(council_a, council_b, client_b):
    return [Client(HTTP_HOST=council_a.primary_domain), client_b]


def test_traversal_matrix_is_404_on_the_filesystem(council_a, two_hosts):
    tag = uuid.uuid4().hex
    objects, names = _targets(council_a.schema_name, tag)
    root = Path(settings.MEDIA_ROOT)
    written = []
    try:
        for key, data in objects.items():
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        _assert_all_404(traversal_urls(names), two_hosts)
    finally:
        for path in written:
            path.unlink(missing_ok=True)


def test_traversal_matrix_is_404_on_s3(council_a, two_hosts, s3):
    tag = uuid.uuid4().hex
    objects, names = _targets(council_a.schema_name, tag)
    for key, data in objects.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    try:
        _assert_all_404(traversal_urls(names), two_hosts)
    finally:
        for key in objects:
            versions = s3.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", [])
            for v in versions:
                s3.delete_object(Bucket=BUCKET, Key=key, VersionId=v["VersionId"])


@pytest.mark.parametrize("backend", ["filesystem", "s3"])
def test_a_public_rendition_is_served_on_its_own_council_only(
    backend, council_a, two_hosts, request
):
    if backend == "s3":
        request.getfixturevalue("s3")
    tag = uuid.uuid4().hex
    with schema_context(council_a.schema_name):
        name = storages["public"].save(f"images/crest-{tag}.txt", ContentFile(SECRET))
        url = storages["public"].url(name)
    try:
        assert url == f"/media/{name}"
        own, other = two_hosts
        response = own.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == SECRET
        assert response["X-Content-Type-Options"] == "nosniff"
        assert other.get(url).status_code == 404
    finally:
        with schema_context(council_a.schema_name):
            storages["public"].delete(name)


@pytest.mark.parametrize(
    "name",
    [
        "..\\c_other\\x",
        "images/../x",
        "images/./x",
        "images//x",
        "/etc/passwd",
        "images/\u2024\u2024/x",
        "images/\uff0ex",
        "images/x\x00.png",
        "images/%2e%2e/x",
        "",
    ],
)
@pytest.mark.parametrize("alias", ["default", "public"])
def test_storages_refuse_names_that_traverse_or_change_under_normalisation(alias, name, council_a):
    from django.core.exceptions import SuspiciousFileOperation

    with schema_context(council_a.schema_name), pytest.raises(SuspiciousFileOperation):
        storages[alias].exists(name)


def test_private_and_public_files_have_their_own_prefix(council_a, settings):
    with schema_context(council_a.schema_name):
        assert Path(default_storage.path("records/x")) == Path(
            settings.MEDIA_ROOT, council_a.schema_name, "private", "records", "x"
        )
        assert Path(storages["public"].path("images/x")) == Path(
            settings.MEDIA_ROOT, council_a.schema_name, "public", "images", "x"
        )


def test_s3_location_is_the_councils_prefix(council_a, s3):
    with schema_context(council_a.schema_name):
        assert default_storage.location == f"{council_a.schema_name}/private"
        assert storages["public"].location == f"{council_a.schema_name}/public"
        name = default_storage.save("records/" + uuid.uuid4().hex, ContentFile(SECRET))
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=council_a.schema_name)["Contents"]
    ]
    assert f"{council_a.schema_name}/private/{name}" in keys
    with schema_context(council_a.schema_name):
        default_storage.delete(name)


# --- 2. Private files are never public media ---------------------------------------------------


def test_record_content_is_not_media(
    council_a, records_client_a, client_b, file_plan_a, declare, anon_client_a
):
    from records.actions import export_transfer_package
    from records.models import RecordVersion
    from records.tests.files import make_pdf

    data = make_pdf("OFFICIAL-SENSITIVE minutes")
    record = declare(council_a, file_plan_a["minutes"], data=data, title="Sensitive")
    with schema_context(council_a.schema_name):
        key = RecordVersion.objects.get(record=record).storage_key
        package = export_transfer_package("tester", [record])
        assert default_storage.exists(key) and default_storage.exists(package)
    for client in (anon_client_a, records_client_a, client_b):
        for name in (key, package):
            assert client.get(f"/media/{name}").status_code == 404, (client, name)
    # The records API is the way out: permission checked, content.read audited.
    download = records_client_a.get(f"/api/v1/records/records/{record.pk}/versions/1/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    trail = records_client_a.get(f"/api/v1/records/records/{record.pk}/audit/").json()
    assert trail[-1]["action"] == "content.read"
    assert anon_client_a.get(
        f"/api/v1/records/records/{record.pk}/versions/1/download/"
    ).status_code in (401, 403)
    with schema_context(council_a.schema_name):
        default_storage.delete(key)
        default_storage.delete(package)


@pytest.fixture
def documents_b(council_b):
    """A document in a login-restricted collection and one in the root collection, in B."""
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    Document = get_document_model()
    tag = uuid.uuid4().hex[:8]
    with schema_context(council_b.schema_name):
        root = Collection.get_first_root_node()
        staff_only = root.add_child(name=f"Staff only {tag}")
        CollectionViewRestriction.objects.create(
            collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN
        )
        restricted = Document.objects.create(
            title="Budget draft",
            file=ContentFile(SECRET + b" restricted", name=f"budget-draft-{tag}.txt"),
            collection=staff_only,
        )
        public = Document.objects.create(
            title="Leaflet", file=ContentFile(SECRET + b" public", name=f"leaflet-{tag}.txt")
        )
    yield {"restricted": restricted, "public": public}
    with schema_context(council_b.schema_name):
        restricted.file.delete(save=False)
        public.file.delete(save=False)


def test_documents_are_not_media_and_wagtail_serve_keeps_collection_privacy(
    council_a, council_b, documents_b, client_a, client_b
):
    anonymous_b = Client(HTTP_HOST=council_b.primary_domain)
    restricted, public = documents_b["restricted"], documents_b["public"]
    for doc in (restricted, public):
        assert doc.file.name.startswith("documents/")
        for client in (anonymous_b, client_b, client_a):
            assert client.get(f"/media/{doc.file.name}").status_code == 404
    # Wagtail's serve view applies the collection's restriction.
    refused = anonymous_b.get(f"/documents/{restricted.pk}/{restricted.filename}")
    assert refused.status_code == 302 and "/login" in refused["Location"]
    served = client_b.get(f"/documents/{restricted.pk}/{restricted.filename}")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == SECRET + b" restricted"
    open_doc = anonymous_b.get(f"/documents/{public.pk}/{public.filename}")
    assert open_doc.status_code == 200
    # Council A's host knows nothing of B's document.
    assert client_a.get(f"/documents/{restricted.pk}/{restricted.filename}").status_code == 404
    assert client_a.get(f"/documents/{public.pk}/{public.filename}").status_code == 404


def test_private_file_root_is_outside_anything_media_serves(council_a):
    """The /media/ view reads only the public storage: even a name the check let through
    could not address a private file."""
    with schema_context(council_a.schema_name):
        assert not storages["public"].path("x").startswith(default_storage.path(""))
        assert not default_storage.path("x").startswith(storages["public"].path(""))


def test_on_s3_documents_leave_by_a_presigned_redirect_after_the_privacy_check(
    council_b, client_b, s3, settings
):
    import urllib.request

    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    tag = uuid.uuid4().hex[:8]
    with schema_context(council_b.schema_name):
        staff_only = Collection.get_first_root_node().add_child(name=f"Staff {tag}")
        CollectionViewRestriction.objects.create(
            collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN
        )
        doc = get_document_model().objects.create(
            title="Budget",
            file=ContentFile(SECRET, name=f"budget-{tag}.txt"),
            collection=staff_only,
        )
    key = f"{council_b.schema_name}/private/{doc.file.name}"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == SECRET
    anonymous = Client(HTTP_HOST=council_b.primary_domain)
    assert "/login" in anonymous.get(f"/documents/{doc.pk}/{doc.filename}")["Location"]
    assert anonymous.get(f"/media/{doc.file.name}").status_code == 404
    redirect = client_b.get(f"/documents/{doc.pk}/{doc.filename}")
    assert redirect.status_code == 302 and "X-Amz-Signature=" in redirect["Location"]
    with urllib.request.urlopen(redirect["Location"], timeout=10) as fetched:  # noqa: S310 - moto
        assert fetched.read() == SECRET
    with schema_context(council_b.schema_name):
        doc.file.delete(save=False)


def test_wagtail_admin_edits_private_documents_and_images(council_b, client_b, documents_b):
    """Private files have no URL of their own on disk (``url()`` is empty): the admin's edit
    screens still work, and link documents through the serve view."""
    import io as _io

    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = _io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
    with schema_context(council_b.schema_name):
        image = get_image_model().objects.create(
            title="Crest", file=ContentFile(buffer.getvalue(), name="crest.png")
        )
    try:
        doc = documents_b["restricted"]
        page = client_b.get(f"/admin/documents/edit/{doc.pk}/")
        assert page.status_code == 200
        assert f"/documents/{doc.pk}/{doc.filename}".encode() in page.content
        assert client_b.get(f"/admin/images/{image.pk}/").status_code == 200
        with schema_context(council_b.schema_name):
            rendition = image.get_rendition("width-4")
        assert rendition.url.startswith("/media/images/")
        assert client_b.get(rendition.url).status_code == 200
        assert Client(HTTP_HOST=council_b.primary_domain).get(rendition.url).status_code == 200
        assert client_b.get(f"/media/{image.file.name}").status_code == 404
    finally:
        with schema_context(council_b.schema_name):
            for made in image.renditions.all():
                made.file.delete(save=False)
            image.file.delete(save=False)
