"""Every write to commissions and priorities: one function per step, with its checks, its
transaction, its audit entry and (for commissions) the OCDS release of the stage it reaches.

Bad input is a ``ValidationError`` naming the field (400); a step the rules forbid is
``Refused`` with the reason (409): a bid after the deadline, an award to an organisation that
did not bid, an evaluator scoring their own organisation's bid, an overspend (from the ledger).
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_date

from commissioning.ledgers import actions as ledger
from platform_core.audit.log import append as audit
from platform_core.errors import Refused
from platform_core.events import emit

from . import ocds
from .models import (
    Bid,
    Commission,
    Contract,
    Criterion,
    Evaluator,
    Kpi,
    Milestone,
    MonitoringReturn,
    Priority,
    ProviderRepresentative,
    Score,
)

Stage = Commission.Stage


def _actor_name(actor) -> str:
    return actor if isinstance(actor, str) else actor.get_username()


def _stage(commission: Commission, *allowed: str, doing: str) -> None:
    if commission.stage not in allowed:
        raise Refused(f"Cannot {doing}: the commission is at '{commission.get_stage_display()}'.")


def _locked(commission) -> Commission:
    return Commission.objects.select_for_update().get(pk=commission.pk)


# --- need → opportunity ------------------------------------------------------------------------


@transaction.atomic
def create_commission(
    actor,
    *,
    commissioner,
    budget,
    title: str,
    need: str,
    estimated_value,
    description: str = "",
    area_code: str = "",
    category: str = "",
    priority: Priority | None = None,
    path: str = Commission.Path.FULL,
) -> Commission:
    """A need recorded for commissioning (OCDS planning release)."""
    value = ledger.parse_amount(estimated_value, "estimated_value")
    if budget.commissioner_id != commissioner.pk:
        raise ValidationError({"budget": ["The budget belongs to another commissioner."]})
    if not title.strip():
        raise ValidationError({"title": ["Give the commission a title."]})
    if not need.strip():
        raise ValidationError({"need": ["Say what need this commission answers."]})
    commission = Commission.objects.create(
        commissioner=commissioner,
        budget=budget,
        title=title.strip(),
        need=need.strip(),
        description=description,
        area_code=area_code,
        category=category,
        priority=priority,
        estimated_value=value,
        path=path,
        ocid=f"pending-{timezone.now().timestamp()}",
    )
    commission.ocid = ocds.ocid_for(commission.pk)
    commission.save(update_fields=["ocid"])
    audit("commission.created", commission, actor=actor, detail={"title": commission.title})
    ocds.store_release(commission, "planning")
    return commission


@transaction.atomic
def set_criteria(actor, commission: Commission, criteria: list[dict]) -> list[Criterion]:
    """The weighted criteria bids are evaluated on: weights are whole percentages adding to 100."""
    commission = _locked(commission)
    _stage(commission, Stage.PLANNING, doing="change the criteria")
    if not criteria:
        raise ValidationError({"criteria": ["Give at least one criterion."]})
    names = [str(c.get("name", "")).strip() for c in criteria]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ValidationError({"criteria": ["Every criterion needs a different name."]})
    weights = []
    for c in criteria:
        try:
            weight = int(c.get("weight"))
        except (TypeError, ValueError):
            raise ValidationError({"criteria": ["Each weight is a whole number."]}) from None
        if not 1 <= weight <= 100:
            raise ValidationError({"criteria": [f"Weight {weight} is out of range (1-100)."]})
        weights.append(weight)
    if sum(weights) != 100:
        raise ValidationError({"criteria": [f"Weights must add up to 100, not {sum(weights)}."]})
    commission.criteria.all().delete()
    made = [
        Criterion.objects.create(commission=commission, name=n, weight=w)
        for n, w in zip(names, weights, strict=True)
    ]
    audit(
        "commission.criteria_set",
        commission,
        actor=actor,
        detail={n: w for n, w in zip(names, weights, strict=True)},
    )
    return made


@transaction.atomic
def publish_opportunity(actor, commission: Commission, *, deadline) -> Commission:
    """Open for bids until ``deadline``: on the council website and as an OCDS tender."""
    commission = _locked(commission)
    _stage(commission, Stage.PLANNING, doing="publish the opportunity")
    if commission.path != Commission.Path.FULL:
        raise Refused("A direct (light-path) commission is not put out to bids.")
    if deadline is None or deadline <= timezone.now():
        raise ValidationError({"deadline": ["The deadline must be in the future."]})
    if not commission.criteria.exists():
        raise Refused("Set the evaluation criteria before publishing the opportunity.")
    commission.stage = Stage.TENDER
    commission.published_at = timezone.now()
    commission.tender_deadline = deadline
    commission.save(update_fields=["stage", "published_at", "tender_deadline", "updated_at"])
    audit(
        "commission.published", commission, actor=actor, detail={"deadline": deadline.isoformat()}
    )
    ocds.store_release(commission, "tender")
    # Every provider account's subscribed endpoints hear of it (x-audience: providers).
    emit(
        "commissioning.opportunity.published",
        subject=f"commissioning/commission/{commission.pk}",
        data={
            "commission": commission.pk,
            "title": commission.title,
            "deadline": deadline.isoformat(),
            "url": f"/provider/opportunities/{commission.pk}/bid/",
        },
    )
    return commission


# --- bids ----------------------------------------------------------------------------------------


@transaction.atomic
def link_representative(actor, user, organization) -> ProviderRepresentative:
    link, created = ProviderRepresentative.objects.get_or_create(
        user=user, organization=organization
    )
    if created:
        audit(
            "provider.representative_linked",
            object_type="providers.organization",
            object_id=str(organization.pk),
            actor=actor,
            detail={"user": user.get_username()},
        )
    return link


def represents(user, organization_id) -> bool:
    return ProviderRepresentative.objects.filter(
        user=user, organization_id=organization_id
    ).exists()


@transaction.atomic
def submit_bid(actor, commission: Commission, *, organization, price, proposal: str) -> Bid:
    """A sealed bid: nobody reads it (price or proposal) until the deadline has passed. A user
    bids only for an organisation they represent (``actor`` a string: demo and tests)."""
    price = ledger.parse_amount(price, "price")
    if not (proposal or "").strip():
        raise ValidationError({"proposal": ["Describe what you offer."]})
    commission = _locked(commission)
    if commission.stage != Stage.TENDER:
        raise Refused("This commission is not open for bids.")
    if not commission.bids_open:
        raise Refused(
            f"Bids closed at {timezone.localtime(commission.tender_deadline):%d %B %Y %H:%M}."
        )
    if not isinstance(actor, str) and not represents(actor, organization.pk):
        raise Refused("You can only bid for an organisation you represent.")
    if Bid.objects.filter(commission=commission, organization=organization).exists():
        raise Refused("This organisation has already bid.")
    bid = Bid.objects.create(
        commission=commission,
        organization=organization,
        submitted_by=_actor_name(actor),
        price=price,
        proposal=proposal.strip(),
    )
    # The audit entry says a bid arrived, never what it offers (sealed).
    audit("commission.bid_received", commission, actor=actor, detail={"bid": bid.pk})
    return bid


def bids_unsealed(commission: Commission) -> bool:
    """Whether bids may be read: once bidding has closed (or the deadline has passed)."""
    if commission.stage == Stage.PLANNING:
        return False
    return commission.stage != Stage.TENDER or not commission.bids_open


@transaction.atomic
def close_bidding(actor, commission: Commission) -> Commission:
    """After the deadline: the bids are opened and evaluation starts."""
    commission = _locked(commission)
    _stage(commission, Stage.TENDER, doing="close bidding")
    if commission.bids_open:
        raise Refused("Bids stay sealed until the deadline has passed.")
    commission.stage = Stage.EVALUATION
    commission.save(update_fields=["stage", "updated_at"])
    audit(
        "commission.bidding_closed",
        commission,
        actor=actor,
        detail={"bids": commission.bids.count()},
    )
    ocds.store_release(commission, "tenderUpdate")
    return commission


# --- evaluation ----------------------------------------------------------------------------------


@transaction.atomic
def add_evaluator(actor, commission: Commission, user, *, moderator: bool = False) -> Evaluator:
    evaluator, _ = Evaluator.objects.update_or_create(
        commission=commission, user=user, defaults={"moderator": moderator}
    )
    audit(
        "commission.evaluator_added",
        commission,
        actor=actor,
        detail={"user": user.get_username(), "moderator": moderator},
    )
    return evaluator


@transaction.atomic
def score_bid(actor, bid: Bid, criterion: Criterion, score, comment: str = "") -> Score:
    """An evaluator's score (0-10). The actor must be one of the commission's evaluators and
    must not represent the organisation that bid. A moderator's score is the moderated score."""
    commission = _locked(bid.commission)
    _stage(commission, Stage.EVALUATION, doing="score bids")
    if criterion.commission_id != commission.pk:
        raise ValidationError({"criterion": ["Not a criterion of this commission."]})
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ValidationError({"score": ["A whole number from 0 to 10."]}) from None
    if not 0 <= value <= 10:
        raise ValidationError({"score": [f"{value} is out of range: score from 0 to 10."]})
    evaluator = Evaluator.objects.filter(commission=commission, user=actor).first()
    if evaluator is None:
        raise Refused("You are not an evaluator of this commission.")
    if represents(actor, bid.organization_id):
        raise Refused("You cannot score a bid from your own organisation (a conflict of interest).")
    result, _ = Score.objects.update_or_create(
        bid=bid,
        criterion=criterion,
        evaluator=evaluator,
        moderated=evaluator.moderator,
        defaults={"score": value, "comment": comment},
    )
    audit(
        "commission.bid_scored",
        commission,
        actor=actor,
        detail={"bid": bid.pk, "criterion": criterion.name, "score": value},
    )
    return result


