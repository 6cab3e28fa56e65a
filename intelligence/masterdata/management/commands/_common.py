import sys
import time

from django.core.management.base import CommandError

from tenants.models import Council


def council_or_error(slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise CommandError(f"No council with slug {slug!r}.")
    return council


class Progress:
    """A one-line progress display: ``stage  done/total  (seconds)``."""

    def __init__(self, stream, enabled: bool = True):
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()
        self.tty = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        line = f"{stage:<8} [{bar}] {done:,}/{total:,}  {time.monotonic() - self.started:6.1f}s"
        self.stream.write(line + ("\r" if self.tty and done < total else "\n"), ending="")
