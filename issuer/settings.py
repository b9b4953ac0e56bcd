"""Typed configuration, read once from the environment (12-factor)."""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse_many

from issuer.setting_values import SettingsError as SettingsError  # re-exported
from issuer.setting_values import parse_value
from verifier.errors import VerifierError
from verifier.trust import parse_trust_list

DEV_SECRET = "dev"


def _env(name: str, help: str) -> dict[str, str]:
    return {"env": name, "help": help}


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; each field's metadata names its environment variable."""

    debug: bool = field(
        default=False,
        metadata=_env("CERTIFIKATION_DEBUG", "Development mode: allows the dev secret and keys."),
    )
    secret_key: str = field(
        default=DEV_SECRET,
        metadata=_env("SECRET_KEY", "Signs access tokens; at least 32 characters outside debug."),
    )
    database_url: str = field(
        default="sqlite:///instance/certifikation.sqlite3",
        metadata=_env("DATABASE_URL", "SQLAlchemy URL: sqlite:///… or postgresql+psycopg://…"),
    )
    public_url: str = field(
        default="http://127.0.0.1:5000",
        metadata=_env(
            "CERTIFIKATION_PUBLIC_URL", "External base URL; credential ids and did:web use it."
        ),
    )
    master_keys: tuple[str, ...] = field(
        default=(),
        metadata=_env(
            "CERTIFIKATION_MASTER_KEY",
            "Fernet key(s), comma-separated, newest first, encrypting issuer keys at rest.",
        ),
    )
    master_key_file: Path = field(
        default=Path("keys/dev-master.key"),
        metadata=_env(
            "CERTIFIKATION_MASTER_KEY_FILE", "Debug only: where the dev master key is kept."
        ),
    )
    db_busy_timeout: int = field(
        default=5,
        metadata=_env(
            "CERTIFIKATION_DB_BUSY_TIMEOUT",
            "Seconds a SQLite write waits for another's lock before answering 503.",
        ),
    )
    db_retries: int = field(
        default=3,
        metadata=_env(
            "CERTIFIKATION_DB_RETRIES",
            "Times a request is re-run after a PostgreSQL deadlock or serialisation failure.",
        ),
    )
    redis_url: str | None = field(
        default=None,
        metadata=_env("REDIS_URL", "Redis for shared rate-limit counters (memory if unset)."),
    )
    celery_broker_url: str | None = field(
        default=None,
        metadata=_env("CELERY_BROKER_URL", "Redis or AMQP broker; unset runs tasks in-process."),
    )
    celery_result_backend: str | None = field(
        default=None, metadata=_env("CELERY_RESULT_BACKEND", "Optional Celery result backend.")
    )
    task_visibility_timeout: int = field(
        default=300,
        metadata=_env(
            "CERTIFIKATION_TASK_VISIBILITY_TIMEOUT",
            "Seconds before a Redis broker hands a task whose worker died to another worker.",
        ),
    )
    background_rows: int = field(
        default=200,
        metadata=_env(
            "CERTIFIKATION_BACKGROUND_ROWS",
            "Rows of an import (or owed credentials of a retry) above which it runs as a job.",
        ),
    )
    user_token_ttl: int = field(
        default=3600,
        metadata=_env("CERTIFIKATION_USER_TOKEN_TTL", "Seconds a login token is valid."),
    )
    client_token_ttl: int = field(
        default=900,
        metadata=_env("CERTIFIKATION_CLIENT_TOKEN_TTL", "Seconds an API-client token is valid."),
    )
    login_rate_limit: str = field(
        default="10 per minute",
        metadata=_env(
            "CERTIFIKATION_LOGIN_RATE_LIMIT",
            "Login attempts allowed per address (each account and address pair also backs off).",
        ),
    )
    token_rate_limit: str = field(
        default="20 per minute",
        metadata=_env(
            "CERTIFIKATION_TOKEN_RATE_LIMIT",
            "OAuth token requests allowed per address and per client id.",
        ),
    )
    address_token_rate_limit: str = field(
        default="5 per hour",
        metadata=_env(
            "CERTIFIKATION_ADDRESS_TOKEN_RATE_LIMIT",
            "Claim, reset and sign-in mails per email address (per IP: the login limit).",
        ),
    )
    proxy_count: int = field(
        default=0,
        metadata=_env(
            "CERTIFIKATION_PROXY_COUNT",
            "Reverse proxies in front of the service whose X-Forwarded-For/-Proto are trusted "
            "(0: none, the peer address counts).",
        ),
    )
    max_request_bytes: int = field(
        default=10 * 1024 * 1024,
        metadata=_env("CERTIFIKATION_MAX_REQUEST_BYTES", "Largest request body accepted."),
    )
    max_image_bytes: int = field(
        default=512 * 1024,
        metadata=_env("CERTIFIKATION_MAX_IMAGE_BYTES", "Largest logo or signature image."),
    )
    max_evidence_bytes: int = field(
        default=10 * 1024 * 1024,
        metadata=_env(
            "CERTIFIKATION_MAX_EVIDENCE_BYTES", "Largest evidence file in a learner's portfolio."
        ),
    )
    evidence_check_seconds: int = field(
        default=10,
        metadata=_env(
            "CERTIFIKATION_EVIDENCE_CHECK_SECONDS",
            "Seconds allowed to parse one evidence PDF; a slower one is refused.",
        ),
    )
    max_evidence_unpacked_bytes: int = field(
        default=100 * 1024 * 1024,
        metadata=_env(
            "CERTIFIKATION_MAX_EVIDENCE_UNPACKED_BYTES",
            "Largest total uncompressed size an office document (ZIP) may declare.",
        ),
    )
    evidence_dir: Path = field(
        default=Path("instance/evidence"),
        metadata=_env(
            "CERTIFIKATION_EVIDENCE_DIR", "Where portfolio evidence files are kept on disk."
        ),
    )
    evidence_storage: str | None = field(
        default=None,
        metadata=_env(
            "CERTIFIKATION_EVIDENCE_STORAGE",
            "s3://bucket/prefix keeps evidence in S3-compatible storage (needs boto3); "
            "unset uses CERTIFIKATION_EVIDENCE_DIR.",
        ),
    )
    allow_loopback: bool = field(
        default=False,
        metadata=_env(
            "CERTIFIKATION_ALLOW_LOOPBACK",
            "Let the verifier fetch from 127.0.0.0/8 (local development and tests only).",
        ),
    )
    canon_max_blank_nodes: int = field(
        default=5_000,
        metadata=_env(
            "CERTIFIKATION_CANON_MAX_BLANK_NODES",
            "Most blank nodes the verifier canonicalizes in one document; more is too complex.",
        ),
    )
    canon_max_steps: int = field(
        default=100_000,
        metadata=_env(
            "CERTIFIKATION_CANON_MAX_STEPS",
            "RDFC-1.0 Hash N-Degree Quads steps allowed per document; more is too complex.",
        ),
    )
    jsonld_max_values: int = field(
        default=10_000,
        metadata=_env(
            "CERTIFIKATION_JSONLD_MAX_VALUES",
            "Most JSON values (objects, array items, scalars) the verifier expands in one "
            "document; more is too complex.",
        ),
    )
    jsonld_max_depth: int = field(
        default=64,
        metadata=_env(
            "CERTIFIKATION_JSONLD_MAX_DEPTH",
            "Deepest nesting of objects and arrays the verifier expands; deeper is too complex.",
        ),
    )
    jsonld_max_contexts: int = field(
        default=200,
        metadata=_env(
            "CERTIFIKATION_JSONLD_MAX_CONTEXTS",
            "JSON-LD contexts (embedded or scoped, per parent context) the verifier processes "
            "per document; more is too complex.",
        ),
    )
    max_endorsements: int = field(
        default=20,
        metadata=_env(
            "CERTIFIKATION_MAX_ENDORSEMENTS",
            "Endorsements the verifier checks per credential; the rest are reported unchecked.",
        ),
    )
    endorsement_deadline: int = field(
        default=10,
        metadata=_env(
            "CERTIFIKATION_ENDORSEMENT_DEADLINE",
            "Seconds the verifier spends on all of a credential's endorsements together.",
        ),
    )
    trust_list: str | None = field(
        default=None,
        metadata=_env(
            "CERTIFIKATION_TRUST_LIST",
            "Issuers whose identity the verifier confirms: a file path or https URL of a trust "
            "list (ours or a DCC registry.json); our own issuers are always known.",
        ),
    )
    smtp_url: str | None = field(
        default=None,
        metadata=_env(
            "CERTIFIKATION_SMTP_URL", "smtp://user:pass@host:port; unset writes mail to the log."
        ),
    )
    cert_pass_percent: Decimal = field(
        default=Decimal(80),
        metadata=_env(
            "CERT_PASS_PERCENT",
            "Default score (%) that passes an evaluation; tenants may set their own.",
        ),
    )
    quiz_retry_cooldown_min: int = field(
        default=30,
        metadata=_env(
            "QUIZ_RETRY_COOLDOWN_MIN",
            "Default minutes before a failed evaluation may be retried; tenants may set their own.",
        ),
    )
    mail_sender: str = field(
        default="Certifikation <no-reply@localhost>",
        metadata=_env("CERTIFIKATION_MAIL_SENDER", "From address of outgoing mail."),
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read every setting from `environ`; raise SettingsError naming any bad variable."""
        hints = typing.get_type_hints(cls)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = parse_value(f.metadata["env"], raw, hints[f.name])
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        """Check values that types alone cannot; outside debug, refuse development secrets."""
        scheme = urlsplit(self.database_url).scheme
        if not scheme.startswith(("sqlite", "postgresql")):
            raise SettingsError("DATABASE_URL must start with sqlite:// or postgresql+psycopg://")
        public = urlsplit(self.public_url)
        if (
            public.scheme not in ("http", "https")
            or not public.netloc
            or public.path not in ("", "/")
        ):
            raise SettingsError(
                "CERTIFIKATION_PUBLIC_URL must be an http(s) origin such as https://certs.example.org"
            )
        for name, value in (
            ("CERTIFIKATION_USER_TOKEN_TTL", self.user_token_ttl),
            ("CERTIFIKATION_CLIENT_TOKEN_TTL", self.client_token_ttl),
            ("CERTIFIKATION_MAX_REQUEST_BYTES", self.max_request_bytes),
            ("CERTIFIKATION_MAX_IMAGE_BYTES", self.max_image_bytes),
            ("CERTIFIKATION_MAX_EVIDENCE_BYTES", self.max_evidence_bytes),
            ("CERTIFIKATION_EVIDENCE_CHECK_SECONDS", self.evidence_check_seconds),
            ("CERTIFIKATION_MAX_EVIDENCE_UNPACKED_BYTES", self.max_evidence_unpacked_bytes),
            ("CERTIFIKATION_CANON_MAX_BLANK_NODES", self.canon_max_blank_nodes),
            ("CERTIFIKATION_CANON_MAX_STEPS", self.canon_max_steps),
            ("CERTIFIKATION_JSONLD_MAX_VALUES", self.jsonld_max_values),
            ("CERTIFIKATION_JSONLD_MAX_DEPTH", self.jsonld_max_depth),
            ("CERTIFIKATION_JSONLD_MAX_CONTEXTS", self.jsonld_max_contexts),
            ("CERTIFIKATION_MAX_ENDORSEMENTS", self.max_endorsements),
            ("CERTIFIKATION_ENDORSEMENT_DEADLINE", self.endorsement_deadline),
            ("CERTIFIKATION_DB_BUSY_TIMEOUT", self.db_busy_timeout),
            ("CERTIFIKATION_TASK_VISIBILITY_TIMEOUT", self.task_visibility_timeout),
            ("CERTIFIKATION_BACKGROUND_ROWS", self.background_rows),
        ):
            if value <= 0:
                raise SettingsError(f"{name} must be a positive whole number, got {value}")
        if self.evidence_storage is not None:
            storage = urlsplit(self.evidence_storage)
            if storage.scheme != "s3" or not storage.netloc:
                raise SettingsError(
                    "CERTIFIKATION_EVIDENCE_STORAGE must read like s3://bucket/prefix, or be unset"
                )
        self._validate_trust_list()
        percent = self.cert_pass_percent
        if not (percent.is_finite() and 0 < percent <= 100):
            raise SettingsError(f"CERT_PASS_PERCENT must be in (0, 100], got {percent}")
        if self.db_retries < 0:
            raise SettingsError(
                f"CERTIFIKATION_DB_RETRIES must be 0 or more, got {self.db_retries}"
            )
        if self.proxy_count < 0:
            raise SettingsError(
                f"CERTIFIKATION_PROXY_COUNT must be 0 or more, got {self.proxy_count}"
            )
        if self.quiz_retry_cooldown_min < 0:
            raise SettingsError(
                f"QUIZ_RETRY_COOLDOWN_MIN must be 0 or more, got {self.quiz_retry_cooldown_min}"
            )
        try:
            parse_many(self.login_rate_limit)
            parse_many(self.address_token_rate_limit)
            parse_many(self.token_rate_limit)
        except ValueError:
            raise SettingsError(
                "CERTIFIKATION_LOGIN_RATE_LIMIT, CERTIFIKATION_TOKEN_RATE_LIMIT and "
                "CERTIFIKATION_ADDRESS_TOKEN_RATE_LIMIT must read like '10 per minute' or "
                "'5/second'"
            ) from None
        if self.debug:
            return
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be set to a random string of 32+ characters")
        if not self.master_keys:
            raise SettingsError(
                "CERTIFIKATION_MASTER_KEY must be set; generate one with `python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
            )

    def _validate_trust_list(self) -> None:
        """A trust list URL must be https; a file must exist and read as a trust list."""
        value = self.trust_list
        if value is None or value.startswith("https://"):
            return
        if "://" in value:
            raise SettingsError("CERTIFIKATION_TRUST_LIST must be a file path or an https URL")
        try:
            parse_trust_list(Path(value).read_bytes(), source=value)
        except (OSError, VerifierError) as exc:
            raise SettingsError(f"CERTIFIKATION_TRUST_LIST: {exc}") from None

    @property
    def public_host(self) -> str:
        """Host (and port) of `public_url`, as did:web spells it."""
        return urlsplit(self.public_url).netloc


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for the README and `flask settings`."""
    rows = []
    for f in fields(Settings):
        default = f.default if f.default is not None else ""
        if isinstance(default, tuple):
            default = ",".join(default)
        rows.append((f.metadata["env"], str(default), f.metadata["help"]))
    return rows
