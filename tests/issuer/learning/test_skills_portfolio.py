"""Skills portfolios: sniffed and bounded evidence, the learner's visibility, skills, export."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from issuer.accounts.models import User
from issuer.accounts.roles import Role
from issuer.audit.models import AuditEvent
from issuer.audit.services import SYSTEM
from issuer.db import db
from issuer.earners import services as earners
from issuer.errors import get_or_404
from issuer.issuance import revocation
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, Credential
from issuer.issuance.schemas import EvidenceSchema
from issuer.learning.skills_portfolio import media, services
from issuer.learning.skills_portfolio.errors import StorageError, UnsupportedEvidence
from issuer.learning.skills_portfolio.storage import LocalStorage, S3Storage, new_key
from issuer.settings import Settings, SettingsError
from tests.factories import Factories, Person

MAX = 1024 * 1024
ALIGNMENT = {
    "type": ["Alignment"],
    "targetName": "Plans inclusive lessons",
    "targetUrl": "https://case.example.org/uri/1d0f4c1e",
    "targetType": "CFItem",
}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The suite's settings, with evidence kept in this test's own directory."""
    return dataclasses.replace(settings, evidence_dir=tmp_path / "evidence", max_evidence_bytes=MAX)


@pytest.fixture
def learner(factories: Factories) -> Person:
    return factories.person(factories.tenant(), [Role.EARNER])


# Real files, made here --------------------------------------------------------------------


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(out, kind)
    return out.getvalue()


def one_page_pdf() -> bytes:
    document = pikepdf.Pdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF = one_page_pdf()  # a real one-page PDF: a header alone is refused (tests/security)


def archive(entries: dict[str, bytes], *, first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if first is not None:  # ODF's mimetype: first and stored
            zf.writestr(first, entries.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in entries.items():
            zf.writestr(name, content)
    return out.getvalue()


def ooxml(main: str, part: str = "word/document.xml") -> bytes:
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="{main}.main+xml"/></Types>'
    )
    return archive({"[Content_Types].xml": types.encode(), part: b"<w:document/>"})


def odt() -> bytes:
    return archive(
        {"mimetype": media.ODT.encode(), "content.xml": b"<office:document-content/>"},
        first="mimetype",
    )


def upload(
    client: FlaskClient,
    person: Person,
    data: bytes,
    *,
    declared: str = "application/octet-stream",
    name: str = "evidence.bin",
    **fields: str,
) -> TestResponse:
    # Encoded in memory: the test client spools a large form to a file it never closes.
    file = FileStorage(io.BytesIO(data), filename=name, content_type=declared)
    boundary, body = encode_multipart({"file": file, **fields})
    return client.post(
        "/api/v1/me/portfolio/files",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=person.headers,
    )


def stored(settings: Settings) -> list[Path]:
    root = settings.evidence_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The learner's own portfolio --------------------------------------------------------------


def test_a_portfolio_is_made_private_and_only_its_learner_changes_it(
    client: FlaskClient, factories: Factories, learner: Person, app: Flask
) -> None:
    mine = client.get("/api/v1/me/portfolio", headers=learner.headers).json
    assert mine["visibility"] == "private" and mine["public_url"] is None
    assert mine["items"] == [] and mine["skills"] == []
    again = client.get("/api/v1/me/portfolio", headers=learner.headers).json
    assert again["id"] == mine["id"]  # one per person

    change = {"title": "Teaching evidence", "visibility": "public"}
    r = client.patch("/api/v1/me/portfolio", json=change, headers=learner.headers)
    assert r.status_code == 200 and r.json["visibility"] == "public"
    assert r.json["public_url"] == f"https://certs.example.test/portfolios/{mine['id']}"

    other = factories.person(factories.tenant(), [Role.ISSUER_ADMIN])
    theirs = client.get("/api/v1/me/portfolio", headers=other.headers).json
    assert theirs["id"] != mine["id"] and theirs["visibility"] == "private"
    client.patch("/api/v1/me/portfolio", json={"visibility": "private"}, headers=other.headers)
    assert client.get(f"/portfolios/{mine['id']}").status_code == 200  # still public

    api_client = factories.client(factories.tenant())
    assert client.get("/api/v1/me/portfolio", headers=api_client.headers).status_code == 403
    assert client.patch("/api/v1/me/portfolio", json=change).status_code == 401
    bad = client.patch(
        "/api/v1/me/portfolio", json={"visibility": "friends"}, headers=learner.headers
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "#/visibility"
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "portfolio.update")
            .order_by(AuditEvent.at)
        ).all()
    assert [e.actor_id for e in events] == [str(learner.id), str(other.id)]


