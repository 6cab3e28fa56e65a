"""The council admin's screens that save through an app's actions (records, warehouse, ledgers,
commissions): one way to turn an action's refusal into form errors, one "no deleting from the
admin" permission policy.

- ``attach_errors(form, error)``: a ``ValidationError`` on the field it names where the form has
  that field, above the form otherwise; a ``DomainError`` (a refusal) above the form, and on the
  fields it names in ``error.fields`` (an overspend: the amount, with what is available).
- ``ActionFormMixin``: a create/edit view's ``form_valid`` that calls ``save_instance`` (the
  action, which owns its transaction) and shows ``action_errors`` on the form: a 200 with the
  reason, never a 500.
- ``NoDeletePolicy``: the model's Django permissions, as the APIs ask for them, except delete
  (the APIs delete none of these objects either).
"""

from typing import Any

from django.core.exceptions import ValidationError
from wagtail.permission_policies import ModelPermissionPolicy

from platform_core.errors import DomainError

ACTION_ERRORS: tuple[type[Exception], ...] = (ValidationError, DomainError)


def attach_errors(form, error) -> None:
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
        for name, messages in (getattr(error, "fields", None) or {}).items():
            if name in form.fields:
                form.add_error(name, messages)
        return
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ActionFormMixin:
    action_errors: tuple[type[Exception], ...] = ACTION_ERRORS

    def attach_errors(self, form, error) -> None:
        attach_errors(form, error)

    def form_valid(self: Any, form):  # mixed into Wagtail's CreateView / EditView
        self.form = form
        try:
            self.object = self.save_instance()
        except self.action_errors as error:
            self.attach_errors(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        return self.run_after_hook() or response


class NoDeletePolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "delete"])

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)
