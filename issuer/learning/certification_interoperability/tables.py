"""Rows of an import, from CSV or JSON, validated row by row; and CSV written safely."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma

from issuer.errors import BadRequest, FieldError, PayloadTooLarge, ValidationError
from issuer.extensions import unstorable_text

MAX_ROWS = 100_000
MAX_ERRORS = 1_000  # listed in one problem; the detail still counts them all
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """The rows of one import and where each came from, to point at a bad cell.

    JSON rows are pointed at as `#/<key>/<index>/<column>`; CSV rows by their spreadsheet
    row number (the header is row 1) and column.
    """

    key: str
    rows: list[dict[str, Any] | None]  # None: not an object
    lines: list[int] | None = None  # CSV only: each row's number in the file
    problems: list[tuple[int, FieldError]] = field(default_factory=list)

    def refuse(self, index: int, column: str | None, detail: str) -> None:
        """Note a bad row (or cell of it); `check` raises them all at once."""
        if self.lines is None:
            pointer = f"#/{self.key}/{index}" + (f"/{column}" if column else "")
            self.problems.append((index, FieldError(detail, pointer=pointer)))
        else:
            where = f"Row {self.lines[index]}" + (f", column {column}" if column else "")
            self.problems.append((index, FieldError(f"{where}: {detail}")))

    def check(self) -> None:
        """Raise one ValidationError naming every bad row, in row order (the first MAX_ERRORS)."""
        if not self.problems:
            return
        errors = [e for _, e in sorted(self.problems, key=lambda p: p[0])]
        listed = "" if len(errors) <= MAX_ERRORS else f"; the first {MAX_ERRORS} are listed"
        raise ValidationError(
            f"{len(errors)} invalid cells or rows{listed}. Nothing was imported.",
            errors=errors[:MAX_ERRORS],
        )


def from_json(body: Any, key: str) -> Table:
    """The list under `key` of a JSON object, each item an object."""
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        detail = f"Send an object whose `{key}` is a list of rows."
        raise ValidationError(detail, errors=[FieldError(detail, pointer=f"#/{key}")])
    unknown = sorted(set(body) - {key})
    if unknown:
        errors = [FieldError("Unknown field.", pointer=f"#/{name}") for name in unknown]
        raise ValidationError(f"Send only `{key}`.", errors=errors)
    rows = body[key]
    _bound(len(rows))
    table = Table(key, [r if isinstance(r, dict) else None for r in rows])
    for index, row in enumerate(table.rows):
        if row is None:
            table.refuse(index, None, "Each row must be an object.")
        else:
            _screen(table, index, row)
    return table


def parse(
    data: bytes, mimetype: str, key: str, *, columns: Sequence[str], required: Iterable[str]
) -> Table:
    """Rows sent as text/csv, or as a JSON object `{key: [rows]}`."""
    if mimetype == "text/csv":
        return from_csv(data, key, columns=columns, required=required)
    try:
        body = json.loads(data)
    except RecursionError:
        raise BadRequest("The JSON body is nested too deeply.") from None
    except ValueError as exc:  # also bad UTF-8, and integers past Python's digit limit
        raise BadRequest(f"The body is not valid JSON: {exc}.") from None
    return from_json(body, key)


def from_csv(data: bytes, key: str, *, columns: Sequence[str], required: Iterable[str]) -> Table:
    """Rows of a UTF-8 CSV (a BOM is allowed) whose header names only `columns`.

    Empty cells count as absent, so an optional column may be left blank.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"The CSV is not valid UTF-8 (byte {exc.start}).") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            raise _invalid_csv("The CSV needs a header row naming its columns.")
        _check_header(header, columns, required)
        table = Table(key, [], [])
        assert table.lines is not None
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue  # a blank line
            row = {h: c.strip() for h, c in zip(header, record, strict=False) if c.strip()}
            table.rows.append(row)
            table.lines.append(number)
            _bound(len(table.rows))
            index = len(table.rows) - 1
            if len(record) != len(header):
                table.refuse(index, None, f"{len(record)} cells; the header has {len(header)}.")
            _screen(table, index, row)
    except csv.Error as exc:
        raise _invalid_csv(f"The CSV cannot be read at row {reader.line_num}: {exc}.") from None
    return table


def _screen(table: Table, index: int, row: dict[str, Any]) -> None:
    """Refuse text no database can store (other types are the schema's to refuse)."""
    texts = {k: v for k, v in row.items() if isinstance(v, str)}
    for column, messages in unstorable_text(texts).items():
        for message in messages:
            table.refuse(index, str(column), message)


def _check_header(header: list[str], columns: Sequence[str], required: Iterable[str]) -> None:
    offered = ", ".join(columns)
    errors = [
        FieldError(f"Column {h!r} is unknown; the columns are {offered}.")
        for h in header
        if h not in columns
    ]
    errors += [
        FieldError(f"Column {h!r} appears twice.")
        for h in sorted({h for h in header if header.count(h) > 1})
    ]
    errors += [FieldError(f"Column {c!r} is required.") for c in required if c not in header]
    if errors:
        raise ValidationError("The CSV header is not valid; nothing was imported.", errors=errors)


def load(table: Table, schema: ma.Schema) -> list[dict[str, Any] | None]:
    """Each row loaded by `schema`, or None for a row refused (with its bad cells) in `table`."""
    loaded: list[dict[str, Any] | None] = []
    for index, row in enumerate(table.rows):
        if row is None:
            loaded.append(None)
            continue
        try:
            loaded.append(schema.load(row))
        except ma.ValidationError as exc:
            loaded.append(None)
            messages = exc.messages if isinstance(exc.messages, dict) else {None: exc.messages}
            for column, detail in messages.items():
                for message in detail if isinstance(detail, list) else [detail]:
                    table.refuse(index, _column(column), str(message))
    return loaded


def _column(name: Any) -> str | None:
    return None if name in (None, "_schema") else str(name)


def _bound(count: int) -> None:
    if count > MAX_ROWS:
        raise PayloadTooLarge(f"Send at most {MAX_ROWS} rows per request; split the file.")


def _invalid_csv(detail: str) -> ValidationError:
    return ValidationError(detail, errors=[FieldError(detail)])


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """`rows` as CSV with a header; a cell a spreadsheet would run as a formula gets a `'`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
