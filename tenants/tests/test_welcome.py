"""After a council is provisioned: the welcome email and the AFTER_COMMIT personalisation are
tasks queued by the handlers of its ``tenants.council.provisioned`` platform event
(tenants/event_handlers.py), never work inside the provisioning's request. Sent at most once per
council, retried with backoff when the mail server refuses, and not lost when the broker is down
at the commit: the event waits in the outbox and the beat sweep (``events.relay_all``) delivers
it once the broker is back."""

import socket
import time

import pytest
from django.core import mail
from django.test import override_settings
from django_tenants.utils import schema_context

from platform_core.events.tasks import relay_all
from platform_core.models import PlatformOutboxEvent, PlatformProcessedEvent
from tenants import actions, tasks
from tenants.models import Council
from tenants.tests.mail import FlakyEmailBackend, run_welcome_task

pytestmark = pytest.mark.django_db

GENERIC = "This website is run by the council."


class Broker:
    """The Celery app of this process publishing to a real broker URL on a closed port
    (connection refused, as when the broker is down), not eagerly; ``back()`` returns to the
    test settings' eager mode (tasks run here, as a worker would run them)."""

    def __init__(self):
        from platform_core.celery import app

        self.app = app
        self.saved = (app.conf.broker_url, app.conf.task_always_eager)
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
        app.conf.task_always_eager = False
        self._reset()

    def _reset(self):
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def back(self):
        self.app.conf.broker_url, self.app.conf.task_always_eager = self.saved
        self._reset()


@pytest.fixture
def broker_down():
    broker = Broker()
    yield broker
    broker.back()


@pytest.fixture
def flaky_mail():
    FlakyEmailBackend.failures = FlakyEmailBackend.attempts = 0
    with override_settings(EMAIL_BACKEND="tenants.tests.mail.FlakyEmailBackend"):
        yield FlakyEmailBackend


def _provision(**extra):
    return actions.provision_council(
        name="Gammaton Council",
        slug="gammaton",
        gss_code="E06000903",
        tier="unitary",
        admin_email="chief@gammaton.example",
        **extra,
    )


def _accessibility(council) -> str:
    from cms.models import InformationPage

    with schema_context(council.schema_name):
        return str(InformationPage.objects.get(slug="accessibility").body)


def _provisioned_event(council):
    return PlatformOutboxEvent.objects.get(
        council=council.schema_name, type="tenants.council.provisioned"
    )


def test_with_the_broker_down_provisioning_commits_mails_nothing_and_loses_nothing(
    broker_down, django_capture_on_commit_callbacks
):
    """The broker refuses connections when the provisioning commits: the commit stands, the
    request neither talks to the mail server nor waits long, and the personalisation and the
    welcome email are owed in the outbox. When the broker is back, the beat sweep delivers the
    event: the council is personalised and its administrator gets one email; further sweeps
    and a second run of the task send nothing more."""
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        council = _provision().council
    seconds = time.monotonic() - started
    assert seconds < 60, seconds  # the failed wake-up fails fast (publish retry policy)
    assert mail.outbox == []  # before: the email was sent from the request, on its commit
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.PENDING
    assert _provisioned_event(council).status == PlatformOutboxEvent.Status.PENDING
    assert GENERIC in _accessibility(council)  # not personalised yet: the task was not queued

    broker_down.back()
    relay_all()  # beat's sweep, once the broker is back
    assert _provisioned_event(council).status == PlatformOutboxEvent.Status.DELIVERED
    assert "This website is run by Gammaton Council." in _accessibility(council)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chief@gammaton.example"]
    assert "gammaton.localhost:8000/admin/password_reset/confirm/" in mail.outbox[0].body
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.SENT

    relay_all()
    assert tasks.send_welcome_email.apply(args=(council.pk,)).get() == "already"
    assert len(mail.outbox) == 1


