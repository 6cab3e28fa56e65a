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
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        when = {"ip_address": "192.0.2.1", "user_agent": "probe", "username": MARKER}
        w.axes_attempt = AccessAttempt.objects.create(failures_since_start=1, **when)
        w.axes_log = AccessLog.objects.create(**when)
        w.axes_failure = AccessFailureLog.objects.create(**when)


def _console(model: str, obj, *, history=True, delete=True, change=True, bare=True, readonly=False):
    """Seeds for one console ModelAdmin's object routes (``readonly``: the admin shows objects
    but refuses changes and additions with 403, like django-axes' logs)."""
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
    if change and readonly:
        seeds.append(
            Seed(
                f"admin:{model}_change",
                kwargs=kwargs,
                urlconf="public",
                body={"POST": {}},
                control={"POST": 403},
                reason="a read-only log: changing it is refused for everyone",
            )
        )
        seeds.append(
            Seed(
                f"admin:{model}_add",
                urlconf="public",
                body={"POST": {}},
                control={"GET": 403, "POST": 403},
                reason="a read-only log: adding to it is refused for everyone",
            )
        )
    elif change:
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
        *console_seeds(),
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
            control={"POST": 302},
            control_writes=False,
            reason="the console's own sign-out (console-logout) answers this path: POST only, "
            "then the sign-in page; the session row it deletes is restored by the savepoint",
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
        *_console("benchmarking_poolmetric", lambda w: w.unused_catalogue_metric.pk),
        *_console("axes_accessattempt", lambda w: w.axes_attempt.pk, readonly=True),
        *_console("axes_accesslog", lambda w: w.axes_log.pk, readonly=True),
        *_console("axes_accessfailurelog", lambda w: w.axes_failure.pk, readonly=True),
        Seed(
            "council-signup",
            urlconf="public",
            body={
                "POST": {
                    "name": "Probe Borough Council",
                    "slug": "probeborough",
                    "gss_code": "E06000997",
                    "tier": "unitary",
                    "region": "south-west",
                    "contact_name": "Probe",
                    "contact_email": "probe@probeborough.example",
                }
            },
        ),
        Seed(
            "admin:login",
            urlconf="public",
            body={"POST": {"username": "probe-platform-user@platform.example", "password": "x"}},
            reason="a failed sign-in (recorded by django-axes in public); the console's own "
            "sign-in (console-login) answers this path",
        ),
        Seed(
            "admin:auth_user_add",
            urlconf="public",
            body={
                "POST": {
                    "username": "probe-operator-2",
                    "password1": "Probe-pass-9123!",
                    "password2": "Probe-pass-9123!",
                    "usable_password": "true",
                }
            },
        ),
        *[
            Seed(
                f"admin:{model}_changelist",
                urlconf="public",
                body={
                    "POST": lambda w, obj=obj: {
                        "action": "delete_selected",
                        "_selected_action": [str(obj(w))],
                        "post": "yes",
                    }
                },
                reason="the changelist's bulk delete of one object of the console's own",
            )
            for model, obj in (
                ("authtoken_tokenproxy", lambda w: w.platform_token.pk),
                ("axes_accessattempt", lambda w: w.axes_attempt.pk),
                ("axes_accesslog", lambda w: w.axes_log.pk),
                ("axes_accessfailurelog", lambda w: w.axes_failure.pk),
                ("benchmarking_poolmetric", lambda w: w.unused_catalogue_metric.pk),
            )
        ],
        Seed(
            "admin:tenants_council_changelist",
            urlconf="public",
            body={"POST": lambda w: {"action": "suspend", "_selected_action": [str(w.council.pk)]}},
            reason="suspending council A from the console (a platform superuser may)",
        ),
        Seed(
            "admin:tenants_councilrequest_changelist",
            urlconf="public",
            body={
                "POST": lambda w: {
                    "action": "reject",
                    "_selected_action": [str(w.council_request.pk)],
                }
            },
        ),
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


def console_seeds() -> list[Seed]:
    """The console's own pages (tenants/console)."""
    slug = lambda w: {"slug": w.council.slug}  # noqa: E731
    return [
        Seed("console-council", kwargs=slug, urlconf="public"),
        Seed(
            "console-council-suspend",
            kwargs=slug,
            urlconf="public",
            body={"POST": {"suspend-reason": "Probe"}},
        ),
        Seed(
            "console-council-reactivate",
            kwargs=slug,
            urlconf="public",
            body={"POST": {}},
            control_writes=False,
            reason="A is active: reactivating it again changes nothing (a redirect with a note)",
        ),
        Seed(
            "console-request-decide",
            kwargs=lambda w: {"pk": w.council_request.pk},
            urlconf="public",
            body={
                "POST": lambda w: {
                    f"r{w.council_request.pk}-decision": "reject",
                    f"r{w.council_request.pk}-reason": "Probe",
                }
            },
        ),
        Seed(
            "console-login",
            urlconf="public",
            body={"POST": {"username": "probe-platform-user@platform.example", "password": "x"}},
            control={"POST": 200},
            reason="a failed sign-in (recorded by django-axes in public)",
        ),
        Seed(
            "console-logout",
            urlconf="public",
            methods=("POST",),
            body={"POST": {}},
            control={"POST": 302},
            control_writes=False,
            reason="LogoutView takes POST only and sends everyone to the sign-in page; signing "
            "out deletes a session row in public, which the savepoint restores",
        ),
    ]
