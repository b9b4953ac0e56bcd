"""Public image bytes: /images/<id>."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, request

from issuer.errors import NotFound, get_or_404
from issuer.images import services
from issuer.images.models import Image

public = Blueprint("images", __name__)


@public.get("/images/<uuid:image_id>")
def image(image_id: uuid.UUID) -> Response:
    """Serve a stored image; immutable, so it caches forever."""
    stored = get_or_404(Image, image_id)
    return _immutable(stored.data, stored.media_type, f'"{stored.sha256}"')


@public.get("/images/<uuid:image_id>/w<int:size>")
def thumbnail(image_id: uuid.UUID, size: int) -> Response:
    """The image fitted in size×size pixels (96, 192 or 384), for pages on slow links."""
    if size not in services.THUMBNAIL_SIZES:
        raise NotFound(f"Sizes: {', '.join(map(str, services.THUMBNAIL_SIZES))}.")
    stored = get_or_404(Image, image_id)
    data, media_type = services.thumbnail(stored, size)
    return _immutable(data, media_type, f'"{stored.sha256}-{size}"')


def _immutable(data: bytes, media_type: str, etag: str) -> Response:
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        # SVG is sanitised on upload; this stops anything that slipped through from running.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers=headers)
    return Response(data, mimetype=media_type, headers=headers)


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [public]
