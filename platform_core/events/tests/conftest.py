import pytest

from platform_core.events import registry

TYPE = "records.record.destroyed"


def event_data(record=1, **extra):
    return {
        "record": record,
        "uid": "6f1c4bde-5a0e-4c43-9d0c-1f7c8e1b2a3d",
        "reason": "test",
        "batch": None,
        "versions": [{"version": 1, "sha256": "0" * 64, "size": 3}],
        **extra,
    }


@pytest.fixture
def only_handlers():
    """``only_handlers(func, ...)`` makes these the only handlers of the test event type (the
    records handler is put back afterwards)."""
    saved = {k: dict(v) for k, v in registry._handlers.items()}

    def install(*funcs):
        registry._handlers[TYPE] = {}
        for func in funcs:
            registry.handler(TYPE)(func)

    yield install
    registry._handlers.clear()
    registry._handlers.update(saved)


@pytest.fixture
def receiver():
    """``receiver(**options)`` starts a signature-checking webhook receiver on 127.0.0.1
    (``platform_core.events.testing.Receiver``); every one started is stopped afterwards."""
    from platform_core.events.testing import Receiver

    started = []

    def start(**kwargs):
        r = Receiver(**kwargs).start()
        started.append(r)
        return r

    yield start
    for r in started:
        r.stop()
