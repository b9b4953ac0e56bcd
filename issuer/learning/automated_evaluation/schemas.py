"""HTTP contract of quizzes, attempts, evidence, rubrics and evaluations."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow as ma
from marshmallow import validate

from issuer.learning.certification_path_management.schemas import NAME, SLUG

KINDS = ("single", "multiple", "numeric", "text")
POINTS = validate.Range(min=1, max=10_000)


class QuizChoiceSchema(ma.Schema):
    id = ma.fields.String(required=True, validate=SLUG)
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))


class QuestionSchema(ma.Schema):
    """A question with its answer key (authors only ever see the key)."""

    id = ma.fields.UUID(dump_only=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    prompt = ma.fields.String(required=True, validate=validate.Length(min=1, max=5000))
    choices = ma.fields.List(
        ma.fields.Nested(QuizChoiceSchema), load_default=list, validate=validate.Length(max=50)
    )
    answer = ma.fields.Raw(
        required=True,
        metadata={
            "description": "single: a choice id; multiple: a list of choice ids; "
            'numeric: {"value": "3.14", "tolerance": "0.01"}; text: accepted answers.'
        },
    )
    points = ma.fields.Integer(load_default=1, validate=POINTS)
    retired_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)

    @ma.validates_schema
    def _answer_fits(self, data: dict[str, Any], **_: object) -> None:
        kind, answer = data.get("kind"), data.get("answer")
        ids = [c["id"] for c in data.get("choices", [])]
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Choice ids must be unique.", "choices")
        if kind in ("single", "multiple") and len(ids) < 2:
            raise ma.ValidationError("Give at least two choices.", "choices")
        if kind in ("numeric", "text") and ids:
            raise ma.ValidationError(f"A {kind} question has no choices.", "choices")
        if kind == "single" and not (isinstance(answer, str) and answer in ids):
            raise ma.ValidationError("answer must be the id of one of the choices.", "answer")
        if kind == "multiple" and not (
            isinstance(answer, list)
            and answer
            and len(set(map(str, answer))) == len(answer)
            and set(map(str, answer)) <= set(ids)
        ):
            raise ma.ValidationError("answer must list ids of the choices, each once.", "answer")
        if kind == "numeric" and _numeric_key(answer) is None:
            raise ma.ValidationError(
                'answer must be {"value": number, "tolerance": number >= 0}.', "answer"
            )
        if kind == "text" and not (
            isinstance(answer, list)
            and answer
            and all(isinstance(a, str) and a.strip() and len(a) <= 500 for a in answer)
        ):
            raise ma.ValidationError("answer must list the accepted answers.", "answer")

    @ma.post_load
    def _canonical(self, data: dict[str, Any], **_: object) -> dict[str, Any]:
        if data["kind"] == "numeric":
            data["answer"] = _numeric_key(data["answer"])
        return data


def _numeric_key(answer: Any) -> dict[str, str] | None:
    """{"value", "tolerance"} as exact decimal strings, or None when malformed."""
    if not isinstance(answer, dict) or set(answer) - {"value", "tolerance"}:
        return None
    try:
        value = Decimal(str(answer.get("value")))
        tolerance = Decimal(str(answer.get("tolerance", 0)))
    except InvalidOperation:
        return None
    if not (value.is_finite() and tolerance.is_finite() and tolerance >= 0):
        return None
    return {"value": str(value), "tolerance": str(tolerance)}


class QuizCreateSchema(ma.Schema):
    title = ma.fields.String(required=True, validate=NAME)
    draw = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "Questions drawn per attempt; empty: the whole bank."},
    )
    questions = ma.fields.List(
        ma.fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=500)
    )

    @ma.validates_schema
    def _draw_fits(self, data: dict[str, Any], **_: object) -> None:
        draw = data.get("draw")
        if draw is not None and draw > len(data.get("questions", [])):
            raise ma.ValidationError("draw cannot exceed the number of questions.", "draw")


class QuizUpdateSchema(ma.Schema):
    title = ma.fields.String(validate=NAME)
    draw = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=500))
    retire = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        metadata={"description": "Questions to take out of the bank; past attempts keep them."},
    )


class QuizSchema(ma.Schema):
    id = ma.fields.UUID()
    tenant_id = ma.fields.UUID()
    title = ma.fields.String()
    draw = ma.fields.Integer(allow_none=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema))
    created_at = ma.fields.AwareDateTime()


class ShownQuestionSchema(ma.Schema):
    """A question as a learner sees it in an attempt: never its answer."""

    id = ma.fields.UUID()
    kind = ma.fields.String()
    prompt = ma.fields.String()
    points = ma.fields.Integer()
    choices = ma.fields.List(ma.fields.Nested(QuizChoiceSchema))


class AttemptSchema(ma.Schema):
    id = ma.fields.UUID()
    quiz_id = ma.fields.UUID()
    step_id = ma.fields.String()
    status = ma.fields.String()
    started_at = ma.fields.AwareDateTime()
    questions = ma.fields.List(
        ma.fields.Nested(ShownQuestionSchema),
        metadata={"description": "In this attempt's own random order, choices shuffled."},
    )


class SubmitSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "By question id: a choice id, choice ids, a number or text."},
    )


class EvidenceSubmissionSchema(ma.Schema):
    url = ma.fields.Url(schemes={"http", "https"}, validate=validate.Length(max=2048))
    narrative = ma.fields.String(validate=validate.Length(max=20_000))
    portfolio_item_id = ma.fields.UUID(
        metadata={"description": "A file already in your portfolio."}
    )

    @ma.validates_schema
    def _something(self, data: dict[str, Any], **_: object) -> None:
        if not (data.get("url") or (data.get("narrative") or "").strip()) and not data.get(
            "portfolio_item_id"
        ):
            raise ma.ValidationError("Give a url, a narrative or a portfolio_item_id.", "url")


class RubricLevelSchema(ma.Schema):
    id = ma.fields.String(required=True, validate=SLUG)
    name = ma.fields.String(required=True, validate=NAME)
    points = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=10_000))


class RubricCriterionSchema(ma.Schema):
    id = ma.fields.String(required=True, validate=SLUG)
    name = ma.fields.String(required=True, validate=NAME)
    levels = ma.fields.List(
        ma.fields.Nested(RubricLevelSchema), required=True, validate=validate.Length(min=1, max=20)
    )

    @ma.validates_schema
    def _unique_levels(self, data: dict[str, Any], **_: object) -> None:
        ids = [level["id"] for level in data.get("levels", [])]
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Level ids must be unique.", "levels")


class RubricSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    step_id = ma.fields.String(required=True, validate=SLUG)
    title = ma.fields.String(required=True, validate=NAME)
    criteria = ma.fields.List(
        ma.fields.Nested(RubricCriterionSchema),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    @ma.validates_schema
    def _unique_criteria(self, data: dict[str, Any], **_: object) -> None:
        ids = [c["id"] for c in data.get("criteria", [])]
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Criterion ids must be unique.", "criteria")


class EvidenceDecisionInfoSchema(ma.Schema):
    decision = ma.fields.String()
    comment = ma.fields.String()
    decided_by = ma.fields.UUID()
    decided_at = ma.fields.AwareDateTime()


class EvaluationSchema(ma.Schema):
    id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    path_id = ma.fields.UUID()
    enrolment_id = ma.fields.UUID()
    step_id = ma.fields.String()
    quiz_id = ma.fields.UUID(allow_none=True)
    kind = ma.fields.String(metadata={"description": "quiz or evidence."})
    status = ma.fields.String(
        metadata={"description": "started, graded, awaiting_validation, approved or rejected."}
    )
    raw_score = ma.fields.Integer(allow_none=True)
    max_score = ma.fields.Integer(allow_none=True)
    percent = ma.fields.Decimal(as_string=True, allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)
    details = ma.fields.Dict(
        metadata={"description": "Answers, per-question outcome, rubric scores, duration."}
    )
    started_at = ma.fields.AwareDateTime()
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    decision = ma.fields.Nested(EvidenceDecisionInfoSchema, allow_none=True)