def ranking(commission: Commission) -> list[dict]:
    """Bids by weighted score (0-100): per criterion the moderated score if there is one, else
    the mean of the evaluators' scores; weighted by the criterion's percentage."""
    criteria = list(commission.criteria.all())
    rows = []
    for bid in commission.bids.select_related("organization"):
        total = Decimal(0)
        detail = {}
        for criterion in criteria:
            scores = [s for s in bid.scores.all() if s.criterion_id == criterion.pk]
            moderated = [s.score for s in scores if s.moderated]
            plain = [s.score for s in scores if not s.moderated]
            if moderated:
                value = Decimal(moderated[-1])
            elif plain:
                value = Decimal(sum(plain)) / len(plain)
            else:
                value = Decimal(0)
            detail[criterion.name] = float(round(value, 2))
            total += value * criterion.weight / 10
        rows.append(
            {
                "bid": bid.pk,
                "organization": str(bid.organization_id),
                "organization_name": bid.organization.name,
                "price": str(bid.price),
                "score": float(round(total, 2)),
                "criteria": detail,
            }
        )
    rows.sort(key=lambda r: (-r["score"], Decimal(r["price"]), r["bid"]))
    return rows


# --- award and contract -------------------------------------------------------------------------


def _record_decision(actor, commission: Commission, title: str, reasons: str) -> int | None:
    """The award's decision in records' decisions register (published)."""
    from records import actions as records_actions

    decision = records_actions.create_decision(
        actor,
        title=title,
        decision_maker=commission.commissioner.name,
        decision_date=timezone.localdate(),
        summary=commission.need[:2000],
        reasons=reasons,
    )
    records_actions.publish_decision(actor, decision)
    return decision.pk


