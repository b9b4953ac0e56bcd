"""Certifikation's issuing service: the only package that imports Flask."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from issuer import clock, errors, i18n, security_headers, tasks, transactions
from issuer.db import db
from issuer.extensions import api, limiter
from issuer.keys.master import check_stored_keys, load_cipher
from issuer.settings import Settings
from verifier.http import HttpResolver

ROOT = Path(__file__).resolve().parent.parent

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # echoed in headers and problem bodies


def create_app(settings: Settings | None = None, *, clock_: clock.Clock | None = None) -> Flask:
    """Build the service from `settings` (default: the environment) and an optional clock."""
    settings = settings or Settings.from_env()
    settings.validate()
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        API_TITLE="Certifikation",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/docs/assets/",
        # Swagger UI otherwise sends the spec's URL to validator.swagger.io for a badge.
        OPENAPI_SWAGGER_UI_CONFIG={"validatorUrl": None},
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    app.extensions["settings"] = settings
    if settings.proxy_count:  # else X-Forwarded-* are the client's words, not the proxy's
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.DEBUG if settings.debug else logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per render step

    app.extensions["master_cipher"] = load_cipher(settings)
    clock.init_app(app, clock_)
    db.init_app(app, settings.database_url, busy_timeout=settings.db_busy_timeout)
    # A lost or wrong master key stops start-up here, not at every award with a 500.
    check_stored_keys(db.state(app).engine, app.extensions["master_cipher"])
    errors.init_app(app)
    i18n.init_app(app)
    api.init_app(app, spec_kwargs=_spec_kwargs())
    limiter.init_app(app)
    tasks.init_app(app, settings)
    # Keys, DID documents and status lists of other issuers come through this one resolver.
    app.extensions["resolver"] = HttpResolver(
        allow_loopback=settings.allow_loopback, loopback_http=settings.allow_loopback
    )
    _register(app)
    transactions.init_app(app)  # after every view exists
    app.before_request(_assign_request_id)
    app.after_request(_finish_response)
    security_headers.init_app(app, settings)
    return app


def _spec_kwargs() -> dict[str, object]:
    return {
        "info": {"description": "Issue, publish and verify Open Badges 2.0/3.0 credentials."},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
    }


def _register(app: Flask) -> None:
    from issuer import cli
    from issuer.accounts import claim_views, member_views
    from issuer.accounts import views as accounts
    from issuer.audit import views as audit
    from issuer.certificates import views as certificates
    from issuer.docs import views as docs
    from issuer.earners import views as earners
    from issuer.images import views as images
    from issuer.issuance import views as issuance
    from issuer.jobs import views as jobs
    from issuer.keys import views as keys
    from issuer.learning.automated_evaluation import views as evaluations
    from issuer.learning.certificate_rules import views as certificate_rules
    from issuer.learning.certification_interoperability import views as interop
    from issuer.learning.certification_path_management import views as paths
    from issuer.learning.peer_validation import views as validations
    from issuer.learning.skills_portfolio import views as portfolios
    from issuer.public import badge_views, verify_views
    from issuer.public import views as public
    from issuer.tenants import views as tenants
    from issuer.vcapi import views as vcapi

    for module in (
        accounts,
        claim_views,
        member_views,
        tenants,
        keys,
        audit,
        images,
        issuance,
        earners,
        public,
        badge_views,
        verify_views,
        vcapi,
        certificates,
        paths,
        certificate_rules,
        evaluations,
        validations,
        portfolios,
        interop,
        jobs,
    ):
        for blueprint in module.API_BLUEPRINTS:
            api.register_blueprint(blueprint)
        for blueprint in module.BLUEPRINTS:
            app.register_blueprint(blueprint)
    app.register_blueprint(docs.blueprint)
    cli.init_app(app)


def _assign_request_id() -> None:
    supplied = request.headers.get("X-Request-Id", "")
    g.request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex


def _finish_response(response: Response) -> Response:
    response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
    return response
