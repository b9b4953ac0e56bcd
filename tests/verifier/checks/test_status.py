"""Tests for the status check: Bitstring Status List, StatusList2021, 1EdTech and OB 2.0 lists."""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.paths import CONFORMANCE
from tests.verifier.servers import DocumentResolver
from verifier.bitstring import MIN_ENTRIES, bit_at, decode_bitstring, encode_bitstring
from verifier.checks.status import check_status
from verifier.errors import InvalidProof, InvalidStatusList, ResolutionError
from verifier.resolver import Offline

VECTORS = CONFORMANCE / "vectors"
BITSTRING = VECTORS / "bitstring-status-list"
SPEC_CREDENTIALS = sorted(
    path
    for path in BITSTRING.glob("*/*.json")
    if "credentialStatus" in json.loads(path.read_text(encoding="utf-8"))
)
assert SPEC_CREDENTIALS, f"no Bitstring Status List vectors under {BITSTRING}"  # never skip
VALIDATOR_OB30 = VECTORS / "1edtech-validator-ob30"
VALIDATOR_OB20 = VECTORS / "1edtech-validator-ob20"
DATA = Path(__file__).resolve().parents[2] / "data" / "credentials"
NOW = datetime(2025, 3, 1, tzinfo=UTC)
REVOCATION_LIST = "https://example.com/status/revocation"
SUSPENSION_LIST = "https://example.com/status/suspension"
WELLSPRING = "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c"


def read(path: Path) -> Any:
    """Parse a JSON file, failing the test when it is missing."""
    assert path.is_file(), f"{path} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


def bits_with(*indexes: int, entries: int = MIN_ENTRIES) -> bytes:
    """A bitstring of `entries` one-bit entries with the given indexes set."""
    bits = bytearray(entries // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def status_list(
    url: str,
    purpose: str | list[str] = "revocation",
    *set_indexes: int,
    kind: str = "BitstringStatusList",
    **fields: Any,
) -> dict[str, Any]:
    """An unsigned status list credential served at `url`, in force until 2030."""
    encoded = encode_bitstring(bits_with(*set_indexes))
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", f"{kind}Credential"],
        "issuer": "https://example.com/issuers/876543",
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": kind,
            "statusPurpose": purpose,
            "encodedList": encoded if kind == "BitstringStatusList" else encoded[1:],
        },
        **fields,
    }


def credential(*entries: Mapping[str, Any]) -> dict[str, Any]:
    """The revocable and suspendable OB 3.0 credential, with other status entries if given."""
    document: dict[str, Any] = read(DATA / "ob3-revocable-and-suspendable.json")
    if entries:
        document["credentialStatus"] = list(entries)
    return document


