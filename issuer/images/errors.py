"""Errors of image uploads."""

from __future__ import annotations

from issuer.errors import ValidationError


class InvalidImage(ValidationError):
    """An upload that is not an acceptable PNG, JPEG or SVG; `detail` says what to upload."""

    slug, title = "invalid-image", "Invalid image"
