"""Flask extensions, created unbound here and bound to an app in `create_app`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

import flask
import flask_smorest
import marshmallow as ma
from flask import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from issuer.errors import BadRequest, UnsupportedMediaType, from_http_exception, problem


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


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Parser(FlaskParser):
    """webargs' parser, strict about what a body is and refusing text no database can store."""

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        if not is_json_request(req) and _has_body(req):
            raise UnsupportedMediaType(
                f"Send the body as application/json, not {req.mimetype}.",
                headers={"Accept": "application/json"},
            )
        try:
            return super().load_json(req, schema)
        except RecursionError:
            raise BadRequest("The JSON body is nested too deeply.") from None
        except ValueError:  # not a JSONDecodeError: Python's 4300-digit limit on integers
            raise BadRequest("The JSON body holds a number too long to read.") from None

    def load_form(self, req: flask.Request, schema: ma.Schema) -> Any:
        if req.mimetype not in FORM_TYPES and _has_body(req):
            raise UnsupportedMediaType(
                f"Send the body as {FORM_TYPES[0]}, not {req.mimetype or 'untyped bytes'}.",
                headers={"Accept": FORM_TYPES[0]},
            )
        return super().load_form(req, schema)

    def _handle_invalid_json_error(
        self,
        error: json.JSONDecodeError | UnicodeDecodeError,
        req: flask.Request,
        *args: Any,
        **kwargs: Any,
    ) -> NoReturn:
        cause = error.__cause__ if isinstance(error.__cause__, UnicodeDecodeError) else error
        if isinstance(cause, UnicodeDecodeError):  # webargs wraps it in a JSONDecodeError
            raise BadRequest(f"The body is not valid UTF-8 (byte {cause.start}).") from None
        raise BadRequest(f"The body is not valid JSON: {error}.") from None

    def pre_load(
        self,
        location_data: Mapping[str, Any],
        *,
        schema: ma.Schema,
        req: flask.Request,
        location: str,
    ) -> Mapping[str, Any]:
        messages = unstorable_text(location_data)
        if messages:
            raise ma.ValidationError(messages)
        return location_data


def _has_body(req: flask.Request) -> bool:
    return bool(req.content_length or req.mimetype)


def unstorable_text(data: Any) -> Any:
    """Messages, shaped like `data`, for each string holding NUL or an unpaired surrogate.

    No database text column can store either (PostgreSQL refuses NUL; UTF-8 cannot encode a
    lone surrogate, which JSON's `\\ud800` escape produces), so they are refused as input.
    """
    messages: dict[Any, Any] = {}
    pending: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while pending:  # a loop, not recursion: JSON may be nested as deep as the parser allows
        path, node = pending.pop()
        if isinstance(node, Mapping):
            pending.extend(((*path, key), value) for key, value in node.items())
        elif isinstance(node, list):
            pending.extend(((*path, index), value) for index, value in enumerate(node))
        elif isinstance(node, str) and (message := _text_problem(node)):
            if not path:
                return [message]
            target = messages
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = [message]
    return messages


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Remove the NUL character (\\u0000); text cannot contain it."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Not valid Unicode: remove the unpaired surrogate (\\ud800-\\udfff)."
    return None


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint with our Parser: every API blueprint is one of these."""

    ARGUMENTS_PARSER = Parser()


api = Api()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