def entry(url: str = REVOCATION_LIST, purpose: str = "revocation", **fields: Any) -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at index 94567 of `url`."""
    return {
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": "94567",
        "statusListCredential": url,
        **fields,
    }


def resolver_for(*lists: dict[str, Any]) -> DocumentResolver:
    """A resolver serving each list at its id."""
    return DocumentResolver({document["id"]: document for document in lists})


@pytest.fixture(scope="module")
def gzip_bomb() -> str:
    """An encodedList that expands to 64 MiB of zero bytes from about 64 KB."""
    compressor = zlib.compressobj(9, wbits=16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    compressed = b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


# --- The encodedList codec -------------------------------------------------------------


@pytest.mark.parametrize("name", ["example-02", "example-04"])
def test_spec_example_status_list_decodes_to_131072_clear_entries(name: str) -> None:
    (path,) = BITSTRING.glob(f"spec-examples-editors-draft/{name}-*.json")
    bits = decode_bitstring(read(path)["credentialSubject"]["encodedList"])
    assert bits == bytes(MIN_ENTRIES // 8)


def test_rec_example_status_list_decodes_to_131072_clear_entries() -> None:
    path = BITSTRING / "spec-examples-REC-2025" / "example-02-untitled.json"
    assert decode_bitstring(read(path)["credentialSubject"]["encodedList"]) == bits_with()


def test_1edtech_test_list_has_only_index_23_set() -> None:
    bits = decode_bitstring(
        read(VALIDATOR_OB30 / "bit-string-list" / "testlist")["credentialSubject"]["encodedList"]
    )
    assert [i for i in range(len(bits) * 8) if bit_at(bits, i)] == [23]


def test_encoded_bitstring_round_trips_and_is_deterministic() -> None:
    bits = bits_with(0, 7, 94567, MIN_ENTRIES - 1)
    encoded = encode_bitstring(bits)
    assert encoded.startswith("u") and "=" not in encoded
    assert encode_bitstring(bytearray(bits)) == encoded
    assert decode_bitstring(encoded) == bits


def test_bit_at_reads_the_left_most_bit_of_the_first_byte_first() -> None:
    assert [bit_at(b"\x80\x01", i) for i in (0, 1, 7, 8, 15)] == [True, False, False, False, True]


@pytest.mark.parametrize("index", [-1, 16])
def test_bit_at_outside_the_list_raises(index: int) -> None:
    with pytest.raises(InvalidStatusList, match="outside a list of 16 entries"):
        bit_at(b"\x00\x00", index)


def test_gzip_bomb_fails_fast(gzip_bomb: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidStatusList, match="expands beyond 16777216 bytes"):
        decode_bitstring(gzip_bomb)
    assert time.perf_counter() - started < 1.0


def test_decompression_cap_is_adjustable() -> None:
    with pytest.raises(InvalidStatusList, match="expands beyond 1024 bytes"):
        decode_bitstring(encode_bitstring(bits_with()), max_bytes=1024)


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        (encode_bitstring(bits_with())[1:], "starting with 'u'"),
        ("uH4sI+AAA/", "not base64url text"),
        ("u" + base64.urlsafe_b64encode(b"not gzip").decode(), "not GZIP data"),
        (encode_bitstring(bits_with())[:40], "truncated GZIP data"),
        ("u" + base64.urlsafe_b64encode(zlib.compress(b"\x00" * 64)).decode(), "not GZIP data"),
    ],
)
def test_malformed_encoded_list_is_refused(encoded: str, reason: str) -> None:
    with pytest.raises(InvalidStatusList, match=reason):
        decode_bitstring(encoded)


def test_encoded_list_of_impossible_length_is_refused() -> None:
    with pytest.raises(InvalidStatusList, match="not base64url: "):
        decode_bitstring("uAAAAA")


def test_data_after_the_gzip_stream_is_refused() -> None:
    compressed = base64.urlsafe_b64decode(encode_bitstring(bits_with())[1:] + "==")
    encoded = "u" + base64.urlsafe_b64encode(compressed + compressed).decode()
    with pytest.raises(InvalidStatusList, match="has data after it"):
        decode_bitstring(encoded)


def test_statuslist2021_encoding_without_multibase_prefix_decodes() -> None:
    compressed = base64.urlsafe_b64decode(encode_bitstring(bits_with(3))[1:] + "==")
    plain = base64.b64encode(compressed).decode()
    assert bit_at(decode_bitstring(plain, multibase=False), 3)


# --- Bitstring Status List and StatusList2021 ---------------------------------------------


@pytest.mark.parametrize("path", SPEC_CREDENTIALS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_spec_example_credential_with_clear_lists_is_not_revoked(path: Path) -> None:
    spec_list = read(BITSTRING / "spec-examples-REC-2025" / "example-02-untitled.json")
    issuer = spec_list["issuer"]
    resolver = resolver_for(
        spec_list,
        status_list("https://example.com/credentials/status/4", "suspension", issuer=issuer),
        status_list(
            "https://example.com/credentials/status/5", ["revocation", "suspension"], issuer=issuer
        ),
    )
    check = check_status(read(path), resolver=resolver, now=NOW)
    assert check.id == "status"
    assert check.outcome == "passed", check.message
    assert "Not revoked (status list https://example.com/credentials/status/" in check.message


def test_active_credential_passes_naming_each_list() -> None:
    resolver = resolver_for(
        status_list(REVOCATION_LIST), status_list(SUSPENSION_LIST, "suspension")
    )
    check = check_status(credential(), resolver=resolver, now=NOW)
    assert check.outcome == "passed"
    assert check.message == (
        f"Not revoked (status list {REVOCATION_LIST}, index 94567)."
        f" Not suspended (status list {SUSPENSION_LIST}, index 23452)."
    )
    assert resolver.fetched == [REVOCATION_LIST, SUSPENSION_LIST]


def test_revoked_credential_fails_status_check() -> None:
    resolver = resolver_for(
        status_list(REVOCATION_LIST, "revocation", 94567),
        status_list(SUSPENSION_LIST, "suspension"),
    )
    check = check_status(credential(), resolver=resolver, now=NOW)
    assert check.outcome == "failed"
    assert check.message.startswith(f"Revoked (status list {REVOCATION_LIST}, index 94567).")


def test_suspended_credential_fails_status_check() -> None:
    resolver = resolver_for(
        status_list(REVOCATION_LIST), status_list(SUSPENSION_LIST, "suspension", 23452)
    )
    check = check_status(credential(), resolver=resolver, now=NOW)
    assert check.outcome == "failed"
    assert check.message.endswith(f"Suspended (status list {SUSPENSION_LIST}, index 23452).")


@pytest.mark.parametrize(
    "name", ["credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"]
)
def test_1edtech_bitstring_revoked_fixture_fails_status_check(name: str) -> None:
    document = read(VALIDATOR_OB30 / "bit-string-list" / name)
    url = document["credentialStatus"]["statusListCredential"]
    resolver = DocumentResolver({url: read(VALIDATOR_OB30 / "bit-string-list" / "testlist")})
    check = check_status(document, resolver=resolver, now=NOW)
    assert (check.outcome, check.message) == ("failed", f"Revoked (status list {url}, index 23).")


def test_unreachable_status_list_is_unknown_never_passed() -> None:
    check = check_status(credential(entry()), resolver=Offline(), now=NOW)
    assert check.outcome == "unknown"
    assert check.message == (
        f"Could not fetch the status list at {REVOCATION_LIST}: {REVOCATION_LIST} was not fetched:"
        " verification is running offline; revocation status is unknown."
    )


def test_one_unreachable_list_makes_the_status_unknown() -> None:
    resolver = resolver_for(status_list(REVOCATION_LIST))
    check = check_status(credential(), resolver=resolver, now=NOW)
    assert check.outcome == "unknown"
    assert check.message.endswith("suspension status is unknown.")


def test_a_revocation_outweighs_an_unreachable_list() -> None:
    resolver = resolver_for(status_list(REVOCATION_LIST, "revocation", 94567))
    assert check_status(credential(), resolver=resolver, now=NOW).outcome == "failed"


@pytest.mark.parametrize("body", [b"<html>Status</html>", b"[1, 2]", b"[" * 100_000])
def test_status_list_that_is_not_a_json_object_is_unknown(body: bytes) -> None:
    resolver = DocumentResolver({REVOCATION_LIST: body})
    check = check_status(credential(entry()), resolver=resolver, now=NOW)
    assert check.outcome == "unknown"
    assert (
        f"Could not fetch the status list at {REVOCATION_LIST}: the response is not"
        in check.message
    )


def test_index_outside_the_list_leaves_the_status_unknown() -> None:
    resolver = resolver_for(status_list(REVOCATION_LIST))
    document = credential(entry(statusListIndex=str(MIN_ENTRIES)))
    check = check_status(document, resolver=resolver, now=NOW)
    assert check.outcome == "unknown"
    assert check.message == (
        f"The status list at {REVOCATION_LIST} cannot be used: index 131072 is outside its"
        " 131072 entries; revocation status is unknown."
    )


def test_list_of_another_purpose_leaves_the_status_unknown() -> None:
    resolver = resolver_for(status_list(REVOCATION_LIST, "suspension"))
    check = check_status(credential(entry()), resolver=resolver, now=NOW)
    assert check.outcome == "unknown"
    assert check.message == (
        f"statusPurpose mismatch: the entry says revocation, the list at {REVOCATION_LIST}"
        " says suspension; revocation status is unknown."
    )


def test_list_shorter_than_131072_entries_leaves_the_status_unknown() -> None:
    short = status_list(REVOCATION_LIST)
    short["credentialSubject"]["encodedList"] = encode_bitstring(
        bits_with(entries=MIN_ENTRIES // 2)
    )
    check = check_status(credential(entry()), resolver=resolver_for(short), now=NOW)
    assert check.outcome == "unknown"
    assert "it has 65536 entries; at least 131072 are required" in check.message


def test_gzip_bomb_in_a_status_list_is_refused_fast(gzip_bomb: str) -> None:
    bomb = status_list(REVOCATION_LIST)
    bomb["credentialSubject"]["encodedList"] = gzip_bomb
    started = time.perf_counter()
    check = check_status(credential(entry()), resolver=resolver_for(bomb), now=NOW)
    assert time.perf_counter() - started < 1.0
    assert check.outcome == "unknown"
    assert "expands beyond 16777216 bytes" in check.message


def test_status_list_without_encoded_list_leaves_the_status_unknown() -> None:
    broken = status_list(REVOCATION_LIST)
    del broken["credentialSubject"]["encodedList"]
    check = check_status(credential(entry()), resolver=resolver_for(broken), now=NOW)
    assert (check.outcome, check.message) == (
        "unknown",
        f"The status list at {REVOCATION_LIST} cannot be used: encodedList is missing;"
        " revocation status is unknown.",
    )


def test_document_that_is_not_a_status_list_leaves_the_status_unknown() -> None:
    other = read(DATA / "ob3-expired.json") | {"id": REVOCATION_LIST}
    check = check_status(credential(entry()), resolver=resolver_for(other), now=NOW)
    assert check.outcome == "unknown"
    assert check.message == (
        f"The document at {REVOCATION_LIST} is not a BitstringStatusListCredential;"
        " revocation status is unknown."
    )


def test_status_list_of_another_issuer_leaves_the_status_unknown() -> None:
    foreign = status_list(REVOCATION_LIST, issuer={"id": "did:example:mallory"})
    check = check_status(credential(entry()), resolver=resolver_for(foreign), now=NOW)
    assert (check.outcome, check.message) == (
        "unknown",
        f"The status list at {REVOCATION_LIST} is issued by did:example:mallory,"
        " not by https://example.com/issuers/876543; revocation status is unknown.",
    )


def test_expired_status_list_leaves_the_status_unknown() -> None:
    stale = status_list(REVOCATION_LIST, validUntil="2025-01-01T00:00:00Z")
    check = check_status(credential(entry()), resolver=resolver_for(stale), now=NOW)
    assert check.outcome == "unknown"
    assert check.message == (
        f"The status list at {REVOCATION_LIST} is not valid now: Expired on 2025-01-01."
        " Revocation status is unknown."
    )


def test_status_list_with_a_bad_proof_leaves_the_status_unknown() -> None:
    seen: list[Mapping[str, Any]] = []

    def verify_list(document: Mapping[str, Any]) -> None:
        seen.append(document)
        raise InvalidProof("proofValue does not verify")

    served = status_list(REVOCATION_LIST)
    check = check_status(
        credential(entry()), resolver=resolver_for(served), verify_list=verify_list, now=NOW
    )
    assert seen == [served]
    assert (check.outcome, check.message) == (
        "unknown",
        f"Could not check the status list at {REVOCATION_LIST}: proofValue does not verify;"
        " revocation status is unknown.",
    )


def test_status_list_whose_key_cannot_be_fetched_is_unknown() -> None:
    def verify_list(document: Mapping[str, Any]) -> None:
        raise ResolutionError("did:web:example.com could not be resolved")

    resolver = resolver_for(status_list(REVOCATION_LIST))
    check = check_status(credential(entry()), resolver=resolver, verify_list=verify_list, now=NOW)
    assert check.outcome == "unknown"
    assert check.message.endswith("could not be resolved; revocation status is unknown.")


def test_status_list_with_a_good_proof_is_read() -> None:
    resolver = resolver_for(status_list(REVOCATION_LIST, "revocation", 94567))
    check = check_status(
        credential(entry()), resolver=resolver, verify_list=lambda _: None, now=NOW
    )
    assert check.outcome == "failed"


@pytest.mark.parametrize(("revoked", "outcome"), [((94567,), "failed"), ((), "passed")])
def test_statuslist2021_entry_is_read_from_its_list(revoked: tuple[int, ...], outcome: str) -> None:
    document = read(DATA / "ob3-statuslist2021-revocable.json")
    served = status_list(
        "https://example.com/status/2021", "revocation", *revoked, kind="StatusList2021"
    )
    check = check_status(document, resolver=resolver_for(served), now=NOW)
    assert check.outcome == outcome
    assert "status list https://example.com/status/2021, index 94567" in check.message


def test_statuslist2021_entry_needs_a_statuslist2021_list() -> None:
    document = read(DATA / "ob3-statuslist2021-revocable.json")
    served = status_list("https://example.com/status/2021")
    check = check_status(document, resolver=resolver_for(served), now=NOW)
    assert check.outcome == "unknown"
    assert check.message.endswith(
        "is not a StatusList2021Credential; revocation status is unknown."
    )


def test_multi_bit_status_reports_its_message() -> None:
    served = status_list(REVOCATION_LIST)
    bits = bytearray(MIN_ENTRIES * 2 // 8)
    bits[10 * 2 // 8] = 0b0000_1000  # index 10, two bits per entry: value 0b10
    served["credentialSubject"]["encodedList"] = encode_bitstring(bits)
    messages = [
        {"status": "0x0", "message": "valid"},
        {"status": "one", "message": "not a hexadecimal status"},
        {"status": "0x02", "message": "revoked for cause"},
    ]
    status = entry(statusListIndex="10", statusSize=2, statusMessage=messages)
    check = check_status(credential(status), resolver=resolver_for(served), now=NOW)
    assert (check.outcome, check.message) == (
        "failed",
        f"Revoked (status list {REVOCATION_LIST}, index 10: revoked for cause).",
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"statusListIndex": "-1"}, "statusListIndex must be a non-negative integer string"),
        ({"statusListIndex": "94,567"}, "statusListIndex must be a non-negative integer string"),
        ({"statusListIndex": True}, "statusListIndex must be a non-negative integer string"),
        ({"statusListIndex": "9" * 40}, "statusListIndex must be a non-negative integer string"),
        ({"statusListCredential": None}, "statusListCredential must be a URL"),
        ({"statusSize": 0}, "statusSize must be a positive integer"),
    ],
)
def test_malformed_status_entry_fails(fields: dict[str, Any], expected: str) -> None:
    check = check_status(
        credential(entry(**fields)), resolver=resolver_for(status_list(REVOCATION_LIST)), now=NOW
    )
    assert check.outcome == "failed"
    assert check.message == f"BitstringStatusListEntry.{expected}."


def test_status_entry_that_is_not_an_object_fails() -> None:
    document = credential()
    document["credentialStatus"] = "https://example.com/status/revocation"
    check = check_status(document, resolver=Offline(), now=NOW)
    assert (check.outcome, check.message) == ("failed", "credentialStatus must be an object.")


@pytest.mark.parametrize("purpose", ["refresh", "message"])
def test_status_purpose_that_does_not_bear_on_validity_is_skipped(purpose: str) -> None:
    resolver = DocumentResolver()
    check = check_status(credential(entry(purpose=purpose)), resolver=resolver, now=NOW)
    assert (check.outcome, check.message) == (
        "skipped",
        f"statusPurpose '{purpose}' does not bear on validity.",
    )
    assert resolver.fetched == []


def test_unsupported_status_type_is_unknown() -> None:
    document = credential({"id": "https://example.com/rl/1", "type": "RevocationList2020Status"})
    check = check_status(document, resolver=Offline(), now=NOW)
    assert (check.outcome, check.message) == (
        "unknown",
        "Status type RevocationList2020Status is not supported; status is unknown.",
    )


@pytest.mark.parametrize("status", [None, []])
def test_credential_without_status_is_skipped(status: Any) -> None:
    document = read(DATA / "ob3-expired.json")
    if status is not None:
        document["credentialStatus"] = status
    check = check_status(document, resolver=Offline(), now=NOW)
    assert (check.outcome, check.message) == (
        "skipped",
        "No status information; the credential cannot be revoked.",
    )


# --- 1EdTech Revocation List ---------------------------------------------------------------


@pytest.fixture
def wellspring() -> dict[str, Any]:
    """1EdTech's credential whose 1EdTechRevocationList marks it revoked."""
    document: dict[str, Any] = read(VALIDATOR_OB30 / "credential-status-revoked.json")
    return document


