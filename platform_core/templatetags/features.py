"""{% load features %}: ``{% feature_enabled "markets" as markets_on %}`` asks whether an optional
feature is on for the council of the request (platform_core.features.is_enabled)."""

from django import template

from platform_core import features

register = template.Library()


@register.simple_tag
def feature_enabled(key):
    return features.is_enabled(key)
