"""The demo councils ``make run`` starts with.

Their content comes from each app's DEMO provisioning steps (platform_core/provisioning.py):
``fn(council)``, run in the council's schema, safe to run again. ``org_id`` is each council's
(made-up but well-formed) org-id in England's local authority register (GB-LAE-), the funder's
id in its 360Giving feed; set after provisioning (``tenants.actions.set_org_id``).
"""

DEMO_COUNCILS = [
    {
        "name": "Northshire County Council",
        "slug": "northshire",
        "org_id": "GB-LAE-NSH",
        "gss_code": "E10000901",
        "tier": "county",
        "region": "east-midlands",
    },
    {
        "name": "Riverton Borough Council",
        "slug": "riverton",
        "org_id": "GB-LAE-RVT",
        "gss_code": "E07000901",
        "tier": "district",
        "region": "south-west",
    },
    {
        "name": "Eastvale District Council",
        "slug": "eastvale",
        "org_id": "GB-LAE-EVL",
        "gss_code": "E07000902",
        "tier": "district",
        "region": "east-of-england",
    },
]
