"""Plug-in subject access: each council app says what it holds about one person.

A subject access request (UK GDPR Art. 15) is made about one golden person in master data
(intelligence.masterdata), which knows every name, date of birth, postcode, email and phone the
council's systems hold for them. Master data cannot import the other apps (they sit beside it,
and some use it), so each app registers a contributor here, in its ``AppConfig.ready()``, with a
function from its own ``access`` module:

    from platform_core import subject_access

    subject_access.register("participation", "Participatory budgeting", access.subject_access)

A contributor takes a ``Subject`` and returns a list of items (JSON-ready dicts), each naming
what it is and what matched (``matched_on``). It runs in the council's schema, inside the
export's transaction, and must only read. ``gather`` runs every contributor in ``order``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Subject:
    """One person as the council's systems know them (every linked source record's values)."""

    golden_id: int
    names: tuple[tuple[str, str], ...] = ()  # (first name, surname)
    dates_of_birth: tuple[datetime.date, ...] = ()
    postcodes: tuple[str, ...] = ()  # normalised, "NS1 1AA"
    emails: tuple[str, ...] = ()  # lower case
    phones: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def full_names(self) -> list[str]:
        return sorted({f"{first} {surname}".strip() for first, surname in self.names if surname})


@dataclass(frozen=True)
class Contributor:
    name: str
    label: str
    fn: Callable[[Subject], list[dict]]
    order: int


_contributors: dict[str, Contributor] = {}


def register(
    name: str, label: str, fn: Callable[[Subject], list[dict]], *, order: int = 100
) -> None:
    """Register (or replace: ready() may run more than once in tests) a contributor."""
    _contributors[name] = Contributor(name=name, label=label, fn=fn, order=order)


def contributors() -> list[Contributor]:
    return sorted(_contributors.values(), key=lambda c: (c.order, c.name))


def gather(subject: Subject) -> list[dict]:
    """Every contributor's items about ``subject``: [{"app", "label", "count", "items"}]."""
    sections = []
    for contributor in contributors():
        items = list(contributor.fn(subject))
        sections.append(
            {
                "app": contributor.name,
                "label": contributor.label,
                "count": len(items),
                "items": items,
            }
        )
    return sections


AUDIT_LIMIT = 1000


def accounts(subject: Subject) -> list[dict]:
    """The kernel's contribution: the council's user accounts with one of the person's email
    addresses (staff, provider and resident accounts alike), and the audit entries those
    accounts made (newest first, at most AUDIT_LIMIT per account)."""
    from django.contrib.auth import get_user_model

    from .audit.models import AuditEntry

    if not subject.emails:
        return []
    User = get_user_model()
    items = []
    for user in (
        User.objects.filter(iexact_any("email", subject.emails))
        .prefetch_related("groups")
        .order_by("pk")
    ):
        entries = AuditEntry.objects.filter(actor=user.get_username()).order_by("-seq")
        items.append(
            {
                "kind": "user account",
                "matched_on": "email",
                "username": user.get_username(),
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "active": user.is_active,
                "date_joined": user.date_joined.isoformat(),
                "last_login": user.last_login.isoformat() if user.last_login else None,
                "groups": sorted(g.name for g in user.groups.all()),
                "audit_entries_made": [
                    {
                        "seq": e.seq,
                        "created_at": e.created_at.isoformat(),
                        "action": e.action,
                        "object_type": e.object_type,
                        "object_id": e.object_id,
                    }
                    for e in entries[:AUDIT_LIMIT]
                ],
            }
        )
    return items


def iexact_any(field_name: str, values):
    """A filter matching ``field_name`` to any of ``values``, ignoring case."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for value in sorted(set(values)):
        condition |= Q(**{f"{field_name}__iexact": value})
    return condition