def test_1edtech_revoked_fixture_fails_status_check(wellspring: dict[str, Any]) -> None:
    resolver = DocumentResolver(
        {WELLSPRING: read(DATA / "vcrl-list-revoking-wellspring-credential.json")}
    )
    check = check_status(wellspring, resolver=resolver, now=NOW)
    assert (check.outcome, check.message) == (
        "failed",
        f"Revoked (revocation list {WELLSPRING}): Issued in error.",
    )


@pytest.mark.parametrize(
    "listed",
    [[], ["urn:uuid:0f5d4cc4-8e7c-4c8b-8f8e-2ad86b4c1c3a"], "WELLSPRING-UNREVOKED"],
)
def test_credential_missing_from_1edtech_revocation_list_passes(
    wellspring: dict[str, Any], listed: Any
) -> None:
    if listed == "WELLSPRING-UNREVOKED":
        listed = [{"id": wellspring["id"], "revoked": False}]
    resolver = DocumentResolver({WELLSPRING: {"id": WELLSPRING, "revokedCredentials": listed}})
    check = check_status(wellspring, resolver=resolver, now=NOW)
    assert (check.outcome, check.message) == (
        "passed",
        f"Not revoked (not in the revocation list at {WELLSPRING}).",
    )


def test_1edtech_validator_spelling_of_the_list_is_read_too(wellspring: dict[str, Any]) -> None:
    served = {"id": WELLSPRING, "revokedCredential": [{"id": wellspring["id"]}]}
    check = check_status(wellspring, resolver=DocumentResolver({WELLSPRING: served}), now=NOW)
    assert check.outcome == "failed"


