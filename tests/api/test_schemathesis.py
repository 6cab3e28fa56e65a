"""The OpenAPI documents are true and no input makes an API answer 500.

schemathesis runs its coverage, fuzzing and stateful phases against both documents (the council
one on a council's domain, signed in as a council administrator with every role; the platform
one on the platform domain, signed in as platform staff), with a fixed seed, in process, inside
the test's transaction. Every failure of a check is listed in the assertion message.
"""

import os

import pytest
import yaml
from django.test import Client

from .schemathesis_run import run

# Two budgets. API_FUZZ=bounded: at most BOUNDED_EXAMPLES examples per operation and a cap of
# BOUNDED_SECONDS per document (schemathesis stops generating when it is up), for CI.
# API_FUZZ=1 (`make test-api`): the full run, 8 examples per operation and no time cap (about
# 12 minutes on an idle 2-core machine). Without API_FUZZ the test is skipped.
FULL = os.environ.get("API_FUZZ", "") not in ("", "bounded")
BOUNDED_EXAMPLES = 2
BOUNDED_SECONDS = 90

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.timeout(1800 if FULL else 900),
    pytest.mark.skipif(not os.environ.get("API_FUZZ"), reason="API_FUZZ=1 or =bounded runs it"),
]

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8" if FULL else str(BOUNDED_EXAMPLES)))
MAX_TIME = int(os.environ.get("API_FUZZ_MAX_TIME", "0" if FULL else str(BOUNDED_SECONDS))) or None
# Narrow a run while working on one operation: a regex on "METHOD /path".
OPERATIONS = os.environ.get("API_FUZZ_OPERATIONS") or None
# The generator's seed (CI keeps 1, so its runs are repeatable); another seed explores other
# inputs, e.g. `API_FUZZ_SEED=2 make test-api`.
SEED = int(os.environ.get("API_FUZZ_SEED", "1"))


def _schema(host: str) -> dict:
    response = Client(HTTP_HOST=host).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


@pytest.fixture
def council_token(council_a, in_council):
    """A council administrator with every role, and a little of everything to read: the demo's
    records, warehouse, commissioning (commissions at every stage), participatory budgets (one
    counted and published) and master data (review pairs of people and of places). Without the
    last three the run never saw their answers (an outside run against `make run`'s councils
    found them undocumented: tests/api/test_document_matches_demo_answers.py)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from commissioning.commissions.demo import seed_demo as seed_commissions
    from commissioning.ledgers.demo import seed_demo as seed_ledgers
    from commissioning.participation.demo import seed_demo as seed_participation
    from commissioning.providers.demo import seed_demo as seed_providers
    from intelligence.masterdata.demo import seed_demo as seed_masterdata
    from intelligence.warehouse.demo import seed_demo as seed_warehouse
    from records.demo import seed_demo as seed_records

    with in_council(council_a):
        user = get_user_model().objects.create_user(
            "fuzz@alphaford.example", email="fuzz@alphaford.example", is_staff=True
        )
        user.groups.set(Group.objects.all())
        for seed in (
            seed_records,
            seed_warehouse,  # before participation: its wards
            seed_ledgers,
            seed_providers,
            seed_commissions,
            seed_participation,
            seed_masterdata,
        ):
            seed(council_a)
        return Token.objects.create(user=user).key


@pytest.fixture
def platform_token(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user(
        "fuzz@platform.example", is_staff=True, is_superuser=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="tenants"))
    return Token.objects.create(user=user).key


@pytest.fixture
def provider_token(council_a, in_council):
    """A provider account (not staff): the provider API's real user, not its 403 path."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from commissioning.providers.models import Organization, ProviderAccount

    with in_council(council_a):
        org = Organization.objects.create(name="Fuzz Care Ltd", description="Fuzz Care Ltd")
        user = get_user_model().objects.create_user(
            "provider-fuzz@alphaford.example", email="provider-fuzz@alphaford.example"
        )
        ProviderAccount.objects.create(user=user, organization=org)
        return Token.objects.create(user=user).key


def _report(failures, stats) -> str:
    lines = [f"{len(failures)} failures in {stats['cases']} cases (statuses {stats['statuses']}):"]
    lines += [str(f) for f in failures]
    lines += [f"error: {e}" for e in stats["errors"]]
    return "\n".join(lines)


def _fuzz(schema, host, token, operations=OPERATIONS):
    """schemathesis over ``schema`` against ``host`` with ``token``: (failures, stats)."""
    return run(
        schema,
        base_url=f"http://{host}",
        headers={"Authorization": f"Token {token}"},
        max_examples=MAX_EXAMPLES,
        operations=operations,
        max_time=MAX_TIME,
        seed=SEED,
    )


def test_council_api_conforms_to_its_document(council_a, council_token):
    schema = _schema(council_a.primary_domain)
    failures, stats = _fuzz(schema, council_a.primary_domain, council_token)
    # Not vacuous: real answers came back (a wrong Host would make every one a 404).
    assert OPERATIONS or sum(n for code, n in stats["statuses"].items() if code < 300) > 20, stats
    assert not failures and not stats["errors"], _report(failures, stats)


def test_council_api_with_its_optional_features_off_conforms_to_its_document(
    council_a, council_token
):
    """A council with every optional feature switched off: its document leaves their endpoints
    out (platform_core/api/schema.py) and what it lists still holds (the run above is the same
    council with them on)."""
    from platform_core import features

    for feature in features.features():
        features.set_state(council_a.schema_name, feature.key, "off")
    features.forget(council_a.schema_name)  # the test's transaction never commits
    schema = _schema(council_a.primary_domain)
    off = tuple(prefix for feature in features.features() for prefix in feature.paths)
    assert not [path for path in schema["paths"] if path.startswith(off)]
    failures, stats = _fuzz(schema, council_a.primary_domain, council_token)
    assert OPERATIONS or sum(n for code, n in stats["statuses"].items() if code < 300) > 20, stats
    assert not failures and not stats["errors"], _report(failures, stats)


def test_provider_api_conforms_to_its_document_as_a_provider_account(council_a, provider_token):
    """The provider operations as a provider account would call them (the staff run above only
    reaches their refusal)."""
    schema = _schema(council_a.primary_domain)
    failures, stats = _fuzz(
        schema,
        council_a.primary_domain,
        provider_token,
        operations=OPERATIONS or r"/api/v1/provider/",
    )
    # Not vacuous: the provider's own operations answered (list, create, read).
    assert sum(n for code, n in stats["statuses"].items() if code < 300) > 20, stats
    assert not failures and not stats["errors"], _report(failures, stats)


def test_platform_api_conforms_to_its_document(platform_host, platform_token, council_a):
    from intelligence.benchmarking.seeding import seed_pool

    seed_pool(councils=20, metrics=4, years=3, last_year=2024)
    schema = _schema(platform_host)
    failures, stats = _fuzz(schema, platform_host, platform_token)
    # Not vacuous: real answers came back (a wrong Host would make every one a 404).
    assert OPERATIONS or sum(n for code, n in stats["statuses"].items() if code < 300) > 20, stats
    assert not failures and not stats["errors"], _report(failures, stats)