def test_public_view_shows_items_and_skills_but_nothing_private(
    client: FlaskClient, factories: Factories, learner: Person, app: Flask
) -> None:
    issuer = factories.issuer(factories.tenant())
    shown = factories.credential(
        factories.achievement(issuer, alignment=[ALIGNMENT]),
        recipient={"type": "email", "identity": learner.email},
    )
    hidden = factories.credential(
        factories.achievement(issuer, name="Private Skill"),
        recipient={"type": "email", "identity": learner.email},
    )
    with app.app_context():
        earners.set_display(SYSTEM, get_or_404(Credential, hidden), {"hidden": True})
        db.session.commit()
    item = upload(client, learner, PDF, title="Lesson plan").json
    link = client.post(
        "/api/v1/me/portfolio/links",
        json={"url": "https://youtu.be/abc123", "title": "Teaching video"},
        headers=learner.headers,
    ).json
    portfolio = client.get("/api/v1/me/portfolio", headers=learner.headers).json
    assert len(portfolio["skills"]) == 2  # the learner sees every skill

    assert client.get(f"/portfolios/{portfolio['id']}").status_code == 404  # private
    assert client.get(f"/portfolios/{portfolio['id']}/items/{item['id']}/file").status_code == 404
    client.patch("/api/v1/me/portfolio", json={"visibility": "public"}, headers=learner.headers)
    r = client.get(f"/portfolios/{portfolio['id']}")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache"
    view = r.json
    text = r.get_data(as_text=True)
    for secret in (learner.email, str(learner.id), "storage_key", "sha256", "file_url"):
        assert secret not in text
    assert [s["name"] for s in view["skills"]] == ["Inclusive Classroom Practice"]
    assert view["skills"][0]["alignment"] == [ALIGNMENT]
    assert view["skills"][0]["credential_url"] == f"https://certs.example.test/c/{shown}"
    urls = {i["id"]: i["url"] for i in view["items"]}
    assert urls[link["id"]] == "https://youtu.be/abc123"
    download = client.get(urls[item["id"]].removeprefix("https://certs.example.test"))
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    client.patch("/api/v1/me/portfolio", json={"visibility": "private"}, headers=learner.headers)
    assert client.get(f"/portfolios/{portfolio['id']}").status_code == 404
    assert client.get(f"/portfolios/{uuid.uuid4()}").status_code == 404


# Evidence files: sniffed, bounded, stored -------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: PDF, media.PDF),
        (lambda: image("PNG"), media.PNG),
        (lambda: image("JPEG"), media.JPEG),
        (lambda: image("GIF"), media.GIF),
        (lambda: image("WEBP"), media.WEBP),
        (lambda: ooxml(media.DOCX), media.DOCX),
        (lambda: ooxml(media.XLSX, "xl/workbook.xml"), media.XLSX),
        (lambda: ooxml(media.PPTX, "ppt/presentation.xml"), media.PPTX),
        (odt, media.ODT),
        (lambda: "Reflection: what I learned — ünïcode.\n".encode(), media.TEXT),
    ],
    ids=["pdf", "png", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "odt", "text"],
)
def test_accepted_files_are_typed_by_their_bytes_not_the_declared_type(
    client: FlaskClient, learner: Person, settings: Settings, make: Any, expected: str
) -> None:
    data = make()
    r = upload(client, learner, data, declared="application/x-msdownload", name="../../x.exe")
    assert r.status_code == 201, r.json
    item = r.json
    assert item["kind"] == "file" and item["media_type"] == expected
    assert item["size"] == len(data) and item["title"] == "x.exe"  # the base name only
    files = stored(settings)
    assert len(files) == 1 and files[0].read_bytes() == data
    assert files[0].name != "x.exe" and files[0].is_relative_to(settings.evidence_dir)
    got = client.get(f"/api/v1/me/portfolio/items/{item['id']}/file", headers=learner.headers)
    assert got.data == data and got.mimetype == expected
    assert got.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in got.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "application/pdf"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/plain"),
        (b"\n  <svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"),
        (b"Notes\n<script>alert(1)</script>", "text/plain"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "application/pdf"),
        (b"", "application/pdf"),
    ],
    ids=["exe-as-pdf", "html-as-text", "svg-as-png", "script-in-text", "elf-as-pdf", "empty"],
)
def test_disguised_files_are_refused_naming_the_field(
    client: FlaskClient, learner: Person, settings: Settings, data: bytes, declared: str
) -> None:
    r = upload(client, learner, data, declared=declared, name="notes.pdf")
    assert r.status_code == 415 and r.mimetype == "application/problem+json"
    assert r.json["type"].endswith("/problems/unsupported-evidence")
    assert r.json["errors"][0]["pointer"] == "#/file"
    assert stored(settings) == []


