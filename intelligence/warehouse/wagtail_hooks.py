"""The analysts' Intelligence menu in the council's Wagtail admin (admin_viewsets.py)."""

from wagtail import hooks

from .admin_viewsets import IntelligenceGroup


@hooks.register("register_admin_viewset")
def register_intelligence():
    return IntelligenceGroup()
