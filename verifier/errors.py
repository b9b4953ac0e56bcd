"""The one exception tree of the verifier, each class with a stable ``slug``."""

from __future__ import annotations


class VerifierError(Exception):
    """The base of every error the verifier raises."""

    slug = "verifier-error"


class UnknownContext(VerifierError):
    """A JSON-LD context URL is not in the pinned manifest, so it is not fetched."""

    slug = "unknown-context"

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url} is not pinned; refusing to fetch it")
        self.url = url


class ContextIntegrityError(VerifierError):
    """A shipped context file's SHA-256 does not match the manifest."""

    slug = "context-integrity"


class InvalidKey(VerifierError):
    """A public key is malformed: bad multibase, multicodec, JWK or did:key."""

    slug = "invalid-key"


class UnsupportedFormat(VerifierError):
    """The input is in no format the verifier reads."""

    slug = "unsupported-format"
