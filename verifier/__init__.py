"""Certifikation's verifier: a pure library that checks Open Badges 2.0/3.0 credentials.

It never imports Flask or the issuer, keeps no database and does no I/O of its
own; documents from elsewhere (JSON-LD contexts, keys, status lists) arrive only
through an injected document loader, and the default loader serves pinned
contexts shipped with the package.
"""

from __future__ import annotations

from verifier.did_key import did_key_from_public_key, resolve_did_key
from verifier.errors import (
    ContextIntegrityError,
    InvalidKey,
    UnknownContext,
    UnsupportedFormat,
    VerifierError,
)
from verifier.loader import (
    DocumentLoader,
    PinnedContexts,
    RemoteDocument,
    load_context,
    offline_loader,
    pinned_contexts,
)
from verifier.multikey import (
    PublicKey,
    decode_public_key,
    encode_public_key,
    jwk_thumbprint,
    public_key_from_jwk,
    public_key_to_jwk,
)

__all__ = [
    "ContextIntegrityError",
    "DocumentLoader",
    "InvalidKey",
    "PinnedContexts",
    "PublicKey",
    "RemoteDocument",
    "UnknownContext",
    "UnsupportedFormat",
    "VerifierError",
    "decode_public_key",
    "did_key_from_public_key",
    "encode_public_key",
    "jwk_thumbprint",
    "load_context",
    "offline_loader",
    "pinned_contexts",
    "public_key_from_jwk",
    "public_key_to_jwk",
    "resolve_did_key",
]
