"""Status lists: the slot each credential gets, and the signed list as verifiers fetch it.

Each credential gets one index, never reused, spread across the list.

A list's `allocated` counter is the one row every award of an issuer writes. Held inside a
bulk run's transaction it would make every interactive award wait for the whole run, so on
PostgreSQL slots are reserved in blocks, each by a short transaction of its own committed at
once: the row is locked for milliseconds. A session keeps what is left of its block for its
next awards; a block starts at one slot and doubles up to BLOCK_MAX, so a single award
reserves one and a bulk run few times. A slot reserved but never used stays 0 in the
bitstring, which no verifier can tell from an active credential's.
SQLite has one writer at a time anyway, so there the counter moves in the session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from flask import current_app
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError

from issuer import clock
from issuer.db import db
from issuer.issuance import documents, revocation, signing
from issuer.issuance.documents import Urls
from issuer.issuance.models import StatusList
from issuer.keys.services import issuer_did, settled_signing_key
from issuer.tenants.models import Issuer
from verifier.bitstring import encode_bitstring

Purpose = Literal["revocation", "suspension"]
LIST_SIZE = 131_072  # 2^17 entries = 16 KiB: the spec's minimum, for herd privacy
BLOCK_MAX = 256  # slots a session reserves at most at once
RESERVE_LOCK_TIMEOUT = "200ms"  # a reservation holds the row for about a millisecond
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires


@dataclass
class _Block:
    """Slots `next` to `end` (exclusive) of a list, reserved and committed for this session."""

    next: int
    end: int
    size: int


def allocate(issuer: Issuer, purpose: Purpose) -> tuple[StatusList, int]:
    """Claim the next free slot of the issuer's current list for `purpose`."""
    while True:
        current = db.session.scalar(
            select(StatusList)
            .where(
                StatusList.issuer_id == issuer.id,
                StatusList.purpose == purpose,
                StatusList.allocated < StatusList.size,
            )
            .order_by(StatusList.created_at)
            .limit(1)
        ) or _new_list(issuer, purpose)
        n = _claim(current)
        if n is not None:
            return current, (current.stride * n + current.offset) % current.size


def _claim(status_list: StatusList) -> int | None:
    """The next unused position of `status_list` for this session, or None when it is full."""
    blocks: dict[uuid.UUID, _Block] = db.session.info.setdefault("status_blocks", {})
    block = blocks.get(status_list.id)
    if block is not None and block.next < block.end:
        block.next += 1
        return block.next - 1
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        size = min(block.size * 2, BLOCK_MAX) if block is not None else 1
        reserved = _reserve_apart(bind.engine, status_list.id, size)
        if reserved is not None:
            start, end = reserved
            blocks[status_list.id] = _Block(start + 1, end, size)
            return start
    # In the session: SQLite, or a list this session created and has not committed yet (no
    # other transaction can see, let alone lock, its row). One atomic UPDATE either way.
    claimed = db.session.scalar(
        update(StatusList)
        .where(StatusList.id == status_list.id, StatusList.allocated < StatusList.size)
        .values(allocated=StatusList.allocated + 1)
        .returning(StatusList.allocated)
    )
    return None if claimed is None else claimed - 1


def _reserve_apart(engine: Engine, list_id: uuid.UUID, size: int) -> tuple[int, int] | None:
    """Reserve up to `size` positions in a transaction of its own, committed before returning.

    None when the list is full, not visible outside this session (not committed yet), or
    locked for longer than reservations take: perhaps by this very session (a revocation
    earlier in its transaction), which waiting here would never see end.
    """
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{RESERVE_LOCK_TIMEOUT}'")
            row = connection.execute(
                select(StatusList.allocated, StatusList.size)
                .where(StatusList.id == list_id, StatusList.allocated < StatusList.size)
                # NO KEY UPDATE: compatible with the KEY SHARE locks that inserting credentials
                # of this list takes (foreign key checks), a bulk run's own included.
                .with_for_update(key_share=True)
            ).first()
            if row is None:
                return None
            end = min(row.allocated + size, row.size)
            connection.execute(
                update(StatusList).where(StatusList.id == list_id).values(allocated=end)
            )
            return row.allocated, end
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            return None
        raise


def _new_list(issuer: Issuer, purpose: Purpose) -> StatusList:
    status_list = StatusList(
        issuer_id=issuer.id,
        purpose=purpose,
        size=LIST_SIZE,
        stride=secrets.randbelow(LIST_SIZE // 2) * 2 + 1,  # odd: a bijection modulo 2^17
        offset=secrets.randbelow(LIST_SIZE),
        created_at=clock.now(),
    )
    db.session.add(status_list)
    db.session.flush()
    return status_list


STATUS_LIST_TTL = 60  # seconds a verifier may cache a status list: revocations show quickly


@dataclass(frozen=True)
class PublishedList:
    """A status list credential as served: its JSON text and an ETag naming its content."""

    text: str
    etag: str


_signed_lists: OrderedDict[tuple[object, ...], str] = OrderedDict()
_signed_lists_lock = threading.Lock()
_SIGNED_LISTS_KEPT = 256


def published_status_list(status_list: StatusList) -> PublishedList:
    """`status_list` signed, re-signed only when its bits or its signing key changed."""
    issuer = status_list.issuer
    url = Urls(current_app.extensions["settings"].public_url).status_list(status_list.id)
    bits = bytearray(status_list.size // 8)
    for index in revocation.flagged_indexes(status_list):
        bits[index // 8] |= 0x80 >> (index % 8)  # bit 0 is the left-most (verifier.bitstring)
    encoded = encode_bitstring(bits)
    # validFrom is when a bit last changed, so equal state gives equal text on every worker.
    valid_from = documents.iso(status_list.updated_at or status_list.created_at)
    etag = hashlib.sha256(f"{valid_from} {encoded}".encode()).hexdigest()[:32]
    # A key every cached copy of the DID document lists, so a rotation never hides the signer.
    signer = settled_signing_key(issuer, "Ed25519")
    cache_key = (status_list.id, etag, signer[0].id, current_app.extensions["settings"].public_url)
    with _signed_lists_lock:
        text = _signed_lists.get(cache_key)
    if text is None:
        credential = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_did(current_app.extensions["settings"], issuer.id),
            "validFrom": valid_from,
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": status_list.purpose,
                "encodedList": encoded,
                "ttl": STATUS_LIST_TTL * 1000,  # milliseconds, as the spec counts
            },
        }
        signed = signing.data_integrity_proof(issuer, credential, signer=signer)
        text = json.dumps(signed, ensure_ascii=False)
        with _signed_lists_lock:
            _signed_lists[cache_key] = text
            while len(_signed_lists) > _SIGNED_LISTS_KEPT:
                _signed_lists.popitem(last=False)
    return PublishedList(text, etag)