def test_unreachable_1edtech_revocation_list_is_unknown(wellspring: dict[str, Any]) -> None:
    check = check_status(wellspring, resolver=DocumentResolver(), now=NOW)
    assert check.outcome == "unknown"
    assert check.message.startswith(f"Could not fetch the revocation list at {WELLSPRING}:")


def test_1edtech_revocation_list_without_its_list_is_unknown(wellspring: dict[str, Any]) -> None:
    resolver = DocumentResolver({WELLSPRING: {"id": WELLSPRING, "revoked": []}})
    check = check_status(wellspring, resolver=resolver, now=NOW)
    assert check.outcome == "unknown"


def test_credential_without_id_cannot_be_looked_up(wellspring: dict[str, Any]) -> None:
    del wellspring["id"]
    check = check_status(wellspring, resolver=DocumentResolver(), now=NOW)
    assert check.outcome == "unknown"
    assert check.message.endswith("revocation status is unknown.")


def test_1edtech_revocation_list_entry_without_url_fails(wellspring: dict[str, Any]) -> None:
    del wellspring["credentialStatus"]["id"]
    assert check_status(wellspring, resolver=Offline(), now=NOW).outcome == "failed"


# --- OB 2.0 -------------------------------------------------------------------------------

OB2_ASSETS = [
    "badge-from-organization-with-revocation-list.json",
    "organization-with-revocation-list.json",
    "revocation-list.json",
    "badge-from-organization-with-empty-revocation-list.json",
    "organization-with-empty-revocation-list.json",
    "empty-revocation-list.json",
    "robotics-badge.json",
    "organization.json",
]


