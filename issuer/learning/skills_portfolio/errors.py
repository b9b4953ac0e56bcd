"""Errors of evidence uploads and of the storage that keeps them."""

from __future__ import annotations

from issuer.errors import IssuerError, PayloadTooLarge, UnsupportedMediaType


class UnsupportedEvidence(UnsupportedMediaType):
    """The file is not a PDF, image, office document or plain text; `detail` lists those."""

    slug, title = "unsupported-evidence", "Unsupported evidence file"


class EvidenceTooLarge(PayloadTooLarge):
    """The evidence file is larger than CERTIFIKATION_MAX_EVIDENCE_BYTES."""

    slug, title = "evidence-too-large", "Evidence file too large"


class StorageError(IssuerError):
    """The evidence store failed, or was asked for a key it never hands out."""

    slug, status, title = "storage-error", 503, "Evidence storage unavailable"
