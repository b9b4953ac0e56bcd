"""Tests for the schema check: OB 3.0 JSON Schema, and the OB 2.0 Assertion shape."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from tests.paths import CONFORMANCE
from verifier.checks import schema
from verifier.checks.schema import check_schema

VECTORS = CONFORMANCE / "vectors"
OB3_EXAMPLES = sorted((VECTORS / "ob3-spec-examples").glob("*.json"))
assert OB3_EXAMPLES, f"no OB 3.0 spec examples under {VECTORS}"  # fail the run, never skip
VALIDATOR_OB30 = VECTORS / "1edtech-validator-ob30"
VALIDATOR_OB20 = VECTORS / "1edtech-validator-ob20"
DATA = Path(__file__).resolve().parents[2] / "data" / "credentials"

# 1EdTech's validator expects these to be VALID (its README); none has a schema problem.
VALID = [
    "simple.json",
    "simple-did-key-method.json",
    "simple-context-alias.json",
    "simple-context-version.json",
    "endorsement-valid.json",
    "sd/derivedcredential.json",
]
# The validator's type-error fixtures, and the property each one breaks.
TYPE_ERRORS = {
    "simple-err-type.json": "type: must contain AchievementCredential or OpenBadgeCredential",
    "simple-err-credential-subject-type.json": "credentialSubject.type: must contain Achievem",
    "simple-err-credential-subject-identifier-type.json": "credentialSubject.identifier[0].type",
    "simple-err-credential-subject-profile-type.json": "credentialSubject.source.type: must",
    "simple-err-credential-subject-result-type.json": "credentialSubject.result[1].type: must",
    "simple-err-credential-subject-achievement-result-description-type.json": (
        "credentialSubject.achievement.resultDescription[2].type: must contain ResultDescription"
    ),
    "simple-err-evidence-type.json": "evidence[1].type: must contain Evidence",
    "simple-err-issuer-type.json": "issuer.type: must contain Profile",
    "simple-err-issuer-parentorg-type.json": "issuer.parentOrg.type: must contain Profile",
    "simple-err-issuer-otheridentifier-type.json": "issuer.otherIdentifier[1].type: must be",
}


def read(path: Path) -> Any:
    """Parse a JSON file, failing the test when the conformance data is missing."""
    assert path.is_file(), f"{path} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def simple() -> dict[str, Any]:
    """1EdTech's minimal valid OpenBadgeCredential, fresh for each test to change."""
    document: dict[str, Any] = read(VALIDATOR_OB30 / "simple.json")
    return document


@pytest.fixture
def assertion() -> dict[str, Any]:
    """1EdTech's basic hosted OB 2.0 Assertion."""
    document: dict[str, Any] = read(VALIDATOR_OB20 / "basic-assertion.json")
    return document


@pytest.mark.parametrize("path", OB3_EXAMPLES, ids=lambda p: p.stem)
def test_ob3_spec_example_passes_schema_check(path: Path) -> None:
    check = check_schema(read(path))
    assert check.outcome == "passed", check.message


@pytest.mark.parametrize("name", VALID)
def test_1edtech_valid_fixture_passes_schema_check(name: str) -> None:
    check = check_schema(read(VALIDATOR_OB30 / name))
    assert (check.id, check.outcome) == ("schema", "passed"), check.message


@pytest.mark.parametrize("name", sorted(TYPE_ERRORS))
def test_1edtech_type_error_fixture_fails_naming_the_property(name: str) -> None:
    check = check_schema(read(VALIDATOR_OB30 / name))
    assert check.outcome == "failed"
    assert TYPE_ERRORS[name] in check.message


def test_missing_issuer_fails_as_required() -> None:
    check = check_schema(read(VALIDATOR_OB30 / "simple-err-issuer.json"))
    assert check.outcome == "failed"
    assert "issuer: required" in check.message


def test_missing_criteria_is_named_by_its_json_path(simple: dict[str, Any]) -> None:
    del simple["credentialSubject"]["achievement"]["criteria"]
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert check.message.endswith(": credentialSubject.achievement.criteria: required.")


def test_vcdm1_credential_passes_with_a_warning() -> None:
    check = check_schema(read(VALIDATOR_OB30 / "simple_v1.json"))
    assert check.outcome == "warning"
    assert "VCDM 1.1 credentials are accepted with a warning" in check.message


def test_vcdm1_credential_needs_issuance_date_not_valid_from() -> None:
    document = read(DATA / "ob3-vcdm1-expired.json")
    assert check_schema(document).outcome == "warning"
    del document["issuanceDate"]
    check = check_schema(document)
    assert check.outcome == "failed"
    assert "issuanceDate: required" in check.message


def test_vcdm2_credential_with_issuance_date_only_fails(simple: dict[str, Any]) -> None:
    simple["issuanceDate"] = simple.pop("validFrom")
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "validFrom: required" in check.message


