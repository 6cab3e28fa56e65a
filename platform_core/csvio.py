"""The one CSV writer of the platform: every CSV the platform writes goes through it.

A spreadsheet (Excel, LibreOffice, Google Sheets) treats a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab or carriage return can hide one. A value typed by
one council (a decision title, a form answer, a metric name) would otherwise run as a formula on
the machine of everyone who downloads the file (``=HYPERLINK(...)``, DDE). Following OWASP's
advice (https://owasp.org/www-community/attacks/CSV_Injection) such a cell is written with a
leading single quote, which spreadsheets show as text and do not evaluate. The full-width forms
of the same characters are treated alike (some spreadsheet locales accept them as formulas).

Numbers stay numbers: ``-3.5`` (an int, float or Decimal, or a string that is only a number) is
data, not a formula, and is written unchanged.

Usage mirrors the standard library::

    from platform_core import csvio

    writer = csvio.writer(response, lineterminator="\\n")
    writer.writerow([...])

    writer = csvio.DictWriter(out, fieldnames=[...])

An architecture test (tests/architecture/test_csv_writers.py) fails if any module other than
this one builds a ``csv.writer``/``csv.DictWriter``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

__all__ = ["DictWriter", "FORMULA_PREFIXES", "neutralise", "neutralise_row", "writer"]


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet should show it: a string that would start a formula gets a
    leading ``'``; numbers (and strings that are only a number) and everything else pass."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    if not isinstance(value, str):
        value = str(value)
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(cell) for cell in row]


class _Writer:
    """``csv.writer`` with every cell neutralised."""

    def __init__(self, fileobj, dialect: str | type[csv.Dialect] = "excel", **fmtparams):
        self._writer = csv.writer(fileobj, dialect, **fmtparams)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fileobj, dialect: str | type[csv.Dialect] = "excel", **fmtparams) -> _Writer:
    return _Writer(fileobj, dialect, **fmtparams)


class DictWriter(csv.DictWriter):
    """``csv.DictWriter`` with every cell (the header row included) neutralised."""

    def writerow(self, rowdict: Mapping[str, Any]):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def install_wagtail_export_writer() -> None:
    """Wagtail's spreadsheet exports (form submissions typed by residents, admin reports,
    ``list_export`` on viewsets) write CSV through ``SpreadsheetExportMixin.stream_csv`` with
    the standard library's writer and a hand-built ``Content-Disposition``: route both through
    this module and ``content_disposition_header``. Called once from ``PlatformCoreConfig.ready``;
    tests/security/test_csv_injection.py fails if a Wagtail upgrade moves the hook."""
    from django.http import StreamingHttpResponse
    from django.utils.http import content_disposition_header
    from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin

    def stream_csv(self, queryset):
        out = DictWriter(Echo(), fieldnames=self.list_export)
        yield out.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
        for item in queryset:
            yield self.write_csv_row(out, self.to_row_dict(item))

    def write_csv_response(self, queryset):
        response = StreamingHttpResponse(self.stream_csv(queryset), content_type="text/csv")
        response["Content-Disposition"] = (
            content_disposition_header(True, f"{self.get_filename()}.csv") or "attachment"
        )
        return response

    stream_csv.platform_csvio = True  # type: ignore[attr-defined]
    SpreadsheetExportMixin.stream_csv = stream_csv
    SpreadsheetExportMixin.write_csv_response = write_csv_response
