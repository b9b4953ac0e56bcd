"""API of the learner's own portfolio (/api/v1/me/portfolio) and its public JSON view.

Only the learner reads or changes their portfolio: another person's item answers 404 and an
API client 403. A public portfolio is readable without login at `GET /portfolios/<id>`
(outside /api/v1 and the OpenAPI, like the credential pages /c/<id>); a private one answers
404 alike. PortfolioSchema.public_url documents it in the API.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, json, request
from flask.views import MethodView

from issuer import clock
from issuer.accounts.access import authenticate
from issuer.accounts.models import User
from issuer.db import db
from issuer.errors import BadRequest, FieldError, Forbidden, NotFound, UnsupportedMediaType
from issuer.extensions import Blueprint
from issuer.learning.skills_portfolio import export, services
from issuer.learning.skills_portfolio.errors import EvidenceTooLarge, UnsupportedEvidence
from issuer.learning.skills_portfolio.media import EXTENSIONS
from issuer.learning.skills_portfolio.models import Portfolio, PortfolioItem
from issuer.learning.skills_portfolio.schemas import (
    FILE_BODY,
    ExportSchema,
    FileFormSchema,
    ItemSchema,
    LinkCreateSchema,
    PortfolioSchema,
    PortfolioUpdateSchema,
    PublicPortfolioSchema,
)

blp = Blueprint(
    "skills_portfolio",
    __name__,
    url_prefix="/api/v1",
    description="Your skills portfolio: evidence files and links, skills, export.",
)
# Public, read-only, no login; like the credential pages (/c/<id>), not in the OpenAPI.
public = FlaskBlueprint("skills_portfolio_public", __name__)
PERSON: dict[str, Any] = {"security": [{"bearerAuth": []}]}
# Evidence is served for download only, never rendered in our origin.
FILE_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox"}


def binary(media_type: str, description: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def present_item(item: PortfolioItem, portfolio: Portfolio) -> dict[str, Any]:
    is_file = item.storage_key is not None
    return {
        **{c: getattr(item, c) for c in ItemSchema().fields if hasattr(item, c)},
        "url": item.url,
        "file_url": (
            f"{current_app.extensions['settings'].public_url}/api/v1/me/portfolio/items/"
            f"{item.id}/file"
            if is_file
            else None
        ),
        "public_url": (
            services.public_file_url(item) if is_file and portfolio.visibility == "public" else None
        ),
    }


def present(portfolio: Portfolio, user: User) -> dict[str, Any]:
    return {
        "id": portfolio.id,
        "title": portfolio.title,
        "description": portfolio.description,
        "visibility": portfolio.visibility,
        "public_url": (
            services.public_url(portfolio) if portfolio.visibility == "public" else None
        ),
        "items": [present_item(i, portfolio) for i in services.items_of(portfolio)],
        "skills": services.skills(user),
        "created_at": portfolio.created_at,
        "updated_at": portfolio.updated_at,
    }


def learner() -> User:
    """The signed-in person; API clients act for nobody and have no portfolio."""
    user = authenticate().user
    if user is None:
        raise Forbidden("Only a person has a portfolio; API clients have none.")
    return user


def _mine() -> tuple[tuple[str, str], User, Portfolio]:
    user = learner()
    return authenticate().actor, user, services.portfolio_of(user)


@blp.route("/me/portfolio")
class MyPortfolio(MethodView):
    @blp.response(200, PortfolioSchema)
    @blp.doc(**PERSON)
    def get(self) -> dict[str, Any]:
        """Your portfolio (made, private, on first use) with its items and validated skills."""
        _, user, portfolio = _mine()
        db.session.commit()
        return present(portfolio, user)

    @blp.arguments(PortfolioUpdateSchema)
    @blp.response(200, PortfolioSchema)
    @blp.doc(**PERSON)
    def patch(self, data: dict[str, Any]) -> dict[str, Any]:
        """Change the title, description or visibility; only you can."""
        actor, user, portfolio = _mine()
        services.update(actor, portfolio, data)
        db.session.commit()
        return present(portfolio, user)


@blp.route("/me/portfolio/files")
class MyFiles(MethodView):
    @blp.doc(requestBody=FILE_BODY, **PERSON)
    @blp.response(201, ItemSchema)
    @blp.alt_response(413, description="Larger than CERTIFIKATION_MAX_EVIDENCE_BYTES.")
    @blp.alt_response(415, description="Not an accepted type, judged by the bytes.")
    def post(self) -> dict[str, Any]:
        """Add an evidence file (multipart `file`): PDF, image, office document or text."""
        actor, _, portfolio = _mine()
        if request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType(
                "Send the evidence as multipart/form-data, the file in the field `file`.",
                errors=[FieldError("Send the file here.", pointer="#/file")],
            )
        fields = blp.ARGUMENTS_PARSER.parse(FileFormSchema(), location="form")
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest(
                "Send the evidence as the multipart field `file`.",
                errors=[FieldError("Field required.", pointer="#/file")],
            )
        max_bytes = current_app.extensions["settings"].max_evidence_bytes
        data = upload.stream.read(max_bytes + 1)  # one byte over is enough to refuse it
        fields.setdefault("title", (upload.filename or "").rsplit("/", 1)[-1][:500] or "Evidence")
        try:
            item = services.add_file(actor, portfolio, data, fields)
        except (UnsupportedEvidence, EvidenceTooLarge) as exc:
            raise type(exc)(exc.detail, errors=[FieldError(exc.detail, pointer="#/file")]) from exc
        db.session.commit()
        return present_item(item, portfolio)


@blp.route("/me/portfolio/links")
class MyLinks(MethodView):
    @blp.arguments(LinkCreateSchema)
    @blp.response(201, ItemSchema)
    @blp.doc(**PERSON)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a link (http or https); YouTube and Vimeo links are kind `video`."""
        actor, _, portfolio = _mine()
        item = services.add_link(actor, portfolio, data)
        db.session.commit()
        return present_item(item, portfolio)


