"""API of interop mappings and of paths and completions exchanged with an LMS as CSV or JSON."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from webargs.flaskparser import is_json_request

from issuer.accounts.access import authorize, requires
from issuer.accounts.roles import Permission
from issuer.db import db, page
from issuer.errors import (
    FieldError,
    NotAcceptable,
    UnsupportedMediaType,
    ValidationError,
    get_or_404,
)
from issuer.extensions import Blueprint
from issuer.jobs.views import accepted, wants_async
from issuer.learning.certification_interoperability import background, exports, services, tables
from issuer.learning.certification_interoperability.models import InteropMapping
from issuer.learning.certification_interoperability.schemas import (
    COMPLETION_COLUMNS,
    EXPORT_COLUMNS,
    MAPPING_COLUMNS,
    PATH_COLUMNS,
    CompletionExportSchema,
    CompletionRowsSchema,
    ImportResultSchema,
    MappingQuerySchema,
    MappingRowsSchema,
    MappingSchema,
    PathExportSchema,
    SinceSchema,
)
from issuer.tenants.models import Tenant

blp = Blueprint(
    "certification_interoperability",
    __name__,
    url_prefix="/api/v1",
    description="Interoperability: paths mapped to external ids; CSV/JSON paths and completions.",
)
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
OFFERED = ("application/json", "text/csv")
CSV_DOC: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}


def _rows_doc(schema: type) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema}, "text/csv": CSV_DOC},
        }
    }


CSV_RESPONSE: dict[str, Any] = {"responses": {200: {"content": {"text/csv": CSV_DOC}}}}


def _system(system: str) -> str:
    if not SLUG.fullmatch(system):
        detail = "The system is a slug: 1–64 of a-z, 0-9, _ and -, e.g. moodle."
        raise ValidationError(detail, errors=[FieldError(detail, parameter="system")])
    return system


def _table(key: str, columns: Sequence[str], required: Sequence[str]) -> tables.Table:
    """The request's rows, sent as text/csv or as JSON `{key: [rows]}`."""
    _check_type()
    return tables.parse(
        request.get_data(), request.mimetype, key, columns=columns, required=required
    )


def _check_type() -> None:
    if request.mimetype != "text/csv" and not is_json_request(request):
        sent = request.mimetype or "untyped bytes"
        raise UnsupportedMediaType(
            f"Send the rows as text/csv or as application/json, not {sent}.",
            headers={"Accept": ", ".join(OFFERED)},
        )


def _wants_csv() -> bool:
    accept = request.accept_mimetypes
    best = accept.best_match(OFFERED) if accept else OFFERED[0]
    if best is None:
        raise NotAcceptable(
            f"This URL can answer {', '.join(OFFERED)}.", headers={"Vary": "Accept"}
        )
    return best == "text/csv"


