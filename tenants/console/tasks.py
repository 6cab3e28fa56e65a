"""The console's failed-task view: failed Celery tasks with filters; retry or dismiss each."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import failures
from ..models import FailedTask
from .access import console_view
from .forms import FailedTaskFilterForm


@console_view("tenants.view_failedtask")
def failed_tasks(request):
    form = FailedTaskFilterForm(request.GET)
    queryset = FailedTask.objects.all()
    status = 200
    if form.is_valid():
        queryset = form.filter(queryset)
    else:
        queryset, status = queryset.none(), 400
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_handle": request.user.has_perm("tenants.change_failedtask"),
    }
    return render(request, "console/tasks.html", context, status=status)


def _access(pk: int) -> FailedTask:
    found = FailedTask.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such failed task.")
    return found


def _handle(request, pk, action, done: str):
    failed = _access(pk)
    try:
        action(failed, request.user)
    except ValidationError as exc:
        messages.error(request, f"{failed.task_name}: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"{failed.task_name} {done}.")
    return redirect("console-tasks")


@require_POST
@console_view("tenants.view_failedtask", "tenants.change_failedtask")
def failed_task_retry(request, pk):
    return _handle(request, pk, failures.retry_task, "is sent again")


@require_POST
@console_view("tenants.view_failedtask", "tenants.change_failedtask")
def failed_task_dismiss(request, pk):
    return _handle(request, pk, failures.dismiss_task, "is dismissed")
