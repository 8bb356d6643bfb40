"""Webhook signature checks shared by the vendors that sign their deliveries."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


def hmac_sha256_matches(secret: str, body: bytes, signature: str, *, decoded_key: bool = False) -> bool:
    """Whether ``signature`` is HMAC-SHA256(key, body) in hex, base64 or base64url (padding optional).

    The key is the secret as it is; with ``decoded_key`` also the secret base64url-decoded
    (see ``base64url_key``). Every comparison runs, each in constant time, so the time taken
    says nothing about which one came close; a malformed signature simply does not match.
    """
    if not secret or not signature:
        return False
    keys = [secret.encode()]
    if decoded_key and (decoded := base64url_key(secret)) is not None:
        keys.append(decoded)
    signature = signature.strip()
    given_hex = signature.lower().encode()
    padded = signature + "=" * (-len(signature) % 4)
    given_raw = []
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            given_raw.append(decode(padded.encode()))
        except (binascii.Error, ValueError):
            continue
    matches = []
    for key in keys:
        digest = hmac.new(key, body, hashlib.sha256).digest()
        matches.append(hmac.compare_digest(given_hex, digest.hex().encode()))
        matches.extend(hmac.compare_digest(raw, digest) for raw in given_raw)
    return any(matches)


def base64url_key(secret: str) -> bytes | None:
    """The secret decoded the way intervue's Python example does it (padded to a multiple of 4, then
    ``urlsafe_b64decode``), or None when it cannot be decoded so."""
    key = secret.encode()
    key += b"=" * {2: 2, 3: 1}.get(len(key) % 4, 0)
    try:
        return base64.urlsafe_b64decode(key)
    except (binascii.Error, ValueError):
        return None
