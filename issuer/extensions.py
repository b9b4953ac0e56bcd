"""Flask extensions, created unbound here and bound to an app in `create_app`."""

from __future__ import annotations

import flask_smorest
import marshmallow as ma
from flask import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from issuer.errors import from_http_exception, problem


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error response carries them."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict())


class Api(flask_smorest.Api):  # type: ignore[misc]
    """flask-smorest's Api with errors as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return problem(from_http_exception(error))


api = Api()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
