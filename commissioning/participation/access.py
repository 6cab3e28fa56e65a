"""Reads of participatory budgets: what the public sees (published processes, ballots, results
once published) and what staff see."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import Process, Proposal


def public_processes() -> QuerySet[Process]:
    """Processes whose proposals have opened (earlier ones are drafts)."""
    return Process.objects.filter(proposals_open__lte=timezone.now()).order_by("-voting_open")


def public_process(slug: str) -> Process | None:
    return public_processes().filter(slug=slug).first()


def ballot(process: Process) -> QuerySet[Proposal]:
    """The projects on the ballot: feasible, cheapest first within title order."""
    return process.proposals.filter(status=Proposal.Status.FEASIBLE).order_by("title", "pk")


def results(process: Process) -> list[Proposal]:
    """Feasible projects with their votes, most first (only once the count has run)."""
    if not process.counted_at:
        return []
    return list(ballot(process).order_by("-votes", "cost", "pk"))


def processes() -> QuerySet[Process]:
    return Process.objects.all()


def proposals(process_id=None) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("process")
    return qs.filter(process_id=process_id) if process_id else qs
