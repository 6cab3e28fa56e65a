"""The file plan: classes and their disposal schedules."""

from django.core.exceptions import ValidationError
from django.db import transaction

from platform_core.audit.log import append as audit

from ..models import FilePlanClass, RetentionTrigger
from .common import FINAL
from .retention import refresh_due

CLASS_FIELDS = (
    "parent",
    "code",
    "title",
    "description",
    "trigger",
    "event_name",
    "period_months",
    "action",
)


MAX_PERIOD_MONTHS = 1200  # a century; retention adds this many months to a date


def _check_class(data: dict) -> None:
    months = data.get("period_months")
    if months is not None and not 0 <= months <= MAX_PERIOD_MONTHS:
        raise ValidationError(
            {"period_months": [f"Give a retention period of 0 to {MAX_PERIOD_MONTHS} months."]}
        )
    if data.get("trigger") == RetentionTrigger.EVENT and not data.get("event_name"):
        raise ValidationError({"event_name": ["An event trigger needs the name of the event."]})


@transaction.atomic
def create_class(actor, **data) -> FilePlanClass:
    _check_class(data)
    file_class = FilePlanClass.objects.create(
        **{k: v for k, v in data.items() if k in CLASS_FIELDS}
    )
    audit("class.created", file_class, actor=actor, detail=_class_detail(file_class))
    return file_class


@transaction.atomic
def update_class(actor, file_class: FilePlanClass, **changes) -> FilePlanClass:
    merged = {f: getattr(file_class, f) for f in CLASS_FIELDS} | changes
    _check_class(merged)
    parent = changes.get("parent")
    node = parent
    while node is not None:
        if node.pk == file_class.pk:
            raise ValidationError({"parent": ["A class cannot be placed under itself."]})
        node = node.parent
    before = _class_detail(file_class)
    for field, value in changes.items():
        if field in CLASS_FIELDS:
            setattr(file_class, field, value)
    file_class.save()
    schedule_changed = any(f in changes for f in ("trigger", "period_months", "action"))
    if schedule_changed:
        for record in file_class.records.exclude(status__in=FINAL):
            refresh_due(record)
    audit(
        "class.changed",
        file_class,
        actor=actor,
        detail={"before": before, "after": _class_detail(file_class)},
    )
    return file_class


def _class_detail(c: FilePlanClass) -> dict:
    return {
        "code": c.code,
        "title": c.title,
        "parent": c.parent_id,
        "trigger": c.trigger,
        "period_months": c.period_months,
        "action": c.action,
    }
