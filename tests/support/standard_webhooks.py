"""An independent verifier of Standard Webhooks signatures, written from the specification
(https://www.standardwebhooks.com/, "Verifying webhook authenticity") and sharing no code
with Questlog's signer.

The secret is ``whsec_`` followed by the base64 of the key. The signed content is
``{webhook-id}.{webhook-timestamp}.{body}``; ``webhook-signature`` is a space-separated list
of ``v1,<base64 of HMAC-SHA256(key, signed content)>``; the timestamp (seconds since the
epoch) must be within a tolerance of now (five minutes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

TOLERANCE_SECONDS = 5 * 60


class Unverified(Exception):
    """The request is not signed by the holder of the secret."""


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    """Raise :class:`Unverified` unless ``headers`` carry a valid v1 signature of ``body``."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lowered["webhook-id"]
        stamp = lowered["webhook-timestamp"]
        signatures = lowered["webhook-signature"]
    except KeyError as missing:
        raise Unverified(f"missing header {missing}") from None
    if not secret.startswith("whsec_"):
        raise Unverified("not a Standard Webhooks secret")
    key = base64.b64decode(secret[len("whsec_") :])
    moment = int(stamp)
    if abs((time.time() if now is None else now) - moment) > TOLERANCE_SECONDS:
        raise Unverified("timestamp outside the tolerance")
    to_sign = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest())
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return
    raise Unverified("no matching v1 signature")
