"""How wide text is in the 公文's 3号 type, and where its lines break: what the renderers count before laying out."""

from __future__ import annotations

from app.documents import layout as L
from app.documents.scripts import is_mongolian


def text_width_chars(text: str) -> float:
    """Width in 3号 characters: ASCII letters, digits and marks are half width."""
    return sum(0.5 if ord(ch) < 0x2E80 and not is_mongolian(ch) else 1 for ch in text)


def body_lines(text: str) -> int:
    """How many lines of 3号 text a paragraph set flush left takes (28 characters a line)."""
    return -(-int(text_width_chars(text) * 100) // (L.CHARS_PER_LINE * 100)) if text else 0


# Marks a line may not start with, and marks it may not end with (禁则): where a line break falls next to one, the
# break LibreOffice makes is not the one counted here.
_NO_LINE_START = "，。、；：！？”’）》〕〉」』…—"
_NO_LINE_END = "“‘（《〔〈「『"
# Below U+2E80 but a full character wide in the Chinese text's font.
_WIDE_PUNCTUATION = "“”‘’…—"


def line_starts(text: str, *, indent: int = 2) -> list[int] | None:
    """Where each line of a justified 3号 paragraph of Chinese characters begins (offsets into text), 28 characters
    a line, the first indented; None where that count cannot be trusted: a Latin letter, a digit or a space (their
    widths vary), or a break falling next to a mark that 禁则 moves."""
    if any(ord(ch) < 0x2E80 and ch not in _WIDE_PUNCTUATION for ch in text):
        return None
    starts, at = [0], L.CHARS_PER_LINE - indent
    while at < len(text):
        if text[at] in _NO_LINE_START or text[at - 1] in _NO_LINE_END:
            return None
        starts.append(at)
        at += L.CHARS_PER_LINE
    return starts
