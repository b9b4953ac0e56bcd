"""Offline assets of the interactive API docs, and a page per problem type."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Response, send_from_directory
from werkzeug.http import HTTP_STATUS_CODES

from issuer import errors

blueprint = Blueprint("docs", __name__)

SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)


@blueprint.get("/api/docs/assets/<path:filename>")
def swagger_asset(filename: str) -> Response:
    """Swagger UI's files, shipped with the package: the docs work offline, with no CDN."""
    response = send_from_directory(SWAGGER_UI, filename, max_age=86400)
    return response


@blueprint.get("/problems/<slug>")
def problem_type(slug: str) -> Response:
    """A short human description of a problem type, so `type` URLs resolve."""
    known = {cls.slug: cls for cls in errors.problem_types()}
    cls = known.get(slug)
    if cls is not None:
        text = f"{cls.title} (HTTP {cls.status}).\n\n{(cls.__doc__ or '').strip()}\n"
        return Response(text, mimetype="text/plain")
    # Statuses without a class of their own leave as `http-<status>` (errors.from_http_exception).
    status = {f"http-{code}": code for code in HTTP_STATUS_CODES}.get(slug)
    if status is not None:
        text = f"{HTTP_STATUS_CODES[status]} (HTTP {status}), as RFC 9110 defines it.\n"
        return Response(text, mimetype="text/plain")
    raise errors.NotFound("No such problem type.")
