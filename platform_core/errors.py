"""Domain errors every app may raise; the API layer maps them to HTTP in one place
(platform_core.api.errors). Invalid input is django.core.exceptions.ValidationError."""


class DomainError(Exception):
    """Base class: an operation the domain refuses, with a message for the person."""

    code = "error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Refused(DomainError):
    """An operation the rules forbid in the object's current state (held, not yet due,
    destroyed, over budget): 409 with the reason."""

    code = "refused"
    http_status = 409
