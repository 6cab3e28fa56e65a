"""Writes of participatory budgeting: processes, proposals and their feasibility checks, votes
(online and paper), the count, publishing results, and turning winners into grants committed
against the ward budget.

Every refusal says why (``Refused``: 409); bad input names the field (``ValidationError``).
A resident votes once per process: the ballot's ``voter_key`` is unique per process, so a second
vote, online or on paper, at the same time or later, is refused and nothing is counted twice.
"""

import datetime
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from platform_core.audit import log as audit
from platform_core.errors import Refused

from .models import Ballot, BallotChoice, Process, Proposal

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
GSS_RE = re.compile(r"^[EWSN]\d{8}$")
PROCESS_FIELDS = (
    "title",
    "slug",
    "summary",
    "ward_code",
    "ward_name",
    "budget",
    "ledger_budget_id",
    "postcodes",
    "method",
    "min_choices",
    "max_choices",
    "proposals_open",
    "proposals_close",
    "voting_open",
    "voting_close",
)


def normalise_postcode(value: str) -> str | None:
    match = POSTCODE_RE.match(" ".join((value or "").upper().split()))
    return f"{match[1]} {match[2]}" if match else None


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}".replace(".00", "")


def _refused(message: str, field: str) -> Refused:
    """A refusal that names the field it is about (the admin shows it there, the API in
    ``fields``)."""
    error = Refused(message)
    error.fields = {field: [message]}  # type: ignore[attr-defined]
    return error


# --- processes ------------------------------------------------------------------------------


def save_process(process: Process | None = None, *, actor=None, **values) -> Process:
    created = process is None
    process = process or Process()
    for name, value in values.items():
        if name not in PROCESS_FIELDS:
            raise TypeError(f"unknown process field {name!r}")
        setattr(process, name, value)
    errors: dict[str, list[str]] = {}
    codes = []
    for code in process.postcodes or []:
        normal = normalise_postcode(code)
        if normal is None:
            errors.setdefault("postcodes", []).append(f"{code!r} is not a UK postcode")
        elif normal not in codes:
            codes.append(normal)
    process.postcodes = codes
    process.ward_code = (process.ward_code or "").upper()
    if not GSS_RE.match(process.ward_code):
        errors.setdefault("ward_code", []).append(f"{process.ward_code!r} is not a GSS code")
    if process.method == Process.Method.APPROVAL and process.max_choices is not None:
        if process.max_choices < process.min_choices:
            errors.setdefault("max_choices", []).append("is less than min_choices")
    if (
        not created
        and process.counted_at
        and {"budget", "method", "min_choices", "max_choices"} & set(values)
    ):
        raise Refused(
            "The votes are counted: the budget and the voting rules can no longer change."
        )
    if errors:
        raise ValidationError(errors)
    if "ledger_budget_id" in values and process.ledger_budget_id is not None:
        _ledger_budget(process.ledger_budget_id, actor)
    process.full_clean()
    with transaction.atomic():
        process.save()
        audit.append(
            "participation.process.created" if created else "participation.process.changed",
            process,
            actor=actor,
            object_type="participation.process",
            object_id=str(process.pk),
            detail={"title": process.title, "budget": str(process.budget)},
        )
    return process


# --- proposals ------------------------------------------------------------------------------


def submit_proposal(process: Process, *, now=None, **values) -> Proposal:
    """A resident proposes a project while proposals are open; their postcode must be in the
    ward."""
    now = now or timezone.now()
    if process.stage(now) != "proposals":
        raise Refused(
            f"Proposals for {process.title} are open from {process.proposals_open:%-d %B %Y} "
            f"until {process.proposals_close:%-d %B %Y}."
        )
    postcode = normalise_postcode(values.get("proposer_postcode", ""))
    if postcode is None:
        raise ValidationError({"proposer_postcode": ["Enter a real UK postcode, like NS1 1AA"]})
    if not in_ward(process, postcode):
        raise _refused(
            f"{postcode} is not in {process.ward_name}: only residents of the ward can propose "
            "projects.",
            "proposer_postcode",
        )
    values["proposer_postcode"] = postcode
    proposal = Proposal(process=process, **values)
    proposal.full_clean()
    if proposal.estimated_cost <= 0:
        raise ValidationError({"estimated_cost": ["Enter a cost of more than £0"]})
    proposal.save()
    return proposal


