"""Internal handlers of the platform events about councils (platform_core.events).

A council's provisioning writes ``tenants.council.provisioned`` to the public schema's outbox in
its own transaction. What must follow the commit hangs on that event, not on an enqueue after
the commit: if the broker is down when the provisioning commits, the event waits in the outbox
and the relay (woken after the commit, or the beat sweep ``events.relay_all``) delivers it once
the broker is back. Each handler queues one task; an enqueue that fails raises, and the relay
retries the event with backoff. A handler that succeeded is not run again for the event; the
tasks are idempotent, so a handler run twice (a crash before the relay's commit) costs nothing.
"""

from platform_core.events import handler


def _council(event: dict):
    from .models import Council

    return Council.objects.filter(schema_name=event["council"]).first()


@handler("tenants.council.provisioned")
def queue_personalisation(event: dict) -> None:
    """The AFTER_COMMIT provisioning steps (``tenants.personalise_council``)."""
    from .actions import queue_after_commit_steps

    council = _council(event)
    if council is not None:  # deleted since: nothing to personalise
        queue_after_commit_steps(council)


@handler("tenants.council.provisioned")
def queue_welcome_email(event: dict) -> None:
    """The first administrator's welcome email (``tenants.send_welcome_email``), when the
    provisioning asked for one and it has not been sent."""
    from .models import Council
    from .tasks import send_welcome_email

    council = _council(event)
    if council is not None and council.admin_invitation == Council.Invitation.PENDING:
        send_welcome_email.apply_async(args=(council.pk,))
