"""HTTP contract of portfolios, their items, validated skills and exports."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from issuer.learning.skills_portfolio.media import ACCEPTED

TITLE = validate.Length(min=1, max=500)
TEXT = validate.Length(max=5000)
VISIBILITY = ("private", "public")
KINDS = ("file", "link", "video")


class PortfolioUpdateSchema(ma.Schema):
    """Fields to change; only the learner sets them, visibility included."""

    title = ma.fields.String(validate=TITLE)
    description = ma.fields.String(validate=TEXT)
    visibility = ma.fields.String(
        validate=validate.OneOf(VISIBILITY),
        metadata={"description": "public: readable by anyone at public_url; private: by you."},
    )


class AttachmentSchema(ma.Schema):
    path_id = ma.fields.UUID(
        allow_none=True,
        metadata={"description": "A certification path: the item becomes its evidence."},
    )
    evaluation_id = ma.fields.UUID(allow_none=True, metadata={"description": "An evaluation."})


class FileFormSchema(AttachmentSchema):
    """The text fields of a multipart upload; the file itself is the field `file`."""

    title = ma.fields.String(validate=TITLE)
    description = ma.fields.String(load_default="", validate=TEXT)


class LinkCreateSchema(AttachmentSchema):
    url = ma.fields.Url(
        required=True,
        schemes={"http", "https"},
        validate=validate.Length(max=2048),
        metadata={"description": "http(s); YouTube and Vimeo links become kind video."},
    )
    title = ma.fields.String(required=True, validate=TITLE)
    description = ma.fields.String(load_default="", validate=TEXT)


class ItemSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"description": ", ".join(KINDS)})
    title = ma.fields.String()
    description = ma.fields.String()
    media_type = ma.fields.String(allow_none=True, metadata={"description": "Sniffed, files."})
    size = ma.fields.Integer(allow_none=True, metadata={"description": "Bytes, files."})
    sha256 = ma.fields.String(allow_none=True)
    url = ma.fields.String(allow_none=True, metadata={"description": "The link, links."})
    file_url = ma.fields.String(
        allow_none=True, metadata={"description": "Your download URL (bearer token), files."}
    )
    public_url = ma.fields.String(
        allow_none=True, metadata={"description": "Anyone's URL while the portfolio is public."}
    )
    path_id = ma.fields.UUID(allow_none=True)
    evaluation_id = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class SkillSchema(ma.Schema):
    name = ma.fields.String(metadata={"description": "The achievement's name."})
    description = ma.fields.String()
    achievement_id = ma.fields.String(allow_none=True)
    issuer = ma.fields.String(metadata={"description": "The issuer's name."})
    alignment = ma.fields.List(ma.fields.Dict(), metadata={"description": "OB 3.0 Alignments."})
    credential_url = ma.fields.String()
    valid_from = ma.fields.AwareDateTime()


class PortfolioSchema(ma.Schema):
    id = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    visibility = ma.fields.String(metadata={"description": "private or public."})
    public_url = ma.fields.String(allow_none=True, metadata={"description": "When public."})
    items = ma.fields.List(ma.fields.Nested(ItemSchema))
    skills = ma.fields.List(
        ma.fields.Nested(SkillSchema),
        metadata={"description": "From your active, unexpired credentials."},
    )
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class PublicItemSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    media_type = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True)
    url = ma.fields.String(metadata={"description": "The link, or the file's public download URL."})
    created_at = ma.fields.AwareDateTime()


class PublicPortfolioSchema(ma.Schema):
    id = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(PublicItemSchema))
    skills = ma.fields.List(
        ma.fields.Nested(SkillSchema),
        metadata={"description": "From active credentials the learner has not hidden."},
    )
    updated_at = ma.fields.AwareDateTime()


class ExportSchema(ma.Schema):
    exported_at = ma.fields.AwareDateTime()
    portfolio = ma.fields.Nested(PortfolioSchema)
    files = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "Item id → its file's name in export.zip (files/…)."},
    )
    credentials = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "Every credential, as its signed OB 3.0 JSON."}
    )


# The OpenAPI requestBody of file uploads: multipart, the bytes in `file`.
FILE_BODY = {
    "required": True,
    "description": f"The evidence as the multipart field `file`: {ACCEPTED}. Its type is read "
    "from its bytes; the declared Content-Type and file name are ignored.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {
                        "type": "string",
                        "maxLength": 500,
                        "description": "Default: the file name.",
                    },
                    "description": {"type": "string", "maxLength": 5000},
                    "path_id": {"type": "string", "format": "uuid"},
                    "evaluation_id": {"type": "string", "format": "uuid"},
                },
            }
        }
    },
}
