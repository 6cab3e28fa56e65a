"""OpenSearch, the one module: index names, the client, and Wagtail's search backend. Every
index name carries the setting ``OPENSEARCH_INDEX_PREFIX`` and the council's schema:
``<prefix>-<schema>__<name>`` (``index_name``); the website's pages and records' documents both
use it.

Wagtail's (modelsearch's) OpenSearch backend names indexes ``<prefix><app>_<model>``: one index
for all councils, where document ids (page pks) of different councils collide and a search would
return every council's pages. This backend resolves the index name at call time from the current
schema: ``<prefix>-<schema>__wagtailcore_page``. A council's search, indexing and rebuild touch
only its own indexes; rebuild each with ``manage.py tenant_command update_index --schema=<schema>``.

Selected by ``OPENSEARCH_URL`` (settings: WAGTAILSEARCH_BACKENDS). Without it the platform uses
PostgreSQL full-text search, which lives in each council's schema and so is isolated already.
"""

from django.conf import settings
from modelsearch.backends.base import get_model_root
from modelsearch.backends.opensearch3 import OpenSearch3SearchBackend

from platform_core.db import connection


def index_name(name: str, schema: str | None = None, prefix: str | None = None) -> str:
    """``<prefix>-<schema>__<name>``: the prefix defaults to ``OPENSEARCH_INDEX_PREFIX``, the
    schema to the current one."""
    prefix = settings.OPENSEARCH_INDEX_PREFIX if prefix is None else prefix
    schema = schema or connection.schema_name
    prefix = f"{prefix.rstrip('-_')}-" if prefix else ""
    return f"{prefix}{schema}__{name}".lower()


def schema_index_name(prefix: str, schema: str, model) -> str:
    root = get_model_root(model)
    return index_name(f"{root._meta.app_label}_{root.__name__}", schema, prefix)


def opensearch_url() -> str | None:
    return settings.OPENSEARCH_URL


def client():
    from opensearchpy import OpenSearch

    return OpenSearch(hosts=[opensearch_url()])


class TenantOpenSearchBackend(OpenSearch3SearchBackend):
    def __init__(self, params):
        params = dict(params)
        prefix = params.pop("INDEX", None)
        if prefix is not None and "INDEX_PREFIX" not in params:
            params["INDEX_PREFIX"] = prefix
        super().__init__(params)

    def get_index_for_model(self, model):
        schema = connection.schema_name
        if not schema or schema == "public":
            raise RuntimeError("OpenSearch indexes belong to a council: no council schema is set")
        return self.index_class(self, schema_index_name(self.index_prefix, schema, model))


SearchBackend = TenantOpenSearchBackend
