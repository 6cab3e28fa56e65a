"""/api/v1/commissioning/commissions/ and priorities/: commissions from need to outcome, and
members' priorities with a preview of their effect on the needs ranking.

Scoping: ``access.visible_commissions`` (404 for anything else). Steps that run a commission
(publish, close, award, contract, outcome) also need to act for its commissioner (403).
Bids are sealed: until the deadline nobody reads them (409)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from commissioning.ledgers import access as ledgers
from platform_core.api.viewsets import TenantGenericViewSet
from platform_core.errors import Refused

from .. import access, actions, levers
from ..models import Bid, Commission, Criterion, Priority
from . import serializers as s

# Error responses carry no schema here: the schema hook gives every one the ErrorResponse
# envelope (platform_core/api/schema.py).
REFUSED = OpenApiResponse(description="Refused, with the reason.")
INVALID = OpenApiResponse(description="Invalid input, naming the field.")


def _organization(org_id):
    from commissioning.providers import access as providers

    org = providers.organization(org_id)
    if org is None:
        raise serializers.ValidationError(
            {"organization": ["No such organisation in the directory."]}
        )
    return org


class IntLookup:
    lookup_value_converter = "int"


class CommissionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    serializer_class = s.CommissionSerializer
    permission_model = "commissions.commission"
    action_permissions = {
        "bids": ("commissions.view_bid",),
        "submit_bid": ("commissions.add_bid",),
        "score": ("commissions.add_score",),
        "ranking": ("commissions.view_score",),
        "returns": ("commissions.add_monitoringreturn",),
        "direct": ("commissions.add_commission",),
    }

    def scoped_queryset(self):
        qs = access.visible_commissions(self.request.user).prefetch_related("criteria")
        stage = self.request.query_params.get("stage") if self.action == "list" else None
        if stage:
            if stage not in Commission.Stage.values:
                raise serializers.ValidationError({"stage": [f"One of {Commission.Stage.values}."]})
            qs = qs.filter(stage=stage)
        return qs

    def _managed(self) -> Commission:
        commission = self.get_object()
        if not access.manages(self.request.user, commission):
            raise PermissionDenied
        return commission

    def _answer(self, commission, code=status.HTTP_200_OK):
        commission = access.access_commission(self.request.user, commission.pk)
        return Response(self.get_serializer(commission).data, status=code)

    @extend_schema(
        request=s.CommissionCreateSerializer, responses={201: s.CommissionSerializer, 400: INVALID}
    )
    def create(self, request):
        data = s.CommissionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        commissioner = ledgers.access_commissioner(request.user, v["commissioner"])
        if not ledgers.acts_for(request.user, commissioner):
            raise PermissionDenied
        budget = ledgers.access_budget(request.user, v["budget"])
        priority = None
        if v.get("priority"):
            priority = Priority.objects.filter(pk=v["priority"]).first()
            if priority is None:
                raise serializers.ValidationError({"priority": ["No such priority."]})
        commission = actions.create_commission(
            request.user,
            commissioner=commissioner,
            budget=budget,
            title=v["title"],
            need=v["need"],
            description=v.get("description", ""),
            estimated_value=v["estimated_value"],
            area_code=v.get("area_code", ""),
            category=v.get("category", ""),
            priority=priority,
        )
        return self._answer(commission, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.DirectCommissionSerializer,
        responses={201: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
        description="The light path (personal budget holders, ward councillors): a provider from "
        "the directory, an agreed price, a commitment and a running contract in one step.",
    )
    @action(detail=False, methods=["post"])
    def direct(self, request):
        data = s.DirectCommissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        commissioner = ledgers.access_commissioner(request.user, v["commissioner"])
        budget = ledgers.access_budget(request.user, v["budget"])
        if budget.commissioner_id != commissioner.pk:
            raise serializers.ValidationError(
                {"budget": ["The budget belongs to another commissioner."]}
            )
        commission = actions.direct_commission(
            request.user,
            commissioner=commissioner,
            budget=budget,
            organization=_organization(v["organization"]),
            title=v["title"],
            need=v["need"],
            price=v["price"],
            months=v["months"],
        )
        return self._answer(commission, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CriteriaSerializer,
        responses={200: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def criteria(self, request, pk=None):
        commission = self._managed()
        data = s.CriteriaSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.set_criteria(request.user, commission, data.validated_data["criteria"])
        return self._answer(commission)

    @extend_schema(
        request=s.PublishSerializer,
        responses={200: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        commission = self._managed()
        data = s.PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = actions.publish_opportunity(
            request.user, commission, deadline=data.validated_data["deadline"]
        )
        return self._answer(commission)

    @extend_schema(
        responses={200: s.BidSerializer(many=True), 409: REFUSED},
        description="The bids, once the deadline has passed (sealed until then: 409). For the "
        "people who run the commission and its evaluators. All of them, in one list (not paged).",
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def bids(self, request, pk=None):
        commission = self.get_object()
        if (
            not access.manages(request.user, commission)
            and not commission.evaluators.filter(user=request.user).exists()
        ):
            raise PermissionDenied
        if not actions.bids_unsealed(commission):
            if commission.tender_deadline is None:  # still being planned: no tender yet
                raise Refused("Bids are sealed: the opportunity has not been published yet.")
            raise Refused(
                f"Bids are sealed until the deadline ({commission.tender_deadline:%d %B %Y %H:%M})."
            )
        bids = commission.bids.select_related("organization").order_by("id")
        return Response(s.BidSerializer(bids, many=True).data)

    @extend_schema(
        request=s.BidSubmitSerializer,
        responses={201: s.BidSerializer, 400: INVALID, 409: REFUSED},
        description="Submit a sealed bid for an organisation you represent, before the deadline.",
    )
    @action(detail=True, methods=["post"], url_path="submit-bid")
    def submit_bid(self, request, pk=None):
        commission = self.get_object()
        data = s.BidSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bid = actions.submit_bid(
            request.user,
            commission,
            organization=_organization(v["organization"]),
            price=v["price"],
            proposal=v["proposal"],
        )
        # A bidder sees their own bid back; nobody else reads it until the deadline.
        return Response(s.BidSerializer(bid).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.CommissionSerializer, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        commission = actions.close_bidding(request.user, self._managed())
        return self._answer(commission)

    @extend_schema(
        request=s.EvaluatorSerializer, responses={200: s.CommissionSerializer, 400: INVALID}
    )
    @action(detail=True, methods=["post"])
    def evaluators(self, request, pk=None):
        commission = self._managed()
        data = s.EvaluatorSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(username=data.validated_data["username"]).first()
        if user is None:
            raise serializers.ValidationError({"username": ["No such account in this council."]})
        actions.add_evaluator(
            request.user, commission, user, moderator=data.validated_data["moderator"]
        )
        return self._answer(commission)

    @extend_schema(request=s.ScoreSerializer, responses={201: None, 400: INVALID, 409: REFUSED})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        commission = self.get_object()
        data = s.ScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        bid = Bid.objects.filter(commission=commission, pk=v["bid"]).first()
        if bid is None:
            raise serializers.ValidationError({"bid": ["No such bid on this commission."]})
        criterion = Criterion.objects.filter(commission=commission, pk=v["criterion"]).first()
        if criterion is None:
            raise serializers.ValidationError(
                {"criterion": ["No such criterion on this commission."]}
            )
        result = actions.score_bid(request.user, bid, criterion, v["score"], v.get("comment", ""))
        return Response(
            {
                "bid": bid.pk,
                "criterion": criterion.pk,
                "score": result.score,
                "moderated": result.moderated,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: None, 409: REFUSED})
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """Bids by weighted score (moderated where moderated), once bids are unsealed."""
        commission = self.get_object()
        if not actions.bids_unsealed(commission):
            raise Refused("Bids are sealed until the deadline.")
        return Response({"results": actions.ranking(commission)})

    @extend_schema(
        request=s.AwardSerializer,
        responses={200: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        commission = self._managed()
        data = s.AwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = actions.award(
            request.user,
            commission,
            organization=data.validated_data["organization"],
            reasons=data.validated_data["reasons"],
        )
        return self._answer(commission)

    @extend_schema(
        request=s.ContractStartSerializer,
        responses={200: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def contract(self, request, pk=None):
        commission = self._managed()
        data = s.ContractStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        actions.start_contract(
            request.user,
            commission,
            start_date=v["start_date"],
            end_date=v["end_date"],
            kpis=v.get("kpis", []),
            milestones=v.get("milestones", []),
        )
        return self._answer(commission)

    @extend_schema(
        request=s.ReturnSubmitSerializer,
        responses={201: s.ReturnSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def returns(self, request, pk=None):
        """A monitoring return (the provider's representative, or the commissioner)."""
        commission = self.get_object()
        contract = getattr(commission, "contract", None)
        if contract is None:
            raise Refused("This commission has no contract yet.")
        from ..actions import represents

        if not access.manages(request.user, commission) and not represents(
            request.user, contract.organization_id
        ):
            raise PermissionDenied
        data = s.ReturnSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        monitoring = actions.submit_return(request.user, contract, **data.validated_data)
        return Response(s.ReturnSerializer(monitoring).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.OutcomeSerializer,
        responses={200: s.CommissionSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        commission = self._managed()
        data = s.OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commission = actions.record_outcome(request.user, commission, **data.validated_data)
        return self._answer(commission)


class PriorityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    """Members' priorities (the levers): outcomes with weights 1-5 and areas. Every change is
    audited and recorded as a published decision."""

    serializer_class = s.PrioritySerializer
    permission_model = "commissions.priority"
    action_permissions = {"preview": ("commissions.view_priority",)}

    def scoped_queryset(self):
        return Priority.objects.all()

    @extend_schema(responses={201: s.PrioritySerializer, 400: INVALID})
    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        priority = actions.save_priority(request.user, None, **data.validated_data)
        return Response(self.get_serializer(priority).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.PrioritySerializer, 400: INVALID})
    def partial_update(self, request, pk=None):
        priority = self.get_object()
        data = self.get_serializer(priority, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        priority = actions.save_priority(request.user, priority, **data.validated_data)
        return Response(self.get_serializer(priority).data)

    @extend_schema(
        request=s.PriorityPreviewSerializer,
        responses={200: None, 400: INVALID},
        description="The effect of a weight change before it is saved: the needs ranking and the "
        "pipeline of commissions now and with the change, and what moves.",
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        data = s.PriorityPreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        priority = None
        if v.get("priority"):
            priority = Priority.objects.filter(pk=v["priority"]).first()
            if priority is None:
                raise serializers.ValidationError({"priority": ["No such priority."]})
        return Response(
            levers.preview(
                priority=priority,
                weight=v["weight"],
                metric_ids=v.get("metric_ids"),
                period=v.get("period"),
            )
        )
