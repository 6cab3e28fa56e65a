"""Characters and shapes no request may carry, checked once at the edge.

PostgreSQL cannot store a NUL character in text, and a lone UTF-16 surrogate (``"\\ud800"`` in
JSON) cannot be encoded as UTF-8: either reaching the database is a 500. Other C0 control
characters (bar tab, line feed and carriage return) have no business in a form value, a query
parameter or a URL, and break the XML and CSV the platform writes. Deeply nested JSON exhausts
Python's stack. Everything here raises ``BadInput`` naming where the problem is.
"""

import re

# C0 controls and DEL, except tab, line feed and carriage return (which text may contain).
_TEXT_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A URL path may contain none of them.
_PATH_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

MAX_JSON_DEPTH = 32


class BadInput(ValueError):
    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where
        self.message = message


def _describe(char: str) -> str:
    if char == "\x00":
        return "a NUL character"
    if "\ud800" <= char <= "\udfff":
        return "an unpaired UTF-16 surrogate"
    return f"a control character (U+{ord(char):04X})"


def check_text(where: str, text: str, *, path: bool = False) -> None:
    match = (_PATH_FORBIDDEN if path else _TEXT_FORBIDDEN).search(text)
    if match:
        raise BadInput(where, f"contains {_describe(match.group())}, which is not allowed")


def check_params(location: str, params) -> None:
    """Every name and value of a QueryDict (query string or form body)."""
    for name, values in params.lists():
        check_text(location, name)
        for value in values:
            check_text(name, value)


def check_structure(data, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk parsed JSON without recursion: depth, and every key and string."""
    stack = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise BadInput(
                    where or "non_field_errors",
                    f"is nested more than {max_depth} levels deep",
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    check_text(where or key, key)
                stack.append((item, depth + 1, where or str(key)))
        elif isinstance(value, str):
            check_text(where or "non_field_errors", value)
