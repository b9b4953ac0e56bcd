"""The public verifier: /verify (a page) and POST /api/verify (JSON); nothing is stored."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from issuer.errors import BadRequest, ValidationError
from issuer.extensions import limiter
from issuer.public import page
from issuer.public.resolver import LocalResolver
from verifier.errors import VerifierError
from verifier.pipeline import verify
from verifier.report import Report

public = Blueprint("verify", __name__)
LIMIT = "30 per minute"  # each check may fetch keys and status lists on the caller's behalf


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
            raise BadRequest("Give an http(s) URL of a credential.")
        return _resolver().fetch(url, accept="application/ld+json, application/json, */*")
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.get_data()
    raise BadRequest("Choose a file, paste a credential, or give its URL.")


def _check() -> Report:
    try:
        data = _submitted()
        if not data:
            raise BadRequest("Choose a file, paste a credential, or give its URL.")
        return verify(data, resolver=_resolver())
    except VerifierError as exc:
        raise ValidationError(f"This is not a credential we can read: {exc}") from None


@public.get("/verify")
def verify_page() -> str:
    """The form: drop or choose a file, paste text, or give a URL."""
    return render_template("public/verify.html")


@public.post("/verify")
@limiter.limit(LIMIT)
def verify_submit() -> Response | tuple[str, int]:
    """Verify what was submitted and show every check in plain words."""
    try:
        report = _check()
    except (BadRequest, ValidationError) as exc:
        return render_template("public/verify.html", error=exc.detail), exc.status
    html = render_template(
        "public/verify.html",
        verdict=page.verdict(report),
        checks=[(page.TITLES.get(c.id, c.id), c) for c in report.checks],
        credential=report.credential,
        format=report.format,
    )
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})


@public.post("/api/verify")
@limiter.limit(LIMIT)
def verify_api() -> Response:
    """Verify a credential sent as a file, text, URL or raw body; answer the JSON report."""
    response = jsonify(_check().as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


API_BLUEPRINTS: list[Any] = []
BLUEPRINTS = [public]
