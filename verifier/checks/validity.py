"""The validity check: is the credential within its validity period now?"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

from verifier.formats import Kind, is_ob2
from verifier.report import Check

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


class _Model(NamedTuple):
    """Where a data model keeps its validity period, and how strictly it writes dates."""

    name: str
    start: str
    end: str
    start_required: bool
    lenient: bool  # OB 2.0 allows ISO 8601 forms that XML Schema does not


_VCDM2 = _Model("VCDM 2.0", "validFrom", "validUntil", start_required=False, lenient=False)
_VCDM1 = _Model("VCDM 1.1", "issuanceDate", "expirationDate", start_required=True, lenient=False)
_OB2 = _Model("OB 2.0", "issuedOn", "expires", start_required=True, lenient=True)

# XML Schema dateTime as VCDM 2.0 (dateTimeStamp), VCDM 1.1 (RFC 3339) and OB 3.0 use it.
_DATETIME = re.compile(
    r"(?P<year>-?\d{4,})-(?P<month>\d\d)-(?P<day>\d\d)"
    r"T(?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?P<fraction>\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d\d(?::?\d\d)?)?",
    re.ASCII,
)


class _BadDate(Exception):
    """A date field that cannot be read; its message names the field and the fix."""


def check_validity(
    document: Mapping[str, Any], *, now: datetime, kind: Kind | None = None
) -> Check:
    """Check that `now` lies within the credential's validity period.

    VCDM 2.0 `validFrom`/`validUntil`, VCDM 1.1 `issuanceDate`/`expirationDate` and OB 2.0
    `issuedOn`/`expires` are read by the credential's `@context`; the period includes its
    start and excludes its end ("the date and time the credential ceases to be valid").

    Args:
        document: The credential.
        now: The time to judge by; a naive datetime is taken as UTC.
        kind: The data model the pipeline decided ("ob2": read OB 2.0's dates); without
            it, ``is_ob2`` decides as the pipeline does.

    Returns:
        A Check with id "validity": failed when expired, not yet valid or unreadable.
    """
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    model = _model(document, kind)
    if model is None:
        return Check("validity", "skipped", "No validity dates to check.")
    try:
        start = _read(document, model.start, model, required=model.start_required)
        end = _read(document, model.end, model, required=False)
    except _BadDate as error:
        return Check("validity", "failed", str(error))
    if start and end and start > end:
        message = (
            f"{model.start} {_show(start)} is after {model.end} {_show(end)}:"
            " the credential is never valid."
        )
        return Check("validity", "failed", message)
    if start and now < start:
        return Check("validity", "failed", f"Not valid until {_show(start)}.")
    if end and now >= end:
        return Check("validity", "failed", f"Expired on {_show(end)}.")
    since = f"Valid from {_show(start)}" if start else f"Valid (no {model.start})"
    until = f" until {_show(end)}." if end else "; no expiry."
    return Check("validity", "passed", since + until)


def _parse(value: str, *, lenient: bool) -> datetime:
    """Read an XML Schema dateTime with a time zone (OB 2.0: ISO 8601, seconds optional)."""
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValueError("not a date-time")
    part = match.groupdict()
    zone, second = part["zone"], part["second"]
    if zone is None:
        raise ValueError("no time zone")
    if not lenient and (second is None or (zone != "Z" and not re.fullmatch(r".\d\d:\d\d", zone))):
        raise ValueError("not an XML Schema dateTime")
    offset = timedelta(0)
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 14 or minutes > 59:
            raise ValueError("time zone offset out of range")
        offset = (1 if zone[0] == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    fraction = (part["fraction"] or ".0")[1:7].ljust(6, "0")
    hour = int(part["hour"])
    midnight = hour == 24 and part["minute"] == "00" and (second or "00") == "00"
    if midnight and int(fraction) == 0:
        hour = 0
    parsed = datetime(
        int(part["year"]),
        int(part["month"]),
        int(part["day"]),
        hour,
        int(part["minute"]),
        int(second or 0),
        int(fraction),
        tzinfo=timezone(offset),
    )
    return parsed + timedelta(days=1) if midnight else parsed


def _model(document: Mapping[str, Any], kind: Kind | None) -> _Model | None:
    if is_ob2(document) if kind is None else kind == "ob2":
        return _OB2
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if contexts[:1] == [VC_V2]:
        return _VCDM2
    if contexts[:1] == [VC_V1]:
        return _VCDM1
    # No known context: read whichever data model's fields are there.
    return next((m for m in (_VCDM2, _VCDM1, _OB2) if {m.start, m.end} & document.keys()), None)


def _read(
    document: Mapping[str, Any], field: str, model: _Model, *, required: bool
) -> datetime | None:
    if field not in document:
        if required:
            raise _BadDate(f"{field} is missing; {model.name} requires it.")
        return None
    value = document[field]
    try:
        if not isinstance(value, str):
            raise ValueError("not a string")
        return _parse(value, lenient=model.lenient)
    except (ValueError, OverflowError) as error:
        kind = "an ISO 8601" if model.lenient else "an XML Schema"
        raise _BadDate(
            f"{field} must be {kind} date-time with a time zone, e.g. 2024-01-01T00:00:00Z"
            f" (got {_clip(value)}: {error})."
        ) from None


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _show(moment: datetime) -> str:
    """Show a moment in UTC: the date alone at midnight, else the full ISO 8601 form."""
    utc = moment.astimezone(UTC)
    if utc.time() == datetime.min.time():
        return utc.date().isoformat()
    return utc.isoformat(timespec="seconds" if not utc.microsecond else "microseconds").replace(
        "+00:00", "Z"
    )
