"""The rules of an observations CSV, in one table read by both validators.

``import_observations`` checks a file either in the database (SQL over a COPY of the raw text) or
row by row in Python; both take every pattern and message below from here, so a file is judged
the same way on either path (tests/test_import_rules.py runs each rule case through both).

Patterns are written once, unanchored, in the subset of syntax Python's ``re`` and PostgreSQL's
regular expressions read alike: ASCII classes only (``[0-9]``, never ``\\d``, which in Python
matches any Unicode digit such as "٣" or "３"), non-capturing groups. Python applies them with
``re.fullmatch``; SQL with ``~ '^(?:pattern)$'``.
"""

import re

from .models import AREA_PREFIXES

# What both paths trim around a field (never other Unicode spaces: SQL's btrim would not).
BLANKS = " \t"

AREA_CODE = "(?:" + "|".join(AREA_PREFIXES) + ")[0-9]{6}"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NOT_FINITE = "[+-]?(?:nan|inf|infinity)"  # case-insensitive
NUMBER_ALPHABET = "0123456789.eE+-"  # every character NUMBER can match

AREA_MESSAGE = (
    "area_code {code} is not this council ({council}) or a ward (E05) or LSOA (E01) GSS code"
)
NOT_A_NUMBER = "{column} {text} is not a number"
NOT_FINITE_MESSAGE = "{column} {text} is not a finite number"
EMPTY = "{column} is empty"
DENOMINATOR = "denominator must be greater than 0"


def clean(text: str) -> str:
    return text.strip(BLANKS)


def quoted(text: str) -> str:
    """A value inside a message, quoted the way SQL's format('%L') does for plain text."""
    return "'" + text.replace("'", "''") + "'"


def area_allowed(code: str, council_code: str | None) -> bool:
    return bool(council_code and code == council_code) or bool(re.fullmatch(AREA_CODE, code))


def number(text: str, column: str, required: bool) -> float | None:
    """The number in a field, or ValueError with the rule's message."""
    text = clean(text)
    if text == "":
        if required:
            raise ValueError(EMPTY.format(column=column))
        return None
    if re.fullmatch(NOT_FINITE, text, flags=re.IGNORECASE):
        raise ValueError(NOT_FINITE_MESSAGE.format(column=column, text=quoted(text.lower())))
    if not re.fullmatch(NUMBER, text):
        raise ValueError(NOT_A_NUMBER.format(column=column, text=quoted(text)))
    value = float(text)
    if value in (float("inf"), float("-inf")):  # too large for a double
        raise ValueError(NOT_FINITE_MESSAGE.format(column=column, text=quoted(text.lower())))
    return value


# --- The same rules as SQL (for the in-database path) -----------------------------------------


def sql_trim(expression: str) -> str:
    return f"btrim({expression}, E' \\t')"


def sql_matches(expression: str, pattern: str, *, ignore_case: bool = False) -> str:
    operator = "~*" if ignore_case else "~"
    return f"coalesce({expression} {operator} '^(?:{pattern})$', false)"


def sql_number_problem(column: str, required: bool) -> str:
    """A CASE giving the rule's message for a raw text column (NULL when the field is fine)."""
    value = sql_trim(f"r.{column}")
    empty = f"WHEN coalesce({value}, '') = '' THEN '{EMPTY.format(column=column)}' "
    if not required:
        empty = f"WHEN coalesce({value}, '') = '' THEN NULL "
    not_finite = NOT_FINITE_MESSAGE.format(column=column, text="%%L")
    not_number = NOT_A_NUMBER.format(column=column, text="%%L")
    return (
        f"CASE {empty}"
        f"WHEN {sql_matches(value, NOT_FINITE, ignore_case=True)} "
        f"THEN format('{not_finite}', lower({value})) "
        f"WHEN NOT {sql_matches(value, NUMBER)} THEN format('{not_number}', {value}) END"
    )


def sql_row_may_pass(council_param: str) -> str:
    """The pre-filter of the in-database path: true for a row that may pass every rule, false
    for one that certainly fails one (its reasons are then built with the exact rules above).
    Cheap on purpose: one regular expression (the area's shape) and character tests (a number
    can only hold NUMBER_ALPHABET and blanks). A field that passes it and is still not a number
    ("1e", "1.2.3") fails the cast when loaded: the file then takes the row-by-row path, which
    reports it under the same rules."""
    alphabet = NUMBER_ALPHABET + " \t"
    area = (
        f"(coalesce(r.area_code ~ '^[ \t]*(?:{AREA_CODE})[ \t]*$', false) "
        f"OR coalesce({sql_trim('r.area_code')} = {council_param}, false))"
    )
    value_given = "translate(coalesce(r.value, ''), E' \t', '') <> ''"
    numbers_chars = (
        f"translate(concat(r.value, r.numerator, r.denominator), E'{alphabet}', '') = ''"
    )
    denominator_positive = (
        "CASE WHEN r.denominator IS NULL THEN true "
        f"WHEN translate(r.denominator, E'{alphabet}', '') <> '' THEN true "
        f"ELSE coalesce({sql_number('denominator')} > 0, true) END"
    )
    return f"({area} AND {value_given} AND {numbers_chars} AND {denominator_positive})"


def sql_number(column: str) -> str:
    """The raw text column as a double (once the rules have passed)."""
    return f"nullif({sql_trim(f'r.{column}')}, '')::float8"
