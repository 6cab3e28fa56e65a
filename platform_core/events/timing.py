"""Per-phase wall timings of the relay (``EVENTS_PHASE_TIMINGS``, off by default): where a relay
run's time goes (claims, fan-out, marking delivered, signing, HTTP, recording results, commits).

Each phase adds its wall time and a count to process-wide totals; at the end of a relay run
(``events.relay_council``) the totals are logged as one line,
``events-phases {"phase": [seconds, count], ...}``, at WARNING (the level a worker runs at) and
reset. bench/events.py enables it in its worker and sums the lines of a run. With the setting
off a phase costs one attribute read. Phases of the pipelined relay's two threads overlap in
time: their sum can exceed the run's wall time (``task.wall``)."""

import json
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_totals: dict[str, list[float]] = {}


def enabled() -> bool:
    return bool(getattr(settings, "EVENTS_PHASE_TIMINGS", False))


def add(name: str, seconds: float, count: int = 1) -> None:
    with _lock:
        total = _totals.setdefault(name, [0.0, 0])
        total[0] += seconds
        total[1] += count


@contextmanager
def phase(name: str):
    if not enabled():
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - started)


def report(**extra) -> None:
    """Log the totals since the last report (and ``extra`` counts), then reset them."""
    if not enabled():
        return
    with _lock:
        totals = {name: [round(s, 4), int(n)] for name, (s, n) in _totals.items()}
        _totals.clear()
    log.warning("events-phases %s", json.dumps({**totals, **extra}, sort_keys=True))
