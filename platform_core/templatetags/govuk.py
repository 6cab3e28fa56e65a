"""{% load govuk %}: GOV.UK style dates and times for public pages (platform_core/govuk.py)."""

from django import template

from platform_core import govuk

register = template.Library()


@register.filter
def govuk_time(value):
    """10:49pm, 9am, midday, midnight."""
    return govuk.time(value)


@register.filter
def govuk_date(value, arg=""):
    """1 December 2026; ``|govuk_date:"day"`` → Tuesday 1 December 2026."""
    return govuk.date(value, with_day=arg == "day")


@register.filter
def govuk_datetime(value, arg=""):
    """1 December 2026, 10:49pm; ``|govuk_datetime:"day"`` adds the weekday."""
    return govuk.datetime_(value, with_day=arg == "day")
