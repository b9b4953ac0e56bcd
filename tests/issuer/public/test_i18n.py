"""English and French on the public pages: Accept-Language, the ?lang= switch, the catalogue."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from issuer import i18n
from issuer.public import page
from tests.factories import Factories
from tests.issuer.resolver import AppResolver
from verifier.report import Check, Report

ROOT = Path(__file__).resolve().parents[3]
FRENCH = ROOT / "issuer/translations/fr/LC_MESSAGES/messages.po"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NBSP = "\u00a0"


@pytest.fixture
def credential(app: Flask, client: FlaskClient, factories: Factories) -> str:
    app.extensions["resolver"] = AppResolver(client)
    achievement = factories.achievement(factories.issuer(factories.tenant()))
    recipient = {"type": "email", "identity": "zoe@school.test", "name": "Zoé O'Brien"}
    return str(factories.credential(achievement, recipient=recipient))


def _page(client: FlaskClient, url: str, language: str | None = None) -> str:
    headers = {"Accept": BROWSER} | ({"Accept-Language": language} if language else {})
    response = client.get(url, headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_a_french_reader_gets_the_page_in_french(client: FlaskClient, credential: str) -> None:
    html = _page(client, f"/c/{credential}", "fr-FR,fr;q=0.9,en;q=0.5")
    assert '<html lang="fr">' in html
    assert "Attestation vérifiée" in html and "Verified credential" not in html
    assert f"Non modifiée depuis sa délivrance{NBSP}:" in html and "✓ Oui" in html
    assert "<dd>2 mars 2026</dd>" in html and "Délivrée par Issuer le 2 mars 2026." in html
    assert "Décernée à <strong>Zoé O&#39;Brien</strong>" in html  # names stay escaped
    assert "Partager et télécharger" in html


def test_the_switch_links_to_the_other_language_in_its_own_words(
    client: FlaskClient, credential: str
) -> None:
    english = _page(client, f"/c/{credential}")
    assert '<a href="?lang=fr" hreflang="fr" lang="fr">Français</a>' in english
    assert english.index("<header>") < english.index('hreflang="fr"') < english.index("</header>")
    french = _page(client, f"/c/{credential}?lang=fr")
    assert '<html lang="fr">' in french
    assert '<a href="?lang=en" hreflang="en" lang="en">English</a>' in french


def test_lang_in_the_query_overrides_accept_language(client: FlaskClient, credential: str) -> None:
    html = _page(client, f"/c/{credential}?lang=en", "fr")
    assert '<html lang="en">' in html and "Verified credential" in html
    assert "<dd>2 March 2026</dd>" in html


@pytest.mark.parametrize(
    ("query", "language"), [("", "de-DE,de;q=0.9,ja;q=0.5"), ("?lang=xx", "nl"), ("", "*")]
)
def test_other_languages_fall_back_to_english(
    client: FlaskClient, credential: str, query: str, language: str
) -> None:
    html = _page(client, f"/c/{credential}{query}", language)
    assert '<html lang="en">' in html and "Verified credential" in html


def test_html_varies_on_accept_language_and_documents_do_not(
    client: FlaskClient, credential: str
) -> None:
    html = client.get(f"/c/{credential}", headers={"Accept": BROWSER})
    assert html.status_code == 200 and html.headers["Vary"] == "Accept, Accept-Language"
    document = client.get(f"/c/{credential}", headers={"Accept": "application/ld+json"})
    assert document.status_code == 200 and document.headers["Vary"] == "Accept"
    form, unreadable = client.get("/verify"), client.post("/verify", data={"text": "hello"})
    assert (form.status_code, unreadable.status_code) == (200, 422)
    for response in (form, unreadable):
        assert "Accept-Language" in response.headers["Vary"]


def test_the_verify_page_and_its_errors_speak_french(client: FlaskClient) -> None:
    french = {"Accept-Language": "fr"}
    page = client.get("/verify", headers=french)
    form = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="fr">' in form
    assert "Vérifier une attestation" in form
    assert 'action="/verify?lang=fr"' in form  # the result keeps the language chosen
    empty = client.post("/verify", data={}, headers=french)
    assert empty.status_code == 400
    assert "Choisissez un fichier, collez une attestation ou indiquez son URL." in empty.get_data(
        as_text=True
    )
    unreadable = client.post("/verify", data={"text": "hello"}, headers=french)
    text = unreadable.get_data(as_text=True)
    assert unreadable.status_code == 422 and "Vérification impossible" in text
    assert f"Ce n’est pas une attestation que nous savons lire{NBSP}:" in text
    assert "The input is not a credential" in text  # the verifier's own detail stays English


def test_a_french_result_names_each_check_in_french(client: FlaskClient, credential: str) -> None:
    signed = client.get(f"/c/{credential}/credential.json").get_data(as_text=True)
    r = client.post("/verify?lang=fr", data={"text": signed})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Attestation vérifiée" in html
    assert f"Attestation lisible{NBSP}:" in html


def test_the_api_answers_in_english_whatever_the_language(client: FlaskClient) -> None:
    r = client.post(
        "/api/verify", data=b"\x00garbage", headers={"Accept-Language": "fr"}, content_type="x/y"
    )
    assert r.status_code == 422 and r.json["detail"].startswith("This is not a credential")


def test_a_revoked_verdict_and_dates_in_french(app: Flask) -> None:
    checks = (Check("proof", "passed", "ok"),)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        revoked = page.verdict(Report("json", checks), recorded="revoked", reason="Erreur")
        assert revoked.headline == "Cette attestation a été révoquée"
        assert revoked.detail == f"Motif donné par l’émetteur{NBSP}: Erreur"
        assert page.human_date("2026-07-01T00:00:00Z") == "1 juillet 2026"
    with app.test_request_context():
        assert page.human_date("2026-07-01T00:00:00Z") == "1 July 2026"
    with app.app_context():  # a task or the CLI has no reader: English
        assert i18n.current() == "en"


def test_every_message_has_a_french_translation() -> None:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    extracted = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map)
    }
    assert "Verified credential" in extracted and "Verify a credential" in extracted
    with FRENCH.open("rb") as source:
        catalogue = read_po(source, locale="fr")
    translated = {m.id: m for m in catalogue if m.id and m.string and not m.fuzzy}
    assert sorted(extracted - translated.keys()) == [], "run `make translations`, then translate"
    assert [(m.id, errors) for m, errors in catalogue.check()] == []  # placeholders agree


def test_a_stale_catalogue_is_compiled_and_an_unreadable_one_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = tmp_path / "fr/LC_MESSAGES"
    good.mkdir(parents=True)
    (good / "messages.po").write_text('msgid "Verify"\nmsgstr "Vérifier"\n', encoding="utf-8")
    broken = tmp_path / "de/LC_MESSAGES/messages.po"
    broken.mkdir(parents=True)  # a directory where a file should be: cannot be read
    with caplog.at_level(logging.WARNING, logger="issuer.i18n"):
        i18n.compile_catalogues(tmp_path)
    assert (good / "messages.mo").stat().st_size > 0
    assert "Could not compile" in caplog.text and "de/LC_MESSAGES" in caplog.text
    compiled = (good / "messages.mo").stat().st_mtime_ns
    i18n.compile_catalogues(tmp_path)  # fresh: left alone
    assert (good / "messages.mo").stat().st_mtime_ns == compiled
    assert sorted(p.name for p in good.iterdir()) == ["messages.mo", "messages.po"]
