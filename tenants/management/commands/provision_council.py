from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from tenants import actions
from tenants.models import Region, Tier

from ._util import validation_to_command_error


class Command(BaseCommand):
    help = "Provision a council: schema, website, home page, groups and first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--gss-code", required=True)
        parser.add_argument("--tier", required=True, help=", ".join(Tier.values))
        parser.add_argument("--region", default="", help=", ".join(Region.values))
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--method", choices=actions.PROVISIONING_METHODS, default="auto")

    def handle(self, *args, **options):
        try:
            result = actions.provision_council(
                name=options["name"],
                slug=options["slug"],
                gss_code=options["gss_code"],
                tier=options["tier"],
                region=options["region"],
                admin_email=options["admin_email"],
                method=options["method"],
                actor="manage.py provision_council",
            )
        except ValidationError as exc:
            raise validation_to_command_error(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Provisioned {result.council.name} at {result.council.site_url()}")
        )
        self.stdout.write(
            f"Administrator {result.admin_email} sets a password at:\n  {result.set_password_url}"
        )
