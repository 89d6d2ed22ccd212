"""The stored form of a notice's text, read back into paragraphs.

One paragraph per line. Headings are known by their prefix (一、 （一） 1. （1））: a
short line is a heading of its own (一、指导思想); a paragraph that begins with a
heading sentence and goes on (（一）加强组织领导。各地各校要……) prints that sentence
in the heading's font and the rest as text (GB/T 9704 §7.3.3), without keeping it
with the next paragraph. A bold lead sentence is written between double asterisks
at the start of a paragraph; "\\*" is a literal asterisk; a line "{{roster}}" stands for the roster
of the leading group the notice sets up, and "{{roster:NAME}}" for the roster of
the leading group of that name (an adjustment notice prints the group it adjusts). The HTML preview and the .docx both
read the text through here, so they always agree.
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
    result = []
    for raw in (body or "").splitlines():
        line = raw.strip(" \t\u3000")
        if not line:
            continue
        roster = _ROSTER_LINE.match(line)
        if roster:
            result.append(Paragraph(text="", level=None, is_roster=True, roster_group=roster["name"]))
            continue
        match = _LEAD.match(line)
        if match:
            lead, rest = _unescape(match.group(1)), _unescape(match.group(2))
            result.append(Paragraph(text=lead + rest, level=heading_level(lead), lead=lead))
        else:
            text = _unescape(line)
            result.append(Paragraph(text=text, level=heading_level(text)))
    return result


def roster_groups(*bodies: str) -> set[str | None]:
    """The groups whose rosters the texts print (None: the group the notice sets up)."""
    return {p.roster_group for body in bodies for p in paragraphs(body) if p.is_roster}