@transaction.atomic
def award(actor, commission: Commission, *, organization, reasons: str) -> Commission:
    """Award to an organisation that bid: a decision record and a budget commitment of the bid's
    price (refused if the budget cannot bear it)."""
    commission = _locked(commission)
    _stage(commission, Stage.EVALUATION, doing="award")
    if not (reasons or "").strip():
        raise ValidationError({"reasons": ["Give the reasons for the award."]})
    bid = commission.bids.filter(organization_id=getattr(organization, "pk", organization)).first()
    if bid is None:
        raise Refused("Cannot award to an organisation that did not bid.")
    commitment = ledger.commit(
        actor,
        commission.budget_id,
        bid.price,
        description=f"Award: {commission.title}"[:300],
        reference=f"commissions/commission/{commission.pk}",
    )
    commission.decision_id = _record_decision(
        actor, commission, f"Award of '{commission.title}'", reasons
    )
    commission.awarded_bid = bid
    commission.award_value = bid.price
    commission.awarded_at = timezone.now()
    commission.commitment_id = commitment.pk
    commission.stage = Stage.AWARDED
    commission.save()
    audit(
        "commission.awarded",
        commission,
        actor=actor,
        detail={"bid": bid.pk, "value": str(bid.price), "commitment": commitment.pk},
    )
    ocds.store_release(commission, "award")
    # Each bidding organisation hears of its own bid only (x-audience: organization).
    for each in commission.bids.order_by("id"):
        emit(
            "commissioning.bid.decided",
            subject=f"commissioning/bid/{each.pk}",
            data={
                "commission": commission.pk,
                "title": commission.title,
                "bid": each.pk,
                "organization": str(each.organization_id),
                "outcome": "awarded" if each.pk == bid.pk else "unsuccessful",
                "price": f"{each.price:.2f}",
                "decided_at": commission.awarded_at.isoformat(),
                "url": "/provider/opportunities/",
            },
        )
    return commission