@pytest.mark.parametrize(
    "data",
    [
        archive({"readme.txt": b"a plain zip"}),
        ooxml("application/vnd.ms-word.document.macroEnabled"),
        archive({"mimetype": b"application/x-unknown"}),
    ],
    ids=["plain-zip", "docm", "unknown-odf"],
)
def test_archives_other_than_office_documents_are_refused(
    client: FlaskClient, learner: Person, data: bytes
) -> None:
    r = upload(client, learner, data, declared=media.DOCX)
    assert r.status_code == 415 and "office documents" in r.json["detail"]


def test_an_oversize_file_is_refused_with_413_and_nothing_is_stored(
    client: FlaskClient, learner: Person, settings: Settings
) -> None:
    r = upload(client, learner, b"a" * (MAX + 1), declared="text/plain")
    assert r.status_code == 413 and r.json["type"].endswith("/problems/evidence-too-large")
    assert r.json["errors"][0]["pointer"] == "#/file"
    assert upload(client, learner, b"a" * MAX).status_code == 201  # the limit itself is fine
    assert len(stored(settings)) == 1


def test_an_archive_of_thousands_of_entries_is_refused_quickly(
    client: FlaskClient, learner: Person
) -> None:
    entries = {f"p/{n}": b"" for n in range(media.MAX_ZIP_ENTRIES + 1)}
    manifest = f'ContentType="{media.DOCX}.main+xml"'.encode()
    bomb = archive({"[Content_Types].xml": manifest, **entries})
    assert len(bomb) < MAX
    started = time.perf_counter()
    r = upload(client, learner, bomb, declared=media.DOCX)
    assert r.status_code == 415 and "too many files" in r.json["detail"]
    assert time.perf_counter() - started < 1


def test_a_forged_directory_of_a_million_entries_is_refused_before_parsing() -> None:
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 50_000_000, 4, 0)
    with pytest.raises(UnsupportedEvidence, match="too many files"):
        media.check_evidence(b"PK\x03\x04" + bytes(40) + eocd, max_bytes=MAX)


def test_a_manifest_that_inflates_without_end_is_read_no_further_than_its_bound() -> None:
    # Under RATIO_FLOOR, so only the read bound stops it (a larger one is a ZIP bomb:
    # tests/security/test_zip_bomb.py).
    inflating = b" " * (2 * media.MAX_MANIFEST)
    bomb = archive({"[Content_Types].xml": inflating, "word/document.xml": b""})
    assert len(bomb) < 100_000
    with pytest.raises(UnsupportedEvidence, match="implausibly large"):
        media.check_evidence(bomb, max_bytes=MAX)


def test_a_damaged_office_document_is_refused() -> None:
    data = bytearray(ooxml(media.DOCX))
    data[40:60] = bytes(20)  # inside the first entry's compressed bytes
    with pytest.raises(UnsupportedEvidence):
        media.check_evidence(bytes(data), max_bytes=MAX)


def test_an_upload_must_be_multipart_with_a_file(client: FlaskClient, learner: Person) -> None:
    raw = client.post(
        "/api/v1/me/portfolio/files",
        data=PDF,
        content_type="application/pdf",
        headers=learner.headers,
    )
    assert raw.status_code == 415 and raw.json["errors"][0]["pointer"] == "#/file"
    missing = client.post(
        "/api/v1/me/portfolio/files",
        data={"title": "No file"},
        content_type="multipart/form-data",
        headers=learner.headers,
    )
    assert missing.status_code == 400 and missing.json["errors"][0]["pointer"] == "#/file"
    bad = upload(client, learner, PDF, path_id="not-a-uuid")
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "#/path_id"
    unknown = upload(client, learner, PDF, path_id=str(uuid.uuid4()))
    assert unknown.status_code == 404 and unknown.json["errors"][0]["pointer"] == "#/path_id"


