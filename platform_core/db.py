"""The database connection as django-tenants extends it, for the type checker.

django-tenants' backend adds ``schema_name``, ``tenant``, ``set_schema_to_public()``,
``set_tenant()`` ... to Django's connection; django-stubs does not know them. Modules of the
kernel and tenants import ``connection`` from here: the same object as ``django.db.connection``.
"""

from typing import Any

from django.db import connection as _connection

connection: Any = _connection


# SQLSTATE classes of a database that cannot be reached: connection exceptions (08xxx) and an
# operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` says the database cannot be reached (refused, reset, shut down), as
    opposed to a query that failed (a constraint, a deadlock, a timeout): the former is a 503."""
    from django.db import InterfaceError, OperationalError

    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if isinstance(exc, InterfaceError):  # "connection already closed"
        return True
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state is None:  # raised by the client library: no server answered at all
        return True
    return str(state).startswith(_UNAVAILABLE_STATES)
