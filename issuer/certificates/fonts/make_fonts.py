"""Subset DejaVu Sans (regular, bold) to the Latin the certificates print, as WOFF-less TTFs."""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/dejavu")
HERE = Path(__file__).resolve().parent
# Basic Latin, Latin-1 Supplement, Latin Extended-A (French and most EU names), then
# general punctuation (dashes, quotes, ellipsis), the euro sign and the fi/fl ligatures.
UNICODES = "U+0020-007E,U+00A0-017F,U+2010-2027,U+2030-203A,U+20AC,U+FB01-FB02"


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        subset.main(
            [
                str(source / f"{name}.ttf"),
                f"--unicodes={UNICODES}",
                "--layout-features=kern,liga",
                "--no-hinting",
                "--desubroutinize",
                "--name-IDs=0,1,2,3,4,5,6",
                f"--output-file={HERE / f'{name}-Latin.ttf'}",
            ]
        )


if __name__ == "__main__":
    main()
