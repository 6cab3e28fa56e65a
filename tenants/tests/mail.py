"""An email backend that fails like an unreachable SMTP server (for "the email could not be sent"
paths). Not a mock of our code: Django calls it exactly as it calls the SMTP backend."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused (smtp.example:587)")


class FlakyEmailBackend(BaseEmailBackend):
    """Refuses the first ``failures`` sends (class attributes, set by the test), then delivers
    to Django's test outbox like the locmem backend. ``attempts`` counts every send."""

    failures = 0
    attempts = 0

    def send_messages(self, email_messages):
        from django.core import mail

        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise ConnectionRefusedError("[Errno 111] Connection refused (smtp.example:587)")
        mail.outbox.extend(email_messages)
        return len(email_messages)


def run_welcome_task(council) -> str:
    """Run the welcome task (tenants.send_welcome_email) as a worker would, its retries
    included: Celery's eager apply runs each retry at once (ignoring the countdown) when errors
    are not propagated. (In the tests' eager mode the first attempt, made by the provisioned
    event's handler, raises its Retry into the relay, which retries the event later.)"""
    from platform_core.celery import app
    from tenants import tasks

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        return tasks.send_welcome_email.apply(args=(council.pk,)).get(propagate=False)
    finally:
        app.conf.task_eager_propagates = saved
