"""Reads of commissioners and budgets: scoped to the council (the schema) and to the user.

Commissioning managers (``ledgers.view_all_budgets``) see every commissioner; anyone else sees
only the commissioners they act for (``CommissionerMember``). Another commissioner's budget,
another council's and a missing one all give the same 404.

Public surface for other apps (funding, commissions, markets): ``access_budget``,
``balances``, ``budget_balances``, ``ledger_problems``.
"""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from .models import Budget, Commissioner, Commitment, LedgerEntry, LedgerTransaction


def sees_all_budgets(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("ledgers.view_all_budgets"))


def visible_commissioners(user) -> QuerySet:
    qs = Commissioner.objects.all()
    if sees_all_budgets(user):
        return qs
    if not (user and user.is_authenticated):
        return qs.none()
    return qs.filter(members__user=user).distinct()


def all_commissioners() -> QuerySet:
    """Every commissioner of the council (for the council's own processes: demo, reports)."""
    return Commissioner.objects.all()


def _commissioner_scope(user, path: str) -> Q | None:
    """None: no restriction; otherwise a filter on ``<path>commissioner``."""
    if sees_all_budgets(user):
        return None
    if not (user and user.is_authenticated):
        return Q(pk__in=[])
    return Q(**{f"{path}commissioner__members__user": user})


def visible_budgets(user) -> QuerySet:
    qs = Budget.objects.select_related("commissioner")
    scope = _commissioner_scope(user, "")
    return qs if scope is None else qs.filter(scope).distinct()


def visible_commitments(user) -> QuerySet:
    qs = Commitment.objects.select_related("budget__commissioner")
    scope = _commissioner_scope(user, "budget__")
    return qs if scope is None else qs.filter(scope).distinct()


def visible_transactions(user) -> QuerySet:
    qs = LedgerTransaction.objects.select_related("budget").prefetch_related("entries")
    scope = _commissioner_scope(user, "budget__")
    return qs if scope is None else qs.filter(scope).distinct()


def _get(qs: QuerySet, pk, what: str):
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}") from None


def access_commissioner(user, commissioner_id) -> Commissioner:
    return _get(visible_commissioners(user), commissioner_id, "commissioner")


def access_budget(user, budget_id) -> Budget:
    return _get(visible_budgets(user), budget_id, "budget")


def access_commitment(user, commitment_id) -> Commitment:
    return _get(visible_commitments(user), commitment_id, "commitment")


def acts_for(user, commissioner) -> bool:
    """Whether this user may act for the commissioner (a member, or a commissioning manager)."""
    if sees_all_budgets(user):
        return True
    return bool(user and user.is_authenticated and commissioner.members.filter(user=user).exists())


def balances(budget) -> dict[str, Decimal]:
    """The budget's balances as the budget row holds them (kept under its row lock)."""
    return {
        "allocated": budget.allocated,
        "available": budget.available,
        "committed": budget.committed,
        "spent": budget.spent,
    }


def budget_balances(budget_id) -> dict[str, Decimal]:
    return balances(Budget.objects.get(pk=budget_id))


def ledger_problems(budget_ids=None) -> list[str]:
    """Everything wrong with the ledger (empty when it balances): a transaction whose entries do
    not sum to zero or are not exactly two, and a budget whose balances differ from the sum of
    its entries per account. The tests and ``bench/commissioning.py`` call it after every run."""
    problems: list[str] = []
    transactions = LedgerTransaction.objects.all()
    budgets = Budget.objects.all()
    if budget_ids is not None:
        transactions = transactions.filter(budget_id__in=budget_ids)
        budgets = budgets.filter(pk__in=budget_ids)

    for row in (
        transactions.annotate(total=Sum("entries__amount"), n=Count("entries"))
        .exclude(total=0, n=2)
        .values("pk", "total", "n")
    ):
        problems.append(f"transaction {row['pk']}: {row['n']} entries summing to {row['total']}")
    sums: dict[tuple[int, str], Decimal] = {}
    for row in (
        LedgerEntry.objects.filter(budget__in=budgets)
        .values("budget_id", "account")
        .annotate(total=Sum("amount"))
    ):
        sums[(row["budget_id"], row["account"])] = row["total"]
    zero = Decimal("0")
    for budget in budgets:
        expected = {
            "allocated": -sums.get((budget.pk, "funding"), zero),
            "available": sums.get((budget.pk, "available"), zero),
            "committed": sums.get((budget.pk, "committed"), zero),
            "spent": sums.get((budget.pk, "spent"), zero),
        }
        for account, value in expected.items():
            if getattr(budget, account) != value:
                problems.append(
                    f"budget {budget.pk}: {account} is {getattr(budget, account)}, "
                    f"entries say {value}"
                )
    return problems


def commitment_amounts(commitment_ids) -> dict[int, dict[str, Decimal]]:
    """For the markets module: ``{commitment id: {"amount", "spent", "released", "budget_id",
    "financial_year"}}`` of the given commitments, one query."""
    return {
        row["pk"]: {
            "amount": row["amount"],
            "spent": row["spent"],
            "released": row["released"],
            "budget_id": row["budget_id"],
            "financial_year": row["budget__financial_year"],
        }
        for row in Commitment.objects.filter(pk__in=list(commitment_ids)).values(
            "pk", "amount", "spent", "released", "budget_id", "budget__financial_year"
        )
    }