def test_single_proof_object_passes_with_an_array_warning() -> None:
    check = check_schema(read(VALIDATOR_OB30 / "simple-did-web-method.json"))
    assert check.outcome == "warning"
    assert check.message.endswith("expect arrays at: proof.")


def test_single_type_strings_are_listed_in_the_array_warning(simple: dict[str, Any]) -> None:
    simple["credentialSubject"]["type"] = "AchievementSubject"
    simple["issuer"]["type"] = "Profile"
    check = check_schema(simple)
    assert check.outcome == "warning"
    assert "at: credentialSubject.type, issuer.type." in check.message


def test_wrong_single_type_string_still_fails(simple: dict[str, Any]) -> None:
    simple["credentialSubject"]["type"] = "Person"
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "credentialSubject.type: must contain AchievementSubject" in check.message


def test_nested_single_values_are_wrapped_level_by_level(simple: dict[str, Any]) -> None:
    simple["evidence"] = {"id": "https://example.com/evidence/1", "type": "Evidence"}
    check = check_schema(simple)
    assert check.outcome == "warning"
    assert "at: evidence, evidence[0].type." in check.message


def test_wrapping_stops_after_a_bounded_number_of_rounds(
    simple: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "WRAP_ROUNDS", 1)
    simple["evidence"] = {"id": "https://example.com/evidence/1", "type": "Evidence"}
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "evidence[0].type: must be an array" in check.message


def test_unknown_context_in_second_place_fails_its_pattern(simple: dict[str, Any]) -> None:
    simple["@context"][1] = "https://example.com/my-context.json"
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "@context[1]: must match ^https:" in check.message


def test_extra_property_on_a_closed_class_is_named(simple: dict[str, Any]) -> None:
    simple["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "beth@example.org",
            "identityType": "emailAddress",
            "email": "beth@example.org",
        }
    ]
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "credentialSubject.identifier[0].email: not allowed" in check.message


def test_value_fitting_no_reading_names_each_reading(simple: dict[str, Any]) -> None:
    simple["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "hashed": False, "identityHash": "x", "identityType": "email"}
    ]
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "credentialSubject.identifier[0].identityType: must be one of name, sourcedId" in (
        check.message
    )
    assert ", or must match (ext:)" in check.message


def test_malformed_valid_from_fails_as_a_date_time(simple: dict[str, Any]) -> None:
    simple["validFrom"] = "2010-01-01"
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "validFrom: must be a valid date-time" in check.message


def test_vcdm1_endorsement_is_checked_against_the_endorsement_schema() -> None:
    check = check_schema(read(VALIDATOR_OB30 / "endorsement-err-schema-status-refresh.json"))
    assert check.outcome == "warning"
    assert "EndorsementCredential" in check.message


def test_issuer_of_the_wrong_shape_names_both_readings(simple: dict[str, Any]) -> None:
    simple["issuer"] = 42
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert "issuer: must be a string or an object" in check.message


def test_many_errors_are_cut_to_the_first_five(simple: dict[str, Any]) -> None:
    for field in ("id", "issuer", "validFrom", "credentialSubject", "name"):
        del simple[field]
    simple["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    simple["type"] = ["VerifiableCredential", "OpenBadgeCredential", 7]
    check = check_schema(simple)
    assert check.outcome == "failed"
    assert check.message.count(";") == 4
    assert check.message.endswith("more).")


def test_read_only_mapping_is_checked_like_a_dict(simple: dict[str, Any]) -> None:
    assert check_schema(MappingProxyType(simple)).outcome == "passed"


def test_check_leaves_the_document_unchanged(simple: dict[str, Any]) -> None:
    simple["proof"] = simple["proof"][0]
    before = copy.deepcopy(simple)
    check_schema(simple)
    assert simple == before


def test_ob3_context_with_another_type_is_checked_as_ob3(simple: dict[str, Any]) -> None:
    simple["type"] = ["VerifiableCredential"]
    assert check_schema(simple).outcome == "failed"


def test_credential_of_unknown_type_is_skipped() -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["ClrCredential"]}
    check = check_schema(document)
    assert check.outcome == "skipped"
    assert "ClrCredential" in check.message


def test_ob2_assertion_passes_shape_check(assertion: dict[str, Any]) -> None:
    check = check_schema(assertion)
    assert check == check_schema(assertion)
    assert (check.outcome, check.message) == ("passed", "Matches the OB 2.0 Assertion shape.")


def test_ob2_spec_example_assertion_passes_shape_check() -> None:
    assert check_schema(read(VECTORS / "ob2-spec-examples" / "Assertion.json")).outcome == "passed"


def test_ob2_assertion_with_invalid_context_fails() -> None:
    check = check_schema(read(VALIDATOR_OB20 / "basic-assertion-invalid-context.json"))
    assert check.outcome == "failed"
    assert "@context: must include https://w3id.org/openbadges/v2" in check.message