@transaction.atomic
def start_contract(
    actor,
    commission: Commission,
    *,
    start_date: date,
    end_date: date,
    kpis: list[dict] = (),
    milestones: list[dict] = (),
) -> Contract:
    commission = _locked(commission)
    _stage(commission, Stage.AWARDED, doing="start the contract")
    if end_date < start_date:
        raise ValidationError({"end_date": ["The contract cannot end before it starts."]})
    contract = Contract.objects.create(
        commission=commission,
        organization_id=commission.awarded_bid.organization_id,
        value=commission.award_value,
        start_date=start_date,
        end_date=end_date,
    )
    for k in kpis:
        if not str(k.get("name", "")).strip():
            raise ValidationError({"kpis": ["Every KPI needs a name."]})
        try:
            target = Decimal(str(k.get("target", 0)))
        except InvalidOperation:
            raise ValidationError({"kpis": [f"KPI {k['name']}: the target is a number."]}) from None
        if not target.is_finite() or abs(target) >= 10**10:
            raise ValidationError({"kpis": [f"KPI {k['name']}: the target is out of range."]})
        Kpi.objects.create(
            contract=contract,
            name=str(k["name"])[:200],
            target=target.quantize(Decimal("0.01")),
            unit=str(k.get("unit", ""))[:40],
            higher_is_better=bool(k.get("higher_is_better", True)),
        )
    for m in milestones:
        due = m.get("due_date")
        if isinstance(due, str):
            try:
                due = parse_date(due)
            except ValueError:
                due = None
        if not str(m.get("title", "")).strip() or not isinstance(due, date):
            raise ValidationError(
                {"milestones": ["Every milestone needs a title and a due date (YYYY-MM-DD)."]}
            )
        Milestone.objects.create(contract=contract, title=str(m["title"])[:200], due_date=due)
    commission.stage = Stage.CONTRACT
    commission.save(update_fields=["stage", "updated_at"])
    audit("commission.contract_started", commission, actor=actor, detail={"contract": contract.pk})
    ocds.store_release(commission, "contract")
    return contract


