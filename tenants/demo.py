"""The demo councils ``make run`` starts with.

Their content comes from each app's DEMO provisioning steps (platform_core/provisioning.py):
``fn(council)``, run in the council's schema, safe to run again.
"""

DEMO_COUNCILS = [
    {
        "name": "Northshire County Council",
        "slug": "northshire",
        "gss_code": "E10000901",
        "tier": "county",
        "region": "east-midlands",
    },
    {
        "name": "Riverton Borough Council",
        "slug": "riverton",
        "gss_code": "E07000901",
        "tier": "district",
        "region": "south-west",
    },
    {
        "name": "Eastvale District Council",
        "slug": "eastvale",
        "gss_code": "E07000902",
        "tier": "district",
        "region": "east-of-england",
    },
]
