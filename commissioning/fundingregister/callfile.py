"""The file format of funding calls (CSV or JSON), validated as a whole before anything is saved.

CSV: a header row naming these columns (``funder``, ``programme`` and ``url`` required; unknown
columns refused); cells with several values (``themes``, ``geography``, ``applicant_types``)
separate them with ``;``. JSON: a list of calls, or ``{"calls": [...]}``, with those names as
keys and lists for the several-valued fields.

Every problem is reported with where it is: ``line 4, closes_on: ...`` for CSV (the header is
line 1), ``$.calls[2].closes_on: ...`` for JSON. One problem anywhere means nothing is imported.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from platform_core.inputcheck import BadInput, check_structure, check_text

COLUMNS = (
    "reference",
    "funder",
    "programme",
    "description",
    "amount_min",
    "amount_max",
    "opens_on",
    "closes_on",
    "eligibility",
    "applicant_types",
    "themes",
    "geography",
    "url",
)
REQUIRED = ("funder", "programme", "url")
LISTS = ("applicant_types", "themes", "geography")
MAX_LENGTHS = {
    "reference": 100,
    "funder": 200,
    "programme": 300,
    "url": 500,
    "applicant_types": 40,
    "themes": 100,
}
GSS_RE = re.compile(r"^[EWSNK]\d{8}$")
MAX_CALLS = 20_000


class CallFileError(ValueError):
    """The file cannot be imported: ``problems`` lists every error with where it is."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@dataclass
class _Row:
    where: str  # "line 4" or "$.calls[2]"
    sep: str  # ", " for CSV, "." for JSON paths
    values: dict = field(default_factory=dict)


def _text(value, name: str, problems: list[str], at: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f"{at}: must be text")
        return ""
    value = value.strip()
    try:
        check_text(name, value)
    except BadInput as exc:
        problems.append(f"{at}: {exc.message}")
        return ""
    limit = MAX_LENGTHS.get(name)
    if limit and len(value) > limit:
        problems.append(f"{at}: longer than {limit} characters")
    return value


