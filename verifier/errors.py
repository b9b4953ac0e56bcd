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


class MalformedInput(VerifierError):
    """The bytes cannot be read as a credential (truncated, too large, too deep, bad encoding)."""

    slug = "malformed-input"


class NoCredential(MalformedInput):
    """The file is sound but carries no credential (an unbaked image, a PDF with no attachment)."""

    slug = "no-credential"


class TooComplex(MalformedInput):
    """The input is readable but needs more work than the budget allows: too complex to verify."""

    slug = "too-complex"


class CanonicalizationError(TooComplex):
    """An RDF dataset needs more canonicalization work than the budget allows (a poison graph)."""

    slug = "canonicalization-limit"


class ExpansionLimit(TooComplex):
    """A JSON-LD document is larger, deeper or uses more contexts than the budget allows."""

    slug = "expansion-limit"


class UndefinedTerm(VerifierError):
    """JSON-LD expansion would drop or invent a term: the document is not safe to sign or check."""

    slug = "undefined-term"


class InvalidProof(VerifierError):
    """A proof or signature does not verify, or is not well formed."""

    slug = "invalid-proof"


class ResolutionError(VerifierError):
    """A key, DID document or status list could not be obtained."""

    slug = "resolution-failed"


class UnknownVerificationMethod(ResolutionError):
    """A DID or controller document was found but lists no method of that id."""

    slug = "unknown-verification-method"


class HttpStatusError(ResolutionError):
    """The server answered with a status other than 200 or a redirect."""

    slug = "http-status"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class FetchRefused(ResolutionError):
    """A fetch was refused before any connection: private address, bad scheme, no network."""

    slug = "fetch-refused"


class InvalidStatusList(VerifierError):
    """A status list's encodedList cannot be expanded, or an index lies outside it."""

    slug = "invalid-status-list"


class TemplateMismatch(VerifierError):
    """A batch template cannot reproduce full JSON-LD processing for a document or values."""

    slug = "template-mismatch"
