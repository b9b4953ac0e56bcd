"""People prove an address to claim an account, reset its password or sign in by link.

Each request mails a token to the address and answers the same whatever exists, so nobody
learns from it which addresses have accounts. Spending the token is the proof: it creates or
takes over the account at that address, and any password set before the proof (by whoever
made a placeholder) is dropped, so only the person's own choice opens it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from issuer import clock, mail
from issuer.accounts import addresses
from issuer.accounts.models import User
from issuer.accounts.passwords import hash_secret
from issuer.accounts.services import create_user, end_tokens, find_user, normalise_email
from issuer.audit import services as audit
from issuer.errors import FieldError, ValidationError

_MESSAGES: dict[addresses.Purpose, tuple[str, str, str]] = {
    "claim": (
        "Confirm your address on Certifikation",
        "/api/v1/account/claim/confirm",
        "to create your account (or take over the one issuers set up for this address)",
    ),
    "reset": (
        "Reset your Certifikation password",
        "/api/v1/auth/password-reset/confirm",
        "to choose a new password",
    ),
    "sign_in": (
        "Your Certifikation sign-in link",
        "/api/v1/auth/sign-in-link/confirm",
        "to sign in without a password",
    ),
}


def needs(field: str, detail: str) -> ValidationError:
    """A 422 naming the body field at fault."""
    return ValidationError(detail, errors=[FieldError(detail, pointer=f"/{field}")])


def request_token(purpose: addresses.Purpose, email: str) -> None:
    """Mail a `purpose` token to `email`: claims always, resets and links only to accounts.

    The caller answers the same in every case; only the mailbox learns the difference.
    """
    email = normalise_email(email)
    user = find_user(email)
    if purpose != "claim" and (user is None or not user.is_active):
        return
    addresses.retire(purpose, email)
    _, secret = addresses.issue(purpose, email)
    subject, path, why = _MESSAGES[purpose]
    lifetime = addresses.LIFETIMES[purpose]
    base = current_app.extensions["settings"].public_url
    mail.deliver_task.delay(
        email,
        subject,
        f"Hello,\n\nSomeone (we hope you) asked {why} at {base}.\n"
        f"Send this token to {base}{path} within {_duration(lifetime)}; "
        f"it works once:\n\n{secret}\n\n"
        "If this was not you, ignore this message: nothing changes without it.\n",
    )


def confirm_address(user: User, password: str | None) -> None:
    """The holder of a token mailed to `user.email` proved the address: mark it verified.

    An account verified for the first time loses any password it had: someone else may have
    set it. A new password, when given, replaces the old and ends every live token.
    """
    first_proof = user.email_verified_at is None
    if first_proof or password:
        user.password_hash = hash_secret(password) if password else None
        end_tokens(user)
    if first_proof:
        user.email_verified_at = clock.now()
    audit.record(("user", str(user.id)), "user.address.confirm", user, tenant_id=None)


def claim(secret: str, *, name: str, password: str) -> User:
    """Spend a claim token: the account at its address, created or taken over."""
    token = addresses.use("claim", secret)
    user = find_user(token.email)
    if user is None:
        user = create_user(token.email, name, password=password, verified=True)
        audit.record(("user", str(user.id)), "user.claim", user, tenant_id=None)
        return user
    user.name = name if user.email_verified_at is None else user.name
    confirm_address(user, password)
    return user


def reset_password(secret: str, password: str) -> User:
    """Spend a reset token: the account's new password."""
    return _spend("reset", secret, password)


def sign_in(secret: str) -> User:
    """Spend a sign-in link's token: the account it was sent for."""
    return _spend("sign_in", secret, None)


def _spend(purpose: addresses.Purpose, secret: str, password: str | None) -> User:
    token = addresses.use(purpose, secret)
    user = find_user(token.email)
    if user is None or not user.is_active:
        raise needs("token", addresses.INVALID)
    confirm_address(user, password)
    return user


def _duration(lifetime: timedelta) -> str:
    hours, minutes = divmod(int(lifetime.total_seconds() // 60), 60)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} hours" if hours else f"{minutes} minutes"
