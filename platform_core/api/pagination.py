from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def _positive_int(params, name: str, maximum: int | None = None) -> None:
    raw = params.get(name)
    if raw is None:
        return
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ValidationError({name: [f"{raw!r} is not a whole number of 1 or more."]})
    if maximum is not None and int(raw) > maximum:
        raise ValidationError({name: [f"{raw} is more than the maximum, {maximum}."]})


class PlatformPagination(PageNumberPagination):
    """Page-number pagination; a malformed ``page`` or ``page_size`` (``-1``, ``abc``, ``0``,
    above the maximum) is a 400 naming the parameter; a page past the last is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def check_params(self, request) -> None:
        """A 400 for a malformed ``page`` or ``page_size``, also where the answer is not paged
        (a CSV download of the whole list still documents, and so checks, both)."""
        _positive_int(request.query_params, self.page_query_param)
        _positive_int(request.query_params, self.page_size_query_param, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_params(request)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = (
                    f"Number of results per page (default {self.page_size}, "
                    f"at most {self.max_page_size})."
                )
        return parameters
