"""Storing validated images."""

from __future__ import annotations

import hashlib

from issuer import clock
from issuer.db import db
from issuer.images.models import Image
from issuer.images.validation import validate_image


def store(data: bytes, *, max_bytes: int) -> Image:
    """Validate (and for SVG sanitise) `data`, then add it to the session as an Image."""
    valid = validate_image(data, max_bytes=max_bytes)
    image = Image(
        media_type=valid.media_type,
        data=valid.data,
        sha256=hashlib.sha256(valid.data).hexdigest(),
        width=valid.width,
        height=valid.height,
        created_at=clock.now(),
    )
    db.session.add(image)
    db.session.flush()
    return image
