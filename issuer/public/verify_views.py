"""The public verifier: /verify (a page) and POST /api/verify (JSON); nothing is stored."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, Response, jsonify, render_template, request
from flask.views import MethodView
from flask_babel import force_locale, gettext, lazy_gettext

from issuer.errors import BadRequest, ValidationError
from issuer.extensions import Blueprint as SmorestBlueprint
from issuer.extensions import limiter
from issuer.public import page
from issuer.public.resolver import local_resolver, verify_here
from verifier.errors import VerifierError
from verifier.report import Report

public = Blueprint("verify", __name__)
LIMIT = "30 per minute"  # each check may fetch keys and status lists on the caller's behalf
NOTHING_GIVEN = lazy_gettext("Choose a file, paste a credential, or give its URL.")


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
        return local_resolver().fetch(url, accept="application/ld+json, application/json, */*")
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return request.get_data()
    raise BadRequest(str(NOTHING_GIVEN))


def _check() -> Report:
    try:
        data = _submitted()
        if not data:
            raise BadRequest(str(NOTHING_GIVEN))
        return verify_here(data)
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
            issuer_known=page.identity_known(report),
            format=report.format,
        )
    response.headers["Cache-Control"] = "no-store"
    return response


class ReportCheckSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "format, schema, proof, issuer, status, …"})
    outcome = ma.fields.String(
        metadata={"description": "passed, failed, warning, unknown (could not look) or skipped."}
    )
    message = ma.fields.String()


class ReportSchema(ma.Schema):
    verified = ma.fields.Boolean(metadata={"description": "The proof passed and no check failed."})
    format = ma.fields.String(metadata={"description": "What was read: ob3-json, vc-jwt, …"})
    checks = ma.fields.List(ma.fields.Nested(ReportCheckSchema))
    credential = ma.fields.Dict(allow_none=True, metadata={"description": "As it was read."})


_FIELDS = {
    "file": {"type": "string", "format": "binary", "description": "JSON, JWT, PNG, SVG or PDF."},
    "text": {"type": "string", "description": "A pasted credential: JSON or compact JWT."},
    "url": {"type": "string", "format": "uri", "description": "Where to fetch it (http/https)."},
}
_RAW = {"type": "string", "format": "binary"}
VERIFY_BODY = {
    "required": True,
    "description": "One of: a form with `file`, `text` or `url`, or the credential as the body.",
    "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": _FIELDS}},
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {k: _FIELDS[k] for k in ("text", "url")}}
        },
        **{
            media_type: {"schema": _RAW}
            for media_type in (
                "application/ld+json",
                "application/json",
                "application/vc+jwt",
                "text/plain",
                "image/png",
                "image/svg+xml",
                "application/pdf",
            )
        },
    },
}

api = SmorestBlueprint(
    "verify_api", __name__, url_prefix="/api", description="The public verifier, as JSON."
)


@api.route("/verify")
class VerifyApi(MethodView):
    decorators = [limiter.limit(LIMIT)]

    @api.doc(requestBody=VERIFY_BODY)
    @api.response(200, ReportSchema, description="The report, verified or not.")
    @api.alt_response(400, description="Nothing to verify was sent.")
    @api.alt_response(422, description="Not a credential we can read.")
    @api.alt_response(429, description="More than 30 checks a minute from this client.")
    def post(self) -> Response:
        """Verify any issuer's credential, sent as a file, text, URL or raw body; no login,
        nothing stored. Every check is reported; `unknown` means it could not look."""
        with force_locale("en"):  # the API's problems are English, as all its others are
            report = _check()
        response = jsonify(report.as_dict())
        response.headers["Cache-Control"] = "no-store"
        return response


API_BLUEPRINTS = [api]
BLUEPRINTS = [public]
