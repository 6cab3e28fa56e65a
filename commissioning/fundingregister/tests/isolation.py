"""The platform-wide register's routes on the platform domain (console and platform API) for
the isolation probe. The register is the platform's: its owner in the probe is a platform
superuser, and an anonymous visitor or council B's cookie must get nothing from it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.isolation.probe import Form, Multipart, Seed

CALL = {"funder": "Probe funder", "programme": "Probe programme", "url": "https://probe.example/"}


def probe_objects(w) -> None:
    from commissioning.fundingregister import actions

    with schema_context("public"):
        # Shown to every council by design: no marker.
        w.platform_call = actions.save_platform_call(
            funder="Probe platform funder",
            programme="Probe platform programme",
            url="https://probe.example/platform",
        )
        w.platform_call_2 = actions.save_platform_call(
            funder="Probe platform funder",
            programme="Probe platform programme 2",
            url="https://probe.example/platform-2",
        )


def probe_seeds() -> list[Seed]:
    from tenants.tests.isolation import _console

    call = lambda w: {"pk": str(w.platform_call.pk)}  # noqa: E731
    return [
        Seed("platform-funding-call-list", urlconf="public", body={"POST": CALL}),
        Seed(
            "platform-funding-call-detail",
            urlconf="public",
            kwargs=call,
            body={"PUT": CALL, "PATCH": {"programme": "Renamed"}, "DELETE": {}},
        ),
        Seed(
            "platform-funding-call-import-file",
            urlconf="public",
            body={
                "POST": Multipart(
                    lambda w: {
                        "file": SimpleUploadedFile(
                            "calls.json",
                            b'[{"funder": "P", "programme": "Imported", "url": "https://p.example"}]',
                            content_type="application/json",
                        )
                    }
                )
            },
        ),
        *_console("fundingregister_platformcall", lambda w: str(w.platform_call.pk)),
        Seed(
            "admin:fundingregister_platformcall_add",
            urlconf="public",
            body={"POST": Form(CALL)},
        ),
        Seed(
            "admin:fundingregister_platformcall_changelist",
            urlconf="public",
            body={
                "POST": lambda w: {
                    "action": "delete_selected",
                    "_selected_action": [str(w.platform_call_2.pk)],
                    "post": "yes",
                }
            },
            reason="the changelist's bulk delete of one call of the register",
        ),
    ]
