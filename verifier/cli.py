"""The `certifikation` command: sign credentials offline, verify any credential, make keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from verifier.did_key import did_key_from_public_key
from verifier.errors import VerifierError
from verifier.formats.json import parse as parse_json
from verifier.http import HttpResolver
from verifier.loader import offline_loader
from verifier.multikey import encode_public_key, public_key_to_jwk
from verifier.pipeline import verify
from verifier.proofs import data_integrity, vc_jwt
from verifier.proofs.eddsa_rdfc_2022 import SUITE as EDDSA_RDFC_2022
from verifier.trust import Trusts, parse_trust_list

EXIT_VERIFIED, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
KEY_TYPES = ("ed25519", "p-256", "rsa")
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except (VerifierError, OSError, ValueError) as exc:
        print(f"certifikation: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certifikation", description="Sign and verify Open Badges credentials."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    sign = commands.add_parser("sign", help="sign an unsigned credential offline")
    sign.add_argument("credential", type=Path, help="unsigned credential JSON")
    sign.add_argument("--key", type=Path, required=True, help="private key (PEM, from keygen)")
    sign.add_argument("--format", choices=("di", "jwt"), default="di", help="proof format")
    sign.add_argument(
        "--verification-method",
        help="key id to name in the proof (default: the key's did:key)",
    )
    sign.set_defaults(run=_sign)

    check = commands.add_parser("verify", help="verify a credential (JSON, JWT, PNG, SVG, PDF)")
    check.add_argument("path", type=Path, help="the credential file, or - for standard input")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument(
        "--allow-loopback",
        action="store_true",
        help="let the resolver fetch from 127.0.0.0/8 over http or https (local development)",
    )
    check.add_argument(
        "--trust-list",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="issuers whose identity you trust (our JSON or a DCC registry.json); repeatable, "
        "most authoritative first",
    )
    check.set_defaults(run=_verify)

    keygen = commands.add_parser("keygen", help="make a private key for `sign`")
    keygen.add_argument("--type", choices=KEY_TYPES, default="ed25519", dest="key_type")
    keygen.add_argument("--out", type=Path, help="write the PEM here (default: stdout)")
    keygen.set_defaults(run=_keygen)
    return parser


def _sign(args: argparse.Namespace) -> int:
    credential = parse_json(args.credential.read_bytes())
    key = _load_private_key(args.key)
    if args.format == "jwt":
        if isinstance(key, ed25519.Ed25519PrivateKey):
            raise ValueError("VC-JWTs are signed with an RSA or P-256 key (keygen --type rsa)")
        if args.verification_method:
            token = vc_jwt.sign_vc_jwt(credential, private_key=key, kid=args.verification_method)
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            token = vc_jwt.sign_vc_jwt(credential, private_key=key, kid=_did_key_url(key))
        else:  # an RSA key has no did:key: carry the public key in the header
            jwk = public_key_to_jwk(key.public_key())
            token = vc_jwt.sign_vc_jwt(credential, private_key=key, jwk=jwk)
        print(token)
        return EXIT_VERIFIED
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError("eddsa-rdfc-2022 proofs need an Ed25519 key (keygen --type ed25519)")
    signed = data_integrity.create_proof(
        credential,
        suite=EDDSA_RDFC_2022,
        private_key=key,
        verification_method=args.verification_method or _did_key_url(key),
        created=datetime.now(UTC),
        loader=offline_loader,
    )
    print(json.dumps(signed, indent=2, ensure_ascii=False))
    return EXIT_VERIFIED


def _verify(args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read() if str(args.path) == "-" else args.path.read_bytes()
    # did:web is https; a dev issuer on 127.0.0.1 serves plain http, allowed only with the flag.
    loopback = args.allow_loopback
    trust = Trusts([parse_trust_list(p.read_bytes(), source=str(p)) for p in args.trust_list])
    resolver = HttpResolver(allow_loopback=loopback, loopback_http=loopback)
    report = verify(data, resolver=resolver, trust=trust)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(_render(report.as_dict()))
    return EXIT_VERIFIED if report.verified else EXIT_FAILED


def _render(report: dict[str, Any]) -> str:
    marks = {"passed": "ok", "failed": "FAILED", "warning": "warning", "unknown": "unknown"}
    lines = [
        f"{marks.get(c['outcome'], c['outcome']):>8}  {c['id']:<12} {c['message']}"
        for c in report["checks"]
    ]
    verdict = "VERIFIED" if report["verified"] else "NOT VERIFIED"
    return "\n".join([*lines, f"{verdict} ({report['format']})"])


def _keygen(args: argparse.Namespace) -> int:
    key: PrivateKey
    if args.key_type == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    elif args.key_type == "p-256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    if args.out is None:
        sys.stdout.write(pem.decode())
    else:
        args.out.touch(mode=0o600)
        args.out.write_bytes(pem)
        named = "" if isinstance(key, rsa.RSAPrivateKey) else f"; its key id is {_did_key_url(key)}"
        print(f"Private key written to {args.out}{named}")
    return EXIT_VERIFIED


def _load_private_key(path: Path) -> PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise ValueError(f"{path}: use an Ed25519, P-256 or RSA key")
    return key


def _did_key_url(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    """The did:key verification method of an Ed25519 or P-256 key."""
    public = key.public_key()
    return f"{did_key_from_public_key(public)}#{encode_public_key(public)}"


if __name__ == "__main__":
    sys.exit(main())
