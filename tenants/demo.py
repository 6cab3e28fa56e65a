"""The demo councils ``make run`` starts with. Other apps add their demo content through
``DEMO_CONTENT_HOOKS`` (dotted paths of callables taking a Council, run in its schema)."""

DEMO_COUNCILS = [
    {"name": "Northshire County Council", "slug": "northshire", "gss_code": "E10000901", "tier": "county", "region": "east-midlands"},
    {"name": "Riverton Borough Council", "slug": "riverton", "gss_code": "E07000901", "tier": "district", "region": "south-west"},
    {"name": "Eastvale District Council", "slug": "eastvale", "gss_code": "E07000902", "tier": "district", "region": "east-of-england"},
]

DEMO_CONTENT_HOOKS: list[str] = []
