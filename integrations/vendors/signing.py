"""Webhook signature checks shared by the vendors that sign their deliveries."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


def hmac_sha256_matches(secret: str, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is HMAC-SHA256(secret, body) in hex, base64 or base64url (padding optional).

    Every comparison runs in constant time; a malformed signature simply does not match.
    """
    if not secret or not signature:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    signature = signature.strip()
    candidates = [signature.lower().encode()]  # hex
    padded = signature + "=" * (-len(signature) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            candidates.append(decode(padded.encode()))
        except (binascii.Error, ValueError):
            continue
    matches = [
        hmac.compare_digest(candidates[0], digest.hex().encode()),
        *(hmac.compare_digest(candidate, digest) for candidate in candidates[1:]),
    ]
    return any(matches)
