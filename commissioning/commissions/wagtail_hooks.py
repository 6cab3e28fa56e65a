"""The Commissioning menu of the council's Wagtail admin: commissioners and budgets
(commissioning/ledgers/admin_viewsets.py), commissions and priorities (admin_viewsets.py)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from commissioning.ledgers.admin_viewsets import BudgetViewSet, CommissionerViewSet

from .admin_viewsets import CommissionViewSet, PriorityViewSet


class CommissioningGroup(ViewSetGroup):
    menu_label = "Commissioning"
    menu_icon = "tasks"
    menu_order = 250
    items = (CommissionerViewSet, BudgetViewSet, CommissionViewSet, PriorityViewSet)


@hooks.register("register_admin_viewset")
def register_commissioning_viewsets():
    return CommissioningGroup()