@blp.route("/me/portfolio/items/<uuid:item_id>")
class MyItem(MethodView):
    @blp.response(204)
    @blp.doc(**PERSON)
    def delete(self, item_id: uuid.UUID) -> None:
        """Remove an item, and its file from storage."""
        user = learner()
        key = services.remove(authenticate().actor, services.own_item(user, item_id))
        db.session.commit()
        services.discard(key)  # only now: a rolled-back delete must keep its file


@blp.route("/me/portfolio/items/<uuid:item_id>/file")
class MyItemFile(MethodView):
    @blp.doc(responses=binary("application/octet-stream", "The file, as uploaded."), **PERSON)
    def get(self, item_id: uuid.UUID) -> Response:
        """Download one of your evidence files, public portfolio or not."""
        item = services.own_item(learner(), item_id)
        return _file(item, cache="private, no-store")


def _file(item: PortfolioItem, *, cache: str) -> Response:
    data = services.file_of(item)
    response = Response(data, mimetype=item.media_type, headers=FILE_HEADERS)
    name = f"{item.id}.{EXTENSIONS.get(item.media_type or '', 'bin')}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = cache
    return response


@blp.route("/me/portfolio/export.json")
class MyExportJson(MethodView):
    @blp.response(200, ExportSchema)
    @blp.doc(**PERSON)
    def get(self) -> Response:
        """Everything: the portfolio, its items and every credential you hold, signed."""
        _, user, portfolio = _mine()
        db.session.commit()
        items = services.items_of(portfolio)
        body = export.document(present(portfolio, user), items, user, clock.now())
        response = Response(json.dumps(body), mimetype="application/json")
        response.headers["Content-Disposition"] = 'attachment; filename="portfolio.json"'
        response.headers["Cache-Control"] = "private, no-store"
        return response


@blp.route("/me/portfolio/export.zip")
class MyExportZip(MethodView):
    @blp.doc(responses=binary("application/zip", "portfolio.json and files/…"), **PERSON)
    def get(self) -> Response:
        """export.json as portfolio.json, with every stored file under files/."""
        _, user, portfolio = _mine()
        db.session.commit()
        items = services.items_of(portfolio)
        body = export.document(present(portfolio, user), items, user, clock.now())
        return export.zip_response(body, items)


@public.get("/portfolios/<uuid:portfolio_id>")
def public_portfolio(portfolio_id: uuid.UUID) -> Response:
    """A public portfolio as JSON (PublicPortfolioSchema): nothing private; 404 while private."""
    portfolio = services.public_portfolio(portfolio_id)
    user = db.session.get(User, portfolio.user_id)
    items = [
        {
            **{c: getattr(i, c) for c in ("id", "kind", "title", "description", "size")},
            "media_type": i.media_type,
            "url": i.url or services.public_file_url(i),
            "created_at": i.created_at,
        }
        for i in services.items_of(portfolio)
    ]
    body = {
        "id": portfolio.id,
        "title": portfolio.title,
        "description": portfolio.description,
        "items": items,
        "skills": services.skills(user, public=True) if user else [],
        "updated_at": portfolio.updated_at,
    }
    response = Response(json.dumps(PublicPortfolioSchema().dump(body)), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"  # turning private takes effect at once
    return response


@public.get("/portfolios/<uuid:portfolio_id>/items/<uuid:item_id>/file")
def public_item_file(portfolio_id: uuid.UUID, item_id: uuid.UUID) -> Response:
    """An evidence file of a public portfolio: the `id` of its credentials' evidence."""
    portfolio = services.public_portfolio(portfolio_id)
    item = db.session.get(PortfolioItem, item_id)
    if item is None or item.portfolio_id != portfolio.id or item.storage_key is None:
        raise NotFound("No such file in this portfolio.")
    return _file(item, cache="no-cache")


API_BLUEPRINTS = [blp]
BLUEPRINTS = [public]
