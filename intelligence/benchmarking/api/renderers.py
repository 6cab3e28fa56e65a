"""CSV for ``?format=csv``: a list of flat rows (a page's results, a comparison's peers or a
series' points); nested objects are flattened into dotted column names. Written through
``platform_core.csvio`` (formula prefixes neutralised)."""

import io

from rest_framework.renderers import BaseRenderer

from platform_core import csvio

ROW_KEYS = ("results", "peers", "points")


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            continue
        else:
            flat[name] = "" if value is None else value
    return flat


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "error" in data:
            rows = [_flatten(data["error"])]
        elif isinstance(data, list):
            rows = [_flatten(r) for r in data]
        else:
            key = next((k for k in ROW_KEYS if k in data), None)
            context = {
                k: v for k, v in data.items() if k not in ROW_KEYS and not isinstance(v, list)
            }
            if key is None:
                rows = [_flatten(data)]
            else:
                # Each row carries the figures that apply to all of them (metric, period, ...).
                shared = _flatten(context)
                shared = {k: v for k, v in shared.items() if k not in ("count", "next", "previous")}
                rows = [{**shared, **_flatten(r)} for r in data[key]]
        out = io.StringIO()
        if rows:
            columns = list(dict.fromkeys(c for r in rows for c in r))
            writer = csvio.DictWriter(out, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return out.getvalue().encode("utf-8")
