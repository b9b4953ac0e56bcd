"""The schema check: does the credential have the shape its standard publishes?"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import jsonschema_rs
from jsonschema_rs import ValidationError, ValidationErrorKind

import schemas
from verifier.formats import OB2_CONTEXTS, Kind, is_ob2
from verifier.report import Check

VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context"
SHOWN_ERRORS = 5
COUNTED_ERRORS = 100
# Single values the plain-JSON schema wants as arrays are wrapped at most this many levels deep.
WRAP_ROUNDS = 10
_VCDM1_NOTE = "VCDM 1.1 credentials are accepted with a warning."

_OB2_OTHER_CLASSES = {"BadgeClass", "Issuer", "Profile", "Endorsement", "CryptographicKey"}
_OB2_RECIPIENT_TYPES = ("email", "url", "telephone", "id")
_OB2_VERIFICATIONS = {
    "hosted": "hosted",
    "HostedBadge": "hosted",
    "signed": "signed",
    "SignedBadge": "signed",
}
_IDENTITY_HASH = re.compile(r"(md5\$[0-9a-fA-F]{32}|sha256\$[0-9a-fA-F]{64})")


def check_schema(document: Mapping[str, Any], *, kind: Kind | None = None) -> Check:
    """Check an OB 3.0 credential against 1EdTech's JSON Schema, or an OB 2.0 Assertion's shape."""
    types = _strings(document.get("type"))
    contexts = _strings(document.get("@context"))
    ob2 = is_ob2(document) if kind is None else kind == "ob2"
    if "EndorsementCredential" in types:
        return _check_vc(document, "ob_v3p0_endorsementcredential", "EndorsementCredential")
    if types & {"OpenBadgeCredential", "AchievementCredential"} or any(
        c.startswith(OB3_CONTEXT) for c in contexts
    ):
        return _check_vc(document, "ob_v3p0_achievementcredential", "AchievementCredential")
    if "Assertion" in types or (ob2 and not types & _OB2_OTHER_CLASSES):
        return _check_ob2(document)
    named = ", ".join(sorted(types)) or "none"
    return Check("schema", "skipped", f"No schema is known for a document of type {named}.")


def _check_vc(document: Mapping[str, Any], name: str, title: str) -> Check:
    vcdm1 = _first_context(document) == VC_V1
    validator = _validator(name, vcdm1=vcdm1)
    instance = _plain(document)
    if validator.is_valid(instance):
        if vcdm1:
            message = f"Matches the OB 3.0 {title} JSON Schema read for VCDM 1.1; {_VCDM1_NOTE}"
            return Check("schema", "warning", message)
        return Check("schema", "passed", f"Matches the 1EdTech OB 3.0 {title} JSON Schema.")
    # 1EdTech's validator retries a failing credential against the schema's JSON-LD reading,
    # where one value may stand for an array, and reports the difference as a warning.
    relaxed, wrapped = _wrap_single_values(validator, instance)
    errors = list(itertools.islice(validator.iter_errors(relaxed), COUNTED_ERRORS))
    if errors:
        found = _summary(_describe_all(errors, name))
        return Check("schema", "failed", f"Does not match the OB 3.0 {title} JSON Schema: {found}")
    arrays = ", ".join(sorted(_path(p) for p in wrapped))
    message = (
        f"Matches the OB 3.0 {title} JSON Schema read as JSON-LD, but plain-JSON consumers"
        f" expect arrays at: {arrays}."
    )
    return Check("schema", "warning", f"{message} {_VCDM1_NOTE}" if vcdm1 else message)


@functools.cache
def _validator(name: str, *, vcdm1: bool) -> jsonschema_rs.Validator:
    schema = dict(schemas.load(name))
    if vcdm1:
        schema = _vcdm1_reading(schema)
    return jsonschema_rs.validator_for(schema, validate_formats=True, offline=True)


def _vcdm1_reading(schema: dict[str, Any]) -> dict[str, Any]:
    """Read a VCDM 2.0 OB schema for VCDM 1.1: v1 context, issuanceDate and expirationDate."""
    schema = copy.deepcopy(schema)
    properties = schema["properties"]
    properties["@context"]["items"][0] = {"enum": [VC_V1]}
    properties["issuanceDate"] = properties["validFrom"]
    properties["expirationDate"] = properties["validUntil"]
    schema["required"] = ["issuanceDate" if r == "validFrom" else r for r in schema["required"]]
    return schema


def _wrap_single_values(
    validator: jsonschema_rs.Validator, instance: Any
) -> tuple[Any, set[tuple[str | int, ...]]]:
    relaxed = copy.deepcopy(instance)
    wrapped: set[tuple[str | int, ...]] = set()
    for _ in range(WRAP_ROUNDS):
        paths = {
            tuple(e.instance_path)
            for e in _flatten(validator.iter_errors(relaxed))
            if isinstance(e.kind, ValidationErrorKind.Type)
            and "array" in e.kind.types
            and not isinstance(e.instance, list)
            and e.instance_path  # the credential itself is always an object
        } - wrapped
        if not paths:
            break
        # Deepest first, so a wrapped parent does not move a child's path.
        for path in sorted(paths, key=len, reverse=True):
            parent = relaxed
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = [parent[path[-1]]]
        wrapped |= paths
    return relaxed, wrapped


def _flatten(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        yield error
        for branch in getattr(error.kind, "context", None) or ():
            yield from _flatten(branch)


def _describe_all(errors: Sequence[ValidationError], name: str) -> list[str]:
    described = (_describe(error, name) for error in errors)
    return list(dict.fromkeys(itertools.chain.from_iterable(described)))


def _describe(error: ValidationError, name: str) -> list[str]:
    """Say what is wrong where, as "credentialSubject.achievement.criteria: required"."""
    kind, path = error.kind, _path(error.instance_path)
    if isinstance(kind, ValidationErrorKind.Required):
        return [f"{_path([*error.instance_path, kind.property])}: required"]
    if isinstance(kind, ValidationErrorKind.OneOfNotValid):
        return _describe_branches(error, kind.context, name)
    if isinstance(kind, ValidationErrorKind.Type):
        return [f"{path}: must be {' or '.join(_a(t) for t in kind.types)}"]
    if isinstance(kind, ValidationErrorKind.Enum):
        return [f"{path}: must be {_one_of(kind.options)}"]
    if isinstance(kind, ValidationErrorKind.Contains):
        options = _subschema(name, error.schema_path).get("enum")
        return [f"{path}: must contain {_one_of(options) if options else 'a matching item'}"]
    if isinstance(kind, ValidationErrorKind.Format):
        return [f"{path}: must be a valid {kind.format}"]
    if isinstance(kind, ValidationErrorKind.Pattern):
        return [f"{path}: must match {kind.pattern}"]
    if isinstance(kind, ValidationErrorKind.MinItems):
        return [f"{path}: must have at least {kind.limit} items"]
    if isinstance(kind, ValidationErrorKind.AdditionalProperties):
        return [f"{_path([*error.instance_path, p])}: not allowed" for p in kind.unexpected]
    return [f"{path}: {error.message}"]  # pragma: no cover - no keyword of our schemas gets here


def _describe_branches(
    error: ValidationError, branches: list[list[ValidationError]], name: str
) -> list[str]:
    # A branch that only says "not a string" is the wrong reading of the value, not its fault.
    here = len(error.instance_path)
    fitting = [
        b
        for b in branches
        if not all(
            isinstance(e.kind, ValidationErrorKind.Type) and len(e.instance_path) == here for e in b
        )
    ]
    if not fitting:
        types = [t for b in branches for e in b for t in getattr(e.kind, "types", [])]
        return [f"{_path(error.instance_path)}: must be {' or '.join(_a(t) for t in types)}"]
    if len(fitting) == 1:
        return _describe_all(fitting[0], name)
    where = f"{_path(error.instance_path)}: "
    each = [_describe(b[0], name)[0] for b in fitting]
    return [where + ", or ".join(e.removeprefix(where) for e in each)]


def _subschema(name: str, schema_path: Sequence[str | int]) -> Mapping[str, Any]:
    """Return the schema at `schema_path` (absolute: the validator resolves each $ref)."""
    node: Any = schemas.load(name)
    for key in schema_path:
        node = node[key]
    return node if isinstance(node, Mapping) else {}


def _check_ob2(document: Mapping[str, Any]) -> Check:
    problems: list[str] = []
    cautions: list[str] = []
    if not is_ob2(document):
        problems.append(f"@context: must include {OB2_CONTEXTS[0]}")
    if document.get("revoked") is True:
        # A revoked Assertion may be stripped down to its id (OB 2.0, Assertion.revoked).
        if isinstance(document.get("id"), str) and not problems:
            return Check("schema", "passed", "Matches the OB 2.0 shape of a revoked Assertion.")
        return Check(
            "schema",
            "failed",
            f"Does not match the OB 2.0 Assertion: {_summary(problems or ['id: required'])}",
        )
    verification = document.get("verification", document.get("verify"))
    fields = {"id", "type", "recipient", "badge", "issuedOn"}
    problems += [f"{f}: required" for f in sorted(fields - document.keys())]
    if verification is None:
        problems.append("verification: required")
    if "type" in document and "Assertion" not in _strings(document["type"]):
        problems.append("type: must contain Assertion")
    for field in ("id", "issuedOn", "expires"):
        if field in document and not isinstance(document[field], str):
            problems.append(f"{field}: must be a string")
    if "badge" in document and not isinstance(document["badge"], str | Mapping):
        problems.append("badge: must be an IRI or a BadgeClass object")
    if "recipient" in document:
        problems += _ob2_recipient(document["recipient"], cautions)
    if verification is not None:
        problems += _ob2_verification(verification, document.get("id"))
    if "uid" in document:
        cautions.append("uid: deprecated since OB 2.0; use id")
    if problems:
        return Check(
            "schema", "failed", f"Does not match the OB 2.0 Assertion: {_summary(problems)}"
        )
    if cautions:
        return Check(
            "schema", "warning", f"Matches the OB 2.0 Assertion, but: {_summary(cautions)}"
        )
    return Check("schema", "passed", "Matches the OB 2.0 Assertion shape.")


def _ob2_recipient(recipient: Any, cautions: list[str]) -> list[str]:
    if not isinstance(recipient, Mapping):
        return ["recipient: must be an IdentityObject"]
    problems = [
        f"recipient.{f}: required" for f in ("type", "identity", "hashed") if f not in recipient
    ]
    if "hashed" in recipient and not isinstance(recipient["hashed"], bool):
        problems.append("recipient.hashed: must be true or false")
    identity = recipient.get("identity")
    if "identity" in recipient and not isinstance(identity, str):
        problems.append("recipient.identity: must be a string")
    elif recipient.get("hashed") is True and not _IDENTITY_HASH.fullmatch(identity or ""):
        problems.append("recipient.identity: must be md5$<hex> or sha256$<hex> when hashed")
    kind = recipient.get("type")
    if "type" in recipient and kind not in _OB2_RECIPIENT_TYPES:
        cautions.append(
            f"recipient.type: {json.dumps(kind)} is not {_one_of(_OB2_RECIPIENT_TYPES)}"
        )
    return problems


def _ob2_verification(verification: Any, assertion_id: Any) -> list[str]:
    kind = verification.get("type") if isinstance(verification, Mapping) else None
    if kind not in _OB2_VERIFICATIONS:
        return [f"verification.type: must be {_one_of(list(_OB2_VERIFICATIONS))}"]
    hosted = _OB2_VERIFICATIONS[kind] == "hosted"
    if hosted and not (
        isinstance(assertion_id, str) and assertion_id.startswith(("https://", "http://"))
    ):
        return ["id: must be an HTTP(S) URL for hosted verification"]
    return []


def _strings(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, str)}


def _first_context(document: Mapping[str, Any]) -> Any:
    context = document.get("@context")
    return context[0] if isinstance(context, list) and context else context


def _plain(value: Any) -> Any:
    """Return the value as the plain dicts and lists the validator reads."""
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return [_plain(item) for item in value] if isinstance(value, list | tuple) else value


def _path(parts: Iterable[str | int]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    return text or "credential"


def _a(json_type: str) -> str:
    return {"array": "an array", "object": "an object", "integer": "an integer"}.get(
        json_type, f"a {json_type}"
    )


def _one_of(options: Sequence[Any]) -> str:
    shown = [o if isinstance(o, str) else json.dumps(o) for o in options[:SHOWN_ERRORS]]
    more = f" … ({len(options)} values)" if len(options) > SHOWN_ERRORS else ""
    return (" or ".join(shown) if len(shown) < 3 else f"one of {', '.join(shown)}") + more


def _summary(problems: Sequence[str]) -> str:
    shown = "; ".join(problems[:SHOWN_ERRORS])
    more = len(problems) - SHOWN_ERRORS
    return f"{shown} (and {more} more)." if more > 0 else f"{shown}."
