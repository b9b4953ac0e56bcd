"""Batch signing: template substitution gives exactly what full processing gives, or refuses."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from issuer.issuance import documents
from tests.verifier.proofs import VECTORS, ed25519_from_multibase, read_json
from verifier.canon import canonicalize
from verifier.errors import TemplateMismatch, UndefinedTerm
from verifier.jsonld import to_nquads
from verifier.loader import offline_loader
from verifier.multikey import decode_public_key
from verifier.proofs import data_integrity
from verifier.proofs.batch import CredentialTemplate, placeholder, sign_many
from verifier.proofs.data_integrity import canonical_document
from verifier.proofs.eddsa_rdfc_2022 import SUITE

KEY_PAIR = read_json(VECTORS / "vc-di-eddsa" / "keyPair.json")
PRIVATE_KEY = ed25519_from_multibase(KEY_PAIR["privateKeyMultibase"])
PUBLIC_KEY = decode_public_key(KEY_PAIR["publicKeyMultibase"])
METHOD = f"did:key:{KEY_PAIR['publicKeyMultibase']}#{KEY_PAIR['publicKeyMultibase']}"
SIGNING: dict[str, Any] = {
    "suite": SUITE,
    "private_key": PRIVATE_KEY,
    "verification_method": METHOD,
    "created": "2024-05-01T12:00:00Z",
}

ISSUER = {
    "did": "did:web:badges.example.edu:issuers:7",
    "name": "Example University",
    "url": "https://badges.example.edu",
    "email": "registrar@example.edu",
    "description": "Issues badges.",
    "image": "https://badges.example.edu/images/1",
}
CONTENT = {
    "name": "Rust Programming",
    "description": 'Wrote a "real" program.\nTwice.',
    "criteria": {"narrative": "Pass the exam."},
    "achievementType": "Certificate",
    "tag": ["rust", "systems"],
    "image": "https://badges.example.edu/images/2",
}
ACHIEVEMENT = documents.ob3_achievement(
    "https://badges.example.edu/achievements/3", 2, CONTENT, ISSUER
)
STATUS_LIST = "https://badges.example.edu/status/1"
# A context that adds a prefix and an @id-coerced term, so compact IRIs can be tried.
EXTENSION = {"ex": "https://example.com/ns#", "kind": {"@id": "ex:kind", "@type": "@id"}}
IRI_NAMES = ("credential_id", "subject_id", "status_id", "evidence_id", "kind")
# Each shape of credential (which optional fields it has) is one template.
SHAPES = {
    "minimal": "credential_id subject_id identity_hash salt valid_from status_id status_index",
    "named": "credential_id subject_id identity_hash salt name valid_from valid_until"
    " status_id status_index",
    "evidence": "credential_id subject_id identity_hash salt name valid_from valid_until"
    " status_id status_index evidence_id evidence_narrative result_value",
    "extended": "credential_id subject_id identity_hash salt valid_from status_id status_index"
    " kind",
}


def credential(values: Mapping[str, Any]) -> dict[str, Any]:
    """Build an OB 3.0 credential as the issuer does, with ``values`` in its varying fields."""
    has = values.__contains__
    document = documents.ob3_credential(
        credential_url=values["credential_id"],
        issuer=ISSUER,
        achievement=ACHIEVEMENT,
        subject_id=values["subject_id"],
        recipient={
            "type": "email",
            "hashed": True,
            "identity": values["identity_hash"],
            "salt": values["salt"],
        },
        valid_from=datetime(2024, 5, 1, tzinfo=UTC),
        valid_until=datetime(2030, 1, 1, tzinfo=UTC) if has("valid_until") else None,
        status=documents.bitstring_entry(STATUS_LIST, 0, "revocation"),
        evidence=[{"id": values["evidence_id"], "narrative": values["evidence_narrative"]}]
        if has("evidence_id")
        else None,
        results=[{"value": values["result_value"]}] if has("result_value") else None,
        recipient_name="set below" if has("name") else "",
    )
    document["validFrom"] = values["valid_from"]
    if has("valid_until"):
        document["validUntil"] = values["valid_until"]
    if has("name"):
        document["credentialSubject"]["name"] = values["name"]
    document["credentialStatus"]["id"] = values["status_id"]
    document["credentialStatus"]["statusListIndex"] = values["status_index"]
    if has("kind"):
        document["@context"].append(EXTENSION)
        document["kind"] = values["kind"]
    return document


TEMPLATES = {
    shape: CredentialTemplate.compile(
        credential({name: placeholder(name) for name in names.split()})
    )
    for shape, names in SHAPES.items()
}

# Strings that N-Quads, JSON, str.format or our own markers could mistake for syntax.
AWKWARD = [
    *('"', "\\", '\\"', "\n", "\r\n", "\t", "\x00", "\x08", "\x7f", "\x85", "\u2028"),
    *("\u202e", "\u200f", "\ufeff", "🎉", "José", "מִבְחָן", "", " ", "{", "}", "{name}", "%s"),
    '" .\n<https://x.example> <https://y.example> "z',
    '"^^<http://www.w3.org/2001/XMLSchema#string>',
    *("_:b0", "_:c14n0", "⟦name⟧", "urn:x-certifikation-placeholder:name"),
]
awkward_text = st.one_of(
    st.text(), st.sampled_from(AWKWARD), st.lists(st.sampled_from(AWKWARD)).map("".join)
)
IRI_CHARS = [*"azAZ09-._~%!$&'()*+,;=:@/?#", "é", "ß", "日", "𝔘", "\u200f"]
IRI_BASES = ["https://learner.example/", "http://bádge.example/", "urn:uuid:", "did:example:"]
# IRI values full processing may rewrite, reject or merge, and some it keeps.
ODD_IRIS = [
    *("c/123", "", "_:b0", "https://x.example/a b", "https://x.example/<>", "ex:thing"),
    *("kind", "url:x", "@id", "geo:1,2", ISSUER["did"], ACHIEVEMENT["id"]),
    *("https://learner.example/", "HTTPS://X.EXAMPLE/%7e", "tag:x.example,2024:é#日"),
]


@st.composite
def absolute_iris(draw: st.DrawFn, name: str) -> str:
    """An absolute IRI, distinct for each placeholder, such as full processing keeps."""
    base = draw(st.sampled_from(IRI_BASES))
    return f"{base}{name}/{draw(st.text(st.sampled_from(IRI_CHARS), max_size=24))}"


@st.composite
def batches(draw: st.DrawFn, *, odd_iri: bool = False) -> tuple[str, dict[str, object]]:
    """A shape and a value per placeholder: absolute IRIs, awkward literals.

    With ``odd_iri``, one IRI placeholder takes any text instead, often no IRI at all.
    """
    shape = draw(st.sampled_from(sorted(SHAPES)))
    names = SHAPES[shape].split()
    values: dict[str, object] = {
        name: draw(absolute_iris(name) if name in IRI_NAMES else awkward_text) for name in names
    }
    if odd_iri:
        name = draw(st.sampled_from([name for name in names if name in IRI_NAMES]))
        schemes = st.sampled_from(["https://x.example/", "urn:", "did:", "ex:", ""])
        values[name] = draw(
            st.one_of(st.sampled_from(ODD_IRIS), st.tuples(schemes, st.text()).map("".join))
        )
    return shape, values


def outcome(run: Callable[[], dict[str, Any]]) -> str:
    """Return the signed document as JSON text, or the error it raised."""
    try:
        return json.dumps(run(), ensure_ascii=False)
    except Exception as error:  # both paths must fail alike
        return f"{type(error).__name__}: {error}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_batch_signed_credential_is_byte_identical_to_full_processing(
    batch: tuple[str, dict[str, object]],
) -> None:
    shape, values = batch
    template, full = TEMPLATES[shape], credential(values)
    assert template.document(values) == full
    nquads = template.nquads(values)  # absolute IRIs never need the fallback
    assert nquads == to_nquads(full)
    assert canonicalize(nquads) == canonical_document(full, loader=offline_loader)
    (signed,) = sign_many(template, [values], **SIGNING)
    expected = data_integrity.create_proof(full, **SIGNING)
    assert signed["proof"]["proofValue"] == expected["proof"]["proofValue"]
    assert json.dumps(signed, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    data_integrity.verify_proof(signed, signed["proof"], public_key=PUBLIC_KEY)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(odd_iri=True))
def test_any_iri_value_is_substituted_exactly_or_signed_by_full_processing(
    batch: tuple[str, dict[str, object]],
) -> None:
    shape, values = batch
    template, full = TEMPLATES[shape], credential(values)
    try:
        nquads = template.nquads(values)
    except TemplateMismatch:
        event("refused: full processing")
    else:
        event("substituted")
        assert nquads == to_nquads(full)
    batched = outcome(lambda: next(sign_many(template, [values], **SIGNING)))
    assert batched == outcome(lambda: data_integrity.create_proof(full, **SIGNING))


def values_for(shape: str, **changes: object) -> dict[str, object]:
    """Return ordinary values for a shape's placeholders, with ``changes`` applied."""
    values: dict[str, object] = {
        name: f"https://learner.example/{name}" if name in IRI_NAMES else f"{name} value"
        for name in SHAPES[shape].split()
    }
    return values | changes


