"""A task for the worker-kill fault tests, imported by the test's worker only (``-I``): it marks
that it started, takes a while, then writes its effect — idempotently (SET), as the platform's
tasks are idempotent. It runs under the platform's own Celery settings (acks_late,
reject_on_worker_lost, prefetch, visibility timeout): those are what the tests check."""

import time

import redis

from platform_core.celery import app


@app.task(name="faults.slow_effect")
def slow_effect(redis_url: str, key: str, seconds: float) -> str:
    client = redis.Redis.from_url(redis_url)
    client.incr(f"started:{key}")
    time.sleep(seconds)
    client.set(f"effect:{key}", "1")
    return key