def check_proposal(
    proposal: Proposal, *, feasible: bool, cost: Decimal | None = None, note: str = "", actor=None
) -> Proposal:
    """Staff record the feasibility check and the checked cost, before voting opens."""
    process = proposal.process
    if timezone.now() >= process.voting_open:
        raise Refused("Voting has opened: the ballot can no longer change.")
    if feasible:
        if cost is None or cost <= 0:
            raise ValidationError(
                {"cost": ["A feasible project needs its checked cost (more than £0)"]}
            )
        if cost > process.budget:
            raise ValidationError(
                {
                    "cost": [
                        f"{_money(cost)} is more than the whole budget, {_money(process.budget)}"
                    ]
                }
            )
    proposal.status = Proposal.Status.FEASIBLE if feasible else Proposal.Status.NOT_FEASIBLE
    proposal.cost = cost if feasible else None
    proposal.feasibility_note = note
    proposal.checked_by = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        proposal.save()
        audit.append(
            "participation.proposal.checked",
            proposal,
            actor=actor,
            object_type="participation.proposal",
            object_id=str(proposal.pk),
            detail={"feasible": feasible, "cost": str(cost) if cost is not None else None},
        )
    return proposal


# --- votes ----------------------------------------------------------------------------------


def _name_words(name: str, *, latin: bool) -> list[str]:
    """A name's words without case, accents, punctuation or titles. ``latin``: letters folded
    to a-z and every other character dropped (the key every Latin-script name has always had);
    otherwise letters of any script are kept (case-folded, without combining marks)."""
    text = unicodedata.normalize("NFKD", name or "")
    if latin:
        text = text.encode("ascii", "ignore").decode().lower()
    else:
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    if "," in text:
        surname, _, given = text.partition(",")
        text = f"{given} {surname}"
    # Apostrophes and hyphens join a name's parts: "O'Brien" = "OBrien", "Smith-Jones".
    text = re.sub(r"['\u2019\-]", "", text)
    if latin:
        text = re.sub(r"[^a-z ]", "", text)
    else:
        text = "".join(c if c.isalpha() else " " for c in text)
    return [w for w in text.split() if w not in HONORIFICS]


# Words that are not a name: a resident who writes "Mr John Smith" or "John Smith Jr" once and
# "John Smith" again is the same resident.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lady lord rev revd fr sr jr junior senior esq".split()
    + "ii iii iv".split()
)


def _surname_and_initial(name: str) -> tuple[str, str] | None:
    """The surname and first initial of a name, written either way round ("John Smith" or
    "Smith, John"), without titles ("Mrs", "Dr") or suffixes ("Jr"). A name with Latin letters
    is keyed on them alone (so its key never changes); a name in another script ("李明",
    "Алексей Смирнов") on its own letters, rather than being refused as no name at all."""
    words = _name_words(name, latin=True) or _name_words(name, latin=False)
    if not words:
        return None
    return words[-1], words[0][0]


def voter_key(process: Process, *, name: str, date_of_birth: datetime.date, postcode: str) -> str:
    """Who the resident is, for "one vote each": their surname, first initial, date of birth and
    postcode, hashed with the platform's secret (the values are never stored with the vote)."""
    parts = _surname_and_initial(name)
    if parts is None:
        raise ValidationError({"name": ["Enter your full name"]})
    surname, initial = parts
    identity = f"{process.pk}|{surname}|{initial}|{date_of_birth.isoformat()}|{postcode}"
    return hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).hexdigest()