@transaction.atomic
def submit_return(
    actor, contract: Contract, *, period: str, values: dict, amount_invoiced="0", notes=""
) -> MonitoringReturn:
    """A monitoring return: KPI values for a period and what was invoiced (spent from the
    award's commitment, so the ledger and the market figures see it)."""
    commission = _locked(contract.commission)
    _stage(commission, Stage.CONTRACT, doing="submit a monitoring return")
    if not (period or "").strip():
        raise ValidationError({"period": ["Name the period, e.g. 2026-Q3."]})
    kpi_ids = {str(k) for k in contract.kpis.values_list("pk", flat=True)}
    clean = {}
    for key, value in (values or {}).items():
        if str(key) not in kpi_ids:
            raise ValidationError({"values": [f"{key} is not a KPI of this contract."]})
        try:
            clean[str(key)] = float(value)
        except (TypeError, ValueError):
            raise ValidationError({"values": [f"KPI {key}: {value!r} is not a number."]}) from None
    amount = Decimal(0)
    if str(amount_invoiced) not in ("", "0", "0.00"):
        amount = ledger.parse_amount(amount_invoiced, "amount_invoiced")
    if MonitoringReturn.objects.filter(contract=contract, period=period).exists():
        raise Refused(f"A return for {period} has already been submitted.")
    monitoring = MonitoringReturn.objects.create(
        contract=contract, period=period.strip(), values=clean, amount_invoiced=amount, notes=notes
    )
    if amount:
        txn = ledger.spend(actor, commission.commitment_id, amount, memo=f"Return {period}")
        monitoring.ledger_transaction_id = txn.pk
        monitoring.save(update_fields=["ledger_transaction_id"])
    audit(
        "commission.return_submitted",
        commission,
        actor=actor,
        detail={"period": period, "amount_invoiced": str(amount)},
    )
    ocds.store_release(commission, "implementation")
    return monitoring


@transaction.atomic
def meet_milestone(actor, milestone: Milestone, met_on: date | None = None) -> Milestone:
    milestone.met_on = met_on or timezone.localdate()
    milestone.save(update_fields=["met_on"])
    audit("commission.milestone_met", milestone.contract.commission, actor=actor)
    return milestone


@transaction.atomic
def record_outcome(actor, commission: Commission, *, outcome: str, rating) -> Commission:
    """The outcome measured against the priority (1-5); releases what was not spent."""
    commission = _locked(commission)
    _stage(commission, Stage.CONTRACT, doing="record the outcome")
    if not (outcome or "").strip():
        raise ValidationError({"outcome": ["Describe the outcome."]})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": ["A whole number from 1 to 5."]}) from None
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [f"{rating} is out of range: rate from 1 to 5."]})
    commission.outcome = outcome.strip()
    commission.outcome_rating = rating
    commission.stage = Stage.COMPLETE
    commission.save(update_fields=["outcome", "outcome_rating", "stage", "updated_at"])
    contract = commission.contract
    contract.status = Contract.Status.TERMINATED
    contract.save(update_fields=["status"])
    if commission.commitment_id:
        try:
            ledger.release(actor, commission.commitment_id, memo="Contract complete")
        except Refused:
            pass  # nothing outstanding
    audit("commission.outcome_recorded", commission, actor=actor, detail={"rating": rating})
    ocds.store_release(commission, "contractTermination")
    return commission


