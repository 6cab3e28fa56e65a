from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from platform_core import provisioning
from tenants import actions
from tenants.demo import DEMO_COUNCILS
from tenants.models import Council, council_url


class Command(BaseCommand):
    help = "Create the demo councils and a platform administrator (safe to re-run), and print how to sign in."

    def handle(self, *args, **options):
        lines = []
        platform_admin = self._platform_admin()
        lines.append(f"Platform site:     {council_url(settings.PLATFORM_DOMAIN)}")
        lines.append(f"Platform console:  {council_url(settings.PLATFORM_DOMAIN, '/console/')}")
        lines.append(f"  sign in as {platform_admin[0]}: {platform_admin[1]}")
        for spec in DEMO_COUNCILS:
            spec = dict(spec)
            org_id = spec.pop("org_id", "")
            council = Council.objects.filter(slug=spec["slug"]).first()
            admin_email = f"admin@{spec['slug']}.example"
            if council is None:
                result = actions.provision_council(**spec, admin_email=admin_email, notify=False)
                council = result.council
            if org_id and not council.org_id:
                actions.set_org_id(council, org_id, actor="seed_demo")
            with schema_context(council.schema_name):
                said = provisioning.run(provisioning.DEMO, council)
                sign_in = self._sign_in(council, admin_email)
            lines.append(
                f"{council.name + ':':32} {council.site_url()}  (admin: {council.site_url()}admin/)"
            )
            lines.append(f"  sign in as {admin_email}: {sign_in}")
            lines.extend(f"  {line}" for line in said)
        self.stdout.write("\n".join(lines))

    def _platform_admin(self):
        User = get_user_model()
        email = "admin@platform.localhost"
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
        if user.has_usable_password():
            return email, "use the password you set"
        return email, "set a password at " + actions.set_password_url(
            user, settings.PLATFORM_DOMAIN, "/console/password-reset"
        )

    def _sign_in(self, council, email):
        user = get_user_model().objects.filter(username=email).first()
        if user is None or user.has_usable_password():
            return "use the password you set"
        return "set a password at " + actions.set_password_url(
            user, council.primary_domain, "/admin/password_reset/confirm"
        )