def check_date_of_birth(value: datetime.date, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError({"date_of_birth": ["Date of birth must be in the past"]})
    if value.year < today.year - 125:
        raise ValidationError(
            {"date_of_birth": [f"Date of birth must be after {today.year - 125}"]}
        )


def in_ward(process: Process, postcode: str) -> bool:
    """Whether a (normalised) postcode is in the process's ward: one of the ward's postcodes
    when the process lists them, otherwise a postcode whose areas in the directory's postcodes
    (the ONS Postcode Directory) include the ward. A postcode neither knows is not in the ward:
    a process that lists no postcodes never lets anyone in by default."""
    if process.postcodes:
        return postcode in process.postcodes
    from commissioning.providers import access as providers

    areas = providers.postcode_areas(postcode)
    return areas is not None and process.ward_code in areas


def eligibility(process: Process, *, postcode: str, address: str) -> str:
    """How the resident's address was checked: "place" when it is a place in the council's
    master data (golden records), "postcode" otherwise; refused when the postcode is not in
    the ward."""
    if not in_ward(process, postcode):
        raise _refused(
            f"{postcode} is not in {process.ward_name}: only residents of the ward can vote.",
            "postcode",
        )
    from intelligence.masterdata import access as masterdata

    if address and masterdata.search_places(postcode=postcode, address=address).exists():
        return "place"
    return "postcode"


def _check_choices(process: Process, choices: list[int]) -> list[Proposal]:
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": ["Choose each project once"]})
    on_ballot = {
        p.pk: p for p in process.proposals.filter(status=Proposal.Status.FEASIBLE, pk__in=choices)
    }
    missing = [c for c in choices if c not in on_ballot]
    if missing:
        raise ValidationError(
            {"choices": [f"{', '.join(map(str, missing))} is not a project on this ballot"]}
        )
    chosen = [on_ballot[c] for c in choices]
    if process.method == Process.Method.KNAPSACK:
        if not chosen:
            raise ValidationError({"choices": ["Choose at least one project"]})
        total = sum((p.cost for p in chosen), Decimal(0))
        if total > process.budget:
            raise _refused(
                f"Your choices cost {_money(total)}, more than the budget of {_money(process.budget)}: "
                "remove a project and vote again.",
                "choices",
            )
    else:
        low, high = process.min_choices, process.max_choices
        if len(chosen) < low or (high is not None and len(chosen) > high):
            span = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise _refused(f"Choose {span} projects; you chose {len(chosen)}.", "choices")
    return chosen


@dataclass
class VoteReceipt:
    ballot: int
    channel: str
    eligibility: str


def cast_vote(
    process: Process,
    *,
    name: str,
    date_of_birth: datetime.date,
    postcode: str,
    address: str = "",
    choices: list[int],
    channel: str = Ballot.Channel.ONLINE,
    actor=None,
    now=None,
) -> VoteReceipt:
    """One resident's vote. Online votes only while voting is open; paper ballots (entered by
    staff) until the count. Refused: outside the window, outside the ward, a second vote by the
    same resident (online or paper), over the budget (knapsack), too few or too many choices
    (approval)."""
    now = now or timezone.now()
    if process.counted_at:
        raise Refused("The votes have been counted: no more votes can be added.")
    if channel == Ballot.Channel.ONLINE and process.stage(now) != "voting":
        raise Refused(
            f"Voting for {process.title} is open from {timezone.localtime(process.voting_open):%-d %B %Y %H:%M} "
            f"until {timezone.localtime(process.voting_close):%-d %B %Y %H:%M}."
        )
    if channel == Ballot.Channel.PAPER and now < process.voting_open:
        raise Refused("Voting has not opened yet: paper ballots can be entered once it has.")
    normal = normalise_postcode(postcode)
    if normal is None:
        raise ValidationError({"postcode": ["Enter a real UK postcode, like NS1 1AA"]})
    check_date_of_birth(date_of_birth)
    how = eligibility(process, postcode=normal, address=address)
    chosen = _check_choices(process, choices)
    key = voter_key(process, name=name, date_of_birth=date_of_birth, postcode=normal)
    try:
        with transaction.atomic():
            # A share lock on the process: the count (which locks it for update) waits for a
            # ballot being written, and a ballot written after the count sees it was counted.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT counted_at FROM participation_process WHERE id = %s FOR SHARE",
                    [process.pk],
                )
                (counted_at,) = cursor.fetchone()
            if counted_at is not None:
                raise Refused("The votes have been counted: no more votes can be added.")
            ballot = Ballot.objects.create(
                process=process,
                voter_key=key,
                channel=channel,
                eligibility=how,
                entered_by=actor if channel == Ballot.Channel.PAPER else None,
            )
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, proposal=p) for p in chosen]
            )
            if channel == Ballot.Channel.PAPER:
                audit.append(
                    "participation.paper_ballot.entered",
                    ballot,
                    actor=actor,
                    object_type="participation.ballot",
                    object_id=str(ballot.pk),
                    detail={"process": process.pk, "choices": len(chosen)},
                )
    except IntegrityError:
        raise _refused(
            "This resident has already voted in this participatory budget: one vote each.",
            "name",
        ) from None
    return VoteReceipt(ballot=ballot.pk, channel=channel, eligibility=how)


