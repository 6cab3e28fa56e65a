"""Participatory budgets for council staff at /api/v1/participation/: processes, feasibility
checks, paper ballots, the count, publishing results and awarding the winners."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.viewsets import TenantGenericViewSet

from .. import access, actions
from ..models import Ballot
from . import serializers as s


def _results(process) -> dict:
    """The results as documented (amounts as decimal strings, like every amount in the API)."""
    rows = access.results(process)
    spent = sum((p.cost for p in rows if p.won), Decimal(0))
    results = {
        "ballots": process.ballots.count(),
        "paper_ballots": process.ballots.filter(channel=Ballot.Channel.PAPER).count(),
        "budget": process.budget,
        "spent": spent,
        "counted_at": process.counted_at,
        "published_at": process.results_published_at,
        "projects": [
            {"id": p.pk, "title": p.title, "cost": p.cost, "votes": p.votes or 0, "won": p.won}
            for p in rows
        ],
    }
    return s.ResultsSerializer(results).data


class ProcessViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantGenericViewSet,
):
    """Ward budgets run as participatory budgets (never deleted: ballots and grants refer to
    them)."""

    permission_model = "participation.process"
    serializer_class = s.ProcessSerializer

    def scoped_queryset(self):
        return access.processes()

    def perform_create(self, serializer):
        serializer.instance = actions.save_process(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = actions.save_process(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.PaperBallotSerializer, responses={201: s.ReceiptSerializer})
    @action(detail=True, methods=["post"], url_path="paper-ballots")
    def paper_ballots(self, request, pk=None):
        """Enter a paper ballot: the same checks as an online vote (ward, one vote each, budget
        or choices), accepted from when voting opens until the count."""
        process = self.get_object()
        payload = s.PaperBallotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        receipt = actions.cast_vote(
            process, channel=Ballot.Channel.PAPER, actor=request.user, **payload.validated_data
        )
        return Response(receipt.__dict__, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ResultsSerializer)
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        """Count the votes (after voting closes)."""
        process = self.get_object()
        actions.count(process, actor=request.user)
        process.refresh_from_db()
        return Response(_results(process))

    @extend_schema(request=None, responses=s.ResultsSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the counted results on the council's website."""
        process = actions.publish_results(self.get_object(), actor=request.user)
        return Response(_results(process))

    @extend_schema(request=None, responses=s.ProposalSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None)  # the winners, one list
    def award(self, request, pk=None):
        """Winning projects become grants (in the 360Giving feed) committed against the ward
        budget."""
        winners = actions.award_winners(self.get_object(), actor=request.user)
        return Response(s.ProposalSerializer(winners, many=True).data)

    @extend_schema(responses=s.ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        return Response(_results(self.get_object()))

    action_permissions = {
        "paper_ballots": ("participation.add_ballot",),
        "count": ("participation.change_process",),
        "publish": ("participation.change_process",),
        "award": ("participation.change_process",),
        "results": ("participation.view_process",),
    }


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantGenericViewSet):
    permission_model = "participation.proposal"
    serializer_class = s.ProposalSerializer

    def scoped_queryset(self):
        return access.proposals()

    @extend_schema(request=s.CheckSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Record the feasibility check and the checked cost (before voting opens)."""
        proposal = self.get_object()
        payload = s.CheckSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = actions.check_proposal(proposal, actor=request.user, **payload.validated_data)
        return Response(s.ProposalSerializer(proposal).data)
