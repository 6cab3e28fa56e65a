"""The Spark engine's session: one local SparkSession per process, started on first use.

``MASTERDATA_ENGINE=spark`` runs the same Splink model through Splink's own ``SparkAPI``. The
session is local mode (``MASTERDATA_SPARK_MASTER``, ``local[2]`` by default), small
(``MASTERDATA_SPARK_MEMORY`` for the driver), quiet (log4j at ERROR, no progress bars), with no
web UI. Splink breaks lineage by writing intermediate tables as parquet under the session's
checkpoint directory, which each run points at a folder of its own inside the council's own
area (``MASTERDATA_SPARK_DIR/<schema>/``) and removes afterwards. Runs in one process take a
lock: the checkpoint directory belongs to the whole session."""

import atexit
import logging
import os
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

_session = None
_start_lock = threading.Lock()
run_lock = threading.Lock()
LOG4J = Path(__file__).with_name("spark-log4j2.properties")


def _settings():
    from django.conf import settings

    root = getattr(settings, "MASTERDATA_SPARK_DIR", "") or os.path.join(
        tempfile.gettempdir(), "council-platform-spark"
    )
    return (
        getattr(settings, "MASTERDATA_SPARK_MASTER", "local[2]"),
        getattr(settings, "MASTERDATA_SPARK_MEMORY", "1g"),
        Path(root),
    )


def session():
    """The process's SparkSession (started lazily: the JVM costs seconds)."""
    global _session
    with _start_lock:
        if _session is not None:
            return _session
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        master, memory, root = _settings()
        (root / "_local").mkdir(parents=True, exist_ok=True)
        # The driver binds to the loopback interface: local mode needs no other.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        java_options = f"-Dlog4j2.configurationFile={LOG4J.as_uri()}"
        builder = (
            SparkSession.builder.master(master)
            .appName("council-platform-masterdata")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.memory", memory)
            .config("spark.driver.extraJavaOptions", java_options)
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.default.parallelism", "8")
            .config("spark.local.dir", str(root / "_local"))
            .config("spark.sql.warehouse.dir", str(root / "_warehouse"))
            .config("spark.sql.session.timeZone", "UTC")
            # Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein) as Scala UDFs.
            .config("spark.jars", similarity_jar_location())
        )
        _session = builder.getOrCreate()
        _session.sparkContext.setLogLevel("ERROR")
        atexit.register(stop)
        logger.info("masterdata: Spark %s session started (%s)", _session.version, master)
        return _session


def stop() -> None:
    """Stop the session (at exit, or when a test's fixture is done with it)."""
    global _session
    with _start_lock:
        if _session is not None:
            try:
                _session.stop()
            finally:
                _session = None


@contextmanager
def run_folder(area: str):
    """A folder for one run in the council's own area, used as the session's checkpoint
    directory while the run holds the lock; removed afterwards."""
    spark = session()
    _master, _memory, root = _settings()
    folder = root / _safe(area) / f"run-{uuid.uuid4().hex}"
    with run_lock:
        folder.mkdir(parents=True)
        try:
            spark.sparkContext.setCheckpointDir(str(folder / "checkpoints"))
            yield spark, folder
        finally:
            for view in spark.catalog.listTables():
                if view.isTemporary and view.name.startswith("__splink"):
                    spark.catalog.dropTempView(view.name)
            spark.catalog.clearCache()
            shutil.rmtree(folder, ignore_errors=True)


def _safe(area: str) -> str:
    cleaned = "".join(ch for ch in area if ch.isalnum() or ch in "_-")
    if not cleaned:
        raise ValueError("a Spark run needs the council's area (its schema name)")
    return cleaned
