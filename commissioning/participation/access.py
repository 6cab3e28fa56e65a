"""Reads of participatory budgets: what the public sees (published processes, ballots, results
once published) and what staff see."""

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .models import Ballot, Process, Proposal


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


def turnout(process: Process) -> dict:
    """How many voted (and how many of them on paper), and what the funded projects cost."""
    from django.db.models import Count, Q

    counts = Ballot.objects.filter(process=process).aggregate(
        ballots=Count("id"), paper=Count("id", filter=Q(channel=Ballot.Channel.PAPER))
    )
    spent = sum((p.cost for p in ballot(process).filter(won=True)), Decimal(0))
    return {**counts, "spent": spent, "left": process.budget - spent}


def processes() -> QuerySet[Process]:
    return Process.objects.all()


def proposals(process_id=None) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("process")
    return qs.filter(process_id=process_id) if process_id else qs


# --- subject access (platform_core/subject_access.py) ----------------------------------------
MAX_IDENTITIES = 200


def subject_access(subject) -> list[dict]:
    """What participatory budgeting holds about one person: the proposals they made (by their
    email, or their name and postcode) and their ballots. A ballot stores no name, only the
    keyed hash of surname, first initial, date of birth and postcode per process, so each
    process's keys are recomputed from every combination master data knows for them."""
    from django.db.models import Q

    from platform_core.subject_access import iexact_any

    from .actions import voter_key
    from .models import Ballot, BallotChoice

    items: list[dict] = []
    condition = iexact_any("proposer_email", subject.emails)
    for first, surname in subject.names:
        if surname and subject.postcodes:
            condition |= Q(
                proposer_name__iexact=f"{first} {surname}".strip(),
                proposer_postcode__in=subject.postcodes,
            )
    for proposal in Proposal.objects.filter(condition).select_related("process").order_by("pk"):
        email_match = proposal.proposer_email.lower() in subject.emails
        items.append(
            {
                "kind": "proposal",
                "matched_on": "email" if email_match else "name and postcode",
                "process": proposal.process.title,
                "title": proposal.title,
                "summary": proposal.summary,
                "proposer_name": proposal.proposer_name,
                "proposer_email": proposal.proposer_email,
                "proposer_postcode": proposal.proposer_postcode,
                "status": proposal.status,
                "created_at": proposal.created_at.isoformat(),
            }
        )
    identities = [
        (name, dob, postcode)
        for name in subject.full_names()
        for dob in subject.dates_of_birth
        for postcode in subject.postcodes
    ][:MAX_IDENTITIES]
    if not identities:
        return items
    for process in Process.objects.order_by("pk"):
        keys = {
            voter_key(process, name=name, date_of_birth=dob, postcode=postcode)
            for name, dob, postcode in identities
        }
        for ballot in Ballot.objects.filter(process=process, voter_key__in=keys).order_by("pk"):
            choices = BallotChoice.objects.filter(ballot=ballot).select_related("proposal")
            items.append(
                {
                    "kind": "ballot",
                    "matched_on": "name, date of birth and postcode (the ballot's voter key)",
                    "process": process.title,
                    "channel": ballot.channel,
                    "eligibility": ballot.eligibility,
                    "cast_at": ballot.cast_at.isoformat(),
                    "choices": sorted(c.proposal.title for c in choices),
                }
            )
    return items
