"""Participatory budgeting: a ward budget runs a process in which residents propose projects,
staff check feasibility and cost, residents vote once each (online or on paper), and the count
decides which projects the budget funds."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class Process(models.Model):
    class Method(models.TextChoices):
        KNAPSACK = "knapsack", "Knapsack: choose projects whose costs fit the budget"
        APPROVAL = "approval", "Approval: choose between a minimum and a maximum of projects"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField()
    ward_code = models.CharField(max_length=9, help_text="GSS code of the ward")
    ward_name = models.CharField(max_length=200)
    budget = models.DecimalField(max_digits=12, decimal_places=2)
    ledger_budget_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The commissioning ledger budget winners are committed against (when set)",
    )
    postcodes = ArrayField(
        models.CharField(max_length=8),
        default=list,
        blank=True,
        help_text="Postcodes in the ward, normalised (e.g. NS1 1AA): who may vote",
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.KNAPSACK)
    min_choices = models.PositiveSmallIntegerField(default=1)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    proposals_open = models.DateTimeField()
    proposals_close = models.DateTimeField()
    voting_open = models.DateTimeField()
    voting_close = models.DateTimeField()
    counted_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-voting_open", "title"]
        verbose_name = "participatory budget"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposals_close__gt=models.F("proposals_open"))
                & models.Q(voting_open__gte=models.F("proposals_close"))
                & models.Q(voting_close__gt=models.F("voting_open")),
                name="participation_stages_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gt=0), name="participation_budget_positive"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.ward_name})"

    def stage(self, now) -> str:
        if self.results_published_at:
            return "results"
        if now < self.proposals_open:
            return "upcoming"
        if now < self.proposals_close:
            return "proposals"
        if now < self.voting_open:
            return "review"
        if now < self.voting_close:
            return "voting"
        return "closed"


class Proposal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted: waiting for a feasibility check"
        FEASIBLE = "feasible", "Feasible: on the ballot"
        NOT_FEASIBLE = "not_feasible", "Not feasible"

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=150)
    summary = models.TextField(max_length=2000)
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=2)
    proposer_name = models.CharField(max_length=200)
    proposer_email = models.EmailField()
    proposer_postcode = models.CharField(max_length=8)
    recipient_name = models.CharField(
        max_length=300,
        blank=True,
        help_text="The group that would deliver it (the grant's recipient)",
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.SUBMITTED)
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="The cost staff checked"
    )
    feasibility_note = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    votes = models.PositiveIntegerField(null=True, blank=True, help_text="Set by the count")
    won = models.BooleanField(default=False)
    grant_id = models.BigIntegerField(null=True, blank=True)
    commitment_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "title", "id"]

    def __str__(self):
        return self.title


class Ballot(models.Model):
    """One resident's vote in one process. ``voter_key`` identifies the resident (a keyed hash
    of their name, date of birth and address, never the values): unique per process, so nobody
    votes twice, online or on paper."""

    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PAPER = "paper", "Paper ballot entered by staff"

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=6, choices=Channel.choices)
    eligibility = models.CharField(
        max_length=20, help_text="How the address was checked: master data place, or postcode"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["process", "voter_key"], name="participation_one_vote_each"
            )
        ]

    def __str__(self):
        return f"ballot {self.pk} ({self.channel})"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="participation_choice_once")
        ]

    def __str__(self):
        return f"{self.ballot_id} → {self.proposal_id}"
