"""The API's request parsers (DEFAULT_PARSER_CLASSES): DRF's, plus the platform's input rules.

JSON: at most ``MAX_JSON_DEPTH`` levels of nesting (deeper input used to exhaust the stack, a
500), and no NUL, control character or unpaired surrogate in any key or string. Form and
multipart bodies: the same characters in every field (file contents are not text and are not
checked). A violation is a 400 naming the field.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from platform_core.inputcheck import BadInput, check_params, check_structure, check_text


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        check_structure(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        check_params("body", data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        check_params("body", result.data)
        for name, upload in result.files.items():
            try:
                check_text(name, upload.name or "")  # type: ignore[union-attr]
            except BadInput:
                raise BadInput(name, "has a file name with a control character") from None
        return result


DEFAULT_PARSERS = [JSONParser, FormParser, MultiPartParser]