# Links, deletion, others' items -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.youtube.com/watch?v=abc", "video"),
        ("https://youtu.be/abc", "video"),
        ("https://vimeo.com/123", "video"),
        ("http://blog.example.org/post", "link"),
    ],
)
def test_links_are_http_and_video_hosts_make_videos(
    client: FlaskClient, learner: Person, url: str, kind: str
) -> None:
    r = client.post(
        "/api/v1/me/portfolio/links", json={"url": url, "title": "T"}, headers=learner.headers
    )
    assert r.status_code == 201 and r.json["kind"] == kind and r.json["url"] == url
    assert r.json["media_type"] is None and r.json["file_url"] is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x", "x"])
def test_other_link_schemes_are_refused(client: FlaskClient, learner: Person, url: str) -> None:
    r = client.post(
        "/api/v1/me/portfolio/links", json={"url": url, "title": "T"}, headers=learner.headers
    )
    assert r.status_code == 422 and r.json["errors"][0]["pointer"] == "#/url"


def test_others_items_answer_404_and_deleting_removes_the_file(
    client: FlaskClient, factories: Factories, learner: Person, settings: Settings
) -> None:
    item = upload(client, learner, PDF).json
    other = factories.person(factories.tenant(), [Role.EARNER])
    for r in (
        client.get(f"/api/v1/me/portfolio/items/{item['id']}/file", headers=other.headers),
        client.delete(f"/api/v1/me/portfolio/items/{item['id']}", headers=other.headers),
    ):
        assert r.status_code == 404
    assert len(stored(settings)) == 1
    r = client.delete(f"/api/v1/me/portfolio/items/{item['id']}", headers=learner.headers)
    assert r.status_code == 204 and stored(settings) == []
    assert client.get("/api/v1/me/portfolio", headers=learner.headers).json["items"] == []


# Skills, evidence for credentials, export -------------------------------------------------


def test_skills_are_the_learners_active_credentials(
    client: FlaskClient, factories: Factories, learner: Person, app: Flask
) -> None:
    issuer = factories.issuer(factories.tenant(), name="Teacher Academy")
    achievement = factories.achievement(issuer, alignment=[ALIGNMENT])
    held = factories.credential(achievement, recipient={"type": "email", "identity": learner.email})
    revoked = factories.credential(
        factories.achievement(issuer, name="Revoked Skill"),
        recipient={"type": "email", "identity": learner.email},
    )
    factories.credential(achievement)  # someone else's
    with app.app_context():
        revocation.revoke(SYSTEM, get_or_404(Credential, revoked), reason="Error")
        db.session.commit()
    skills = client.get("/api/v1/me/portfolio", headers=learner.headers).json["skills"]
    assert len(skills) == 1
    skill = skills[0]
    assert skill["name"] == "Inclusive Classroom Practice" and skill["issuer"] == "Teacher Academy"
    assert skill["alignment"] == [ALIGNMENT]
    assert skill["credential_url"] == f"https://certs.example.test/c/{held}"
    assert skill["achievement_id"].endswith(str(achievement))


def test_evidence_for_a_path_goes_into_the_issued_credential(
    client: FlaskClient, factories: Factories, learner: Person, app: Flask
) -> None:
    issuer = factories.issuer(factories.tenant())
    path = str(factories.path(issuer, visibility="public"))
    factories.enrolment(factories.cohort(uuid.UUID(path)), learner)  # a path they follow
    item = upload(client, learner, PDF, title="Lesson plan", description="Week 3", path_id=path)
    link = client.post(
        "/api/v1/me/portfolio/links",
        json={"url": "https://vimeo.com/1", "title": "Lesson", "path_id": path},
        headers=learner.headers,
    ).json
    upload(client, learner, image("PNG"), title="Elsewhere")  # attached to no path
    with app.app_context():
        user = get_or_404(User, learner.id)
        private = services.evidence_for(user, uuid.UUID(path))
    assert sorted(private, key=lambda e: e["genre"]) == [  # the frozen clock ties their order
        {"name": "Lesson plan", "genre": "file", "description": "Week 3"},  # no public URL
        {"name": "Lesson", "genre": "video", "id": "https://vimeo.com/1"},
    ]
    client.patch("/api/v1/me/portfolio", json={"visibility": "public"}, headers=learner.headers)
    with app.app_context():
        user = get_or_404(User, learner.id)
        evidence = sorted(services.evidence_for(user, uuid.UUID(path)), key=lambda e: e["genre"])
        portfolio_id = services.portfolio_of(user).id
        for entry in evidence:
            shared = {k: v for k, v in entry.items() if k != "genre"}
            assert EvidenceSchema().validate(shared) == {}
        credential = issuance.award(
            SYSTEM,
            get_or_404(Achievement, factories.achievement(issuer)),
            recipient={"type": "email", "identity": learner.email},
            evidence=evidence,
        )
        document = json.loads(credential.ob3_json)
        db.session.rollback()
    assert evidence[0]["id"] == (
        f"https://certs.example.test/portfolios/{portfolio_id}/items/{item.json['id']}/file"
    )
    assert [e["type"] for e in document["evidence"]] == [["Evidence"], ["Evidence"]]
    assert document["evidence"][1]["id"] == link["url"]
    assert client.get(evidence[0]["id"].removeprefix("https://certs.example.test")).data == PDF


