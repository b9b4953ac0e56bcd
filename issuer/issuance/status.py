"""Status-list slots: each credential gets one index, never reused, spread across the list.

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

import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import OperationalError

from issuer import clock
from issuer.db import db
from issuer.issuance.models import StatusList
from issuer.tenants.models import Issuer

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
