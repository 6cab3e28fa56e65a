from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def validation_to_command_error(exc: ValidationError) -> CommandError:
    if hasattr(exc, "error_dict"):
        lines = [f"  {field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()]
        return CommandError("Invalid input, nothing was created:\n" + "\n".join(lines))
    return CommandError("Invalid input, nothing was created: " + " ".join(exc.messages))
