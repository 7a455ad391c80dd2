"""How a school's request to the hub is authenticated: HMAC-SHA256 over the timestamp,
the nonce and the body, with the key's secret (issue 31 §1).

    X-Ecoles-Key: the key id
    X-Ecoles-Timestamp: seconds since 1970 (UTC) when the request was made
    X-Ecoles-Nonce: 16 to 64 characters [A-Za-z0-9_-], never twice with one key
    X-Ecoles-Signature: hex HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + body)

A forged body fails the signature; a request sent again fails the nonce (kept by the
hub for twice the window) or, later, the timestamp (WINDOW seconds either way).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

KEY = "X-Ecoles-Key"
TIMESTAMP = "X-Ecoles-Timestamp"
NONCE = "X-Ecoles-Nonce"
SIGNATURE = "X-Ecoles-Signature"
WINDOW = 300  # seconds a request's timestamp may differ from the hub's clock
NONCE_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(key_id: str, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The headers that authenticate `body` (a new nonce each call)."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(24)
    return {
        KEY: key_id,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SIGNATURE: signature(secret, timestamp, nonce, body),
    }


def fresh(timestamp: str, now: float | None = None) -> bool:
    """The timestamp is a whole number of seconds within WINDOW of now."""
    if not re.fullmatch(r"\d{1,12}", timestamp or ""):
        return False
    return abs(int(timestamp) - (time.time() if now is None else now)) <= WINDOW


def valid(secret: str, timestamp: str, nonce: str, body: bytes, given: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, nonce, body), given or "")
