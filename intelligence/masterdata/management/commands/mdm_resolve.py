import json

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from ._common import Progress, council_or_error


class Command(BaseCommand):
    help = "Run a full master data resolution for a council (people with Splink, then places)."

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's slug")
        parser.add_argument("--kind", choices=["people", "places", "all"], default="all")
        parser.add_argument(
            "--no-train", action="store_true", help="use the stored model's parameters"
        )
        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            help="record-linkage engine for people (default: MASTERDATA_ENGINE)",
        )

    def handle(self, *args, council, kind, no_train, engine=None, **options):
        from intelligence.masterdata import actions

        found = council_or_error(council)
        progress = Progress(self.stdout, options.get("verbosity", 1) > 0)
        with schema_context(found.schema_name):
            if kind in ("people", "all"):
                stats = actions.resolve_people(
                    actor="mdm_resolve",
                    train=not no_train,
                    progress=progress,
                    engine_name=engine,
                )
                self.stdout.write("people: " + json.dumps(stats))
            if kind in ("places", "all"):
                stats = actions.resolve_places(actor="mdm_resolve", progress=progress)
                self.stdout.write("places: " + json.dumps(stats))
