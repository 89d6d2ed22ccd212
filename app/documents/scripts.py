"""Which runs of a text are traditional Mongolian.

Every renderer sets Mongolian runs in the Mongolian font and names another font for the rest: in vertical layout
LibreOffice and browsers misplace glyphs that come from font fallback (NOTES-fonts-mongolian-pdf.md).
"""

import re
from collections.abc import Iterator

# Traditional Mongolian letters, their format controls (FVS U+180B–U+180F, MVS) and the narrow no-break space that
# binds case suffixes: all of it must be set in the Mongolian font. Spaces between Mongolian words stay in the run.
_LETTERS = "\u1800-\u18af\u202f\U00011660-\U0001167f"
MONGOLIAN_CHARACTER = re.compile(f"[{_LETTERS}]")
MONGOLIAN_RUN = re.compile(f"[{_LETTERS}]+(?:[ \u00a0]+[{_LETTERS}]+)*")


def script_runs(text: str) -> Iterator[tuple[str, bool]]:
    """The text cut into its runs, in order: (piece, is_mongolian)."""
    position = 0
    for match in MONGOLIAN_RUN.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


def is_mongolian(character: str) -> bool:
    return bool(character) and MONGOLIAN_CHARACTER.match(character) is not None