@transaction.atomic
def direct_commission(
    actor,
    *,
    commissioner,
    budget,
    organization,
    title: str,
    need: str,
    price,
    start_date: date | None = None,
    months: int = 12,
    priority: Priority | None = None,
) -> Commission:
    """The light path for personal budget holders and ward councillors: choose a provider from
    the directory, agree a price, commit. Makes the commission, its award (no bids), the
    commitment and a running contract in one step."""
    if commissioner.kind not in ("personal_budget_holder", "ward_councillor"):
        raise Refused(
            "The direct path is for personal budget holders and ward councillors; "
            "other commissioners publish an opportunity."
        )
    commission = create_commission(
        actor,
        commissioner=commissioner,
        budget=budget,
        title=title,
        need=need,
        estimated_value=price,
        priority=priority,
        path=Commission.Path.LIGHT,
    )
    price = ledger.parse_amount(price, "price")
    bid = Bid.objects.create(
        commission=commission,
        organization=organization,
        submitted_by=_actor_name(actor),
        price=price,
        proposal="Agreed price (direct commission).",
    )
    commitment = ledger.commit(
        actor,
        budget.pk,
        price,
        description=f"{title}"[:300],
        reference=f"commissions/commission/{commission.pk}",
    )
    commission.awarded_bid = bid
    commission.award_value = price
    commission.awarded_at = timezone.now()
    commission.commitment_id = commitment.pk
    commission.stage = Stage.AWARDED
    commission.save()
    audit(
        "commission.direct",
        commission,
        actor=actor,
        detail={"organization": str(organization.pk), "price": str(price)},
    )
    ocds.store_release(commission, "award")
    start = start_date or timezone.localdate()
    return start_contract(
        actor,
        commission,
        start_date=start,
        end_date=start + timedelta(days=int(months) * 30),
    ).commission


# --- priorities ----------------------------------------------------------------------------------


def _check_priority(data: dict) -> None:
    weight = data.get("weight")
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": ["A whole number from 1 to 5."]}) from None
    if not 1 <= weight <= 5:
        raise ValidationError({"weight": [f"{weight} is out of range: weights are 1 to 5."]})
    data["weight"] = weight
    if not str(data.get("title", "")).strip():
        raise ValidationError({"title": ["Give the priority a title."]})
    for name in ("metric_ids", "area_codes"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError({name: ["A list of codes."]})


PRIORITY_FIELDS = ("title", "outcome", "weight", "metric_ids", "area_codes", "set_by", "published")


@transaction.atomic
def save_priority(
    actor, priority: Priority | None = None, *, reasons: str = "", **data
) -> Priority:
    """Create or change a priority. Every change is audited and recorded as a published decision
    in records' register (the priority's page links to it)."""
    data = {k: v for k, v in data.items() if k in PRIORITY_FIELDS}
    merged = ({f: getattr(priority, f) for f in PRIORITY_FIELDS} if priority else {}) | data
    merged.setdefault("set_by", _actor_name(actor))
    merged.setdefault("outcome", "")
    merged.setdefault("metric_ids", [])
    merged.setdefault("area_codes", [])
    _check_priority(merged)
    before = {f: getattr(priority, f) for f in PRIORITY_FIELDS} if priority else {}
    if priority is None:
        priority = Priority(**merged)
    else:
        for k, v in merged.items():
            setattr(priority, k, v)
    priority.save()
    diff = {
        k: {"from": before.get(k), "to": merged[k]}
        for k in PRIORITY_FIELDS
        if before.get(k) != merged.get(k)
    }
    from records import actions as records_actions

    decision = records_actions.create_decision(
        actor,
        title=f"Priority: {priority.title} (weight {priority.weight})",
        decision_maker=priority.set_by or "Cabinet",
        decision_date=timezone.localdate(),
        summary=priority.outcome[:2000],
        reasons=reasons
        or f"Members set the priority '{priority.title}' at weight {priority.weight}.",
    )
    records_actions.publish_decision(actor, decision)
    priority.decision_id = decision.pk
    priority.save(update_fields=["decision_id"])
    audit(
        "priority.saved",
        priority,
        actor=actor,
        detail={"changes": diff, "decision": decision.pk},
    )
    return priority


def commission_spend_total(commission: Commission) -> Decimal:
    return commission.contract.returns.aggregate(t=Sum("amount_invoiced"))["t"] or Decimal(0)