def test_the_welcome_link_in_the_email_signs_the_administrator_in(
    django_capture_on_commit_callbacks,
):
    """The task makes a fresh link (never carried in the task's arguments); it works."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    with django_capture_on_commit_callbacks(execute=True):
        council = _provision().council
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/password_reset/confirm/" in word)
    uid, token = link.rstrip("/").split("/")[-2:]
    with schema_context(council.schema_name):
        user = get_user_model().objects.get(pk=urlsafe_base64_decode(uid).decode())
        assert user.email == "chief@gammaton.example"
        assert default_token_generator.check_token(user, token)


def test_a_redelivered_event_or_task_sends_no_second_welcome(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        council = _provision().council
    assert len(mail.outbox) == 1
    event = _provisioned_event(council)
    # The relay delivers the event again from scratch (as after a crash before its commit).
    PlatformProcessedEvent.objects.filter(event_id=event.event_id).delete()
    PlatformOutboxEvent.objects.filter(pk=event.pk).update(
        status=PlatformOutboxEvent.Status.PENDING
    )
    relay_all()
    assert tasks.send_welcome_email.apply(args=(council.pk,)).get() == "already"
    assert len(mail.outbox) == 1


def test_no_welcome_without_notify_and_none_for_a_council_gone_since(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        council = _provision(notify=False).council
    assert mail.outbox == []
    assert tasks.send_welcome_email.apply(args=(council.pk,)).get() == "already"
    assert tasks.send_welcome_email.apply(args=(987654,)).get() == "gone"
    assert mail.outbox == []


def _retried(council) -> str:
    return run_welcome_task(council)


def test_a_mail_server_that_refuses_twice_is_retried_and_mails_once(flaky_mail):
    council = _provision().council  # the test's transaction never commits: nothing queued
    flaky_mail.failures = 2
    assert _retried(council) == "sent"
    assert flaky_mail.attempts == 3
    assert len(mail.outbox) == 1
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.SENT
    assert _retried(council) == "already" and flaky_mail.attempts == 3


def test_a_mail_server_that_always_refuses_marks_the_council_failed_after_the_retries(flaky_mail):
    council = _provision().council
    flaky_mail.failures = 10_000
    assert _retried(council) == "failed"
    assert flaky_mail.attempts == tasks.WELCOME_MAX_RETRIES + 1
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.FAILED
    assert "Connection refused" in council.admin_invitation_error
    assert _retried(council) == "already"  # a failed council is not retried by a redelivery
    # The console's "Email a new set-password link" sends it once mail works again.
    flaky_mail.failures = 0
    assert actions.send_admin_invitation(council) == ["chief@gammaton.example"]
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.SENT


def test_a_send_that_fails_before_the_last_attempt_keeps_the_marker_pending(flaky_mail):
    """What the task sees between retries: still PENDING (so the retry sends), the error noted."""
    council = _provision().council
    flaky_mail.failures = 1
    with pytest.raises(ConnectionRefusedError):
        actions.send_welcome(council.pk, final=False)
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.PENDING
    assert "Connection refused" in council.admin_invitation_error
    assert actions.send_welcome(council.pk, final=False) == "sent"
    assert actions.send_welcome(council.pk) == "already"
    assert len(mail.outbox) == 1


def test_the_tasks_acknowledge_late():
    assert tasks.send_welcome_email.acks_late and tasks.personalise_council.acks_late
    assert tasks.send_welcome_email.max_retries == tasks.WELCOME_MAX_RETRIES


def test_a_mail_server_that_accepts_and_never_answers_fails_the_send_within_the_timeout(
    settings,
):
    """EMAIL_TIMEOUT bounds the SMTP conversation: a server that accepts the connection and
    says nothing (a hung mail server) fails the send in about that time, and the task's last
    attempt marks the council FAILED, instead of holding the worker until its time limit."""
    import threading

    assert settings.EMAIL_TIMEOUT == 10  # the default (platform_core/settings/base.py)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # and never a greeting
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    try:
        council = _provision().council
        started = time.monotonic()
        assert actions.send_welcome(council.pk, final=True) == "failed"
        seconds = time.monotonic() - started
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()
    assert accepted and seconds < 10, seconds
    council.refresh_from_db()
    assert council.admin_invitation == Council.Invitation.FAILED
    assert "timed out" in council.admin_invitation_error
