"""Password and client-secret hashing with Argon2id (RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified when the user does not exist, so a miss costs as much as a wrong password.
_DUMMY_HASH = _hasher.hash("certifikation-timing-equaliser")


def hash_secret(secret: str) -> str:
    """Hash a password or client secret for storage."""
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches `stored_hash`; a missing hash still spends the same time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
