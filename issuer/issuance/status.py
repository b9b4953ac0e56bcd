"""Status-list slots: each credential gets one index, never reused, spread across the list."""

from __future__ import annotations

import secrets
from typing import Literal

from sqlalchemy import select, update

from issuer import clock
from issuer.db import db
from issuer.issuance.models import StatusList
from issuer.tenants.models import Issuer

Purpose = Literal["revocation", "suspension"]
LIST_SIZE = 131_072  # 2^17 entries = 16 KiB: the spec's minimum, for herd privacy


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
        # One atomic UPDATE: concurrent awards never receive the same slot.
        claimed = db.session.scalar(
            update(StatusList)
            .where(StatusList.id == current.id, StatusList.allocated < StatusList.size)
            .values(allocated=StatusList.allocated + 1)
            .returning(StatusList.allocated)
        )
        if claimed is not None:
            n = claimed - 1
            return current, (current.stride * n + current.offset) % current.size


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
