"""The decisions register: decisions (with the key-decision notice rule), policies and the
actions arising from decisions."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from platform_core.audit.log import append as audit

from ..models import ActionItem, Decision, Policy

DECISION_FIELDS = (
    "title",
    "decision_maker",
    "decision_date",
    "summary",
    "reasons",
    "alternatives_considered",
    "consultation",
    "is_key_decision",
    "forward_plan_date",
    "urgency_reason",
    "policy",
)


KEY_DECISION_NOTICE_DAYS = 28


def clear_days(first: date, last: date) -> int:
    """Whole days between two dates, excluding both (the local-government 'clear days')."""
    return (last - first).days - 1


def _check_decision(data: dict) -> None:
    if not data.get("is_key_decision"):
        return
    notice = data.get("forward_plan_date")
    if data.get("urgency_reason", "").strip():
        return
    if notice is None:
        raise ValidationError(
            {
                "forward_plan_date": [
                    "A key decision needs the date it went on the forward plan, or a recorded urgency reason."
                ]
            }
        )
    days = clear_days(notice, data["decision_date"])
    if days < KEY_DECISION_NOTICE_DAYS:
        raise ValidationError(
            {
                "forward_plan_date": [
                    f"A key decision must be on the forward plan at least {KEY_DECISION_NOTICE_DAYS} clear days before the decision date; this one had {max(days, 0)}. Give an urgency reason or move the date."
                ]
            }
        )


@transaction.atomic
def create_decision(actor, *, records=(), **data) -> Decision:
    data = {k: v for k, v in data.items() if k in DECISION_FIELDS}
    _check_decision(data)
    decision = Decision.objects.create(**data)
    decision.records.set(records)
    audit(
        "decision.created",
        decision,
        actor=actor,
        detail={
            "title": decision.title,
            "key": decision.is_key_decision,
            "records": [r.pk for r in records],
        },
    )
    return decision


@transaction.atomic
def update_decision(actor, decision: Decision, *, records=None, **changes) -> Decision:
    merged = {f: getattr(decision, f) for f in DECISION_FIELDS} | {
        k: v for k, v in changes.items() if k in DECISION_FIELDS
    }
    _check_decision(merged)
    diff = {}
    for field in DECISION_FIELDS:
        if field in changes and getattr(decision, field) != changes[field]:
            diff[field] = {"from": str(getattr(decision, field)), "to": str(changes[field])}
            setattr(decision, field, changes[field])
    decision.save()
    if records is not None:
        decision.records.set(records)
        diff["records"] = [r.pk for r in records]
    audit("decision.changed", decision, actor=actor, detail=diff)
    return decision


@transaction.atomic
def publish_decision(actor, decision: Decision, published: bool = True) -> Decision:
    decision.published = published
    decision.published_at = timezone.now() if published else None
    decision.save(update_fields=["published", "published_at"])
    audit("decision.published" if published else "decision.unpublished", decision, actor=actor)
    return decision


@transaction.atomic
def create_policy(actor, **data) -> Policy:
    policy = Policy.objects.create(
        **{
            k: v
            for k, v in data.items()
            if k in ("title", "summary", "owner", "review_date", "record")
        }
    )
    audit(
        "policy.created",
        policy,
        actor=actor,
        detail={"title": policy.title, "version": policy.version},
    )
    return policy


@transaction.atomic
def revise_policy(actor, policy: Policy, **changes) -> Policy:
    """A new version of the policy (its version number goes up; the audit keeps the history)."""
    before = {
        "title": policy.title,
        "summary": policy.summary,
        "owner": policy.owner,
        "review_date": policy.review_date,
        "record": policy.record_id,
    }
    for field in ("title", "summary", "owner", "review_date", "record"):
        if field in changes:
            setattr(policy, field, changes[field])
    policy.version += 1
    policy.save()
    audit(
        "policy.revised", policy, actor=actor, detail={"version": policy.version, "before": before}
    )
    return policy


@transaction.atomic
def create_action_item(actor, decision: Decision, **data) -> ActionItem:
    item = ActionItem.objects.create(
        decision=decision,
        **{k: v for k, v in data.items() if k in ("description", "owner", "due_date", "status")},
    )
    audit(
        "action.created", item, actor=actor, detail={"decision": decision.pk, "owner": item.owner}
    )
    return item


@transaction.atomic
def update_action_item(actor, item: ActionItem, **changes) -> ActionItem:
    diff = {}
    for field in ("description", "owner", "due_date", "status"):
        if field in changes and getattr(item, field) != changes[field]:
            diff[field] = {"from": str(getattr(item, field)), "to": str(changes[field])}
            setattr(item, field, changes[field])
    item.save()
    audit("action.changed", item, actor=actor, detail=diff)
    return item