def assert_signed_by_full_processing(shape: str, values: dict[str, object]) -> None:
    """The template refuses the values, and sign_many still matches create_proof."""
    template = TEMPLATES[shape]
    with pytest.raises(TemplateMismatch):
        template.nquads(values)
    (signed,) = sign_many(template, [values], **SIGNING)
    assert signed == data_integrity.create_proof(credential(values), **SIGNING)


def test_relative_credential_id_fails_as_create_proof_fails() -> None:
    values = values_for("minimal", credential_id="c/123")
    with pytest.raises(TemplateMismatch, match="credential_id must be an absolute IRI"):
        TEMPLATES["minimal"].nquads(values)
    with pytest.raises(UndefinedTerm, match="not an absolute IRI"):
        next(sign_many(TEMPLATES["minimal"], [values], **SIGNING))


def test_lone_surrogate_fails_as_create_proof_fails() -> None:
    values = values_for("named", name="half a pair \ud800")
    batched = outcome(lambda: next(sign_many(TEMPLATES["named"], [values], **SIGNING)))
    assert batched == outcome(lambda: data_integrity.create_proof(credential(values), **SIGNING))
    assert batched.startswith("MalformedInput: N-Quads text is not valid Unicode")


def test_compact_iri_value_is_expanded_by_full_processing() -> None:
    values = values_for("extended", kind="ex:thing")
    assert "<https://example.com/ns#thing>" in to_nquads(credential(values))
    assert_signed_by_full_processing("extended", values)