def _csv(rows: list[dict[str, Any]], columns: Sequence[str], filename: str) -> Response:
    return Response(
        tables.to_csv(rows, columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Vary": "Accept"},
    )


@blp.route("/tenants/<uuid:tenant_id>/interop-mappings")
class Mappings(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.arguments(MappingQuerySchema, location="query")
    @blp.response(200, MappingSchema(many=True))
    @blp.paginate()
    def get(
        self, query: dict[str, str], tenant_id: uuid.UUID, pagination_parameters: Any
    ) -> list[InteropMapping]:
        """The tenant's mappings of paths to external ids, of every system or of `system`."""
        authorize(tenant_id)
        return page(services.mappings(tenant_id, query.get("system")), pagination_parameters)

    @requires(Permission.PATHS_WRITE)
    @blp.arguments(MappingSchema)
    @blp.response(201, MappingSchema)
    @blp.alt_response(409, description="The external id or the path is already mapped.")
    def post(self, data: dict[str, Any], tenant_id: uuid.UUID) -> InteropMapping:
        """Map a path to its id in an external system (one id per path and system)."""
        actor = authorize(tenant_id).actor
        mapping = services.create_mapping(actor, get_or_404(Tenant, tenant_id), **data)
        db.session.commit()
        return mapping


@blp.route("/interop-mappings/<uuid:mapping_id>")
class MappingItem(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.response(204)
    def delete(self, mapping_id: uuid.UUID) -> None:
        """Remove a mapping; the external system's rows with that id are then refused."""
        mapping = get_or_404(InteropMapping, mapping_id)
        actor = authorize(mapping.tenant_id).actor
        services.delete_mapping(actor, mapping)
        db.session.commit()


@blp.route("/tenants/<uuid:tenant_id>/interop/<system>/mappings")
class MappingImport(MethodView):
    @requires(Permission.PATHS_WRITE)
    @blp.response(200, ImportResultSchema)
    @blp.doc(**_rows_doc(MappingRowsSchema))
    def post(self, tenant_id: uuid.UUID, system: str) -> services.Imported:
        """Create mappings from rows (external_id, path_id), all or none; again changes nothing."""
        actor = authorize(tenant_id).actor
        tenant, system = get_or_404(Tenant, tenant_id), _system(system)
        table = _table("mappings", MAPPING_COLUMNS, MAPPING_COLUMNS)
        result = services.import_mappings(actor, tenant, system, table)
        db.session.commit()
        return result


@blp.route("/tenants/<uuid:tenant_id>/interop/<system>/paths")
class PathExport(MethodView):
    @requires(Permission.PATHS_READ)
    @blp.response(200, PathExportSchema(many=True))
    @blp.doc(**CSV_RESPONSE)
    def get(self, tenant_id: uuid.UUID, system: str) -> Any:
        """The paths mapped in `system`, as JSON or (Accept: text/csv) CSV."""
        authorize(tenant_id)
        as_csv = _wants_csv()
        public_url = current_app.extensions["settings"].public_url
        rows = [
            {
                **row,
                "url": public_url
                + url_for("certification_path_management.PathItem", path_id=row["path_id"]),
            }
            for row in exports.exported_paths(tenant_id, _system(system))
        ]
        if as_csv:
            return _csv(rows, PATH_COLUMNS, f"{system}-paths.csv")
        return rows, 200, {"Vary": "Accept"}


@blp.route("/tenants/<uuid:tenant_id>/interop/<system>/completions")
class Completions(MethodView):
    @requires(Permission.LEARNERS_READ)
    @blp.arguments(SinceSchema, location="query")
    @blp.response(200, CompletionExportSchema(many=True))
    @blp.doc(**CSV_RESPONSE)
    def get(self, query: dict[str, Any], tenant_id: uuid.UUID, system: str) -> Any:
        """Completions on the mapped paths, oldest first, as JSON or (Accept: text/csv) CSV."""
        authorize(tenant_id)
        as_csv = _wants_csv()
        rows = exports.exported_completions(tenant_id, _system(system), query.get("since"))
        if as_csv:
            return _csv(rows, EXPORT_COLUMNS, f"{system}-completions.csv")
        return rows, 200, {"Vary": "Accept"}

    @requires(Permission.PATHS_WRITE)
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(202, description="A large file, or `Prefer: respond-async`: the job.")
    @blp.doc(**_rows_doc(CompletionRowsSchema))
    def post(self, tenant_id: uuid.UUID, system: str) -> services.Imported | Response:
        """Enrol and complete learners an LMS reports, all rows or none; again changes nothing.

        Learners are found by email or created without a password, with the earner role.
        At most 100,000 rows; a CSV row is named by its spreadsheet row (the header is 1).
        Credentials owed by the path's attached certificate are signed after the import
        commits (see GET /tenants/<tenant_id>/owed-credentials meanwhile). With
        `Prefer: respond-async`, or more rows than CERTIFIKATION_BACKGROUND_ROWS, the answer
        is 202 once the rows are read, its Location the job to poll.
        """
        actor = authorize(tenant_id).actor
        tenant, system = get_or_404(Tenant, tenant_id), _system(system)
        table = _table("completions", COMPLETION_COLUMNS, ("external_id", "email"))
        if wants_async(len(table.rows)):  # answered at once, imported by a worker
            job = background.queue_import(
                actor, tenant, system, request.get_data(), request.mimetype
            )
            db.session.commit()
            return accepted(job)
        return background.import_completions(actor, tenant, system, table)


API_BLUEPRINTS = [blp]
BLUEPRINTS: list[Any] = []
