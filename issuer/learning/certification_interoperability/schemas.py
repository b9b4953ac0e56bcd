"""HTTP contract of interop mappings and the CSV/JSON exchange of paths and completions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.fields import single_line
from issuer.learning.certification_path_management.schemas import SLUG

EXTERNAL_ID = validate.Length(min=1, max=200)
MAPPING_COLUMNS = ("external_id", "path_id")
PATH_COLUMNS = ("external_id", "path_id", "name", "version", "status", "visibility", "url")
COMPLETION_COLUMNS = (
    "external_id",
    "email",
    "name",
    "completed_at",
    "score",
    "time_spent_seconds",
)
EXPORT_COLUMNS = ("external_id", "email", "completed_at", "score", "credential_url")


class Strip(ma.fields.String):
    """A string without surrounding whitespace, as spreadsheets often leave it."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs)).strip()


class MappingSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    tenant_id = ma.fields.UUID(dump_only=True)
    path_id = ma.fields.UUID(required=True)
    system = ma.fields.String(
        required=True,
        validate=SLUG,
        metadata={"description": "The external system, as a slug: moodle, canvas, sunbird."},
    )
    external_id = Strip(
        required=True, validate=EXTERNAL_ID, metadata={"description": "The path's id there."}
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)


class MappingQuerySchema(ma.Schema):
    system = ma.fields.String(validate=SLUG)


class MappingRowSchema(ma.Schema):
    external_id = Strip(required=True, validate=EXTERNAL_ID)
    path_id = ma.fields.UUID(required=True)


class MappingRowsSchema(ma.Schema):
    """JSON for a bulk import of mappings (or send text/csv with the same columns)."""

    mappings = ma.fields.List(ma.fields.Nested(MappingRowSchema), required=True)


class CompletionRowSchema(ma.Schema):
    external_id = Strip(required=True, validate=EXTERNAL_ID)
    email = ma.fields.Email(required=True)
    name = Strip(allow_none=True, validate=[validate.Length(max=200), single_line])
    completed_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When, with a time zone; default: now."}
    )
    score = ma.fields.Decimal(
        allow_none=True,
        places=2,
        validate=validate.Range(min=0, max=100),
        # apispec would render the bounds as Decimal strings, which OpenAPI refuses
        metadata={"description": "In percent.", "minimum": 0, "maximum": 100},
    )
    time_spent_seconds = ma.fields.Integer(
        allow_none=True, validate=validate.Range(min=0, max=10 * 365 * 24 * 3600)
    )


class CompletionRowsSchema(ma.Schema):
    """JSON for completions an LMS reports (or send text/csv with the same columns)."""

    completions = ma.fields.List(ma.fields.Nested(CompletionRowSchema), required=True)


class ImportResultSchema(ma.Schema):
    rows = ma.fields.Integer()
    created = ma.fields.Integer(metadata={"description": "Mappings or enrolments created."})
    users_created = ma.fields.Integer()
    completed = ma.fields.Integer(metadata={"description": "Enrolments newly completed."})
    unchanged = ma.fields.Integer(metadata={"description": "Rows already imported before."})


class PathExportSchema(ma.Schema):
    external_id = ma.fields.String()
    path_id = ma.fields.UUID()
    name = ma.fields.String()
    version = ma.fields.Integer(allow_none=True, metadata={"description": "Published version."})
    status = ma.fields.String()
    visibility = ma.fields.String()
    url = ma.fields.String()


class SinceSchema(ma.Schema):
    since = ma.fields.AwareDateTime(
        metadata={"description": "Only completions at or after this time (ISO 8601)."}
    )


class CompletionExportSchema(ma.Schema):
    external_id = ma.fields.String()
    email = ma.fields.String()
    completed_at = ma.fields.AwareDateTime()
    score = ma.fields.Decimal(as_string=True, allow_none=True)
    credential_url = ma.fields.String(
        allow_none=True, metadata={"description": "The credential issued for it, once issued."}
    )
