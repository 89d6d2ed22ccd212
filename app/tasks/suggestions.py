"""Tasks suggested by a notice's own headings (一、 （一） 1. （1）), for the bureau to tick, retitle and create.

A notice that sets out measures numbers them; its 任务分解 mostly follows that numbering. So the text's headings
become suggestions, in the order and nesting of the text: a heading's title is its words without the number and
the closing stop, its description the text under it. Codes are the numbers as written (三, （一）, 1), prefixed with
the parent's code where the same number comes back under another heading (三（一） and 五（一）). A suggestion whose
code a task of the notice already has is shown as made.

Which are ticked at first: the headings without sub-headings in the section that has most of them — the measures of
a 若干措施 (its 三、推进举措), the 重点任务 of an 意见 — or every heading when the text has one level only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.documents.text import Paragraph, paragraphs
from app.notices.models import Notice

_MARKERS = [
    re.compile(r"^([一二三四五六七八九十]+)、"),
    re.compile(r"^([（(][一二三四五六七八九十]+[）)])"),
    re.compile(r"^(\d{1,2})\.(?!\d)"),
    re.compile(r"^([（(]\d{1,2}[）)])"),
]
_CLOSING = "。；;：:，, "
# A long sentence as a title is cut at its first clause, then at this length.
TITLE_MAX_CHARS = 40


@dataclass
class Suggestion:
    key: str  # where it comes from: "t0-p12" (text 0: the notice's body; 1…: its documents; paragraph 12)
    code: str
    title: str
    description: str
    level: int
    parent_key: str | None = None
    depth: int = 0
    children: list[str] = field(default_factory=list)
    ticked: bool = False
    existing_task_id: int | None = None  # a task of the notice has this code already

    @property
    def is_leaf(self) -> bool:
        return not self.children


def _marker(text: str, level: int) -> tuple[str, str]:
    """(the number as a code, the text after it): "（一）" and "健全…", "1" and "对发生…"."""
    match = _MARKERS[level - 1].match(text)
    if match is None:
        return "", text
    number = match.group(1).replace("(", "（").replace(")", "）")
    return number, text[match.end() :].lstrip(" \u3000")


def _title(words: str) -> str:
    words = words.strip().rstrip(_CLOSING)
    if len(words) > TITLE_MAX_CHARS:
        words = re.split("[。；，]", words, maxsplit=1)[0]
    return words[:TITLE_MAX_CHARS].rstrip(_CLOSING)


def _heading_and_rest(p: Paragraph) -> tuple[str, str]:
    """The heading's words (with its number) and the text of the paragraph that follows them."""
    if p.lead:
        return p.lead, p.rest
    if p.is_heading:
        return p.text, ""
    if p.heading_lead:
        return p.heading_lead, p.text[len(p.heading_lead) :]
    # A numbered sentence (1.对……否决。): its first clause names it, the whole sentence says what to do.
    return p.text, p.text


def _texts(notice: Notice) -> list[str]:
    return [notice.body or "", *(d.body or "" for d in notice.documents)]


def suggest_tasks(notice: Notice, existing_codes: dict[str, int] | None = None) -> list[Suggestion]:
    """The notice's headings as suggested tasks, in the text's order; `existing_codes` maps the codes of the
    notice's tasks to their ids."""
    suggestions: list[Suggestion] = []
    by_key: dict[str, Suggestion] = {}
    for text_index, body in enumerate(_texts(notice)):
        stack: list[Suggestion] = []  # the open headings, by level
        current: Suggestion | None = None
        for index, p in enumerate(paragraphs(body)):
            if p.is_roster:
                continue
            if p.level is None:
                if current is not None:
                    current.description = "\n".join(filter(None, [current.description, p.text]))
                continue
            heading, rest = _heading_and_rest(p)
            number, words = _marker(heading, p.level)
            _number, rest_words = _marker(rest, p.level) if rest == heading else ("", rest)
            while stack and stack[-1].level >= p.level:
                stack.pop()
            parent = stack[-1] if stack else None
            current = Suggestion(
                key=f"t{text_index}-p{index}",
                code=number,
                title=_title(words),
                description=rest_words.strip(),
                level=p.level,
                parent_key=parent.key if parent else None,
                depth=len(stack),
            )
            if parent is not None:
                parent.children.append(current.key)
            stack.append(current)
            suggestions.append(current)
            by_key[current.key] = current
    _unique_codes(suggestions, by_key)
    _tick_the_measures(suggestions, by_key)
    for s in suggestions:
        s.existing_task_id = (existing_codes or {}).get(s.code)
        if s.existing_task_id is not None:
            s.ticked = False
    return suggestions


def _unique_codes(suggestions: list[Suggestion], by_key: dict[str, Suggestion]) -> None:
    """Where a number comes back under another heading, every heading of that level takes its parent's code in
    front (三（一）…三（七）, 五（一）…), so that siblings read alike."""
    for level in sorted({s.level for s in suggestions}):
        at_level = [s for s in suggestions if s.level == level and s.parent_key is not None]
        codes = [s.code for s in suggestions if s.level == level]
        if len(set(codes)) == len(codes):
            continue
        for s in at_level:
            s.code = by_key[s.parent_key].code + s.code


def _root_of(s: Suggestion, by_key: dict[str, Suggestion]) -> Suggestion:
    while s.parent_key is not None:
        s = by_key[s.parent_key]
    return s


def _tick_the_measures(suggestions: list[Suggestion], by_key: dict[str, Suggestion]) -> None:
    if not suggestions:
        return
    if all(s.parent_key is None for s in suggestions):
        for s in suggestions:
            s.ticked = True
        return
    leaves_by_root: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        if s.is_leaf and s.parent_key is not None:
            leaves_by_root.setdefault(_root_of(s, by_key).key, []).append(s)
    if not leaves_by_root:
        return
    widest = max(leaves_by_root.values(), key=len)  # the first of equals: max keeps the first
    for s in widest:
        s.ticked = True


def nearest_task_above(suggestion: Suggestion, by_key: dict[str, Suggestion], becoming_tasks: set[str]) -> str | None:
    """The key of the closest heading above this one that is or becomes a task (ticked now, or made before)."""
    key = suggestion.parent_key
    while key is not None:
        above = by_key[key]
        if key in becoming_tasks or above.existing_task_id is not None:
            return key
        key = above.parent_key
    return None
