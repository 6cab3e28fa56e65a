import time

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from intelligence.benchmarking.seeding import seed_pool


class Command(BaseCommand):
    help = "Fill the benchmarking pool with synthetic but plausible councils, metrics and years."

    def add_arguments(self, parser):
        parser.add_argument("--councils", type=int, default=400)
        parser.add_argument("--metrics", type=int, default=50)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, councils, metrics, years, seed, **options):
        for name, value in (("councils", councils), ("metrics", metrics), ("years", years)):
            if value < 1:
                self.stderr.write(f"--{name} must be at least 1")
                raise SystemExit(2)
        started = time.perf_counter()
        with schema_context("public"):
            result = seed_pool(councils=councils, metrics=metrics, years=years, seed=seed)
        self.stdout.write(
            f"Seeded {result['members']} councils x {result['metrics']} metrics: "
            f"{result['values']} values in {time.perf_counter() - started:.1f}s "
            f"({result['with_neighbours']} with nearest neighbours)."
        )