@pytest.fixture
def ob2_web() -> DocumentResolver:
    """The hosted documents 1EdTech's OB 2.0 fixtures point at, served by their ids."""
    resolver = DocumentResolver()
    for name in OB2_ASSETS:
        document = read(VALIDATOR_OB20 / "assets" / name)
        resolver.add(document["id"], document)
    return resolver


def signed_assertion(name: str) -> dict[str, Any]:
    """The Assertion inside one of 1EdTech's OB 2.0 JWS fixtures; its signature is not checked."""
    path = VALIDATOR_OB20 / name
    assert path.is_file(), f"{path} is missing"
    payload = path.read_text(encoding="ascii").strip().split(".")[1]
    document: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return document


def test_ob2_signed_assertion_in_the_revocation_list_fails(ob2_web: DocumentResolver) -> None:
    check = check_status(signed_assertion("simple-revoked.jwt"), resolver=ob2_web, now=NOW)
    assert (check.outcome, check.message) == (
        "failed",
        "Revoked (the issuer's revocation list): A good reason, for sure.",
    )
    assert ob2_web.fetched == [
        "https://example.org/badge-from-organization-with-revocation-list.json",
        "https://example.org/organization-with-revocation-list.json",
        "http://example.org/revocation-list.json",
    ]


def test_ob2_signed_assertion_missing_from_the_list_passes(ob2_web: DocumentResolver) -> None:
    check = check_status(signed_assertion("simple-not-revoked.jwt"), resolver=ob2_web, now=NOW)
    assert (check.outcome, check.message) == (
        "passed",
        "Not revoked (not in the issuer's revocation list).",
    )


