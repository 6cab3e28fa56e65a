"""Markets' internal event handlers (discovered by platform_core.events at start-up)."""

from platform_core.events import handler

COMMISSION_REFERENCE = "commissions/commission/"


@handler("commissioning.ledger.posted")
def recompute_after_commitment(event: dict) -> None:
    """A commitment made, spent from or released for a commission: recompute the figures of the
    market(s) its category and area fall in, after the commit that posted it (the relay runs in
    the event's council). Idempotent: a recompute replaces the markets' figures; alerts are
    raised once per market, kind and period. Allocations and commitments of other apps (funding's
    grants) name no commission and are skipped."""
    reference = event["data"].get("reference") or ""
    if not reference.startswith(COMMISSION_REFERENCE):
        return
    try:
        commission_id = int(reference.removeprefix(COMMISSION_REFERENCE))
    except ValueError:
        return
    from . import actions

    market_ids = actions.markets_of_commissions([commission_id])
    if market_ids:
        actions.recompute(market_ids)
