"""Certificates: the issuer's current template, render-once PDFs and the download counts."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from issuer import clock
from issuer.certificates import render
from issuer.certificates.models import CertificateChoice, CertificatePdf, CertificateTemplate
from issuer.db import db
from issuer.images.models import Image
from issuer.issuance import services as issuance
from issuer.issuance.models import Achievement, AchievementVersion, Credential
from issuer.tenants.models import Issuer

DEFAULT_TEMPLATE = ("default", 1)  # used until an issuer records a template version


@dataclass(frozen=True)
class DownloadStats:
    credentials: int
    downloads: int

    @property
    def ratio(self) -> float:
        return self.downloads / self.credentials if self.credentials else 0.0


def current_template(issuer_id: uuid.UUID) -> tuple[str, int]:
    """The (name, version) new certificates of `issuer_id` are rendered with."""
    row = db.session.scalars(
        select(CertificateTemplate)
        .where(CertificateTemplate.issuer_id == issuer_id)
        .order_by(CertificateTemplate.version.desc())
        .limit(1)
    ).first()
    return (row.name, row.version) if row else DEFAULT_TEMPLATE


def template_version(issuer_id: uuid.UUID, version: int) -> CertificateTemplate | None:
    return db.session.scalars(
        select(CertificateTemplate).where(
            CertificateTemplate.issuer_id == issuer_id, CertificateTemplate.version == version
        )
    ).first()


def choose_template(credential: Credential, template: CertificateTemplate) -> None:
    """Render `credential`'s certificate with `template`, whatever the issuer's current one."""
    db.session.merge(CertificateChoice(credential_id=credential.id, template_id=template.id))
    db.session.flush()


def chosen_template(credential: Credential) -> tuple[str, int]:
    """(name, version) of the template `credential`'s certificate is rendered with."""
    choice = db.session.get(CertificateChoice, credential.id)
    template = db.session.get(CertificateTemplate, choice.template_id) if choice else None
    if template is not None:
        return template.name, template.version
    return current_template(credential.issuer_id)


def set_template(issuer: Issuer, name: str) -> CertificateTemplate:
    """Record a new template version; certificates already rendered keep theirs."""
    _, version = current_template(issuer.id)
    row = CertificateTemplate(
        issuer_id=issuer.id, version=version + 1, name=name, created_at=clock.now()
    )
    db.session.add(row)
    db.session.flush()
    return row


def _image(image_id: uuid.UUID | None) -> str | None:
    image = db.session.get(Image, image_id) if image_id else None
    return render.data_uri(image.data, image.media_type) if image else None


def _issuer_fields(issuer: Issuer) -> dict[str, str | None]:
    return {
        "issuer_name": issuer.name,
        "logo": _image(issuer.logo_id),
        "signatory_name": issuer.signatory_name,
        "signatory_title": issuer.signatory_title,
        "signature": _image(issuer.signature_id),
    }


def certificate_data(credential: Credential) -> render.CertificateData:
    """What the certificate of `credential` shows, from the rows it was signed from."""
    issuer, version = credential.issuer, credential.achievement_version
    return render.CertificateData(
        **_issuer_fields(issuer),  # type: ignore[arg-type]
        recipient_name=credential.recipient_name,
        achievement_name=version.content["name"],
        completed_on=credential.valid_from,
        url=issuance.urls().credential(credential.id),
        credential_id=str(credential.id),
    )


def render_certificate(credential: Credential, template: str = "default") -> bytes:
    """The certificate of `credential` with its signed JSON and JWT attached."""
    html = render.render_html(certificate_data(credential), template=template)
    return render.attach_credential(
        render.render_pdf(html, template=template),
        ob3_json=credential.ob3_json,
        ob3_jwt=credential.ob3_jwt,
        signed=credential.created_at,
    )


def certificate(credential: Credential) -> CertificatePdf:
    """The stored certificate of `credential`, rendered with the current template if new."""
    stored = db.session.get(CertificatePdf, credential.id)
    if stored is not None:
        return stored
    name, version = chosen_template(credential)
    row = CertificatePdf(
        credential_id=credential.id,
        template_name=name,
        template_version=version,
        pdf=render_certificate(credential, name),
        downloads=0,
        created_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent first download stored it first; keep theirs
        stored = db.session.get(CertificatePdf, credential.id, populate_existing=True)
        assert stored is not None
        return stored
    return row


_NAMELESS_KEPT = 64  # drawings kept per process: about 40 KB each
_nameless: OrderedDict[tuple[uuid.UUID, str], bytes] = OrderedDict()
_nameless_lock = threading.Lock()


def without_name(credential: Credential, stored: CertificatePdf) -> bytes:
    """The certificate without the earner's name, for the public when the earner hid it.

    Nothing is attached either, since the signed credential names the earner. It uses the
    stored certificate's template. Drawings of the most recently asked credentials are kept,
    so repeated anonymous downloads cost no rendering (the caller checks the earner's choice
    on every request, so a kept drawing is never served once the name is shown again).
    """
    key = (credential.id, stored.template_name)
    with _nameless_lock:
        if key in _nameless:
            _nameless.move_to_end(key)
            return _nameless[key]
    data = replace(certificate_data(credential), recipient_name="")
    html = render.render_html(data, template=stored.template_name)
    drawn = render.render_pdf(html, template=stored.template_name)
    with _nameless_lock:
        _nameless[key] = drawn
        while len(_nameless) > _NAMELESS_KEPT:
            _nameless.popitem(last=False)
    return drawn


def count_download(credential_id: uuid.UUID) -> None:
    """Count one earner download (an UPDATE, so concurrent downloads all count)."""
    db.session.execute(
        update(CertificatePdf)
        .where(CertificatePdf.credential_id == credential_id)
        .values(downloads=CertificatePdf.downloads + 1)
    )


def download_stats(achievement: Achievement) -> DownloadStats:
    """How many credentials of `achievement` exist, and how often certificates were downloaded."""
    credentials = (
        select(Credential.id)
        .join(AchievementVersion, Credential.achievement_version_id == AchievementVersion.id)
        .where(AchievementVersion.achievement_id == achievement.id)
    )
    count = db.session.scalar(select(func.count()).select_from(credentials.subquery()))
    downloads = db.session.scalar(
        select(func.coalesce(func.sum(CertificatePdf.downloads), 0)).where(
            CertificatePdf.credential_id.in_(credentials)
        )
    )
    return DownloadStats(credentials=count or 0, downloads=downloads or 0)


def preview(issuer: Issuer) -> bytes:
    """The issuer's current template filled with sample data; nothing is stored or signed."""
    name, _ = current_template(issuer.id)
    sample_id = uuid.UUID(int=0)
    data = render.CertificateData(
        **_issuer_fields(issuer),  # type: ignore[arg-type]
        recipient_name="Camille Exemple",
        achievement_name="Sample Achievement",
        completed_on=clock.now(),
        url=issuance.urls().credential(sample_id),
        credential_id=str(sample_id),
    )
    return render.render_pdf(render.render_html(data, template=name), template=name)
