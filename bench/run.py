"""Run the benchmarks: ``python -m bench.run [name ...]`` (``make bench``).

Each benchmark is a module ``bench/<name>.py`` with a ``main(argv)`` function that prints its
figures. Benchmarks run against a database of their own (``bench_<checkout>``), never the
development or test database.
"""

import importlib
import os
import sys

BENCHMARKS = [
    "provisioning",
    "migrations",
    "pages",
    "records",
    "benchmarking",
    "masterdata",
    "funding",
    "providers",
    "commissioning",
    "ocds_extensions",
    "events",
    "febrl",
]


def main(argv: list[str]) -> int:
    names = [a for a in argv if a in BENCHMARKS] or BENCHMARKS
    options = [a for a in argv if a not in BENCHMARKS]  # passed on, with their values
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"== {name}: not written yet")
                continue
            raise
        print(f"== {name}")
        module.main(options)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings.test")
    sys.exit(main(sys.argv[1:]))
