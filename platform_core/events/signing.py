"""Webhook signatures (the header scheme receivers check; docs/events.md "Verifying a delivery").

    Council-Platform-Signature: t=1764473000,v1=5257a869...,v1=9c3f0e12...

``t`` is the Unix time of the attempt; each ``v1`` is the lowercase hex HMAC-SHA256 of
``f"{t}.".encode() + body`` under one of the endpoint's secrets (two during a rotation's overlap
window: the new one first). A receiver accepts the delivery when any ``v1`` matches its secret
and ``t`` is recent (replay protection).
"""

import hashlib
import hmac
import secrets
import time

HEADER = "Council-Platform-Signature"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(body: bytes, signing_secrets: list[str], timestamp: int | None = None) -> str:
    """The header value for ``body`` signed with every secret in ``signing_secrets``."""
    t = int(time.time()) if timestamp is None else timestamp
    return ",".join([f"t={t}"] + [f"v1={signature(s, t, body)}" for s in signing_secrets])


def verify(
    header: str,
    body: bytes,
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does: True when one ``v1`` of ``header`` is the signature of ``body`` under
    ``secret`` and ``t`` is within ``tolerance`` seconds of now."""
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c) for c in candidates)
