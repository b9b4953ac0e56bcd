"""Tests for the validity check: validFrom/validUntil and their VCDM 1.1 and OB 2.0 names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.paths import CONFORMANCE
from verifier.checks.validity import check_validity

VECTORS = CONFORMANCE / "vectors"
DATA = Path(__file__).resolve().parents[2] / "data" / "credentials"
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB2 = "https://w3id.org/openbadges/v2"


def read(path: Path) -> Any:
    """Parse a JSON file, failing the test when it is missing."""
    assert path.is_file(), f"{path} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


def vc2(**dates: Any) -> dict[str, Any]:
    """A VCDM 2.0 credential carrying only the given date fields."""
    return {"@context": [VC_V2], "type": ["VerifiableCredential"], **dates}


def test_credential_within_its_period_passes() -> None:
    check = check_validity(read(DATA / "ob3-expired.json"), now=datetime(2025, 1, 1, tzinfo=UTC))
    assert check.id == "validity"
    assert (check.outcome, check.message) == ("passed", "Valid from 2024-01-01 until 2025-06-30.")


def test_credential_without_expiry_passes_saying_so() -> None:
    check = check_validity(vc2(validFrom="2024-01-01T00:00:00Z"), now=NOW)
    assert (check.outcome, check.message) == ("passed", "Valid from 2024-01-01; no expiry.")


def test_expired_credential_fails_validity_check() -> None:
    check = check_validity(read(DATA / "ob3-expired.json"), now=NOW.replace(year=2026))
    assert (check.outcome, check.message) == ("failed", "Expired on 2025-06-30.")


def test_not_yet_valid_credential_fails_validity_check() -> None:
    check = check_validity(vc2(validFrom="2040-01-01T00:00:00Z"), now=NOW)
    assert (check.outcome, check.message) == ("failed", "Not valid until 2040-01-01.")


def test_credential_is_valid_from_the_exact_moment_of_valid_from() -> None:
    document = vc2(validFrom="2025-03-01T12:00:00Z")
    assert check_validity(document, now=NOW).outcome == "passed"
    assert check_validity(document, now=NOW - timedelta(microseconds=1)).outcome == "failed"


def test_credential_ceases_to_be_valid_at_the_exact_moment_of_valid_until() -> None:
    document = vc2(validUntil="2025-03-01T12:00:00Z")
    assert check_validity(document, now=NOW - timedelta(microseconds=1)).outcome == "passed"
    assert check_validity(document, now=NOW).outcome == "failed"


def test_credential_issued_after_it_expires_is_never_valid() -> None:
    check = check_validity(
        vc2(validFrom="2025-06-30T00:00:00Z", validUntil="2025-01-01T00:00:00Z"), now=NOW
    )
    assert check.outcome == "failed"
    assert check.message == (
        "validFrom 2025-06-30 is after validUntil 2025-01-01: the credential is never valid."
    )


def test_vcdm1_credential_is_judged_by_issuance_and_expiration_dates() -> None:
    document = read(DATA / "ob3-vcdm1-expired.json")
    assert check_validity(document, now=datetime(2025, 1, 1, tzinfo=UTC)).outcome == "passed"
    check = check_validity(document, now=NOW.replace(year=2026))
    assert (check.outcome, check.message) == ("failed", "Expired on 2025-06-30.")


def test_vcdm1_credential_without_issuance_date_fails() -> None:
    document = read(DATA / "ob3-vcdm1-expired.json")
    del document["issuanceDate"]
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == (
        "failed",
        "issuanceDate is missing; VCDM 1.1 requires it.",
    )


def test_vcdm2_credential_ignores_vcdm1_date_names() -> None:
    document = vc2(issuanceDate="2040-01-01T00:00:00Z", expirationDate="2000-01-01T00:00:00Z")
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("passed", "Valid (no validFrom); no expiry.")


def test_ob2_assertion_is_judged_by_issued_on_and_expires() -> None:
    document = read(VECTORS / "ob2-spec-examples" / "Assertion.json")
    assert check_validity(document, now=datetime(2017, 1, 1, tzinfo=UTC)).outcome == "passed"
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("failed", "Expired on 2017-06-30T23:59:59Z.")


def test_ob2_assertion_issued_in_the_future_fails() -> None:
    document = read(VECTORS / "1edtech-validator-ob20" / "basic-assertion-in-future.json")
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("failed", "Not valid until 2100-12-31T23:59:59Z.")


def test_ob2_assertion_expiring_before_issue_fails() -> None:
    path = VECTORS / "1edtech-validator-ob20" / "basic-assertion-expired-before-issued.json"
    check = check_validity(read(path), now=datetime(2022, 12, 1, tzinfo=UTC))
    assert check.outcome == "failed"
    assert check.message.endswith("the credential is never valid.")


@pytest.mark.parametrize("issued_on", ["2016-12-31T23:59+00:00", "2016-12-31T23:59:59+0000"])
def test_ob2_accepts_iso_8601_forms_xml_schema_does_not(issued_on: str) -> None:
    document = {"@context": OB2, "type": "Assertion", "issuedOn": issued_on}
    assert check_validity(document, now=NOW).outcome == "passed"


def test_1edtech_expired_fixture_fails_validity_check() -> None:
    document = read(VECTORS / "1edtech-validator-ob30" / "simple-err-expired.json")
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("failed", "Expired on 2010-01-01.")


def test_1edtech_issued_in_the_future_fixture_fails_validity_check() -> None:
    document = read(VECTORS / "1edtech-validator-ob30" / "simple-err-issued.json")
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("failed", "Not valid until 2040-01-01.")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-01-01T00:00:00", "no time zone"),
        ("2024-01-01", "not a date-time"),
        ("2024-01-01 00:00:00Z", "not a date-time"),
        ("2024-01-01t00:00:00z", "not a date-time"),
        ("２０２４-01-01T00:00:00Z", "not a date-time"),
        ("2024-01-01T24:00:00.5Z", "hour must be in 0..23"),
        ("2024-13-01T00:00:00Z", "month must be in 1..12"),
        ("2024-01-01T00:00Z", "not an XML Schema dateTime"),
        ("2024-01-01T00:00:00+0100", "not an XML Schema dateTime"),
        ("2024-01-01T00:00:00+15:00", "time zone offset out of range"),
        ("10000-01-01T00:00:00Z", "year 10000 is out of range"),
        (1704067200, "not a string"),
    ],
)
def test_malformed_date_fails_naming_the_field(value: Any, reason: str) -> None:
    check = check_validity(vc2(validFrom=value), now=NOW)
    assert check.outcome == "failed"
    assert check.message.startswith("validFrom must be an XML Schema date-time with a time zone")
    assert f": {reason})." in check.message


def test_malformed_ob2_date_fails_naming_the_field() -> None:
    document = {"@context": OB2, "type": "Assertion", "issuedOn": "yesterday"}
    check = check_validity(document, now=NOW)
    assert check.outcome == "failed"
    assert check.message.startswith("issuedOn must be an ISO 8601 date-time with a time zone")


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2025-03-01T14:00:00+02:00", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("2025-03-01T07:00:00-05:00", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("2025-03-01T12:00:00.5Z", datetime(2025, 3, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        ("2025-03-01T12:00:00.1234569Z", datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)),
        ("2025-02-28T24:00:00Z", datetime(2025, 3, 1, tzinfo=UTC)),
    ],
)
def test_date_time_forms_name_the_right_instant(value: str, instant: datetime) -> None:
    document = vc2(validUntil=value)
    assert check_validity(document, now=instant - timedelta(microseconds=1)).outcome == "passed"
    assert check_validity(document, now=instant).outcome == "failed"


def test_expiry_is_shown_in_utc() -> None:
    check = check_validity(vc2(validUntil="2025-01-01T10:30:00+02:00"), now=NOW)
    assert check.message == "Expired on 2025-01-01T08:30:00Z."


def test_naive_now_is_taken_as_utc() -> None:
    document = vc2(validUntil="2025-03-01T12:00:00Z")
    assert check_validity(document, now=datetime(2025, 3, 1, 11, 59)).outcome == "passed"
    assert check_validity(document, now=datetime(2025, 3, 1, 12, 0)).outcome == "failed"


def test_document_without_known_dates_is_skipped() -> None:
    check = check_validity({"@context": ["https://example.org/context"]}, now=NOW)
    assert (check.outcome, check.message) == ("skipped", "No validity dates to check.")


def test_unknown_context_is_read_by_the_fields_present() -> None:
    document = {"@context": "https://example.org/context", "expires": "2020-01-01T00:00:00Z"}
    check = check_validity(document, now=NOW)
    assert (check.outcome, check.message) == ("failed", "issuedOn is missing; OB 2.0 requires it.")


def test_the_kind_the_pipeline_decided_picks_the_dates_read() -> None:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB2],
        "issuedOn": "2024-01-01T00:00:00Z",
        "expires": "2025-01-01T00:00:00Z",
    }
    assert check_validity(document, now=NOW, kind="vc").message == (
        "issuanceDate is missing; VCDM 1.1 requires it."
    )
    # Without a kind, the check asks the pipeline's question: the OB 2.0 context wins.
    assert check_validity(document, now=NOW).message == "Expired on 2025-01-01."