def test_ob2_prefetched_issuer_is_used_as_given(ob2_web: DocumentResolver) -> None:
    issuer = read(VALIDATOR_OB20 / "assets" / "organization-with-revocation-list.json")
    check = check_status(
        signed_assertion("simple-revoked.jwt"), resolver=ob2_web, now=NOW, issuer=issuer
    )
    assert check.outcome == "failed"
    assert ob2_web.fetched == ["http://example.org/revocation-list.json"]


def test_ob2_issuer_without_revocation_list_is_skipped(ob2_web: DocumentResolver) -> None:
    assertion = signed_assertion("simple-not-revoked.jwt") | {
        "badge": "https://example.org/robotics-badge.json"
    }
    check = check_status(assertion, resolver=ob2_web, now=NOW)
    assert (check.outcome, check.message) == (
        "skipped",
        "The issuer publishes no revocation list; the Assertion cannot be revoked.",
    )


def test_ob2_unreachable_issuer_makes_the_status_unknown() -> None:
    assertion = signed_assertion("simple-revoked.jwt")
    resolver = DocumentResolver(
        {
            assertion["badge"]: read(
                VALIDATOR_OB20 / "assets" / "badge-from-organization-with-revocation-list.json"
            )
        }
    )
    check = check_status(assertion, resolver=resolver, now=NOW)
    assert check.outcome == "unknown"
    assert check.message.startswith(
        "Could not fetch the issuer at https://example.org/organization-with-revocation-list.json:"
    )
    assert check.message.endswith("; revocation status is unknown.")


