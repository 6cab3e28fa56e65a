"""The benchmarking routes on the platform domain for the isolation probe (see
tests/isolation/__init__.py). The catalogue is the platform's (its owner in the probe is a
platform superuser); the open API shows what councils published to the pool, which is public
by design, so those routes are compared as-is: A's marker (kept out of anything A shares) must
never appear. The catalogue metrics themselves are made by the warehouse's probe objects."""

from tests.isolation.probe import Seed

CATALOGUE_BODY = {"title": "Probe catalogue", "kind": "count", "polarity": "higher"}
OPEN_DATA = "open benchmarking data: what councils publish to the pool is public by design"


def probe_seeds() -> list[Seed]:
    metric = lambda w: {"metric_id": w.catalogue_metric.metric_id}  # noqa: E731
    # A metric no council maps (one in use cannot be deleted: 409).
    unused = lambda w: {"metric_id": w.unused_catalogue_metric.metric_id}  # noqa: E731
    return [
        Seed(
            "platform-catalogue-metric-list",
            urlconf="public",
            body={"POST": {"metric_id": "probe-catalogue-2", **CATALOGUE_BODY}},
        ),
        Seed(
            "platform-catalogue-metric-detail",
            urlconf="public",
            kwargs=unused,
            body={
                "PUT": {"metric_id": "probe-unused", **CATALOGUE_BODY},
                "PATCH": {"title": "Renamed by the probe"},
                "DELETE": {},
            },
        ),
        Seed(
            "platform-catalogue-metric-context-values",
            urlconf="public",
            body={
                "POST": lambda w: {
                    "values": [
                        {
                            "gss_code": w.council.gss_code,
                            "metric_id": w.context_metric.metric_id,
                            "period": "2024-25",
                            "value": 7,
                        }
                    ]
                }
            },
        ),
        Seed("benchmarks-values", urlconf="public", kwargs=metric, reason=OPEN_DATA),
        Seed(
            ("benchmarks-compare", "benchmarks-series"),
            urlconf="public",
            kwargs=lambda w: {
                "metric_id": w.catalogue_metric.metric_id,
                "gss_code": w.council.gss_code,
            },
            reason=OPEN_DATA,
        ),
    ]
