"""The platform domain's routes (console, platform API, sign-up) for the isolation probe.

On the platform domain the owner is a platform superuser; the prober is an anonymous visitor
and council B's staff session cookie. "A's object" is council A's row (and A's sign-up request):
asking for it must look exactly like asking for a council that does not exist.
"""

import itertools

from django_tenants.utils import schema_context

from tests.isolation.probe import MARKER, Multipart, Seed

# Each sign-up request needs its own slug, code and address (the probe sends the same request
# as each visitor and then as the owner): a multipart body is made afresh for every request.
_SIGNUPS = itertools.count(1)


def _signup(w) -> dict:
    n = next(_SIGNUPS)
    return {
        "name": f"Probe Borough Council {n}",
        "slug": f"probeborough{n}",
        "gss_code": f"E0699{n:04d}",
        "tier": "unitary",
        "region": "south-west",
        "contact_name": "Probe",
        "contact_email": f"probe{n}@probeborough.example",
    }


def _reset_kwargs(user, *, token: str | None = None) -> dict:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }


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
        from django_otp.plugins.otp_totp.models import TOTPDevice

        w.platform_totp = TOTPDevice.objects.create(
            user=w.platform_user, name=f"{MARKER} phone", confirmed=True
        )
        from django.core.files.base import ContentFile
        from django.core.files.storage import storages

        from tenants.models import CouncilExport, CouncilRestore, FailedTask

        w.failed_tasks = {
            action: FailedTask.objects.create(
                task_id=f"probe-task-{action}",
                task_name="tenants.refill_warm_pool",
                schema_name=w.council.schema_name,
                council_slug=w.council.slug,
                args_summary=MARKER,
                exception=f"RuntimeError: {MARKER}",
            )
            for action in ("retry", "dismiss")
        }
        w.council_export = CouncilExport.objects.create(
            council=w.council,
            council_slug=w.council.slug,
            council_name=w.council.name,
            requested_by_name=MARKER,
            status=CouncilExport.Status.DONE,
            file_name=storages["default"].save(
                f"exports/{w.council.slug}/probe.zip", ContentFile(MARKER.encode())
            ),
            size=len(MARKER.encode()),
        )
        w.council_restore = CouncilRestore.objects.create(
            export=w.council_export,
            slug="probe-restored",
            reason=MARKER,
            requested_by_name=MARKER,
            status=CouncilRestore.Status.FAILED,
            errors=[f"The archive's manifest.json is missing ({MARKER})."],
        )
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


MISSING_TYPE = 987654321