def test_ob2_embedded_badge_and_issuer_are_read_in_place() -> None:
    revocations = read(VALIDATOR_OB20 / "assets" / "revocation-list.json")
    issuer = read(VALIDATOR_OB20 / "assets" / "organization-with-revocation-list.json") | {
        "revocationList": revocations
    }
    assertion = signed_assertion("simple-revoked.jwt")
    assertion["badge"] = {"type": "BadgeClass", "issuer": issuer}
    check = check_status(assertion, resolver=Offline(), now=NOW)
    assert check.outcome == "failed"


def test_ob2_legacy_uid_in_the_revocation_list_fails() -> None:
    revocations = read(VECTORS / "ob2-spec-examples" / "RevocationList.json")
    assertion = signed_assertion("simple-not-revoked.jwt") | {"uid": "abc123"}
    check = check_status(
        assertion, resolver=Offline(), now=NOW, issuer={"revocationList": revocations}
    )
    assert (check.outcome, check.message) == (
        "failed",
        "Revoked (the issuer's revocation list): Issued in error.",
    )


def test_ob2_revocation_list_items_of_no_known_form_are_ignored() -> None:
    assertion = signed_assertion("simple-revoked.jwt")
    revocations = {"revokedAssertions": [7, None, {"revocationReason": "no id"}]}
    check = check_status(
        assertion, resolver=Offline(), now=NOW, issuer={"revocationList": revocations}
    )
    assert check.outcome == "passed"


