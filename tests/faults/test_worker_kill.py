"""Workers killed mid-task (issue 17, item 4): with the platform's Celery settings every task
enqueued is done after each kind of kill — at least once; the tasks are idempotent. A real
prefork worker on a private redis-server broker; SIGKILL of its pool processes only, then of the
whole worker (its prefetched and running tasks come back after the visibility timeout)."""

import pytest
import redis

from .conftest import RedisServer, wait_until

TASKS = 4


@pytest.fixture
def broker():
    server = RedisServer()
    yield server
    server.close()


def _enqueue(broker_url: str, keys: list[str], seconds: float) -> None:
    from platform_core.celery import app

    with app.connection_for_write(broker_url) as conn:
        for key in keys:
            app.send_task("faults.slow_effect", args=[broker_url, key, seconds], connection=conn)


def _done(client, keys) -> list[str]:
    return [k for k in keys if client.exists(f"effect:{k}")]


def test_every_task_survives_killed_pool_processes_and_a_killed_worker(broker, celery_process):
    client = redis.Redis.from_url(broker.url)
    worker_args = ["--pool=prefork", "--concurrency=2", "-I", "tests.faults.tasks"]
    # A short visibility timeout so that the test waits seconds for the redelivery that
    # production waits CELERY_VISIBILITY_TIMEOUT for (the time limit plus five minutes).
    env = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    worker = celery_process("worker", broker.url, worker_args, env)

    # 1. Only the pool processes die, while both run a task.
    first = [f"pool-{i}" for i in range(TASKS)]
    _enqueue(broker.url, first, 1.5)
    wait_until(lambda: sum(client.exists(f"started:{k}") for k in first) >= 2, timeout=90)
    killed = worker.kill_pool()
    assert killed, "the worker had no pool processes to kill"
    wait_until(
        lambda: len(_done(client, first)) == TASKS,
        timeout=40,
        message=f"tasks lost with the pool processes: {set(first) - set(_done(client, first))}",
    )

    # 2. The whole worker dies (SIGKILL, no warm shutdown), holding running tasks unacked.
    second = [f"worker-{i}" for i in range(TASKS)]
    _enqueue(broker.url, second, 1.5)
    wait_until(lambda: sum(client.exists(f"started:{k}") for k in second) >= 1, timeout=30)
    worker.kill()
    assert len(_done(client, second)) < TASKS  # some were interrupted
    celery_process("worker", broker.url, worker_args, env)
    wait_until(
        lambda: len(_done(client, second)) == TASKS,
        timeout=90,  # the new worker's start-up, the visibility timeout, the restore cycle
        message=f"tasks lost with the worker: {set(second) - set(_done(client, second))}",
    )
