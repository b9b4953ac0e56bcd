"""Password hashing with Argon2id (RFC 9106); client secrets as SHA-256 digests.

People choose passwords, so each costs Argon2's 64 MiB and tens of milliseconds to guess. A
client secret is 256 random bits the server generated: no guess can succeed, so a slow hash
would only hand attackers a way to exhaust memory (OWASP: slow hashes are for passwords).
"""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when the user does not exist, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("certifikation-timing-equaliser")

DIGEST_PREFIX = "sha256$"
# Compared when the client id is unknown, so a miss takes the same path as a wrong secret.
_DUMMY_DIGEST = DIGEST_PREFIX + hashlib.sha256(b"certifikation-unknown-client").hexdigest()


def hash_secret(secret: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches `stored_hash`; a missing hash still spends the same time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def digest_client_secret(secret: str) -> str:
    """How a server-generated client secret is stored: its SHA-256, tagged."""
    return DIGEST_PREFIX + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def verify_client_secret(stored: str | None, secret: str) -> bool:
    """True when `secret` matches `stored`, a digest (compared in constant time) or, for
    clients made before digests, an Argon2 hash; None is compared against a dummy digest."""
    if stored is not None and not stored.startswith(DIGEST_PREFIX):
        return verify_secret(stored, secret)
    expected = stored or _DUMMY_DIGEST
    return hmac.compare_digest(digest_client_secret(secret), expected) and stored is not None


def is_digest(stored: str) -> bool:
    """False for an Argon2 client hash, which the next successful use replaces by a digest."""
    return stored.startswith(DIGEST_PREFIX)
