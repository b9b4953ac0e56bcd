"""Attack (privacy): the earner hid their name, yet the public PDF certificate still shows it.

The PDF is rendered by the real renderer and read back as text (pypdf), as metadata and as
attachments (pikepdf), so the name cannot hide anywhere in it.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

import pikepdf
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from issuer.certificates import render
from tests.factories import Factories

NAME = "Zoë Łukasiewicz"
ACHIEVEMENT = "Évaluation formative"


@pytest.fixture
def hidden(client: FlaskClient, factories: Factories) -> dict[str, Any]:
    """A credential whose earner has downloaded the PDF once, then hidden their name."""
    issuer = factories.issuer(factories.tenant())
    credential = factories.credential(
        factories.achievement(issuer, name=ACHIEVEMENT),
        recipient={"type": "email", "identity": "zoe@school.test", "name": NAME},
    )
    earner = factories.earner(credential)
    assert NAME in _text(_download(client, credential))  # rendered and stored with the name
    r = client.patch(
        f"/api/v1/me/credentials/{credential}/display",
        json={"show_name": False},
        headers=earner.headers,
    )
    assert r.status_code == 200 and r.json["show_name"] is False
    return {"credential": credential, "earner": earner.headers}


def _download(client: FlaskClient, credential: uuid.UUID, **headers: str) -> bytes:
    r = client.get(f"/c/{credential}/certificate.pdf", headers=headers)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    return bytes(r.data)


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _everything_else(data: bytes) -> str:
    """The PDF's metadata (Info and XMP) and every attached file, as text."""
    with pikepdf.open(io.BytesIO(data)) as document:
        parts = [str(v) for v in document.docinfo.values()]
        parts += [str(document.open_metadata())]
        parts += [
            spec.get_file().read_bytes().decode("utf-8", "replace")
            for spec in document.attachments.values()
        ]
    return " ".join(parts)


def test_public_pdf_leaves_a_hidden_name_out_everywhere(
    client: FlaskClient, hidden: dict[str, Any]
) -> None:
    data = _download(client, hidden["credential"])
    text = _text(data)
    # still the certificate (a long id may wrap at a hyphen, so compare without whitespace)
    assert ACHIEVEMENT in text and str(hidden["credential"]) in "".join(text.split())
    assert "Łukasiewicz" not in text
    assert "Łukasiewicz" not in _everything_else(data)
    with pikepdf.open(io.BytesIO(data)) as document:
        assert not document.attachments  # the signed credential inside names the earner


def test_the_earner_still_downloads_the_full_certificate(
    client: FlaskClient, hidden: dict[str, Any]
) -> None:
    r = client.get(f"/c/{hidden['credential']}/certificate.pdf", headers=hidden["earner"])
    assert r.status_code == 200
    assert "no-store" in r.headers["Cache-Control"] and "Authorization" in r.headers["Vary"]
    assert NAME in _text(r.data)
    with pikepdf.open(io.BytesIO(r.data)) as document:
        assert set(document.attachments) == {"credential.json", "credential.jwt"}


def test_showing_the_name_again_restores_the_public_certificate(
    client: FlaskClient, hidden: dict[str, Any]
) -> None:
    client.patch(
        f"/api/v1/me/credentials/{hidden['credential']}/display",
        json={"show_name": True},
        headers=hidden["earner"],
    )
    assert NAME in _text(_download(client, hidden["credential"]))


def test_repeated_anonymous_downloads_draw_the_nameless_pdf_once(
    client: FlaskClient, hidden: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unauthenticated work stays bounded: a stranger fetching it in a loop costs no renders."""
    drawn: list[int] = []
    real = render.render_pdf

    def counted(html: str, **kwargs: Any) -> bytes:
        drawn.append(1)
        return real(html, **kwargs)

    monkeypatch.setattr(render, "render_pdf", counted)
    first = _download(client, hidden["credential"])
    assert all(_download(client, hidden["credential"]) == first for _ in range(5))
    assert len(drawn) <= 1 and "Łukasiewicz" not in _text(first)


def test_page_says_which_formats_still_carry_the_name(
    client: FlaskClient, hidden: dict[str, Any]
) -> None:
    page = client.get(f"/c/{hidden['credential']}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert NAME not in html
    assert "signed credential (JSON, JWT) and the badge images still carry it" in html
