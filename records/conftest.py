"""Records test fixtures: moto's S3 server over real HTTP, a file plan, upload helpers."""

import os
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

BUCKET = "council-records-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's standalone S3 server in a thread, spoken to over HTTP by boto3 (a real protocol
    round trip; nothing is mocked inside the process under test)."""
    from moto.server import ThreadedMotoServer

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105 - moto's dummy credentials
        "AWS_DEFAULT_REGION": "eu-west-2",
    }.items():
        os.environ.setdefault(key, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    try:
        client.create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
            ObjectLockEnabledForBucket=True,
        )
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass  # moto's state is per process: another conftest's server already made it
    yield endpoint
    server.stop()


def s3_storages(endpoint: str, **extra) -> dict:
    """The platform's two storages (private ``default``, ``public``) on moto's S3."""
    from botocore.config import Config

    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "eu-west-2",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 60,
        "client_config": Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=2,
            read_timeout=10,
        ),
        **extra,
    }
    return {
        "default": {"BACKEND": "platform_core.storage.PrivateS3Storage", "OPTIONS": options},
        "public": {"BACKEND": "platform_core.storage.PublicS3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def s3(settings, moto_endpoint):
    """The council's default storage is S3 on moto for this test."""
    import boto3

    settings.STORAGES = s3_storages(moto_endpoint)
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="eu-west-2")
    client.bucket = BUCKET
    return client


@pytest.fixture
def records_client_a(council_a, staff_client_factory):
    return staff_client_factory(
        council_a, groups=("Records managers",), username="rm@alphaford.example"
    )


@pytest.fixture
def records_client_b(council_b, staff_client_factory):
    return staff_client_factory(
        council_b, groups=("Records managers",), username="rm@betaby.example"
    )


@pytest.fixture
def file_plan_a(council_a, in_council):
    from records import actions

    with in_council(council_a):
        return {
            "minutes": actions.create_class(
                "setup",
                code="GOV-01",
                title="Committee minutes",
                trigger="creation",
                period_months=0,
                action="destroy",
            ),
            "contracts": actions.create_class(
                "setup",
                code="CON-01",
                title="Contracts",
                trigger="closure",
                period_months=72,
                action="transfer",
            ),
            "policy": actions.create_class(
                "setup",
                code="POL-01",
                title="Policies",
                trigger="creation",
                period_months=0,
                action="retain",
            ),
            "review": actions.create_class(
                "setup",
                code="REV-01",
                title="Reviews",
                trigger="creation",
                period_months=0,
                action="review",
            ),
        }


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def declare(in_council):
    """``declare(council, file_class, name, data, **metadata)`` → a record declared through the action."""

    def _declare(council, file_class, name="minutes.pdf", data=None, **metadata):
        from records import actions
        from records.tests.files import make_pdf

        with in_council(council):
            return actions.declare_record(
                "tester",
                upload=upload(name, data if data is not None else make_pdf()),
                title=metadata.pop("title", "Minutes of the Cabinet"),
                file_class=file_class,
                **metadata,
            )

    return _declare
