"""GOV.UK style for what residents read: times ("10:49pm", "9am", "midday", "midnight") and
error messages that name the field ("Enter your email address"), as the GOV.UK Design System
and style guide write them."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format

_DETERMINERS = ("your ", "a ", "an ", "the ", "any ")


def time(value: datetime.datetime | datetime.time | None) -> str:
    """'10:49pm', '9am' (no ':00'), 'midday', 'midnight'; an aware datetime in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.time()
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def date(value, with_day: bool = False) -> str:
    """'1 December 2026' (or 'Tuesday 1 December 2026'), an aware datetime in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "l j F Y" if with_day else "j F Y")


def datetime_(value, with_day: bool = False) -> str:
    """'Tuesday 1 December 2026, 10:49pm'."""
    if value is None:
        return ""
    return f"{date(value, with_day)}, {time(value)}"


def field_noun(label: str) -> str:
    """'Email address' → 'your email address'; 'Your name' → 'your name'; 'A postcode' stays."""
    label = label.strip().rstrip(":?")
    lowered = label[:1].lower() + label[1:]
    if lowered.lower().startswith(_DETERMINERS):
        return lowered
    return f"your {lowered}"


def error_messages(label: str, kind: str) -> dict[str, str]:
    """GOV.UK error messages for a field, by the kind of answer it takes."""
    noun = field_noun(label)
    name = label.strip().rstrip(":?")
    required = {
        "choice": f"Select {noun}",
        "checkbox": f"Select {noun}",
    }.get(kind, f"Enter {noun}")
    messages = {"required": required}
    if kind == "email":
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif kind == "url":
        messages["invalid"] = "Enter a web address in the correct format, like www.example.com"
    elif kind == "number":
        messages["invalid"] = f"{name} must be a number"
    elif kind == "date":
        messages["invalid"] = f"{name} must be a real date, like 27 3 2007"
    elif kind == "datetime":
        messages["invalid"] = f"{name} must be a real date and time"
    elif kind == "choice":
        messages["invalid_choice"] = f"Select {noun} from the list"  # noqa: S608 (not SQL)
    if kind in {"text", "multiline"}:
        messages["max_length"] = f"{name} must be %(limit_value)d characters or fewer"
    if kind == "number":
        messages["min_value"] = f"{name} must be %(limit_value)s or more"
        messages["max_value"] = f"{name} must be %(limit_value)s or less"
    return messages


def field_kind(field) -> str:
    """The kind of answer a Django form field takes, for ``error_messages``."""
    from django import forms

    if isinstance(field, forms.EmailField):
        return "email"
    if isinstance(field, forms.URLField):
        return "url"
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return "number"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    return "multiline" if isinstance(field.widget, forms.Textarea) else "text"


class GovukErrors:
    """A form mixin (``class MyForm(GovukErrors, forms.Form)``, or with a ModelForm): error
    messages that name the field ("Enter your full name"), GOV.UK style, for every field that
    does not set its own (``own_messages``). A label asked as a question, or one that is not the
    resident's own ("Email" of a service), is named by ``nouns`` instead ("Enter the estimated
    cost", "Enter the service's email address")."""

    own_messages: tuple[str, ...] = ()
    nouns: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if name not in self.own_messages:
                noun = self.nouns.get(name, str(field.label or name))
                field.error_messages.update(error_messages(noun, field_kind(field)))
