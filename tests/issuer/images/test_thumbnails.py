"""Small renditions of uploaded images: what pages show on a slow link."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image as PillowImage

from issuer.db import db
from issuer.images import services
from tests.factories import Factories

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>'


def _photo(size: int = 900) -> bytes:
    """A noisy image that compresses badly, like a real photo or detailed badge art."""
    rng = random.Random(7)
    image = PillowImage.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _stored(app: Flask, data: bytes) -> uuid.UUID:
    with app.app_context():
        image = services.store(data, max_bytes=5_000_000)
        db.session.commit()
        return image.id


def test_a_large_upload_is_served_small(app: Flask, client: FlaskClient) -> None:
    original = _photo()
    image_id = _stored(app, original)
    r = client.get(f"/images/{image_id}/w192")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert len(r.data) < len(original) / 4
    with PillowImage.open(io.BytesIO(r.data)) as small:
        assert max(small.size) == 192
    assert "immutable" in r.headers["Cache-Control"]
    again = client.get(f"/images/{image_id}/w192", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_svg_is_served_as_is_and_odd_sizes_are_404(app: Flask, client: FlaskClient) -> None:
    image_id = _stored(app, SVG)
    r = client.get(f"/images/{image_id}/w96")
    assert r.mimetype == "image/svg+xml" and b"<rect" in r.data
    r = client.get(f"/images/{image_id}/w4000")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


@pytest.mark.parametrize("with_art", [True, False])
def test_the_credential_page_links_renditions_not_uploads(
    app: Flask, client: FlaskClient, factories: Factories, with_art: bool
) -> None:
    issuer = factories.issuer(factories.tenant())
    content = {"image_id": _stored(app, _photo())} if with_art else {}
    achievement = factories.achievement(issuer, **content)
    credential = factories.credential(achievement)
    html = client.get(f"/c/{credential}", headers={"Accept": "text/html"}).get_data(as_text=True)
    if with_art:
        assert f'src="https://certs.example.test/images/{content["image_id"]}/w192"' in html
    else:
        assert f'src="https://certs.example.test/c/{credential}/badge.png"' in html
