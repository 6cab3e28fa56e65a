"""Template filters for the records admin: times as people read them ("30 November 2026,
10:49am") and the audit trail's actions in words."""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()


@register.filter
def readable_time(value) -> str:
    """``30 November 2026, 10:49am`` in the council's time zone (Europe/London)."""
    if isinstance(value, str):
        value = parse_datetime(value) or value
    if not isinstance(value, datetime):
        return readable_date(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{value.day} {value:%B %Y}, {hour}:{value:%M}{suffix}"


@register.filter
def readable_date(value) -> str:
    """``30 November 2026``; empty for no date."""
    if isinstance(value, str):
        value = parse_date(value) or value
    if isinstance(value, datetime):
        return readable_time(value)
    if not isinstance(value, date):
        return str(value or "")
    return f"{value.day} {value:%B %Y}"


ACTIONS = {
    "record.declared": "Record declared",
    "record.changed": "Metadata changed",
    "record.closed": "Record closed",
    "record.held": "Placed under a legal hold",
    "record.hold_released": "Legal hold released",
    "record.destroyed": "Content destroyed (metadata stub kept)",
    "record.transferred": "Transferred to the archive",
    "record.retention_extended": "Retention extended",
    "record.reviewed": "Reviewed under the disposal schedule",
    "version.created": "New version stored",
    "content.read": "Content downloaded",
    "disposal.decided": "Disposal decision recorded",
}


@register.filter
def audit_action(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    if action.endswith(".refused"):
        return f"Refused: {action.removesuffix('.refused').replace('.', ' ').replace('_', ' ')}"
    return action.replace(".", " ").replace("_", " ").capitalize()


@register.filter
def audit_detail(detail) -> str:
    """A short, readable summary of an entry's detail (the JSON export keeps all of it)."""
    if not isinstance(detail, dict) or not detail:
        return ""
    parts = []
    for key, value in detail.items():
        if key in ("key", "sha256", "prev_hash", "hash"):
            continue
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            parts.append(f"{key.replace('_', ' ')}: {value['from'] or '—'} → {value['to'] or '—'}")
        elif isinstance(value, (list, dict)):
            if value:
                parts.append(f"{key.replace('_', ' ')}: {value}")
        elif value not in (None, ""):
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)
