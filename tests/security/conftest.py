"""Security tests reuse the records fixtures: moto's S3 server, file plans, records staff."""

from records.conftest import (  # noqa: F401 - fixtures
    declare,
    file_plan_a,
    moto_endpoint,
    records_client_a,
    records_client_b,
    s3,
)
