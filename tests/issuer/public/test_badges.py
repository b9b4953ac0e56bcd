"""Baked badge images: every one verifies, and baking never re-encodes the artwork."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.errors import get_or_404
from issuer.images import services as images
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement
from issuer.public import badges
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.formats import png, svg
from verifier.pipeline import verify

NOW = datetime(2026, 6, 1, tzinfo=UTC)
URLS = {
    "ob3-png": "/c/{}/badge.png",
    "ob3-svg": "/c/{}/badge.svg",
    "ob2-png": "/ob2/assertions/{}/badge.png",
    "ob2-svg": "/ob2/assertions/{}/badge.svg",
}


def _png_art() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#336699").save(out, format="PNG")
    return out.getvalue()


def _award_with_image(app: Flask, factories: Factories, art: bytes | None) -> uuid.UUID:
    issuer = factories.issuer(factories.tenant())
    achievement_id = factories.achievement(issuer)
    if art is not None:
        with app.app_context():
            achievement = get_or_404(Achievement, achievement_id)
            image = images.store(art, max_bytes=1_000_000)
            issuance.revise_achievement(SYSTEM, achievement, {"image_id": image.id})
            db.session.commit()
    return factories.credential(achievement_id)


SVG_ART = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="red"/></svg>'
)


def _jpeg_art() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "#aa3300").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(URLS))
@pytest.mark.parametrize("art", ["none", "png", "svg", "jpeg"])
def test_every_baked_badge_verifies(
    app: Flask, client: FlaskClient, factories: Factories, kind: str, art: str
) -> None:
    source = {"none": None, "png": _png_art(), "svg": SVG_ART, "jpeg": _jpeg_art()}[art]
    credential = _award_with_image(app, factories, source)
    r = client.get(URLS[kind].format(credential))
    assert r.status_code == 200
    assert r.mimetype == ("image/png" if kind.endswith("png") else "image/svg+xml")
    assert r.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "immutable" in r.headers["Cache-Control"] and r.headers["ETag"]
    report = verify(r.data, resolver=AppResolver(client), now=NOW)
    assert report.verified, (kind, art, report.as_dict()["checks"])


def test_baked_badge_fails_after_one_byte_changes(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    credential = _award_with_image(app, factories, None)
    baked = client.get(f"/c/{credential}/badge.svg").data
    head, body = baked.split(b"<![CDATA[", 1)  # change the credential, not the artwork
    forged = head + b"<![CDATA[" + body.replace(b"Inclusive", b"Exclusive", 1)
    assert forged != baked
    assert not verify(forged, resolver=AppResolver(client), now=NOW).verified


def test_png_is_the_upload_plus_one_chunk(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    art = _png_art()
    credential = _award_with_image(app, factories, art)
    for kind, keyword in (("ob3-png", "openbadgecredential"), ("ob2-png", "openbadges")):
        baked = client.get(URLS[kind].format(credential)).data
        added = [c for c in png.chunks(baked) if c.type == b"iTXt"]
        assert len(added) == 1
        chunk = added[0]
        assert baked[: chunk.start] + baked[chunk.end :] == art
        assert png.extract(baked)[0] == keyword


def test_ob2_badges_carry_the_signed_assertion(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    credential = _award_with_image(app, factories, None)
    jws = client.get(f"/ob2/assertions/{credential}/signed").data.decode()
    assert png.extract(client.get(URLS["ob2-png"].format(credential)).data) == ("openbadges", jws)
    baked = svg.extract(client.get(URLS["ob2-svg"].format(credential)).data)
    assert (baked.version, baked.verify) == ("ob2", jws)


def test_the_etag_answers_not_modified(
    app: Flask, client: FlaskClient, factories: Factories
) -> None:
    credential = _award_with_image(app, factories, None)
    first = client.get(URLS["ob3-png"].format(credential))
    again = client.get(
        URLS["ob3-png"].format(credential), headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


@pytest.mark.parametrize("kind", sorted(URLS))
def test_unknown_credential_is_a_404_problem(client: FlaskClient, kind: str) -> None:
    r = client.get(URLS[kind].format(uuid.uuid4()))
    assert r.status_code == 404
    assert r.mimetype == "application/problem+json"


def test_generated_badge_is_deterministic_and_escaped() -> None:
    badges.default_png.cache_clear()
    first = badges.default_png("Safety <First> & Co", "issuer-1")
    badges.default_png.cache_clear()
    assert badges.default_png("Safety <First> & Co", "issuer-1") == first
    with Image.open(io.BytesIO(first)) as image:
        assert image.size == (512, 512)
    drawn = badges.default_svg('Safety <First> & "Co"', "issuer-1")
    assert b"<First>" not in drawn and b"&lt;First&gt; &amp;" in drawn
    assert badges.default_svg("x", "issuer-1") == badges.default_svg("x", "issuer-1")


@pytest.mark.parametrize(
    ("name", "letters"),
    [("Inclusive Classroom Practice", "IC"), ("The Art of Teaching", "AT"), ("42", "\u2605")],
)
def test_initials_skip_small_words(name: str, letters: str) -> None:
    assert badges.initials(name) == letters