# --- opening and closing the vote early --------------------------------------------------------


def open_voting(process: Process, *, actor=None, now=None) -> Process:
    """Open voting now, once the proposals have closed (staff have checked the projects)."""
    now = now or timezone.now()
    if process.stage(now) != "review":
        raise Refused("Voting can be opened early only after proposals close and before it opens.")
    if not process.proposals.filter(status=Proposal.Status.FEASIBLE).exists():
        raise Refused("No project is on the ballot yet: check at least one as feasible first.")
    return _move(process, "voting_open", now, "participation.voting.opened", actor)


def close_voting(process: Process, *, actor=None, now=None) -> Process:
    """Close voting now (the count can follow); paper ballots can still be entered until the
    count."""
    now = now or timezone.now()
    if process.stage(now) != "voting":
        raise Refused("Voting is not open: there is nothing to close.")
    return _move(process, "voting_close", now, "participation.voting.closed", actor)


def _move(process: Process, field: str, when, event: str, actor) -> Process:
    with transaction.atomic():
        current = Process.objects.select_for_update().get(pk=process.pk)
        setattr(current, field, when)
        current.save(update_fields=[field])
        audit.append(
            event,
            current,
            actor=actor,
            object_type="participation.process",
            object_id=str(current.pk),
            detail={field: when.isoformat()},
        )
    setattr(process, field, when)
    return process


# --- the count and what follows ---------------------------------------------------------------


@dataclass
class CountResult:
    ballots: int
    spent: Decimal
    winners: list[int]
    counts: dict[int, int]


def count(process: Process, *, actor=None, now=None) -> CountResult:
    """Count the votes once voting has closed: each feasible project's votes (one SQL
    aggregate), then winners by most votes, each taken while its cost fits what is left of the
    budget (the greedy rule most participatory budgets use). Counting again gives the same
    result; after the award it is refused."""
    now = now or timezone.now()
    if now < process.voting_close:
        raise Refused("Voting is still open: the count starts after it closes.")
    if process.awarded_at:
        raise Refused("The winners have been awarded: the count is final.")
    original = process
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        tallies = dict(
            BallotChoice.objects.filter(ballot__process=process)
            .values("proposal")
            .annotate(n=Count("id"))
            .values_list("proposal", "n")
        )
        ballots = Ballot.objects.filter(process=process).count()
        feasible = list(process.proposals.filter(status=Proposal.Status.FEASIBLE))
        for proposal in feasible:
            proposal.votes = tallies.get(proposal.pk, 0)
        left = process.budget
        winners = []
        for proposal in sorted(feasible, key=lambda p: (-p.votes, p.cost, p.pk)):
            proposal.won = proposal.votes > 0 and proposal.cost <= left
            if proposal.won:
                left -= proposal.cost
                winners.append(proposal.pk)
        Proposal.objects.bulk_update(feasible, ["votes", "won"])
        process.counted_at = now
        process.save(update_fields=["counted_at"])
        audit.append(
            "participation.counted",
            process,
            actor=actor,
            object_type="participation.process",
            object_id=str(process.pk),
            detail={"ballots": ballots, "winners": winners},
        )
    original.counted_at = process.counted_at
    return CountResult(
        ballots=ballots, spent=process.budget - left, winners=winners, counts=tallies
    )


