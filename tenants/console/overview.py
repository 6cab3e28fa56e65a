"""The figures and health of councils for the console's overview and detail pages.

Per council: one query in its schema for every figure the apps declare
(``platform_core.councilfigures``), cached briefly under a key naming the schema; then one query
each for the whole page's schemas, fleet migrations and lifecycle state. Never a query per
council per figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import structlog
from django.db import DatabaseError, connection, transaction

from platform_core import councilfigures

from ..models import Council, FleetMigration

log = structlog.get_logger(__name__)

OK, ATTENTION, PROBLEM = "ok", "attention", "problem"
HEALTH_LABELS = {OK: "Healthy", ATTENTION: "Needs attention", PROBLEM: "Problem"}


@dataclass
class Health:
    level: str = OK
    reasons: list[str] = field(default_factory=list)

    def add(self, level: str, reason: str) -> None:
        self.reasons.append(reason)
        if level == PROBLEM or (level == ATTENTION and self.level == OK):
            self.level = level

    @property
    def label(self) -> str:
        return HEALTH_LABELS[self.level]


@dataclass
class CouncilRow:
    council: Council
    figures: dict[str, int | datetime | None]
    health: Health

    @property
    def pages(self):
        return self.figures.get("pages")

    @property
    def staff_users(self):
        return self.figures.get("staff_users")

    @property
    def storage_bytes(self):
        return self.figures.get("storage_bytes")

    @property
    def records(self):
        return self.figures.get("records")

    @property
    def last_activity(self):
        return self.figures.get("last_activity")


def existing_schemas(names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        return {row[0] for row in cursor.fetchall()}


def figures_of(council: Council) -> dict | None:
    """The council's figures, or None when its schema cannot be read."""
    try:
        with transaction.atomic():  # a failing query must not break the page's transaction
            return councilfigures.cached(council.schema_name)
    except DatabaseError:
        log.warning("console.figures_failed", council=council.slug, exc_info=True)
        return None


def council_rows(councils: list[Council], extra_health=None) -> list[CouncilRow]:
    schemas = [c.schema_name for c in councils]
    present = existing_schemas(schemas) if schemas else set()
    failed_migrations = {
        m.schema_name: m
        for m in FleetMigration.objects.filter(
            schema_name__in=schemas, status=FleetMigration.Status.FAILED
        )
    }
    rows = []
    for council in councils:
        health = Health()
        figures: dict = {}
        if council.schema_name not in present:
            health.add(PROBLEM, f"Its schema {council.schema_name} does not exist.")
        else:
            found = figures_of(council)
            if found is None:
                health.add(PROBLEM, "Its figures could not be read from its schema.")
            else:
                figures = found
        if council.schema_name in failed_migrations:
            health.add(PROBLEM, "Its last fleet migration failed.")
        if council.status == Council.Status.SUSPENDED:
            health.add(ATTENTION, "Suspended: its site, admin and API answer 503.")
        elif council.status == Council.Status.ARCHIVED:
            health.add(ATTENTION, "Archived.")
        if council.admin_invitation == Council.Invitation.FAILED:
            health.add(ATTENTION, "Its administrator's set-password email could not be sent.")
        if extra_health is not None:
            extra_health(council, health)
        rows.append(CouncilRow(council=council, figures=figures, health=health))
    return rows