def _amount(value, at: str, problems: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        problems.append(f"{at}: {value!r} is not an amount in pounds")
        return None
    text = str(value).strip().replace(",", "").removeprefix("£")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        problems.append(f"{at}: {value!r} is not an amount in pounds")
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        problems.append(f"{at}: {value!r} must be between 0 and 999,999,999,999")
        return None
    return amount.quantize(Decimal("0.01"))


def _date(value, at: str, problems: list[str]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str):
        problems.append(f"{at}: {value!r} is not a date (YYYY-MM-DD)")
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{at}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def _list(value, name: str, at: str, problems: list[str], *, from_csv: bool) -> list[str]:
    if value in (None, ""):
        return []
    if from_csv:
        items = [item.strip() for item in str(value).split(";")]
    elif isinstance(value, list):
        items = value
    else:
        problems.append(f"{at}: must be a list")
        return []
    out: list[str] = []
    for index, item in enumerate(items):
        item_at = at if from_csv else f"{at}[{index}]"
        if not isinstance(item, str):
            problems.append(f"{item_at}: must be text")
            continue
        item = _text(item, name, problems, item_at)
        if not item:
            continue
        if name == "geography":
            item = item.upper()
            if not GSS_RE.match(item):
                problems.append(f"{item_at}: {item!r} is not a GSS code (e.g. E05012345)")
                continue
        if name in ("themes", "applicant_types"):
            item = item.lower()
        if item not in out:
            out.append(item)
    return out


def clean_call(raw: dict, where: str, sep: str, *, from_csv: bool) -> tuple[dict, list[str]]:
    """One call's values, cleaned, and the problems found (each with where it is)."""
    problems: list[str] = []

    def at(name: str) -> str:
        return f"{where}{sep}{name}"

    values: dict = {}
    for name in ("reference", "funder", "programme", "description", "eligibility", "url"):
        values[name] = _text(raw.get(name), name, problems, at(name))
    for name in REQUIRED:
        if not values[name] and not any(p.startswith(at(name)) for p in problems):
            problems.append(f"{at(name)}: is required")
    if values["url"]:
        parts = urlsplit(values["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{at('url')}: {values['url']!r} is not an http(s) address")
    values["amount_min"] = _amount(raw.get("amount_min"), at("amount_min"), problems)
    values["amount_max"] = _amount(raw.get("amount_max"), at("amount_max"), problems)
    if (
        values["amount_min"] is not None
        and values["amount_max"] is not None
        and values["amount_min"] > values["amount_max"]
    ):
        problems.append(f"{at('amount_min')}: is more than amount_max")
    values["opens_on"] = _date(raw.get("opens_on"), at("opens_on"), problems)
    values["closes_on"] = _date(raw.get("closes_on"), at("closes_on"), problems)
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        problems.append(f"{at('closes_on')}: is before opens_on")
    for name in LISTS:
        values[name] = _list(raw.get(name), name, at(name), problems, from_csv=from_csv)
    return values, problems


def _parse_csv(text: str) -> list[_Row] | list[str]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        return ["line 1: the file is empty (expected a header row)"]
    reader.fieldnames = header
    problems = []
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        problems.append(
            f"line 1: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}"
        )
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if len(set(header)) != len(header):
        problems.append("line 1: a column is named twice")
    if problems:
        return problems
    rows = []
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(f"line {line}: more cells than columns")
            continue
        if not any((v or "").strip() for v in record.values()):
            continue  # blank line
        rows.append(_Row(where=f"line {line}", sep=", ", values=record))
    return problems or rows


def _parse_json(text: str) -> list[_Row] | list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"$: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"]
    try:
        check_structure(data)
    except BadInput as exc:
        return [f"$: {exc.message}"]
    prefix = "$"
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"calls"})
        if "calls" not in data or unknown:
            return ['$: expected a list of calls or {"calls": [...]}']
        data, prefix = data["calls"], "$.calls"
    if not isinstance(data, list):
        return [f"{prefix}: must be a list of calls"]
    rows: list[_Row] = []
    problems = []
    for index, item in enumerate(data):
        where = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        unknown = sorted(set(item) - set(COLUMNS))
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        rows.append(_Row(where=where, sep=".", values=item))
    return problems or rows


def parse_calls(content: bytes | str, *, filename: str = "", fmt: str = "") -> list[dict]:
    """Every call in the file, cleaned; ``CallFileError`` listing every problem otherwise.
    ``fmt`` is "csv" or "json" (default: from the file name, else sniffed)."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CallFileError(["the file is not UTF-8 text"]) from None
    else:
        text = content
    fmt = (fmt or "").lower()
    if not fmt:
        if filename.lower().endswith(".json"):
            fmt = "json"
        elif filename.lower().endswith(".csv"):
            fmt = "csv"
        else:
            fmt = "json" if text.lstrip()[:1] in ("[", "{") else "csv"
    if fmt not in ("csv", "json"):
        raise CallFileError([f"format {fmt!r} is not csv or json"])
    parsed = _parse_csv(text) if fmt == "csv" else _parse_json(text)
    if parsed and isinstance(parsed[0], str):
        raise CallFileError(parsed)  # type: ignore[arg-type]
    rows: list[_Row] = parsed  # type: ignore[assignment]
    if len(rows) > MAX_CALLS:
        raise CallFileError([f"more than {MAX_CALLS} calls in one file"])
    problems: list[str] = []
    calls = []
    seen: dict[str, str] = {}
    for row in rows:
        values, row_problems = clean_call(row.values, row.where, row.sep, from_csv=fmt == "csv")
        problems.extend(row_problems)
        ref = values["reference"]
        if ref:
            if ref in seen:
                problems.append(
                    f"{row.where}{row.sep}reference: {ref!r} appears twice (also {seen[ref]})"
                )
            seen.setdefault(ref, row.where)
        calls.append(values)
    if problems:
        raise CallFileError(problems)
    if not calls:
        raise CallFileError(["the file has no calls"])
    return calls