def _council_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from tenants.models import Council

    return ContentType.objects.get_for_model(Council).pk


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
        Seed("council-signup", urlconf="public", body={"POST": Multipart(_signup)}),
        Seed(
            "console-set-password",
            kwargs=lambda w: _reset_kwargs(w.platform_user, token="cc4k2v-0123456789abcdef0123"),
            urlconf="public",
            body={
                "POST": {"new_password1": "Probe-pass-9123!", "new_password2": "Probe-pass-9123!"}
            },
            control={"GET": 200, "POST": 200},
            control_writes=False,
            reason="a reset link is a bearer credential (whoever holds a valid one may set the "
            "password, by design); what must not leak is whether the uid names a platform user: "
            "a wrong token for A's user answers exactly as for no user, for the owner too (the "
            "invalid-link page)",
        ),
        Seed(
            "admin:autocomplete",
            urlconf="public",
            query="app_label=tenants&model_name=council&field_name=status",
            control={"GET": 403},
            reason="no console ModelAdmin declares autocomplete_fields, so Django's autocomplete "
            "view refuses every request, the owner's too",
        ),
        Seed(
            "admin:view_on_site",
            kwargs=lambda w: {"content_type_id": _council_type(), "object_id": w.council.pk},
            missing={"content_type_id": MISSING_TYPE},
            urlconf="public",
            control={"GET": 404},
            reason="no console model has get_absolute_url: 'view on site' is a 404 for every "
            "object, the owner's too",
        ),
        Seed(
            "admin:app_list",
            path=lambda w: "/console/tenants/",
            urlconf="public",
            reason="an app's index in the console: app names are the same everywhere",
        ),
        Seed(
            "console/(?P<url>.*)",
            path=lambda w: "/console/no-such-console-page-probe/",
            urlconf="public",
            control={"GET": 404},
            reason="the console's catch-all: a 404 for staff, the sign-in page for others",
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
                ("auth_group", lambda w: w.platform_group.pk),
                ("auth_user", lambda w: w.platform_user.pk),
                # the console names a token by its user's id (DRF's TokenProxy)
                ("authtoken_tokenproxy", lambda w: w.platform_token.user_id),
                ("otp_totp_totpdevice", lambda w: w.platform_totp.pk),
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
        *_console("authtoken_tokenproxy", lambda w: w.platform_token.user_id),
        *_console("otp_totp_totpdevice", lambda w: w.platform_totp.pk, bare=False),
        Seed(
            "console/otp_totp/totpdevice/<path:object_id>/",
            kwargs=lambda w: {"object_id": w.platform_totp.pk},
            urlconf="public",
            methods=("GET",),
            reason="Django admin's redirect to the change page; every method gets the same "
            "redirect, so GET stands for all",
        ),
        *[
            Seed(
                f"admin:otp_totp_totpdevice_{view}",
                kwargs=lambda w: {"pk": w.platform_totp.pk},
                urlconf="public",
                control={"GET": 403},
                reason="OTP_ADMIN_HIDE_SENSITIVE_DATA: nobody sees a device's secret or QR code "
                "in the console",
            )
            for view in ("config", "qrcode")
        ],
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
            "console-features",
            kwargs=slug,
            urlconf="public",
            body={"POST": {"feature-feature": "markets", "feature-state": "off"}},
        ),
        Seed(
            "console-council-org-id",
            kwargs=slug,
            urlconf="public",
            body={"POST": {"org-org_id": "GB-LAE-PRO"}},
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
            "console-export-request",
            kwargs=slug,
            urlconf="public",
            body={"POST": {}},
        ),
        Seed(
            ("console-export", "console-export-status", "console-export-download"),
            kwargs=lambda w: {"pk": w.council_export.pk},
            urlconf="public",
        ),
        Seed(
            "console-export-restore",
            kwargs=lambda w: {"pk": w.council_export.pk},
            urlconf="public",
            body={"POST": {"restore-slug": "betaby"}},
            control={"POST": 400},
            control_writes=False,
            reason="betaby is taken: the owner's restore is refused at once (400, naming the "
            "address), and no restore job is recorded",
        ),
        Seed(
            ("console-restore", "console-restore-status"),
            kwargs=lambda w: {"pk": w.council_restore.pk},
            urlconf="public",
        ),
        Seed(
            "console-council-delete",
            kwargs=slug,
            urlconf="public",
            body={"POST": lambda w: {"delete-confirm": w.council.slug, "delete-reason": "Probe"}},
        ),
        Seed(
            "console-council-cancel-deletion",
            kwargs=slug,
            urlconf="public",
            body={"POST": {}},
            control_writes=False,
            reason="A is not scheduled for deletion: cancelling changes nothing (a redirect "
            "with a note)",
        ),
        *[
            Seed(
                f"console-task-{action}",
                kwargs=lambda w, action=action: {"pk": w.failed_tasks[action].pk},
                urlconf="public",
                body={"POST": {}},
            )
            for action in ("retry", "dismiss")
        ],
        Seed(
            "console-tasks",
            urlconf="public",
            reason="the platform's list of failed tasks of every council, for platform staff",
        ),
        Seed(
            "console-exports",
            urlconf="public",
            reason="the list of every council's exports, for platform staff only",
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
        *[
            Seed(
                name,
                urlconf="public",
                body={"POST": {"token": "123456"}},
                control_writes=False,
                reason="the two-factor steps of the operator's own session (already verified: "
                "a redirect to the console, the same for any id)",
            )
            for name in ("console-verify", "console-enrol")
        ],
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
