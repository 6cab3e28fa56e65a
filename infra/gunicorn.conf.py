"""gunicorn settings for production (environment-driven)."""

import multiprocessing
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from platform_core.observability import logging_config  # noqa: E402

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Each request is logged once by the application (platform_core/middleware.py), as JSON with its
# request id and council; gunicorn's own lines go through the same formatter.
accesslog = None
logconfig_dict = logging_config(
    os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "json")
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# No runtime control socket (gunicornc): the root filesystem is read-only in the image.
control_socket_disable = True

# Prometheus (platform_core/metrics.py): every worker writes its samples under this directory, and
# a scrape of any worker adds them all up. Emptied when the server starts; a dead worker's files
# are marked so its gauges drop out.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if PROMETHEUS_MULTIPROC_DIR:
        shutil.rmtree(PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)
        os.makedirs(PROMETHEUS_MULTIPROC_DIR, exist_ok=True)


def child_exit(server, worker):
    if PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
