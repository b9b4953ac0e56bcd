"""Security headers on every response, set in this one place.

HTML pages get a Content-Security-Policy allowing only the service's own scripts, styles and
images, with no inline script: an inline `<style>` or `<script>` must carry `csp_nonce()`, a
fresh nonce per response. Everything else (JSON, files, images) may load nothing at all,
unless its view set a policy of its own (badge and image SVGs keep their inline styles).
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g

from issuer.settings import Settings

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000"  # a year; only when the public URL is https
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'{nonce}; style-src 'self'{nonce}; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def init_app(app: Flask, settings: Settings) -> None:
    """Add the headers to every response of `app`; templates get `csp_nonce()`."""
    headers = dict(COMMON)
    if settings.public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", policy(response.mimetype or ""))
        return response

    app.after_request(add_headers)


def csp_nonce() -> str:
    """This response's nonce, for the `nonce` attribute of an inline `<style>` or `<script>`."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    nonce: str = g.csp_nonce
    return nonce


def policy(mimetype: str) -> str:
    """The Content-Security-Policy for a response of `mimetype` in this request."""
    if mimetype == "text/html":
        nonce = g.get("csp_nonce")
        return PAGE_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")
    return OTHER_POLICY