def test_ob2_assertion_with_invalid_type_fails() -> None:
    check = check_schema(read(VALIDATOR_OB20 / "basic-assertion-invalid-type.json"))
    assert check.outcome == "failed"
    assert "type: must contain Assertion" in check.message


@pytest.mark.parametrize("field", ["id", "recipient", "badge", "verification", "issuedOn"])
def test_ob2_assertion_without_required_field_fails(assertion: dict[str, Any], field: str) -> None:
    del assertion[field]
    check = check_schema(assertion)
    assert check.outcome == "failed"
    assert f"{field}: required" in check.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"hashed": None}, "recipient.hashed: required"),
        ({"hashed": "yes"}, "recipient.hashed: must be true or false"),
        ({"identity": "beth@example.org"}, "recipient.identity: must be md5$<hex> or sha256$"),
        ({"identity": 7}, "recipient.identity: must be a string"),
    ],
)
def test_ob2_recipient_without_a_sound_identity_fails(
    assertion: dict[str, Any], change: dict[str, Any], expected: str
) -> None:
    for key, value in change.items():
        if value is None:
            del assertion["recipient"][key]
        else:
            assertion["recipient"][key] = value
    check = check_schema(assertion)
    assert check.outcome == "failed"
    assert expected in check.message


def test_ob2_plain_identity_passes_when_not_hashed(assertion: dict[str, Any]) -> None:
    assertion["recipient"] = {"type": "email", "hashed": False, "identity": "beth@example.org"}
    assert check_schema(assertion).outcome == "passed"


def test_ob2_hosted_assertion_needs_an_http_id(assertion: dict[str, Any]) -> None:
    assertion["id"] = "urn:uuid:52e4c6b3-8c13-4fa8-8482-a5cf34ef37a9"
    check = check_schema(assertion)
    assert check.outcome == "failed"
    assert "id: must be an HTTP(S) URL for hosted verification" in check.message


def test_ob2_signed_assertion_may_have_a_urn_id(assertion: dict[str, Any]) -> None:
    assertion["id"] = "urn:uuid:52e4c6b3-8c13-4fa8-8482-a5cf34ef37a9"
    assertion["verification"] = {"type": "SignedBadge", "creator": "https://example.org/key1"}
    assert check_schema(assertion).outcome == "passed"


def test_ob2_unknown_verification_type_fails(assertion: dict[str, Any]) -> None:
    assertion["verification"] = {"type": "emailed"}
    check = check_schema(assertion)
    assert check.outcome == "failed"
    assert "verification.type: must be one of hosted, HostedBadge" in check.message


def test_ob2_deprecated_uid_passes_with_a_warning(assertion: dict[str, Any]) -> None:
    assertion["uid"] = "abc123"
    check = check_schema(assertion)
    assert check.outcome == "warning"
    assert "uid: deprecated" in check.message


def test_ob2_unknown_recipient_type_passes_with_a_warning(assertion: dict[str, Any]) -> None:
    assertion["recipient"]["type"] = "nationalId"
    assert check_schema(assertion).outcome == "warning"


def test_ob2_revoked_stub_passes_shape_check() -> None:
    stub = read(VECTORS / "ob2-spec-examples" / "revoked-hosted-assertion.json")
    assert check_schema(stub).outcome == "passed"


def test_ob2_revoked_stub_without_id_fails() -> None:
    stub = read(VECTORS / "ob2-spec-examples" / "revoked-hosted-assertion.json")
    del stub["id"]
    check = check_schema(stub)
    assert (check.outcome, check.message) == (
        "failed",
        "Does not match the OB 2.0 Assertion: id: required.",
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("issuedOn", 1483228799, "issuedOn: must be a string"),
        ("badge", 5, "badge: must be an IRI or a BadgeClass object"),
        ("recipient", "beth@example.org", "recipient: must be an IdentityObject"),
    ],
)
def test_ob2_field_of_the_wrong_kind_fails(
    assertion: dict[str, Any], field: str, value: Any, expected: str
) -> None:
    assertion[field] = value
    check = check_schema(assertion)
    assert check.outcome == "failed"
    assert expected in check.message


def test_ob2_badge_class_is_skipped() -> None:
    check = check_schema(read(VALIDATOR_OB20 / "badge-class-with-language.json"))
    assert check.outcome == "skipped"


def test_the_kind_the_pipeline_decided_picks_the_shape_checked() -> None:
    document = {"@context": "https://w3id.org/openbadges/v2", "type": "Achievement"}
    check = check_schema(document, kind="vc")
    assert (check.outcome, check.message) == (
        "skipped",
        "No schema is known for a document of type Achievement.",
    )
    assert "OB 2.0" in check_schema(document).message
