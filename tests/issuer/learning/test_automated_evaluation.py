"""Quizzes: exact pass mark, retry cooldown, frozen policy, randomised attempts, grading."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from issuer.accounts.roles import Role
from issuer.clock import FrozenClock
from issuer.learning.automated_evaluation import grading
from tests.factories import Factories, Person

# 7999 + 1 + 2000 points: A alone is 79.99 %, A and B exactly 80 %.
WEIGHTED: list[dict[str, Any]] = [
    {
        "kind": "single",
        "prompt": "A",
        "choices": [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}],
        "answer": "yes",
        "points": 7999,
    },
    {"kind": "numeric", "prompt": "B", "answer": {"value": "3.14", "tolerance": "0.01"}},
    {"kind": "text", "prompt": "C", "answer": ["Universal Design"], "points": 2000},
]
RIGHT = {"A": "yes", "B": 3.141, "C": "  universal   design "}


@dataclass(frozen=True)
class Org:
    tenant: uuid.UUID
    issuer: uuid.UUID
    author: Person
    reviewer: Person
    admin: Person


@pytest.fixture
def org(factories: Factories) -> Org:
    tenant = factories.tenant()
    return Org(
        tenant,
        factories.issuer(tenant),
        factories.person(tenant, [Role.BADGE_CREATOR]),
        factories.person(tenant, [Role.CONTENT_REVIEWER]),
        factories.person(tenant, [Role.ISSUER_ADMIN]),
    )


@dataclass(frozen=True)
class Learner:
    person: Person
    enrolment: uuid.UUID
    quiz: uuid.UUID

    @property
    def url(self) -> str:
        return f"/api/v1/me/enrolments/{self.enrolment}/quizzes/{self.quiz}/attempts"

    def start(self, client: FlaskClient) -> Any:
        return client.post(self.url, headers=self.person.headers)

    def submit(
        self, client: FlaskClient, attempt: dict[str, Any], by_prompt: dict[str, Any]
    ) -> Any:
        answers = {
            q["id"]: by_prompt[q["prompt"]]
            for q in attempt["questions"]
            if q["prompt"] in by_prompt
        }
        return client.post(
            f"{self.url}/{attempt['id']}/submit",
            json={"answers": answers},
            headers=self.person.headers,
        )

    def attempt(self, client: FlaskClient, by_prompt: dict[str, Any]) -> dict[str, Any]:
        started = self.start(client)
        assert started.status_code == 201, started.json
        graded = self.submit(client, started.json, by_prompt)
        assert graded.status_code == 200, graded.json
        return dict(graded.json)


def _quiz_path(
    factories: Factories, org: Org, questions: list[dict[str, Any]], **quiz: Any
) -> tuple[uuid.UUID, uuid.UUID]:
    quiz_id = factories.quiz(org.tenant, questions, **quiz)
    path = factories.path(
        org.issuer,
        steps=[
            {"id": "intro", "kind": "lesson", "title": "Intro"},
            {"id": "exam", "kind": "evaluation", "title": "Exam", "quiz_id": str(quiz_id)},
        ],
    )
    return path, quiz_id


def _learner(factories: Factories, org: Org, path: uuid.UUID, quiz: uuid.UUID) -> Learner:
    person = factories.person(org.tenant, [Role.EARNER])
    return Learner(person, factories.enrolment(factories.cohort(path), person), quiz)


@pytest.fixture
def weighted(factories: Factories, org: Org) -> tuple[uuid.UUID, uuid.UUID]:
    return _quiz_path(factories, org, WEIGHTED)


def test_79_99_percent_fails_and_exactly_80_passes(
    client: FlaskClient, factories: Factories, org: Org, clock: FrozenClock, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    failed = learner.attempt(client, {"A": "yes", "B": 2, "C": "no idea"})
    assert (failed["raw_score"], failed["max_score"]) == (7999, 10000)
    assert failed["percent"] == "79.99" and failed["passed"] is False
    assert failed["details"]["outcomes"][next(iter(failed["details"]["outcomes"]))]["points"] in (
        0,
        7999,
    )
    clock.advance(minutes=30)
    passed = learner.attempt(client, {"A": "yes", "B": "3.13", "C": "nope"})
    assert passed["percent"] == "80.00" and passed["passed"] is True
    mine = client.get("/api/v1/me/enrolments", headers=learner.person.headers).json[0]
    assert mine["completed_steps"] == ["exam"] and mine["score"] == "80.00"
    assert mine["status"] == "enrolled"  # the intro lesson is still to do


def test_a_retry_in_the_cooldown_is_refused_with_the_time_it_opens(
    client: FlaskClient, factories: Factories, org: Org, clock: FrozenClock, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    attempt = learner.start(client).json
    clock.advance(minutes=2)
    failed = learner.submit(client, attempt, {"C": "universal design"}).json
    assert failed["passed"] is False and failed["details"]["duration_seconds"] == 120
    opens = (clock() + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")

    clock.advance(minutes=29)
    refused = learner.start(client)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["retry_at"] == opens == "2026-03-02T09:32:00Z"
    assert opens in refused.json["detail"] and refused.headers["Retry-After"] == "60"
    assert refused.json["type"].endswith("/problems/retry-cooldown")

    clock.advance(minutes=1)
    assert learner.start(client).status_code == 201


def test_no_cooldown_after_a_pass_and_an_open_attempt_is_resumed(
    client: FlaskClient, factories: Factories, org: Org, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    first = learner.start(client)
    again = learner.start(client)
    assert again.status_code == 200 and again.json == first.json  # same draw, same order
    assert learner.submit(client, first.json, RIGHT).json["percent"] == "100.00"
    twice = learner.submit(client, first.json, RIGHT)
    assert twice.status_code == 409 and "already submitted" in twice.json["detail"]
    assert learner.start(client).status_code == 201


def test_the_version_frozen_pass_mark_judges_attempts_not_the_current_policy(
    client: FlaskClient, factories: Factories, org: Org, clock: FrozenClock, weighted: Any
) -> None:
    path, quiz = weighted
    early = _learner(factories, org, path, quiz)
    kept = early.attempt(client, {"A": "yes", "B": 3.14})
    assert kept["passed"] is True

    policy = {"pass_percent": "90", "retry_cooldown_min": 5}
    r = client.put(
        f"/api/v1/tenants/{org.tenant}/learning-policy", json=policy, headers=org.admin.headers
    )
    assert r.status_code == 200
    again = client.get(f"/api/v1/evaluations/{kept['id']}", headers=org.admin.headers).json
    assert again["passed"] is True and again["details"]["pass_percent"] == "80.00"
    assert early.attempt(client, {"A": "yes", "B": 3.14})["passed"] is True  # still on v1

    client.patch(f"/api/v1/paths/{path}", json={"name": "V2"}, headers=org.author.headers)
    client.post(f"/api/v1/paths/{path}/submit", headers=org.author.headers)
    client.post(f"/api/v1/paths/{path}/publish", json={}, headers=org.reviewer.headers)
    late = _learner(factories, org, path, quiz)
    judged = late.attempt(client, {"A": "yes", "B": 3.14})
    assert judged["passed"] is False and judged["details"]["pass_percent"] == "90.00"
    clock.advance(minutes=4)
    assert late.start(client).status_code == 409  # version 2's cooldown: 5 minutes
    clock.advance(minutes=1)
    assert late.start(client).status_code == 201


def test_each_attempt_draws_its_own_order_and_grading_goes_by_question_id(
    client: FlaskClient, factories: Factories, org: Org
) -> None:
    bank = [
        {
            "kind": "single",
            "prompt": f"Q{n}",
            "choices": [{"id": c, "text": c.upper()} for c in "abcdef"],
            "answer": "c",
            "points": n,
        }
        for n in range(1, 11)
    ]
    no_cooldown = {"pass_percent": "80", "retry_cooldown_min": 0}
    client.put(
        f"/api/v1/tenants/{org.tenant}/learning-policy", json=no_cooldown, headers=org.admin.headers
    )
    learner = _learner(factories, org, *_quiz_path(factories, org, bank, draw=8))
    shown = []
    for _ in range(3):
        attempt = learner.start(client).json
        assert len(attempt["questions"]) == 8
        shown.append([(q["prompt"], [c["id"] for c in q["choices"]]) for q in attempt["questions"]])
        last, *rest = attempt["questions"]
        answers = {q["id"]: "c" for q in reversed(rest)} | {last["id"]: "a"}  # any order
        graded = client.post(
            f"{learner.url}/{attempt['id']}/submit",
            json={"answers": answers},
            headers=learner.person.headers,
        ).json
        assert graded["max_score"] == sum(q["points"] for q in attempt["questions"])
        assert graded["raw_score"] == graded["max_score"] - last["points"]
        assert graded["details"]["questions"] == [q["id"] for q in attempt["questions"]]
        assert graded["details"]["outcomes"][last["id"]] == {
            "answer": "a",
            "correct": False,
            "points": 0,
        }
    assert shown[0] != shown[1] != shown[2]
    assert any(choices != sorted(choices) for _, choices in shown[0])  # choices shuffled too


def test_an_attempt_never_reveals_the_answers(
    client: FlaskClient, factories: Factories, org: Org, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    attempt = learner.start(client)
    text = attempt.get_data(as_text=True)
    assert "answer" not in text and "Universal Design" not in text and "3.14" not in text
    assert {frozenset(q) for q in attempt.json["questions"]} == {
        frozenset({"id", "kind", "prompt", "points", "choices"})
    }


def test_answers_to_questions_not_shown_are_refused(
    client: FlaskClient, factories: Factories, org: Org, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    attempt = learner.start(client).json
    stray = str(uuid.uuid4())
    r = client.post(
        f"{learner.url}/{attempt['id']}/submit",
        json={"answers": {stray: "yes"}},
        headers=learner.person.headers,
    )
    assert r.status_code == 422 and r.json["errors"][0]["pointer"] == f"#/answers/{stray}"


def test_only_your_own_enrolment_and_your_path_s_quiz(
    client: FlaskClient, factories: Factories, org: Org, weighted: Any
) -> None:
    learner = _learner(factories, org, *weighted)
    other = factories.person(org.tenant, [Role.EARNER])
    assert client.post(learner.url, headers=other.headers).status_code == 404
    stranger = factories.quiz(org.tenant)
    url = f"/api/v1/me/enrolments/{learner.enrolment}/quizzes/{stranger}/attempts"
    assert client.post(url, headers=learner.person.headers).status_code == 404


def test_authors_build_the_bank_and_learners_never_read_it(
    client: FlaskClient, factories: Factories, org: Org
) -> None:
    r = client.post(
        f"/api/v1/tenants/{org.tenant}/quizzes",
        json={"title": "Check", "draw": 1, "questions": WEIGHTED},
        headers=org.author.headers,
    )
    assert r.status_code == 201 and r.json["questions"][1]["answer"] == {
        "value": "3.14",
        "tolerance": "0.01",
    }
    quiz = r.json["id"]
    added = client.post(
        f"/api/v1/quizzes/{quiz}/questions",
        json={
            "kind": "multiple",
            "prompt": "D",
            "choices": WEIGHTED[0]["choices"],
            "answer": ["yes", "no"],
        },
        headers=org.author.headers,
    )
    assert added.status_code == 201
    retired = client.patch(
        f"/api/v1/quizzes/{quiz}", json={"retire": [added.json["id"]]}, headers=org.author.headers
    )
    assert retired.json["questions"][3]["retired_at"] is not None
    learner = factories.person(org.tenant, [Role.EARNER])
    assert client.get(f"/api/v1/quizzes/{quiz}", headers=learner.headers).status_code == 403


@pytest.mark.parametrize(
    ("question", "pointer"),
    [
        ({**WEIGHTED[0], "answer": "maybe"}, "#/questions/0/answer"),
        ({**WEIGHTED[0], "choices": WEIGHTED[0]["choices"][:1]}, "#/questions/0/choices"),
        ({**WEIGHTED[1], "answer": {"value": "x"}}, "#/questions/0/answer"),
        ({**WEIGHTED[1], "answer": {"value": 1, "tolerance": -1}}, "#/questions/0/answer"),
        ({**WEIGHTED[2], "answer": []}, "#/questions/0/answer"),
        ({**WEIGHTED[2], "points": 0}, "#/questions/0/points"),
    ],
)
def test_a_malformed_question_names_its_field(
    client: FlaskClient, org: Org, question: dict[str, Any], pointer: str
) -> None:
    r = client.post(
        f"/api/v1/tenants/{org.tenant}/quizzes",
        json={"title": "Check", "questions": [question]},
        headers=org.author.headers,
    )
    assert r.status_code == 422 and pointer in [e["pointer"] for e in r.json["errors"]]


@pytest.mark.parametrize(
    ("kind", "answer", "given", "correct"),
    [
        ("single", "a", "a", True),
        ("single", "a", ["a"], False),
        ("multiple", ["a", "c"], ["c", "a"], True),
        ("multiple", ["a", "c"], ["a"], False),
        ("multiple", ["a", "c"], ["a", "c", "c"], False),
        ("numeric", {"value": "2.5", "tolerance": "0.1"}, "2.6", True),
        ("numeric", {"value": "2.5", "tolerance": "0.1"}, 2.61, False),
        ("numeric", {"value": "2.5", "tolerance": "0"}, True, False),
        ("numeric", {"value": "2.5", "tolerance": "0"}, "NaN", False),
        ("text", ["Open Badges"], " open  BADGES ", True),
        ("text", ["Open Badges"], "Open Badge", False),
    ],
)
def test_each_question_kind_grades_its_answer(
    kind: str, answer: Any, given: Any, correct: bool
) -> None:
    assert grading.is_correct(grading.Key("q", kind, answer, 1), given) is correct


@given(
    maximum=st.integers(min_value=1, max_value=10**6),
    share=st.fractions(min_value=0, max_value=1),
    hundredths=st.integers(min_value=1, max_value=10_000),
)
def test_grading_passes_exactly_at_or_above_the_threshold(
    maximum: int, share: Any, hundredths: int
) -> None:
    raw = int(share * maximum)
    threshold = Decimal(hundredths) / 100
    passed = grading.passes(raw, maximum, threshold)
    assert passed is (raw * 10_000 >= hundredths * maximum)  # integers: no rounding anywhere
    shown = grading.percent(raw, maximum)
    assert passed is (shown >= threshold)  # the stored percent never contradicts the outcome
    assert shown * maximum <= raw * 100 < (shown + Decimal("0.01")) * maximum
