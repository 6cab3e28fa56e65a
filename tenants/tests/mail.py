"""An email backend that fails like an unreachable SMTP server (for "the email could not be sent"
paths). Not a mock of our code: Django calls it exactly as it calls the SMTP backend."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused (smtp.example:587)")
