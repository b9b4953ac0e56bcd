"""The issuer's exception tree and the one handler that turns every error into RFC 9457 JSON."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, json
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from issuer.db import Base, db

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_M = TypeVar("_M", bound=Base)


@dataclass(frozen=True)
class FieldError:
    """One invalid input: `pointer` is a JSON Pointer into the body, `parameter` a query/header."""

    detail: str
    pointer: str | None = None
    parameter: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"detail": self.detail}
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.parameter is not None:
            out["parameter"] = self.parameter
        return out


class IssuerError(Exception):
    """Base of every error the issuer raises on purpose; `slug` names its problem type."""

    slug = "issuer-error"
    status = 500
    title = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Iterable[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extensions = extensions


class BadRequest(IssuerError):
    """The request cannot be understood as sent; `detail` says what to change."""

    slug, status, title = "bad-request", 400, "Bad request"


class ValidationError(IssuerError):
    """Fields of the request are invalid; `errors` names each with a JSON Pointer."""

    slug, status, title = "validation-error", 422, "Invalid request"


class Unauthorized(IssuerError):
    """No valid access token: log in, or use the client-credentials grant."""

    slug, status, title = "unauthorized", 401, "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="certifikation"'})
        super().__init__(detail, **kwargs)


class Forbidden(IssuerError):
    """You are authenticated but lack the permission the operation needs."""

    slug, status, title = "forbidden", 403, "Not allowed"


class NotFound(IssuerError):
    """Nothing is here, or nothing you may see."""

    slug, status, title = "not-found", 404, "Not found"


class NotAcceptable(IssuerError):
    """No representation matches the Accept header; `detail` lists what is offered."""

    slug, status, title = "not-acceptable", 406, "Not acceptable"


class Conflict(IssuerError):
    """The request conflicts with the current state (a duplicate, or a dependent record)."""

    slug, status, title = "conflict", 409, "Conflict"


class MethodNotAllowed(IssuerError):
    """The resource exists but not with this method; the Allow header lists those it takes."""

    slug, status, title = "method-not-allowed", 405, "Method not allowed"


class PayloadTooLarge(IssuerError):
    """The body exceeds the size limit."""

    slug, status, title = "payload-too-large", 413, "Payload too large"


class UnsupportedMediaType(IssuerError):
    """The body's media type is not accepted here."""

    slug, status, title = "unsupported-media-type", 415, "Unsupported media type"


class RateLimited(IssuerError):
    """Too many requests; retry after the number of seconds in Retry-After."""

    slug, status, title = "rate-limited", 429, "Too many requests"


class ServiceBusy(IssuerError):
    """The database is busy with other writes; send the same request again after Retry-After."""

    slug, status, title = "service-busy", 503, "Busy, try again shortly"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": "2"})
        super().__init__(detail, **kwargs)


_HTTP_SLUGS: dict[int, type[IssuerError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    406: NotAcceptable,
    405: MethodNotAllowed,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationError,
    429: RateLimited,
    503: ServiceBusy,
}


def get_or_404(model: type[_M], key: Any) -> _M:
    """The row of `model` with primary key `key`, or a 404 problem."""
    row = db.session.get(model, key)
    if row is None:
        raise NotFound(f"No such {model.__tablename__.removesuffix('s').replace('_', ' ')}.")
    return row


def field_errors(messages: Mapping[str, Any]) -> list[FieldError]:
    """Flatten webargs/marshmallow messages ({location: {field: [msg]}}) into FieldErrors."""
    out: list[FieldError] = []
    for location, fields in messages.items():
        body = location in ("json", "form", "files", "json_or_form")
        for path, detail in _walk(fields, ()):
            if body:
                out.append(FieldError(detail, pointer="#/" + "/".join(_escape(p) for p in path)))
            else:
                out.append(FieldError(detail, parameter=".".join(path) or location))
    return out


def _walk(node: Any, path: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], str]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            sub = path if key == "_schema" else (*path, str(key))
            yield from _walk(value, sub)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item, path)
    else:
        yield path, str(node)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def problem(error: IssuerError) -> Response:
    """Serialise an IssuerError as an application/problem+json response."""
    # From configuration, never the Host header: a client must not choose where `type` points.
    base = current_app.extensions["settings"].public_url if current_app else ""
    body: dict[str, Any] = {
        "type": f"{base}/problems/{error.slug}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if error.errors:
        body["errors"] = [e.as_dict() for e in error.errors]
    body.update(error.extensions)
    request_id = g.get("request_id")
    if request_id:
        body["instance"] = f"urn:request:{request_id}"
    response = Response(json.dumps(body), status=error.status, mimetype=PROBLEM_JSON)
    response.headers.update(error.headers)
    return response


def from_http_exception(exc: HTTPException) -> IssuerError:
    """Translate a werkzeug/webargs HTTPException into the matching IssuerError."""
    status = exc.code or 500
    cls: type[IssuerError] | None = _HTTP_SLUGS.get(status)
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, Mapping) else None
    if cls is None:
        error = IssuerError(exc.description, headers=headers)
        error.status, error.title, error.slug = status, exc.name, f"http-{status}"
        return error
    if messages:
        return cls("The request has invalid fields.", errors=field_errors(messages))
    detail = exc.description if isinstance(exc.description, str) else None
    return cls(detail, headers=headers)


def problem_types() -> list[type[IssuerError]]:
    """IssuerError and all its subclasses: every problem type the service can answer with."""
    found: list[type[IssuerError]] = []
    pending: list[type[IssuerError]] = [IssuerError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def init_app(app: Flask) -> None:
    """Route every error, ours, werkzeug's, webargs' and unexpected ones, through `problem`."""

    @app.errorhandler(IssuerError)
    def _issuer_error(error: IssuerError) -> Response:
        db.session.rollback()
        return problem(error)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return problem(from_http_exception(exc))

    @app.errorhandler(IntegrityError)
    def _integrity_error(exc: IntegrityError) -> Response:
        # A concurrent request won a uniqueness race that the service checked for first.
        db.session.rollback()
        return problem(Conflict("This conflicts with a record that was just created."))

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Response:
        # What transactions.unit_of_work could not (or must not) run again: never a 500.
        from issuer.transactions import transient

        if transient(exc) is None:
            return _unexpected(exc)
        log.warning("transient database failure (request %s): %s", g.get("request_id"), exc.orig)
        db.session.rollback()
        return problem(ServiceBusy("Other changes held the records this one needs; retry it."))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error (request %s)", g.get("request_id"))
        db.session.rollback()
        return problem(IssuerError("An unexpected error occurred; it has been logged."))