def test_export_zip_holds_the_json_and_every_file(
    client: FlaskClient, factories: Factories, learner: Person
) -> None:
    issuer = factories.issuer(factories.tenant())
    credential = factories.credential(
        factories.achievement(issuer), recipient={"type": "email", "identity": learner.email}
    )
    pdf = upload(client, learner, PDF).json
    png = upload(client, learner, image("PNG")).json
    client.post(
        "/api/v1/me/portfolio/links",
        json={"url": "https://example.org/x", "title": "Blog"},
        headers=learner.headers,
    )
    exported = client.get("/api/v1/me/portfolio/export.json", headers=learner.headers)
    assert exported.headers["Content-Disposition"] == 'attachment; filename="portfolio.json"'
    body = exported.json
    assert len(body["portfolio"]["items"]) == 3
    assert body["credentials"][0]["id"] == f"https://certs.example.test/c/{credential}"
    assert body["credentials"][0]["proof"]  # as signed

    r = client.get("/api/v1/me/portfolio/export.zip", headers=learner.headers)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(
            ["portfolio.json", f"files/{pdf['id']}.pdf", f"files/{png['id']}.png"]
        )
        assert zf.read(f"files/{pdf['id']}.pdf") == PDF
        inner = json.loads(zf.read("portfolio.json"))
    r.close()
    assert inner["files"] == {
        pdf["id"]: f"files/{pdf['id']}.pdf",
        png["id"]: f"files/{png['id']}.png",
    }
    assert inner["credentials"] == body["credentials"]
    assert client.get("/api/v1/me/portfolio/export.zip").status_code == 401


# Storage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "/etc/passwd", "..", "A" * 32, "a" * 31, "a" * 30 + "/b", "a" * 32 + "\n"],
)
def test_local_storage_takes_only_its_own_keys(tmp_path: Path, key: str) -> None:
    store = LocalStorage(tmp_path / "store")
    for call in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.delete(key)):
        with pytest.raises(StorageError):
            call()
    assert not (tmp_path / "store").exists()


def test_local_storage_round_trips_atomically(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    key = new_key()
    store.put(key, b"first")
    store.put(key, b"second")
    assert store.get(key) == b"second"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]  # no temporary left
    store.delete(key)
    store.delete(key)  # already gone: no error
    with pytest.raises(StorageError, match="missing"):
        store.get(key)


class FakeS3:
    """Stands in for boto3's S3 client: the outside world, and not installed here."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes) -> None:  # noqa: N803
        self.objects[Bucket, Key] = Body

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        return {"Body": io.BytesIO(self.objects[Bucket, Key])}

    def delete_object(self, *, Bucket: str, Key: str) -> None:  # noqa: N803
        self.objects.pop((Bucket, Key), None)


def test_s3_storage_keeps_objects_under_its_prefix() -> None:
    fake = FakeS3()
    store = S3Storage("s3://evidence/portfolios/", client=fake)
    key = new_key()
    store.put(key, b"bytes")
    assert fake.objects == {("evidence", f"portfolios/{key}"): b"bytes"}
    assert store.get(key) == b"bytes"
    store.delete(key)
    with pytest.raises(StorageError):
        store.get(key)  # the client's KeyError, as a StorageError
    with pytest.raises(StorageError):
        store.put("../other", b"x")


@pytest.mark.parametrize("value", ["evidence-bucket", "https://s3.example.org/bucket", "s3://"])
def test_evidence_storage_must_be_an_s3_url(value: str) -> None:
    with pytest.raises(SettingsError, match="CERTIFIKATION_EVIDENCE_STORAGE"):
        Settings(debug=True, evidence_storage=value).validate()