def test_recipient_id_equal_to_issuer_id_is_signed_by_full_processing() -> None:
    assert_signed_by_full_processing("minimal", values_for("minimal", subject_id=ISSUER["did"]))


def test_two_nodes_given_one_id_are_signed_by_full_processing() -> None:
    same = "https://learner.example/same"
    values = values_for("minimal", subject_id=same, credential_id=same)
    assert_signed_by_full_processing("minimal", values)


def test_values_that_make_two_quads_equal_are_signed_by_full_processing() -> None:
    sample = credential({name: placeholder(name) for name in SHAPES["minimal"].split()})
    sample["credentialSubject"]["achievement"]["tag"] = [placeholder("one"), placeholder("two")]
    template = CredentialTemplate.compile(sample)
    values = values_for("minimal", one="rust", two="rust")
    with pytest.raises(TemplateMismatch, match="two quads become equal"):
        template.nquads(values)
    (signed,) = sign_many(template, [values], **SIGNING)
    assert signed == data_integrity.create_proof(template.document(values), **SIGNING)


def test_number_where_text_was_is_signed_by_full_processing() -> None:
    assert_signed_by_full_processing("minimal", values_for("minimal", status_index=7))


def test_batch_keeps_order_and_mixes_both_paths() -> None:
    batch = [
        values_for("minimal", credential_id=f"https://learner.example/c/{number}")
        | ({"subject_id": ISSUER["did"]} if number % 3 == 0 else {})
        for number in range(7)
    ]
    signed = list(sign_many(TEMPLATES["minimal"], batch, **SIGNING))
    assert signed == [
        data_integrity.create_proof(credential(values), **SIGNING) for values in batch
    ]


