"""OpenSearch for council sites, with every index name carrying the council's schema.

Wagtail's (modelsearch's) OpenSearch backend names indexes ``<prefix><app>_<model>``: one index
for all councils, where document ids (page pks) of different councils collide and a search would
return every council's pages. This backend resolves the index name at call time from the current
schema: ``<prefix>-<schema>__wagtailcore_page``. A council's search, indexing and rebuild touch
only its own indexes; rebuild each with ``manage.py tenant_command update_index --schema=<schema>``.

Selected by ``OPENSEARCH_URL`` (settings: WAGTAILSEARCH_BACKENDS). Without it the platform uses
PostgreSQL full-text search, which lives in each council's schema and so is isolated already.
"""

from django.db import connection
from modelsearch.backends.base import get_model_root
from modelsearch.backends.opensearch3 import OpenSearch3SearchBackend


def schema_index_name(prefix: str, schema: str, model) -> str:
    root = get_model_root(model)
    prefix = f"{prefix.rstrip('-_')}-" if prefix else ""
    return f"{prefix}{schema}__{root._meta.app_label.lower()}_{root.__name__.lower()}".lower()


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
