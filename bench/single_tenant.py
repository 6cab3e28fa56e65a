"""The baseline for ``bench/pages.py``: the same site with tenant routing bypassed.

``FixedCouncilMiddleware`` pins every request to one council's schema without looking at the
host (no Domain query, no lifecycle checks): what a single-tenant Wagtail site does.
Settings: ``bench.single_tenant`` as DJANGO_SETTINGS_MODULE.
"""

import os

from platform_core.settings.test import *  # noqa: F403
from platform_core.settings.test import MIDDLEWARE

MIDDLEWARE = [
    "bench.single_tenant.FixedCouncilMiddleware"
    if m == "platform_core.middleware.CouncilTenantMiddleware"
    else m
    for m in MIDDLEWARE
]


class FixedCouncilMiddleware:
    def __init__(self, get_response):
        from django.db import connection

        from tenants.models import Council

        self.council = Council.objects.get(schema_name=os.environ["BENCH_SCHEMA"])
        connection.set_schema_to_public()
        self.connection = connection
        self.get_response = get_response

    def __call__(self, request):
        self.connection.set_tenant(self.council)
        request.tenant = self.council
        request.urlconf = "platform_core.urls_tenant"
        return self.get_response(request)
