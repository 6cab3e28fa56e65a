"""What apps above tenants add to the console's council page (tenants imports no domain app).

Billing registers its usage read here in its ``AppConfig.ready()``::

    from tenants.console import panels

    panels.register_usage(access.usage_for, links=access.console_links)

``usage_for(council)`` answers ``[{"metric", "label", "used", "quota", "percent"}]``;
``links(council)`` a ``{name: url}`` of the console's billing pages for the council.
"""

from collections.abc import Callable

_usage: dict[str, Callable] = {}


def register_usage(usage_for: Callable, *, links: Callable | None = None) -> None:
    _usage["usage_for"] = usage_for
    if links is not None:
        _usage["links"] = links


def usage(council) -> dict | None:
    """The council's usage against its plan, or None when no app offers it."""
    if "usage_for" not in _usage:
        return None
    links = _usage["links"](council) if "links" in _usage else {}
    return {"rows": _usage["usage_for"](council), "links": links}
