"""The platform domain's routes (console, platform API, sign-up) for the isolation probe.

On the platform domain the owner is a platform superuser; the prober is an anonymous visitor
and council B's staff session cookie. "A's object" is council A's row (and A's sign-up request):
asking for it must look exactly like asking for a council that does not exist.
"""

from django_tenants.utils import schema_context

from tests.isolation.probe import MARKER, Seed


def probe_objects(w) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from tenants.models import CouncilRequest

    with schema_context("public"):
        w.council_request = CouncilRequest.objects.create(
            name=f"{MARKER} request",
            slug="probe-request",
            gss_code="E06000999",
            tier="unitary",
            contact_name=MARKER,
            contact_email="probe@request.example",
        )
        w.platform_user = get_user_model().objects.create_user(
            "probe-platform-user@platform.example", email="probe@platform.example"
        )
        w.platform_group = Group.objects.create(name=f"{MARKER} group")
        w.platform_token = Token.objects.create(user=w.platform_user)


def _console(model: str, obj, *, history=True, delete=True, change=True, bare=True):
    """Seeds for one console ModelAdmin's object routes."""
    seeds = []
    kwargs = lambda w: {"object_id": obj(w)}  # noqa: E731
    if history:
        seeds.append(Seed(f"admin:{model}_history", kwargs=kwargs, urlconf="public"))
    if delete:
        seeds.append(
            Seed(
                f"admin:{model}_delete",
                kwargs=kwargs,
                urlconf="public",
                body={"POST": {"post": "yes"}},
            )
        )
    if change:
        from tests.isolation.probe import FORM

        seeds.append(
            Seed(f"admin:{model}_change", kwargs=kwargs, urlconf="public", body={"POST": FORM})
        )
    if bare:
        app, name = model.split("_", 1)
        seeds.append(
            Seed(
                f"console/{app}/{name}/<path:object_id>/",
                kwargs=kwargs,
                urlconf="public",
                methods=("GET",),
                reason="Django admin's redirect to the change page; every method gets the same "
                "redirect, so GET stands for all",
            )
        )
    return seeds


def probe_seeds() -> list[Seed]:
    council = lambda w: w.council.pk  # noqa: E731
    return [
        Seed(
            "platform-council-detail",
            kwargs=lambda w: {"slug": w.council.slug},
            urlconf="public",
        ),
        Seed(
            "platform-council-list",
            urlconf="public",
            body={
                "POST": {
                    "name": "Probe Council",
                    "slug": "probecouncil",
                    "gss_code": "E06000998",
                    "tier": "unitary",
                    "region": "south-west",
                    "admin_email": "admin@probecouncil.example",
                }
            },
        ),
        *_console("tenants_council", council, delete=False),
        Seed(
            "admin:tenants_council_add",
            urlconf="public",
            body={"POST": {}},
            control={"GET": 403, "POST": 403},
            reason="councils are provisioned, never added in the console (has_add_permission)",
        ),
        Seed(
            "admin:logout",
            urlconf="public",
            methods=("POST",),
            body={"POST": {}},
            control_writes=False,
            reason="LogoutView takes POST only; signing out deletes a session row in public, "
            "which the savepoint restores",
        ),
        Seed(
            "admin:tenants_council_delete",
            kwargs=lambda w: {"object_id": w.council.pk},
            urlconf="public",
            methods=("GET", "POST"),
            body={"POST": {"post": "yes"}},
            control={"GET": 403, "POST": 403},
            reason="councils are never deleted from the console (has_delete_permission is False)",
        ),
        *_console("tenants_councilrequest", lambda w: w.council_request.pk),
        *_console("auth_group", lambda w: w.platform_group.pk),
        *_console("auth_user", lambda w: w.platform_user.pk),
        *_console("authtoken_tokenproxy", lambda w: w.platform_token.pk),
        Seed(
            "admin:auth_user_password_change",
            kwargs=lambda w: {"id": w.platform_user.pk},
            urlconf="public",
            body={
                "POST": {
                    "password1": "Probe-pass-9123!",
                    "password2": "Probe-pass-9123!",
                    "usable_password": "true",
                }
            },
        ),
    ]