@pytest.mark.parametrize("created", [None, datetime(2024, 5, 1, 12, tzinfo=UTC)])
def test_created_is_written_as_create_proof_writes_it(created: datetime | None) -> None:
    options = SIGNING | {"created": created}
    values = values_for("named")
    (signed,) = sign_many(TEMPLATES["named"], [values], **options)
    assert signed == data_integrity.create_proof(credential(values), **options)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"credential_id": "https://learner.example/c/1"}, "values missing for"),
        (values_for("minimal", typo="x"), "unknown"),
    ],
)
def test_values_must_name_every_placeholder_and_no_other(
    values: dict[str, object], message: str
) -> None:
    with pytest.raises(TemplateMismatch, match=message):
        next(sign_many(TEMPLATES["minimal"], [values], **SIGNING))


def sample(**changes: Any) -> dict[str, Any]:
    """Return the minimal template document, with top-level ``changes``."""
    document = credential({name: placeholder(name) for name in SHAPES["minimal"].split()})
    return document | changes


CONTEXT = [*documents.OB3_CONTEXTS, EXTENSION]
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (sample(id=f"https://x.example/c/{placeholder('id')}"), "must be a whole value"),
        (sample(type=["VerifiableCredential", placeholder("kind")]), "is a type"),
        (sample(**{"@context": [*CONTEXT, {"a": placeholder("a")}]}), "inside @context"),
        (sample(**{placeholder("key"): "x"}), "in a key"),
        (sample(proof={"type": "DataIntegrityProof"}), "without a proof"),
        (sample(id="urn:x-certifikation-placeholder:id"), "without a proof or the text"),
        (sample(extra=("tuple",)), "plain JSON"),
        (credential(values_for("minimal")), "need one"),
        (sample(evidence=[{"@index": placeholder("index")}]), "reach no quad"),
        (
            sample(**{"@context": [*CONTEXT, {"n": {"@id": "ex:n", "@type": f"{XSD}double"}}]})
            | {"n": placeholder("n")},
            "xsd:double",
        ),
        (
            sample(**{"@context": [*CONTEXT, {"j": {"@id": "ex:j", "@type": "@json"}}]})
            | {"j": placeholder("j")},
            "inside a larger term",
        ),
        (
            sample(**{"@context": [*CONTEXT, {"g": {"@id": "ex:g", "@container": "@graph"}}]})
            | {"g": {"id": placeholder("claim"), "kind": "https://x.example/k"}},
            "in a named graph",
        ),
        (
            sample(**{"@context": [*CONTEXT, {"l": {"@id": "ex:l", "@container": "@list"}}]})
            | {"l": ["a", "b"]},
            "RDF lists",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_template_refuses_placeholders_that_could_change_the_rdf(
    document: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateMismatch, match=message):
        CredentialTemplate.compile(document)


def test_placeholder_names_are_identifiers() -> None:
    assert placeholder("credential_id") == "⟦credential_id⟧"
    with pytest.raises(TemplateMismatch, match="letters, digits and _"):
        placeholder("credential id")
