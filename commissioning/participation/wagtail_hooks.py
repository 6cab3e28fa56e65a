"""Participatory budgets in the council's Wagtail admin (admin_viewsets.py): the menu item is
shown to those with a participation permission (ward budget officers, council administrators)."""

from wagtail import hooks

from .admin_viewsets import ProcessViewSet


@hooks.register("register_admin_viewset")
def register_participation_viewset():
    return ProcessViewSet()
