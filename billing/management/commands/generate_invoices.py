from django.core.management.base import BaseCommand, CommandError

from billing import actions, metering, money
from tenants.access import active_councils, each_active_council


class Command(BaseCommand):
    help = (
        "Issue each active council's invoice for a month (default: last month). Safe to re-run: "
        "a month already invoiced is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="the month, YYYY-MM (default: last month)")

    def handle(self, *args, period=None, **options):
        this_month = metering.current_period()
        if period:
            try:
                month = money.parse_period(period)
            except ValueError as exc:
                raise CommandError(f"--period: {exc}") from exc
            if month >= this_month:
                raise CommandError(
                    f"--period: {period} has not ended yet; invoices are for complete months "
                    f"(the latest is {money.previous_month(this_month):%Y-%m})."
                )
        else:
            month = money.previous_month(this_month)
        for council in each_active_council():  # the counters' last counts, first
            actions.flush_council(council, [month])
        made, existing = actions.generate_invoices(month, active_councils())
        for invoice in made:
            self.stdout.write(
                f"{invoice.number}  {invoice.council_name}: £{invoice.total:,.2f} "
                f"(VAT £{invoice.vat:,.2f})"
            )
        self.stdout.write(
            f"{month:%Y-%m}: {len(made)} invoice(s) issued, {len(existing)} already issued."
        )
