"""The cross-council isolation probe.

WHAT IT DOES
    tests/isolation/test_isolation.py makes one test per (URLconf, route, method): every route of
    ``platform_core.urls_tenant`` (council domains) and ``platform_core.urls_public`` (platform
    domain), regex routes included, and every method the route accepts (DRF actions, class-based
    view handlers, ``require_http_methods`` lists; other function views GET, plus POST when
    their source looks at the method). Test ids read ``tenant:POST:records-hold-release``.
    For each case, council B's staff (a superuser of B) and an anonymous visitor send the request
    with council A's ids and a valid body, then with ids that exist nowhere; the answers must be
    identical (status, body with ids replaced, redirect), must not contain A's ``MARKER``, and
    must not change any row of A's schema. Then A's own staff send the same request, which must
    succeed (and a write must change A's schema): the comparison is only worth something if the
    request does something in the owning council. test_probe_can_fail.py shows it catching
    deliberate leaks.

HOW AN APP SEEDS ITS ROUTES  (required for every route that takes parameters, and for every
write method; a route nobody seeds FAILS the probe)
    Create ``<app>/tests/isolation.py`` (``<app>/tests/__init__.py`` must exist) with:

        from tests.isolation.probe import FORM, MARKER, Form, Multipart, Seed

        def probe_objects(w):
            '''Runs once, in council A's schema, ids beyond any other council's. Make A's
            objects (put MARKER in their text) and store them on ``w``.'''
            w.widget = actions.create_widget("probe", title=MARKER)

        def probe_seeds():
            return [
                # a detail route: A's kwargs; a missing twin is made per converter
                Seed("myapp-widget-detail", kwargs=lambda w: {"pk": w.widget.pk},
                     body={"PATCH": {"title": "Renamed"}, "DELETE": {}}),
                # a list route that accepts POST: a valid body
                Seed("myapp-widget-list", body={"POST": {"title": "New"}}),
                # a Django/Wagtail form: submit what A's own GET of the page shows
                Seed("myapp_widget_edit", kwargs=lambda w: {"pk": w.widget.pk},
                     body={"POST": FORM}),
                # file uploads
                Seed("myapp-upload", body={"POST": Multipart(lambda w: {"file": ...})}),
            ]

    ``route`` is the URL name (with its namespace) or, when the name is shared or absent, the
    route's pattern text. See ``Seed`` in probe.py for ``path``/``missing`` (regex routes),
    ``query``, ``methods``, ``control``/``control_writes`` and ``reason`` (required when
    nothing in the URL is one of A's objects, e.g. content type names), ``unreachable`` and
    ``xfail``. Objects from other apps' ``probe_objects`` are on ``w`` too (apps run in
    INSTALLED_APPS order; seeds are evaluated per case, after all objects exist).

    Routes without parameters that only accept GET need no seed. Run
    ``pytest tests/isolation -q`` after adding routes; a failure names the route and method.

KNOWN GAPS
    tests/isolation/pending.py lists cases not yet proven (xfail, strict: the list can only
    shrink). Never add a new route there: seed it.
"""
