"""Storing validated images, and the small renditions pages show."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

from PIL import Image as PillowImage

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


THUMBNAIL_SIZES = (96, 192, 384)  # CSS pixels at 1x, 2x and 4x of the pages' 96 px images
_thumbnails: OrderedDict[tuple[str, int], tuple[bytes, str]] = OrderedDict()
_thumbnails_lock = threading.Lock()
_THUMBNAILS_KEPT = 512


def thumbnail(image: Image, size: int) -> tuple[bytes, str]:
    """`image` fitted in `size`×`size` as PNG (SVG as is: it scales), kept per process.

    Pages show 96 px images; a 500 KB upload would otherwise blow a phone's page budget.
    Returns the bytes and their media type (the original's when it is smaller already).
    """
    if image.media_type == "image/svg+xml":
        return image.data, image.media_type
    key = (image.sha256, size)
    with _thumbnails_lock:
        kept = _thumbnails.get(key)
    if kept is None:
        with PillowImage.open(io.BytesIO(image.data)) as source:
            source.thumbnail((size, size), PillowImage.Resampling.LANCZOS)
            out = io.BytesIO()
            source.save(out, "PNG", optimize=True)
        smaller = out.getvalue()
        kept = (
            (smaller, "image/png")
            if len(smaller) < len(image.data)
            else (image.data, image.media_type)
        )
        with _thumbnails_lock:
            _thumbnails[key] = kept
            while len(_thumbnails) > _THUMBNAILS_KEPT:
                _thumbnails.popitem(last=False)
    return kept
