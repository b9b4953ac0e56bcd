"""The share image: a 1200×627 card, rendered once per credential and then served as kept."""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageFont
from sqlalchemy import insert

from issuer.db import db
from issuer.errors import get_or_404
from issuer.images.models import Image as ImageRow
from issuer.issuance.models import Credential
from issuer.public import badges, share
from issuer.public.models import ShareImage
from tests.factories import Factories

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _credential(factories: Factories, **content: str) -> uuid.UUID:
    issuer = factories.issuer(factories.tenant(), name="State Teacher Academy")
    return factories.credential(factories.achievement(issuer, **content))


def test_share_image_is_a_small_1200_by_627_png(client: FlaskClient, factories: Factories) -> None:
    credential = _credential(factories)
    r = client.get(f"/c/{credential}/share.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert len(r.data) < 100_000
    assert "immutable" in r.headers["Cache-Control"] and r.headers["ETag"]
    assert "Content-Disposition" not in r.headers  # shown inline by link previews
    with Image.open(io.BytesIO(r.data)) as image:
        assert image.size == (1200, 627)


def test_share_image_is_rendered_once(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    credential = _credential(factories, name="A very long achievement name " * 6)
    r = client.get(f"/c/{credential}/share.png")
    assert r.status_code == 200
    first = r.data
    with app.app_context():
        kept = db.session.get(ShareImage, credential)
        assert kept is not None and kept.png == first
    started = time.perf_counter()
    again = client.get(f"/c/{credential}/share.png").data
    assert again == first
    assert time.perf_counter() - started < 0.05


def test_unknown_credential_has_no_share_image(client: FlaskClient) -> None:
    r = client.get(f"/c/{uuid.uuid4()}/share.png")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_long_text_wraps_and_ends_in_an_ellipsis() -> None:
    font = badges.font_of(40, bold=True)
    lines = share._wrap("word " * 60 + "Supercalifragilistic" * 5, font, 500, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("\u2026")
    assert all(font.getlength(line) <= 500 for line in lines)
    assert share._wrap("Short", font, 500, max_lines=3) == ["Short"]


def test_a_concurrent_render_stored_first_is_no_error(
    app: Flask, client: FlaskClient, factories: Factories, monkeypatch: pytest.MonkeyPatch
) -> None:
    credential = _credential(factories)
    render = share.render

    def render_while_another_request_stores(stored: Credential) -> bytes:
        data = render(stored)
        db.session.execute(
            insert(ShareImage).values(credential_id=stored.id, png=data, created_at=NOW)
        )
        return data

    monkeypatch.setattr(share, "render", render_while_another_request_stores)
    first = client.get(f"/c/{credential}/share.png")
    assert first.status_code == 200
    monkeypatch.undo()
    assert client.get(f"/c/{credential}/share.png").data == first.data


def test_a_jpeg_badge_and_missing_names_still_render(app: Flask, factories: Factories) -> None:
    jpeg = io.BytesIO()
    Image.new("RGB", (300, 200), "#aa3300").save(jpeg, format="JPEG")
    credential = _credential(factories)
    with app.test_request_context():
        stored = get_or_404(Credential, credential)
        db.session.expunge(stored)
        document = json.loads(stored.ob3_json)
        del document["issuer"]["name"]
        stored.ob3_json, stored.recipient_name = json.dumps(document), ""
        art = badges.Artwork("Name", "issuer", None)
        monkey = pytest.MonkeyPatch()
        monkey.setattr(badges, "artwork", lambda _: art)
        try:
            plain = share.render(stored)
            art = badges.Artwork("Name", "issuer", _jpeg_image(jpeg.getvalue()))
            photo = share.render(stored)
        finally:
            monkey.undo()
    for data in (plain, photo):
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 627)
    assert plain != photo


def _jpeg_image(data: bytes) -> ImageRow:
    return ImageRow(media_type="image/jpeg", data=data, sha256="", width=300, height=200)


def test_fonts_fall_back_to_pillows_own(monkeypatch: pytest.MonkeyPatch) -> None:
    truetype = ImageFont.truetype

    def no_files(font: object, *args: Any, **kwargs: Any) -> ImageFont.FreeTypeFont:
        if isinstance(font, str):  # a path: as when fonts-dejavu-core is not installed
            raise OSError("cannot open resource")
        return truetype(font, *args, **kwargs)  # type: ignore[arg-type]  # Pillow's own font

    monkeypatch.setattr(ImageFont, "truetype", no_files)
    badges.font_of.cache_clear()
    try:
        font = badges.font_of(20, bold=True)
        assert font.getlength("Verified") > 0
    finally:
        badges.font_of.cache_clear()
