"""Access tokens: short-lived HS256 JWTs with a `jti` that can be revoked.

Each token carries the `ver` (token version) of its user or client at issue; bumping the
version (password change, new secret, fewer scopes, fewer roles) ends every older token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import delete

from issuer import clock
from issuer.accounts.models import RevokedToken
from issuer.db import db
from issuer.errors import Unauthorized
from issuer.settings import Settings

AUDIENCE = "certifikation-api"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: who (`sub`, `kind`), which scopes, until when."""

    jti: str
    sub: str
    kind: str  # user | client
    scopes: tuple[str, ...]
    expires_at: datetime
    version: int = 0


def issue(
    settings: Settings, *, sub: str, kind: str, scopes: tuple[str, ...] = (), version: int = 0
) -> tuple[str, int]:
    """Sign a token for `sub`; return it with its lifetime in seconds."""
    ttl = settings.user_token_ttl if kind == "user" else settings.client_token_ttl
    issued = clock.now()
    payload: dict[str, Any] = {
        "iss": settings.public_url,
        "aud": AUDIENCE,
        "sub": sub,
        "kind": kind,
        "jti": secrets.token_urlsafe(16),
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=ttl)).timestamp()),
        "ver": version,
    }
    if scopes:
        payload["scope"] = " ".join(scopes)
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM), ttl


def decode(settings: Settings, token: str) -> TokenClaims:
    """Check signature, audience, expiry (by the app clock) and revocation; raise Unauthorized."""
    try:
        payload = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=settings.public_url,
            options={"verify_exp": False, "require": ["exp", "sub", "jti", "kind", "ver"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The access token is invalid: {exc}.") from None
    expires_at = datetime.fromtimestamp(payload["exp"], UTC)
    if clock.now() >= expires_at:
        raise Unauthorized("The access token has expired; request a new one.")
    if db.session.get(RevokedToken, payload["jti"]) is not None:
        raise Unauthorized("The access token has been revoked.")
    return TokenClaims(
        jti=payload["jti"],
        sub=payload["sub"],
        kind=payload["kind"],
        scopes=tuple(payload.get("scope", "").split()),
        expires_at=expires_at,
        version=payload["ver"] if isinstance(payload["ver"], int) else -1,
    )


def revoke(claims: TokenClaims) -> None:
    """Refuse this token from now on (until it would have expired anyway)."""
    if db.session.get(RevokedToken, claims.jti) is None:
        db.session.add(RevokedToken(jti=claims.jti, expires_at=claims.expires_at))
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < clock.now()))