def publish_results(process: Process, *, actor=None) -> Process:
    if not process.counted_at:
        raise Refused("Count the votes before publishing the results.")
    if process.results_published_at:
        return process
    with transaction.atomic():
        process.results_published_at = timezone.now()
        process.save(update_fields=["results_published_at"])
        audit.append(
            "participation.results.published",
            process,
            actor=actor,
            object_type="participation.process",
            object_id=str(process.pk),
            detail={},
        )
    return process


def award_winners(process: Process, *, actor=None) -> list[Proposal]:
    """Each winning project becomes a grant in the council's 360Giving feed (source: ward
    budget; its recipient is the group named to run it, else "Residents of <ward>") and, when
    the process names a ledger budget, a commitment against it. Runs once; a commitment the
    ledger refuses (over budget) refuses the whole award."""
    from commissioning.funding import actions as funding

    if not process.results_published_at:
        raise Refused("Publish the results before awarding the winners.")
    original = process
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        if process.awarded_at:
            raise Refused("The winners of this participatory budget have already been awarded.")
        winners = list(process.proposals.filter(won=True).order_by("-votes", "pk"))
        today = timezone.localdate()
        for proposal in winners:
            grant = funding.award_grant(
                actor=actor,
                title=proposal.title,
                description=proposal.summary,
                amount_awarded=proposal.cost,
                award_date=today,
                # A project proposed without a group is run by its proposer: the feed is open
                # data, so it names the ward's residents, never the resident (the proposal,
                # which only staff read, keeps who proposed it).
                recipient_name=proposal.recipient_name or f"Residents of {process.ward_name}",
                programme=f"{process.title} (participatory budget, {process.ward_name})",
                beneficiary_geo=[process.ward_code],
                source="ward_budget",
                from_open_call=True,
                reference=f"participation:{process.slug}:{proposal.pk}",
            )
            proposal.grant_id = grant.pk
            proposal.commitment_id = _commit(process, proposal, actor)
            proposal.save(update_fields=["grant_id", "commitment_id"])
        process.awarded_at = timezone.now()
        process.save(update_fields=["awarded_at"])
        audit.append(
            "participation.awarded",
            process,
            actor=actor,
            object_type="participation.process",
            object_id=str(process.pk),
            detail={"grants": [p.grant_id for p in winners]},
        )
    original.awarded_at = process.awarded_at
    return winners


def _commit(process: Process, proposal: Proposal, actor) -> int | None:
    """A commitment against the ward's ledger budget (commissioning.ledgers), when the process
    names one. The ledger refuses a commitment larger than what is available (409 with the
    amount), which refuses the whole award."""
    if process.ledger_budget_id is None:
        return None
    from commissioning.ledgers import actions as ledgers

    budget = _ledger_budget(process.ledger_budget_id, actor)
    commitment = ledgers.commit(
        actor if actor is not None else "participatory budget",
        budget,
        proposal.cost,
        description=f"Participatory budget: {proposal.title}",
        reference=f"participation:{process.slug}:{proposal.pk}",
    )
    return commitment.pk


def _ledger_budget(budget_id, actor):
    """The ledger budget, as the actor may see it (a user who does not act for it, like a
    missing one, is told the budget does not exist); system runs (demo) use the id."""
    from django.http import Http404

    from commissioning.ledgers import access as ledger_access

    if actor is None or isinstance(actor, str):
        return budget_id
    try:
        return ledger_access.access_budget(actor, budget_id)
    except Http404:
        raise ValidationError(
            {"ledger_budget_id": [f"{budget_id} is not a ledger budget you can commit against"]}
        ) from None
