"""The stored form of a notice's text, read back into paragraphs.

One paragraph per line. Headings are known by their prefix (一、 （一） 1. （1））: a
short line is a heading of its own (一、指导思想); a paragraph that begins with a
heading sentence and goes on (（一）加强组织领导。各地各校要……) prints that sentence
in the heading's font and the rest as text (GB/T 9704 §7.3.3), without keeping it
with the next paragraph. A bold lead sentence is written between double asterisks
at the start of a paragraph; "\\*" is a literal asterisk; a line "{{roster}}" stands for the roster
of the leading group the notice sets up, and "{{roster:NAME}}" for the roster of
the leading group of that name (an adjustment notice prints the group it adjusts).

A table is a block of consecutive lines that are its rows, the first row its head, in one of two forms:

- rows with TAB characters between their cells, as pasting rows from Word, WPS or a spreadsheet into the text
  box gives them (a row that starts with a TAB has an empty first cell);
- rows typed between "|" characters, as Markdown writes them: "|学校|人数|"; "\\|" is a "|" inside a cell, and a
  row of dashes right under the head ("|---|:---:|") only separates it and is dropped.

The block is a table only when two of its rows in a row have the same number of cells, two or more, and no column
is empty in every row; otherwise each of its lines is a paragraph, its text as stored: so a line with a TAB inside
a paragraph, or paragraphs indented with a TAB, stay paragraphs. Cells lose the spaces around them and nothing
else (no asterisks, no escapes but "\\|"); rows with fewer cells than the longest get empty ones at their end. A
blank line, or a line of the other form, ends the block. A table is one Paragraph, its rows in `table`.

The HTML preview and the .docx both read the text through here, so they always agree.
"""

import re
from dataclasses import dataclass

ROSTER_PLACEHOLDER = "{{roster}}"
_ROSTER_LINE = re.compile(r"^\{\{roster(?::(?P<name>[^{}]+))?\}\}$")

_LEVELS = [
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"^\d{1,2}\.(?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
]
_LEAD = re.compile(r"^\*\*(.+?)(?<!\\)\*\*(.*)$", re.S)
# Around a table's cells, and around a line: not U+202F, the narrow no-break space that binds a Mongolian suffix.
_SPACE = " \t\u3000\xa0"
_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
# A heading stands alone when it is this short; a longer "heading" paragraph is text that starts with one.
HEADING_MAX_CHARS = 40
_HEADING_SENTENCE_END = re.compile("[。！？]")


@dataclass(frozen=True)
class Paragraph:
    text: str  # the whole paragraph, asterisks removed
    level: int | None  # heading level 1–4 by prefix, None for body text
    lead: str = ""  # the bold lead sentence at its start, if any (a prefix of text)
    is_roster: bool = False
    roster_group: str | None = None  # the group's name; None: the group this notice sets up
    # A table: its rows, the head first, each as many cells as the others. Its text is then the cells that hold
    # something, "　" between them, so that counts, search and the callers that read text alone still see it.
    table: tuple[tuple[str, ...], ...] | None = None

    @property
    def rest(self) -> str:
        return self.text[len(self.lead) :]

    @property
    def is_heading(self) -> bool:
        """A heading on a line of its own (一、指导思想; （一）强化组织领导); a sentence (1.对……否决。) is text."""
        if self.level is None or self.lead or len(self.text) > HEADING_MAX_CHARS:
            return False
        if self.level <= 2:
            return not self.heading_lead
        return _HEADING_SENTENCE_END.search(self.text[-1:]) is None and not self.text.endswith("；")

    @property
    def heading_lead(self) -> str:
        """The heading a paragraph of text begins with, printed in the heading's font (levels 1 and 2, whose fonts
        differ from the text's): its first sentence when that sentence is a heading's length, else the number."""
        if self.level is None or self.level > 2 or self.lead:
            return ""
        end = _HEADING_SENTENCE_END.search(self.text, 0, HEADING_MAX_CHARS + 1)
        if end is not None and end.end() < len(self.text):
            return self.text[: end.end()]
        if len(self.text) > HEADING_MAX_CHARS:
            return _LEVELS[self.level - 1][1].match(self.text).group()
        return ""


def heading_level(text: str) -> int | None:
    for level, pattern in _LEVELS:
        if pattern.match(text):
            return level
    return None


def _unescape(text: str) -> str:
    return text.replace("\\*", "*")


def paragraphs(body: str) -> list[Paragraph]:
    lines = (body or "").splitlines()
    result = []
    index = 0
    while index < len(lines):
        end = _block_end(lines, index)
        table = _table(lines[index:end]) if end > index else None
        if table is not None:
            text = "\u3000".join(cell for row in table for cell in row if cell)
            result.append(Paragraph(text=text, level=None, table=table))
            index = end
            continue
        # Not a row, or rows that are no table: each line a paragraph of its own, as it always was.
        for line in lines[index : max(end, index + 1)]:
            paragraph = _paragraph(line)
            if paragraph is not None:
                result.append(paragraph)
        index = max(end, index + 1)
    return result


def _paragraph(raw: str) -> Paragraph | None:
    line = raw.strip(" \t\u3000")
    if not line:
        return None
    roster = _ROSTER_LINE.match(line)
    if roster:
        return Paragraph(text="", level=None, is_roster=True, roster_group=roster["name"])
    match = _LEAD.match(line)
    if match:
        lead, rest = _unescape(match.group(1)), _unescape(match.group(2))
        return Paragraph(text=lead + rest, level=heading_level(lead), lead=lead)
    text = _unescape(line)
    return Paragraph(text=text, level=heading_level(text))


def _row_kind(line: str) -> str | None:
    """ "pipe" for a row typed between "|", "tab" for one with a TAB in it, None for any other line."""
    stripped = line.strip(_SPACE)
    if not stripped:
        return None
    if len(stripped) >= 2 and stripped[0] == "|" and stripped[-1] == "|" and stripped[-2] != "\\":
        return "pipe"
    return "tab" if "\t" in line else None


def _cells(line: str, kind: str) -> list[str]:
    if kind == "tab":
        return [cell.strip(_SPACE) for cell in line.split("\t")]
    inside = line.strip(_SPACE)[1:-1]
    return [cell.strip(_SPACE).replace("\\|", "|") for cell in _PIPE.split(inside)]


def _block_end(lines: list[str], start: int) -> int:
    """The index after the rows of one form that begin at lines[start] (start itself when it is no row)."""
    kind = _row_kind(lines[start])
    end = start
    while kind is not None and end < len(lines) and _row_kind(lines[end]) == kind:
        end += 1
    return end


def _table(block: list[str]) -> tuple[tuple[str, ...], ...] | None:
    """The rows of the block as a table, each padded to the longest; None when the block is not a table."""
    kind = _row_kind(block[0])
    rows = [_cells(line, kind) for line in block]
    if kind == "pipe" and len(rows) > 1 and all(_SEPARATOR_CELL.match(cell) for cell in rows[1]):
        del rows[1]
    if not any(len(a) == len(b) >= 2 for a, b in zip(rows, rows[1:], strict=False)):
        return None
    width = max(len(row) for row in rows)
    padded = tuple(tuple(row + [""] * (width - len(row))) for row in rows)
    if not all(any(row[column] for row in padded) for column in range(width)):
        return None  # a column of nothing: lines indented with a TAB, not a table
    return padded


def roster_groups(*bodies: str) -> set[str | None]:
    """The groups whose rosters the texts print (None: the group the notice sets up)."""
    return {p.roster_group for body in bodies for p in paragraphs(body) if p.is_roster}
