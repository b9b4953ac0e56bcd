"""The public verifier: /verify (a page) and POST /api/verify (JSON); nothing is stored."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import force_locale, gettext, lazy_gettext

from issuer.errors import BadRequest, ValidationError
from issuer.extensions import limiter
from issuer.public import page
from issuer.public.resolver import LocalResolver
from verifier.errors import VerifierError
from verifier.pipeline import verify
from verifier.report import Report

public = Blueprint("verify", __name__)
LIMIT = "30 per minute"  # each check may fetch keys and status lists on the caller's behalf
NOTHING_GIVEN = lazy_gettext("Choose a file, paste a credential, or give its URL.")


def _resolver() -> LocalResolver:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return LocalResolver(app, fallback=app.extensions["resolver"])


def _submitted() -> bytes:
    """The credential from an upload, pasted text, a URL to fetch, or the raw body."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return bytes(upload.read())
    text = (request.form.get("text") or "").strip()
    if text:
        return text.encode()
    url = (request.form.get("url") or "").strip()
    if url:
        if not url.startswith(("https://", "http://")):
            raise BadRequest(gettext("Give an http(s) URL of a credential."))
        return _resolver().fetch(url, accept="application/ld+json, application/json, */*")
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.get_data()
    raise BadRequest(str(NOTHING_GIVEN))


def _check() -> Report:
    try:
        data = _submitted()
        if not data:
            raise BadRequest(str(NOTHING_GIVEN))
        return verify(data, resolver=_resolver())
    except VerifierError as exc:
        # The verifier's own words stay English: they are technical detail.
        detail = gettext("This is not a credential we can read: %(error)s", error=exc)
        raise ValidationError(detail) from None


def _page(status: int = 200, **context: Any) -> Response:
    html = render_template("public/verify.html", **context)
    return Response(html, status, mimetype="text/html", headers={"Vary": "Accept-Language"})


@public.get("/verify")
def verify_page() -> Response:
    """The form: drop or choose a file, paste text, or give a URL."""
    return _page()


@public.post("/verify")
@limiter.limit(LIMIT)
def verify_submit() -> Response:
    """Verify what was submitted and show every check in plain words."""
    try:
        report = _check()
    except (BadRequest, ValidationError) as exc:
        response = _page(exc.status, error=exc.detail)
    else:
        response = _page(
            verdict=page.verdict(report),
            checks=[(page.TITLES.get(c.id, c.id), c) for c in report.checks],
            credential=report.credential,
            format=report.format,
        )
    response.headers["Cache-Control"] = "no-store"
    return response


@public.post("/api/verify")
@limiter.limit(LIMIT)
def verify_api() -> Response:
    """Verify a credential sent as a file, text, URL or raw body; answer the JSON report."""
    with force_locale("en"):  # the API's problems are English, as all its others are
        report = _check()
    response = jsonify(report.as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [public]
