"""The broker (and cache) down when a request commits, and beat ticks that fall in an outage
(issue 17, item 3). Real processes: gunicorn, a private redis-server as broker and cache, a
Celery worker and beat, all started here."""

import time
from datetime import timedelta

import pytest
import requests

from records.tests.files import make_pdf

from .conftest import RedisServer, wait_until


@pytest.fixture
def redis_broker():
    server = RedisServer()
    yield server
    server.close()


def test_upload_during_a_broker_outage_succeeds_once_and_is_extracted_when_it_returns(
    committed, redis_broker, web_server, celery_process
):
    """The upload commits and answers 201 (before: the after-commit enqueue of the extraction
    raised, the client saw a 500 for a record that existed, and the extraction never ran). The
    extraction is owed in the outbox, and done once the broker and a worker are back."""
    from conftest import worker_database_url
    from platform_core.events.models import OutboxEvent
    from records.models import Record

    broker = redis_broker.url
    # Worker and beat first (they boot while gunicorn does); they outlive the outage and
    # reconnect when the broker returns, as in production.
    celery_process("worker", broker, ["--pool=solo"])
    celery_process("beat", broker, env={"EVENTS_SWEEP_SECONDS": "1"})
    server = web_server(
        {
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker,
            "CACHE_URL": broker.rsplit("/", 1)[0] + "/1",
        },
        workers=1,
        threads=2,
    )
    title = f"Outage upload {committed.tag}"
    word = f"zeppelin{committed.tag}"
    headers = {"Host": committed.host, "Authorization": f"Token {committed.token}"}
    assert (
        requests.get(
            server.url("/api/v1/records/records/"), headers=headers, timeout=60
        ).status_code
        == 200
    )  # warm
    redis_broker.kill()

    started = time.monotonic()
    response = requests.post(
        server.url("/api/v1/records/records/"),
        headers=headers,
        data={"title": title, "file_class": committed.file_class.pk},
        files={"file": ("minutes.pdf", make_pdf(f"Minutes about the {word}"), "application/pdf")},
        timeout=60,
    )
    seconds = time.monotonic() - started
    assert response.status_code == 201, (response.status_code, response.text[:500])
    # The enqueue fails fast (CELERY_TASK_PUBLISH_RETRY_POLICY): the loaded machine's margin.
    assert seconds < 10, seconds
    record_id = response.json()["id"]
    assert committed.run(lambda: Record.objects.filter(title=title).count()) == 1
    owed = committed.run(
        lambda: list(
            OutboxEvent.objects.filter(
                type="records.version.created", data__record=record_id
            ).values_list("status", flat=True)
        )
    )
    assert owed == [OutboxEvent.Status.PENDING]

    redis_broker.start()  # same port, empty: the wake-up sent at the commit is gone
    wait_until(
        lambda: (
            word in committed.run(lambda: Record.objects.get(pk=record_id).extracted_text or "")
        ),
        timeout=90,
        message="the extraction owed in the outbox did not run after the broker returned",
    )


def test_a_disposal_tick_missed_in_an_outage_is_caught_up(committed, redis_broker, celery_process):
    """The daily disposal's last success is 25 hours old: its tick fell in an outage (beat could
    not send it). Beat's catch-up sees the schedule fired without a success and runs it once:
    the due record is put in a disposal batch, and the job's marker moves on."""
    from django.utils import timezone

    from platform_core.models import JobRun
    from records.models import DisposalItem, Record

    record = committed.run(
        lambda: Record.objects.create(
            title=f"Due {committed.tag}",
            file_class=committed.file_class,
            disposal_due=timezone.localdate() - timedelta(days=1),
        )
    )
    now = timezone.now()
    committed.run(lambda: JobRun.objects.all().delete())
    for name in ("benchmarking-publish-nightly", "cms-publish-scheduled"):
        committed.run(lambda name=name: JobRun.objects.create(name=name, last_success_at=now))
    missed = now - timedelta(hours=25)
    committed.run(
        lambda: JobRun.objects.create(name="records-daily-disposal", last_success_at=missed)
    )

    broker = redis_broker.url
    celery_process("worker", broker, ["--pool=solo"])
    celery_process("beat", broker, env={"CATCH_UP_SECONDS": "1"})
    wait_until(
        lambda: committed.run(lambda: DisposalItem.objects.filter(record=record).exists()),
        timeout=90,
        message="the missed daily disposal was not caught up",
    )
    wait_until(
        lambda: committed.run(
            lambda: JobRun.objects.get(name="records-daily-disposal").last_success_at > now
        ),
        timeout=30,
        message="the caught-up disposal's success was not marked",
    )
    # Caught up once: the others were not overdue and did not run.
    assert (
        committed.run(
            lambda: JobRun.objects.get(name="benchmarking-publish-nightly").last_enqueued_at
        )
        is None
    )


@pytest.mark.django_db
def test_catch_up_runs_a_crontab_job_only_after_a_missed_fire(settings):
    """The nightly publication (02:30 UTC): not overdue before tonight's fire, overdue once it
    fired with no success since, and not sent twice while it waits to run. (Also makes pytest
    set up the test database for this module, whose other tests commit their own data.)"""
    from datetime import UTC, datetime

    from platform_core import schedules
    from platform_core.models import JobRun

    settings.CATCH_UP_JOBS = ["benchmarking-publish-nightly"]
    last = datetime(2026, 11, 29, 2, 31, tzinfo=UTC)
    JobRun.objects.create(name="benchmarking-publish-nightly", last_success_at=last)
    assert schedules.overdue(datetime(2026, 11, 30, 2, 0, tzinfo=UTC)) == []
    assert schedules.overdue(datetime(2026, 11, 30, 2, 31, tzinfo=UTC)) == []  # grace
    assert schedules.overdue(datetime(2026, 11, 30, 3, 0, tzinfo=UTC)) == [
        "benchmarking-publish-nightly"
    ]
    JobRun.objects.update(last_enqueued_at=datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    assert schedules.overdue(datetime(2026, 11, 30, 3, 5, tzinfo=UTC)) == []
    assert schedules.overdue(datetime(2026, 11, 30, 3, 20, tzinfo=UTC)) == [
        "benchmarking-publish-nightly"
    ]
