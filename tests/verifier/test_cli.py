"""The `certifikation` command: keygen, sign offline, verify with contracted exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier.cli import EXIT_FAILED, EXIT_UNUSABLE, EXIT_VERIFIED, main

UNSIGNED = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:6e9c5b5c-4a0e-4b4e-9f0a-9f2c1b7e2d10",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "ISSUER", "type": ["Profile"], "name": "Script Academy"},
    "validFrom": "2026-01-01T00:00:00Z",
    "name": "Scripting",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://academy.example/achievements/scripting",
            "type": ["Achievement"],
            "name": "Scripting",
            "description": "Writes scripts.",
            "criteria": {"narrative": "Wrote a script."},
        },
    },
}


def _keygen(tmp_path: Path, key_type: str, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    key = tmp_path / f"{key_type}.pem"
    assert main(["keygen", "--type", key_type, "--out", str(key)]) == EXIT_VERIFIED
    assert key.stat().st_mode & 0o077 == 0
    return key, capsys.readouterr().out


def _did(key_id: str) -> str:
    return key_id.partition("#")[0]


def test_sign_then_verify_a_data_integrity_credential(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, said = _keygen(tmp_path, "ed25519", capsys)
    key_id = said.split("its key id is ")[1].strip()
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(
        json.dumps({**UNSIGNED, "issuer": {**UNSIGNED["issuer"], "id": _did(key_id)}})
    )
    assert main(["sign", str(unsigned), "--key", str(key)]) == EXIT_VERIFIED
    signed = tmp_path / "signed.json"
    signed.write_text(capsys.readouterr().out)
    assert main(["verify", str(signed), "--json"]) == EXIT_VERIFIED
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"verified", "format", "checks", "credential"}
    assert report["verified"] is True and report["format"] == "json"
    assert [c["id"] for c in report["checks"]][:3] == ["format", "schema", "proof"]
    assert all(set(c) == {"id", "outcome", "message"} for c in report["checks"])
    assert {c["outcome"] for c in report["checks"]} <= {
        "passed",
        "failed",
        "warning",
        "unknown",
        "skipped",
    }

    tampered = tmp_path / "tampered.json"
    tampered.write_text(signed.read_text().replace("Writes scripts.", "Writes poems."))
    assert main(["verify", str(tampered)]) == EXIT_FAILED
    assert "NOT VERIFIED" in capsys.readouterr().out


@pytest.mark.parametrize("key_type", ["p-256", "rsa"])
def test_sign_then_verify_a_vc_jwt(
    key_type: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, said = _keygen(tmp_path, key_type, capsys)
    issuer = (
        _did(said.split("its key id is ")[1].strip())
        if key_type == "p-256"
        else "https://academy.example"
    )
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps({**UNSIGNED, "issuer": {**UNSIGNED["issuer"], "id": issuer}}))
    assert main(["sign", str(unsigned), "--key", str(key), "--format", "jwt"]) == EXIT_VERIFIED
    token = tmp_path / "credential.jwt"
    token.write_text(capsys.readouterr().out)
    outcome = main(["verify", str(token), "--json"])
    checks = {c["id"]: c["outcome"] for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["proof"] == "passed"
    if key_type == "p-256":  # the did:key is the issuer's own
        assert outcome == EXIT_VERIFIED and checks["issuer"] == "passed"
    else:  # a key carried in the JWT header proves nothing about who the issuer is
        assert outcome == EXIT_FAILED and checks["issuer"] == "failed"


def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01not a credential")
    assert main(["verify", str(junk)]) == EXIT_UNUSABLE
    assert "certifikation:" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "missing.json")]) == EXIT_UNUSABLE


def test_signing_refuses_the_wrong_key_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, _ = _keygen(tmp_path, "rsa", capsys)
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(UNSIGNED))
    assert main(["sign", str(unsigned), "--key", str(key), "--format", "di"]) == EXIT_UNUSABLE
    assert "Ed25519" in capsys.readouterr().err


def test_signing_an_undefined_term_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, _ = _keygen(tmp_path, "ed25519", capsys)
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps({**UNSIGNED, "favouriteColour": "teal"}))
    assert main(["sign", str(unsigned), "--key", str(key)]) == EXIT_UNUSABLE
    assert "favouriteColour" in capsys.readouterr().err
