"""Proof that a person receives mail at an address: single-use, expiring, hashed tokens.

The token travels only in the message sent to the address; the database keeps its SHA-256,
so a copy of the database opens no account. Using a token is one conditional UPDATE, so two
concurrent uses of one token cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Literal

from sqlalchemy import select, update

from issuer import clock
from issuer.accounts.models import AddressToken
from issuer.db import db
from issuer.errors import FieldError, ValidationError

Purpose = Literal["invite", "claim", "reset", "sign_in"]

LIFETIMES: dict[Purpose, timedelta] = {
    "invite": timedelta(days=7),
    "claim": timedelta(hours=24),
    "reset": timedelta(hours=1),
    "sign_in": timedelta(minutes=15),
}
INVALID = "This link is invalid, already used or expired; ask for a new one."


def _invalid() -> ValidationError:
    return ValidationError(INVALID, errors=[FieldError(INVALID, pointer="/token")])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(purpose: Purpose, email: str) -> tuple[AddressToken, str]:
    """A new token for `email` (already normalised); returns the row and the secret."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    row = AddressToken(
        purpose=purpose,
        email=email,
        token_hash=_digest(secret),
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    db.session.add(row)
    db.session.flush()
    return row, secret


def peek(purpose: Purpose, secret: str) -> AddressToken:
    """The live token behind `secret`, without using it; raise ValidationError otherwise."""
    row = db.session.scalar(
        select(AddressToken).where(
            AddressToken.token_hash == _digest(secret), AddressToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        raise _invalid()
    return row


def use(purpose: Purpose, secret: str) -> AddressToken:
    """Spend the token behind `secret` (once, before it expires) and return it."""
    row = peek(purpose, secret)
    spent = db.session.execute(
        update(AddressToken)
        .where(AddressToken.id == row.id, AddressToken.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise _invalid()
    db.session.refresh(row)
    return row


def retire(purpose: Purpose, email: str) -> None:
    """Spend every unused token of `purpose` for `email` (a newer one replaces them)."""
    db.session.execute(
        update(AddressToken)
        .where(
            AddressToken.email == email,
            AddressToken.purpose == purpose,
            AddressToken.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
