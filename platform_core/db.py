"""The database connection as django-tenants extends it, for the type checker.

django-tenants' backend adds ``schema_name``, ``tenant``, ``set_schema_to_public()``,
``set_tenant()`` ... to Django's connection; django-stubs does not know them. Modules of the
kernel and tenants import ``connection`` from here: the same object as ``django.db.connection``.
"""

from typing import Any

from django.db import connection as _connection

connection: Any = _connection
