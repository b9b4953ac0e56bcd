"""Public image bytes: /images/<id>."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, request

from issuer.db import get_or_404
from issuer.images.models import Image

public = Blueprint("images", __name__)


@public.get("/images/<uuid:image_id>")
def image(image_id: uuid.UUID) -> Response:
    """Serve a stored image; immutable, so it caches forever."""
    stored = get_or_404(Image, image_id)
    etag = f'"{stored.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=31536000, immutable",
        # SVG is sanitised on upload; this stops anything that slipped through from running.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    }
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers=headers)
    return Response(stored.data, mimetype=stored.media_type, headers=headers)


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [public]
