"""Content due for review: every page with a review date on or before a given day."""

import datetime

from django.apps import apps
from django.utils import timezone
from wagtail.models import Page


def reviewed_models():
    return [
        m
        for m in apps.get_models()
        if issubclass(m, Page) and any(f.name == "review_date" for f in m._meta.get_fields())
    ]


def pages_due_for_review(within_days: int = 30, today: datetime.date | None = None):
    """(page, review_date) pairs due within ``within_days``, overdue first."""
    today = today or timezone.localdate()
    cutoff = today + datetime.timedelta(days=within_days)
    due = []
    for model in reviewed_models():
        for page in model.objects.filter(review_date__isnull=False, review_date__lte=cutoff):
            due.append((page, page.review_date))
    due.sort(key=lambda pair: (pair[1], pair[0].title))
    return due
