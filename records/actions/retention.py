"""Retention arithmetic: when a record falls due for disposal under its class's schedule."""

import calendar
from datetime import date

from django.utils import timezone

from ..models import DisposalAction, Record, RetentionTrigger


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; past the last representable date, that date
    (inputs are bounded at the API, but a date past year 9999 must never be a 500)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def compute_disposal_due(record: Record) -> date | None:
    file_class = record.file_class
    if file_class.action == DisposalAction.RETAIN:
        return None
    start = {
        RetentionTrigger.CREATION: timezone.localdate(record.created_at)
        if record.created_at
        else timezone.localdate(),
        RetentionTrigger.CLOSURE: timezone.localdate(record.closed_at)
        if record.closed_at
        else None,
        RetentionTrigger.DECISION_DATE: record.decision_date,
        RetentionTrigger.EVENT: record.event_date,
    }[file_class.trigger]
    return add_months(start, file_class.period_months) if start else None


def refresh_due(record: Record) -> None:
    due = compute_disposal_due(record)
    if due != record.disposal_due:
        record.disposal_due = due
        record.save(update_fields=["disposal_due"])
