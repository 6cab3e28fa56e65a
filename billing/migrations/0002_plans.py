"""The platform's plans, and a subscription to the default plan for every council that exists
already (new councils get theirs when provisioned)."""

from decimal import Decimal

from django.db import migrations

GB = 1000**3

PLANS = [
    # slug, name, £/month, storage, API calls/month, staff users, page views/month,
    # £ per extra staff user, £ per 1,000 page views over the quota, default
    ("starter", "Starter", "250.00", 10 * GB, 100_000, 10, 200_000, "15.00", "0.50", True),
    ("standard", "Standard", "750.00", 100 * GB, 1_000_000, 50, 2_000_000, "12.00", "0.40", False),
    ("enterprise", "Enterprise", "2500.00", 1000 * GB, 10_000_000, 500, 20_000_000, "10.00", "0.30", False),
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Subscription = apps.get_model("billing", "Subscription")
    Council = apps.get_model("tenants", "Council")
    for slug, name, price, storage, api, staff, views, extra, overage, default in PLANS:
        Plan.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "monthly_price": Decimal(price),
                "storage_quota": storage,
                "api_calls_quota": api,
                "staff_users_quota": staff,
                "page_views_quota": views,
                "extra_staff_user_price": Decimal(extra),
                "page_views_overage_price": Decimal(overage),
                "is_default": default,
            },
        )
    default = Plan.objects.get(is_default=True)
    for council in Council.objects.exclude(schema_name="public"):
        Subscription.objects.get_or_create(
            council=council, defaults={"plan": default, "started_on": council.created_at.date()}
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