def test_ob2_assertion_without_badge_is_unknown() -> None:
    assertion = signed_assertion("simple-revoked.jwt")
    del assertion["badge"]
    check = check_status(assertion, resolver=Offline(), now=NOW)
    assert (check.outcome, check.message) == (
        "unknown",
        "Could not find the badge: badge is not given; revocation status is unknown.",
    )


def test_ob2_revocation_list_without_revoked_assertions_is_unknown() -> None:
    assertion = signed_assertion("simple-not-revoked.jwt")
    check = check_status(
        assertion,
        resolver=Offline(),
        now=NOW,
        issuer={"revocationList": {"type": "RevocationList"}},
    )
    assert check.outcome == "unknown"


def test_ob2_hosted_assertion_revoked_at_its_url_fails() -> None:
    assertion = read(VALIDATOR_OB20 / "basic-assertion.json")
    hosted = read(VECTORS / "ob2-spec-examples" / "revoked-hosted-assertion.json")
    check = check_status(assertion, resolver=DocumentResolver({assertion["id"]: hosted}), now=NOW)
    assert check.outcome == "failed"
    assert check.message.startswith(
        f"Revoked (the hosted Assertion at {assertion['id']}): Turns out"
    )


def test_ob2_hosted_assertion_not_revoked_at_its_url_passes() -> None:
    assertion = read(VALIDATOR_OB20 / "basic-assertion.json")
    check = check_status(
        assertion, resolver=DocumentResolver({assertion["id"]: assertion}), now=NOW
    )
    assert (check.outcome, check.message) == (
        "passed",
        f"Not revoked (the hosted Assertion at {assertion['id']} says so).",
    )


def test_ob2_unreachable_hosted_assertion_is_unknown() -> None:
    assertion = read(VALIDATOR_OB20 / "basic-assertion.json")
    check = check_status(assertion, resolver=Offline(), now=NOW)
    assert check.outcome == "unknown"
    assert check.message.startswith(f"Could not fetch the hosted Assertion at {assertion['id']}:")


def test_ob2_assertion_marked_revoked_fails_without_fetching() -> None:
    stub = read(VECTORS / "ob2-spec-examples" / "revoked-hosted-assertion.json")
    check = check_status(stub, resolver=Offline(), now=NOW)
    assert check.outcome == "failed"
    assert check.message.startswith("Revoked: Turns out the student's robot")


def test_the_kind_the_pipeline_decided_picks_the_status_read() -> None:
    document = signed_assertion("simple-revoked.jwt")
    check = check_status(document, resolver=Offline(), now=NOW, kind="vc")
    assert (check.outcome, check.message) == (
        "skipped",
        "No status information; the credential cannot be revoked.",
    )
    assert check_status(document, resolver=Offline(), now=NOW).outcome == "unknown"
