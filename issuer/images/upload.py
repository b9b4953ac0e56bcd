"""Reading an uploaded image from a request: raw bytes, or the multipart field `file`."""

from __future__ import annotations

from typing import Any

from flask import request

from issuer.errors import BadRequest

# The OpenAPI requestBody of every image upload endpoint.
IMAGE_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/png", "image/jpeg", "image/svg+xml")
    }
    | {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}


def uploaded_bytes() -> bytes:
    """The image bytes of the current request; checking them is validation's job."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest("Send the image as the multipart field `file`.")
        return bytes(upload.read())
    data = request.get_data(cache=False)
    if not data:
        raise BadRequest("Send the image bytes as the request body, or as multipart field `file`.")
    return data
