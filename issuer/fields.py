"""Marshmallow fields every domain's schemas share."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma

# C0 controls (CR and LF among them), DEL, C1 controls, and Unicode's line and paragraph
# separators: none belongs in a name, and a line break in a mail header injects headers.
# NUL is left to the request parser, which refuses it in every text (issuer/extensions.py).
_BREAKS = re.compile(r"[\x01-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_ERROR = "Use one line of text, without line breaks or control characters."


def single_line(value: str) -> None:
    """Validator: refuse `value` if it holds a line break or another control character."""
    if _BREAKS.search(value):
        raise ma.ValidationError(SINGLE_LINE_ERROR)


class SingleLine(ma.fields.String):
    """A string on one line: a name, a title, anything that may reach a mail header."""

    def __init__(self, **kwargs: Any) -> None:
        validators = kwargs.pop("validate", None)
        if validators is None:
            validators = []
        elif callable(validators):
            validators = [validators]
        super().__init__(validate=[single_line, *validators], **kwargs)
