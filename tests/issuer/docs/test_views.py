"""Interactive API docs from assets the package ships, and a valid OpenAPI 3 document."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import schemathesis
from flask import Flask
from flask.testing import FlaskClient

PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/login"),
    ("post", "/oauth/token"),
    ("post", "/oauth/revoke"),
    ("post", "/api/verify"),  # the public verifier: no login
    ("get", "/api/issue-rules/schema"),  # published for rule editors: no login
    ("get", "/api/issue-rules/form"),
    # proof of an address by a mailed token: the token in the body is the credential
    ("post", "/api/v1/account/claim"),
    ("post", "/api/v1/account/claim/confirm"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/auth/sign-in-link"),
    ("post", "/api/v1/auth/sign-in-link/confirm"),
    ("post", "/api/v1/invitations/accept"),
}


class _AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_docs_page_loads_only_assets_served_by_the_service(client: FlaskClient) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    links = _AssetLinks()
    links.feed(html)
    assert any(u.endswith(".js") for u in links.urls) and any(
        u.endswith(".css") for u in links.urls
    )
    for url in links.urls:
        assert url.startswith("/") and not url.startswith("//"), f"off-site asset {url}"
        with client.get(url) as asset:  # a streamed file: close it
            assert asset.status_code == 200, url
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_docs_page_does_not_send_the_spec_to_an_online_validator(client: FlaskClient) -> None:
    html = client.get("/api/docs").get_data(as_text=True)
    override = re.search(r"var override_config = (\{.*?\});", html)
    assert override is not None
    assert json.loads(override.group(1)) == {"validatorUrl": None}


def test_docs_page_points_at_our_openapi_document(client: FlaskClient) -> None:
    assert 'url: "/api/openapi.json"' in client.get("/api/docs").get_data(as_text=True)


def test_openapi_document_is_valid_openapi_3(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    assert schema.raw_schema["openapi"].startswith("3.")
    schema.validate()  # against the OpenAPI 3.0 meta-schema; raises on the first error
    operations = list(schema.get_all_operations())
    assert operations and all(op.ok() for op in operations)


def test_openapi_documents_bearer_auth_on_every_protected_operation(
    client: FlaskClient,
) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or (method, path) in PUBLIC_OPERATIONS:
                continue
            assert {"bearerAuth": []} in operation.get("security", []), f"{method} {path}"


def test_problem_responses_are_documented(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= problem.keys()


def test_the_public_verifier_api_is_documented(client: FlaskClient) -> None:
    operation = client.get("/api/openapi.json").json["paths"]["/api/verify"]["post"]
    accepted = operation["requestBody"]["content"].keys()
    assert {"multipart/form-data", "application/vc+jwt", "application/pdf", "image/png"} <= accepted
    report = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert report == {"$ref": "#/components/schemas/Report"}
