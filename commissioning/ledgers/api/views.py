"""/api/v1/commissioning/: commissioners, budgets and their ledgers, commitments.

Scoping: ``access`` (a commissioner's people see only their own commissioners and budgets;
commissioning managers see all). Writes go through ``actions``; an over-budget commitment is a
409 whose ``fields.amount`` names the amount available."""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from platform_core.api.viewsets import TenantGenericViewSet
from platform_core.inputcheck import BadInput

from .. import access, actions
from ..models import CommissionerMember, financial_year_validator
from . import serializers as s

# Error responses carry no schema here: the schema hook gives every one the ErrorResponse
# envelope (platform_core/api/schema.py).
REFUSED = OpenApiResponse(description="Refused, with the reason.")
INVALID = OpenApiResponse(description="Invalid input, naming the field.")


class IntLookup:
    lookup_value_converter = "int"


class CommissionerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    """Commissioners: council services, ward councillors, personal budget holders, partner bodies
    and private organisations. Members see only the commissioners they act for."""

    serializer_class = s.CommissionerSerializer
    permission_model = "ledgers.commissioner"

    def scoped_queryset(self):
        return access.visible_commissioners(self.request.user).prefetch_related(
            Prefetch("members", queryset=CommissionerMember.objects.select_related("user"))
        )

    @extend_schema(responses={201: s.CommissionerSerializer, 400: INVALID})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commissioner = actions.create_commissioner(request.user, **serializer.validated_data)
        return Response(self.get_serializer(commissioner).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.CommissionerSerializer, 400: INVALID})
    def partial_update(self, request, pk=None):
        commissioner = self.get_object()
        serializer = self.get_serializer(commissioner, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        commissioner = actions.update_commissioner(
            request.user, commissioner, **serializer.validated_data
        )
        return Response(self.get_serializer(commissioner).data)


# The filters are the list's only (a budget or its ledger ignores them).
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("financial_year", str, description="e.g. 2026-27"),
            OpenApiParameter("commissioner", int),
        ]
    )
)
class BudgetViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    """Budgets per commissioner and financial year, with their balances."""

    serializer_class = s.BudgetSerializer
    permission_model = "ledgers.budget"
    action_permissions = {
        "allocate": ("ledgers.change_budget",),
        "commit": ("ledgers.add_commitment",),
        "ledger": ("ledgers.view_ledgertransaction",),
    }

    def scoped_queryset(self):
        qs = access.visible_budgets(self.request.user)
        if self.action != "list":
            return qs
        year = self.request.query_params.get("financial_year")
        if year:
            try:
                financial_year_validator(year)
            except Exception:
                raise BadInput("financial_year", "must be a financial year as YYYY-YY.") from None
            qs = qs.filter(financial_year=year)
        commissioner = self.request.query_params.get("commissioner")
        if commissioner:
            if not commissioner.isdigit():
                raise BadInput("commissioner", "must be a commissioner id.")
            qs = qs.filter(commissioner_id=int(commissioner))
        return qs

    @extend_schema(responses={201: s.BudgetSerializer, 400: INVALID})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Only a commissioner this user may see (a member creating for its own body).
        commissioner = access.access_commissioner(request.user, data["commissioner"].pk)
        budget = actions.create_budget(
            request.user,
            commissioner,
            name=data["name"],
            financial_year=data["financial_year"],
            purpose=data.get("purpose", ""),
        )
        return Response(self.get_serializer(budget).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.AllocateSerializer,
        responses={200: s.BudgetSerializer, 400: INVALID},
        description="Allocate money into the budget (finance staff).",
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        budget = self.get_object()
        serializer = s.AllocateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.allocate(request.user, budget, **serializer.validated_data)
        return Response(self.get_serializer(access.access_budget(request.user, budget.pk)).data)

    @extend_schema(
        request=s.CommitSerializer,
        responses={201: s.CommitmentSerializer, 400: INVALID, 409: REFUSED},
        description="Commit money from the budget. More than is available is refused with 409; "
        "the envelope's fields.amount names the amount available.",
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        budget = self.get_object()
        serializer = s.CommitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        commitment = actions.commit(request.user, budget, **serializer.validated_data)
        return Response(s.CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.TransactionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        """The budget's ledger: every movement with its two balancing entries."""
        budget = self.get_object()
        page = self.paginate_queryset(
            access.visible_transactions(request.user).filter(budget=budget).order_by("id")
        )
        return self.get_paginated_response(s.TransactionSerializer(page, many=True).data)


class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, IntLookup, TenantGenericViewSet
):
    """Commitments against budgets; spend or release against them."""

    serializer_class = s.CommitmentSerializer
    permission_model = "ledgers.commitment"

    def scoped_queryset(self):
        return access.visible_commitments(self.request.user)

    @extend_schema(
        request=s.SpendSerializer,
        responses={200: s.CommitmentSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def spend(self, request, pk=None):
        commitment = self.get_object()
        serializer = s.SpendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.spend(request.user, commitment, **serializer.validated_data)
        return Response(self.get_serializer(access.access_commitment(request.user, pk)).data)

    @extend_schema(
        request=s.ReleaseSerializer,
        responses={200: s.CommitmentSerializer, 400: INVALID, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        commitment = self.get_object()
        serializer = s.ReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.release(request.user, commitment, **serializer.validated_data)
        return Response(self.get_serializer(access.access_commitment(request.user, pk)).data)
