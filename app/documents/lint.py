"""Checks the text of an official notice (公文, GB/T 9704-2012) while the secretary types.

Pure: no request, no database. The editor calls `lint` on every change, so every pattern is compiled once at
import and each rule makes one pass over a paragraph. A field's text is split on "\\n" into paragraphs; a finding
points into one paragraph (1-based `line`, code-point `start`/`end`) and carries the replacement for that slice
when the fix is certain.

Mongolian script is never flagged or rewritten: a finding whose text contains it is dropped, and the punctuation
rules leave alone any mark that touches it. Nor is a roster placeholder ({{roster:NAME}}, see app.documents.text):
the renderer replaces it by a table, and a "fix" inside it would lose the table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from app.documents.scripts import MONGOLIAN_CHARACTER, is_mongolian

ERROR = "error"
WARNING = "warning"

RULES = (
    "doc-number-brackets",
    "doc-number-serial",
    "title-punctuation",
    "date-leading-zero",
    "date-chinese-numerals",
    "addressee-colon",
    "attachment-note-form",
    "attachment-note-duplicate",
    "heading-number",
    "halfwidth-punctuation",
)
# When two findings would cover the same text the error wins, then the rule listed first.
_RULE_RANK = {rule: rank for rank, rule in enumerate(RULES)}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    field: str
    line: int
    start: int
    end: int
    excerpt: str
    message: str
    fix: str | None
    # Not 0: the fix deletes this many whole lines from `line` on (the paragraph, all of it the excerpt, and the
    # lines after it) instead of replacing the excerpt. Only a duplicate attachment note is removed so.
    removes_lines: int = 0


def _message_templates() -> dict[str, str]:
    """The messages in the current locale, placeholders unfilled.

    Looked up once per `lint` call, not once per finding: gettext costs more than a rule, and a body typed with the
    input method in English mode can have a thousand findings.
    """
    return {
        "brackets": _('Document number "%(text)s": put the year in 〔 〕, as in "%(fixed)s".'),
        "serial": _('Document number "%(text)s": the serial takes no leading zero and no 第; write "%(fixed)s".'),
        "title": _('The title ends with "%(text)s": a title takes no punctuation at the end.'),
        "date-zero": _('Date "%(text)s": months and days take no leading zero; write "%(fixed)s".'),
        "date-chinese": _('Date "%(text)s": write dates in Arabic numerals, as "%(fixed)s".'),
        "addressee-wrong": _('The addressee line must end with a full-width colon "：", not "%(text)s".'),
        "addressee-missing": _('The addressee line must end with a full-width colon "：" after "%(text)s".'),
        "note-halfwidth-colon": _('Attachment note "%(text)s": use a full-width colon "：" after 附件.'),
        "note-missing-colon": _('Attachment note "%(text)s": put a full-width colon "：" after 附件.'),
        "note-number": _('Attachment note: number the attachment "%(fixed)s", not "%(text)s".'),
        "note-name-end": _('Attachment name "%(name)s" takes no punctuation at the end; remove "%(text)s".'),
        "halfwidth-pair": _('Half-width brackets "%(text)s" in Chinese text: use full-width "%(fixed)s".'),
        "halfwidth": _('Half-width "%(text)s" in "%(context)s": use the full-width "%(fixed)s".'),
        "note-duplicate": _(
            'Attachment note "%(text)s": the document prints the attachment note from the attached files, '
            "so remove it from the text, or it prints twice."
        ),
        "heading-number": _('Heading number "%(text)s": a first-level heading is numbered with 、, as "%(fixed)s".'),
    }


# A rule yields hits: (rule, severity, start, end, fix, message key, message values).
Hit = tuple[str, str, int, int, "str | None", str, dict]

# ---------------------------------------------------------------------------------------------------------------
# Character classes

_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_IDEOGRAPH = re.compile(f"[{_IDEOGRAPHS}\u3007]")
# Text that makes a neighbouring half-width mark "Chinese": ideographs, CJK punctuation (、。《》〔〕…) and the
# full-width forms of ASCII punctuation (，：（）…).
_CHINESE = f"[{_IDEOGRAPHS}\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
_SPACES = " \t\u3000\xa0"
# Marks a title or an attachment name must not end with (closing brackets and quotes are fine).
_END_PUNCTUATION = frozenset("。，、；：！？.,;:!?…⋯．·～~—")


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


# ---------------------------------------------------------------------------------------------------------------
# Rules 1 and 2: document numbers (乌党办发〔2022〕16号)

# The part after the organ code, with any of the usual wrong brackets on either side. The organ code has no
# delimiter of its own, so it is read backwards from the bracket.
_DOC_NUMBER_TAIL = re.compile(r"([\[(（【〖〔])((?:19|20)[0-9]{2})([\])）】〗〕])(第?)([0-9]+)号")
_ORGAN_CODE_LENGTH = (2, 10)
# Words and characters that come before an organ code in running text (根据乌党办发…, 于8月5日前报送乌教发…,
# …16号和乌教发…) but never inside one: the organ code starts after the last of them, so the finding does not
# swallow the sentence.
_BEFORE_ORGAN_CODE = (
    "根据",
    "依据",
    "按照",
    "参照",
    "依照",
    "遵照",
    "对照",
    "结合",
    "执行",
    "贯彻",
    "落实",
    "报送",
    "印发",
    "下发",
    "转发",
    "发布",
    "颁布",
    "出台",
    "详见",
    "参见",
    "请见",
    "年",
    "月",
    "日",
    "前",
    "后",
    "了",
    "的",
    "号",
    "件",
    "见",
    "即",
    "和",
    "及",
    "与",
    "或",
    "并",
    "在",
    "于",
    "将",
    "对",
    "为",
    "是",
    "以",
    "据",
    "按",
)


def _organ_code_start(paragraph: str, bracket: int) -> int | None:
    shortest, longest = _ORGAN_CODE_LENGTH
    start = bracket
    while start > 0 and bracket - start < longest and _IDEOGRAPH.match(paragraph[start - 1]):
        start -= 1
    if bracket - start < shortest:
        return None
    run = paragraph[start:bracket]
    for cut in range(len(run) - shortest, 0, -1):
        if run[:cut].endswith(_BEFORE_ORGAN_CODE):
            return start + cut
    return start


def _document_numbers(paragraph: str, field: str) -> Iterator[Hit]:
    for match in _DOC_NUMBER_TAIL.finditer(paragraph):
        start = _organ_code_start(paragraph, match.start())
        if start is None:
            continue
        opening, year, closing, di, serial = match.groups()
        fixed = f"{paragraph[start : match.start()]}\u3014{year}\u3015{int(serial)}号"
        values = {"text": paragraph[start : match.end()], "fixed": fixed}
        if (opening, closing) != ("\u3014", "\u3015"):
            yield "doc-number-brackets", ERROR, start, match.end(), fixed, "brackets", values
        elif di or (len(serial) > 1 and serial.startswith("0")):
            yield "doc-number-serial", ERROR, start, match.end(), fixed, "serial", values


# ---------------------------------------------------------------------------------------------------------------
# Rules 4 and 5: dates

_DATE_ARABIC = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年([0-9]{1,2})月(?:([0-9]{1,2})日)?")
# ○ (U+25CB) is not a numeral but is what people type for 〇.
_CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DATE_CHINESE = re.compile(
    r"(?<![〇零○一二三四五六七八九十])([〇零○一二三四五六七八九]{4})年"
    r"(十[一二]?|[一二三四五六七八九])月"
    r"([一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日"
)
# In the document's own 成文日期 and imprint a wrong date blocks issuing; in running text it is a warning.
_STRICT_DATE_FIELDS = ("signed_text", "imprint_text")


def _date_severity(field: str) -> str:
    return ERROR if field.rsplit(".", 1)[-1] in _STRICT_DATE_FIELDS else WARNING


def _chinese_number(numeral: str) -> int:
    """八 → 8, 十 → 10, 十五 → 15, 二十 → 20, 三十一 → 31."""
    if "十" not in numeral:
        return _CHINESE_DIGITS[numeral]
    tens, _ten, units = numeral.partition("十")
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)


def _dates(paragraph: str, field: str) -> Iterator[Hit]:
    if "年" not in paragraph:
        return
    severity = _date_severity(field)
    for match in _DATE_ARABIC.finditer(paragraph):
        year, month, day = match.groups()
        if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
            continue
        if not (month.startswith("0") or (day or "").startswith("0")):
            continue
        fixed = f"{year}年{int(month)}月" + (f"{int(day)}日" if day is not None else "")
        values = {"text": match.group(), "fixed": fixed}
        yield "date-leading-zero", severity, match.start(), match.end(), fixed, "date-zero", values
    for match in _DATE_CHINESE.finditer(paragraph):
        year_numeral, month_numeral, day_numeral = match.groups()
        year = "".join(str(_CHINESE_DIGITS[char]) for char in year_numeral)
        day = _chinese_number(day_numeral)
        if year[0] not in "12" or not 1 <= day <= 31:
            continue
        fixed = f"{year}年{_chinese_number(month_numeral)}月{day}日"
        values = {"text": match.group(), "fixed": fixed}
        yield "date-chinese-numerals", severity, match.start(), match.end(), fixed, "date-chinese", values


# ---------------------------------------------------------------------------------------------------------------
# Heading numbers: GB/T 9704 §7.3.3 numbers the levels 一、 （一） 1. （1）. "一." (or 一． 一。 一，) at the start of a
# paragraph is a first-level heading typed with the third level's stop, and the renderer would not know it for a
# heading. (（一) and (一） are the half-width rule's.)

_FIRST_LEVEL_NUMERAL = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# After the paragraph's indent and the "**" of a bold lead sentence; not "一.5" (a number) nor "一是" (a word).
_WRONG_FIRST_LEVEL_NUMBER = re.compile(
    f"[{_SPACES}]*(?:\\*\\*)?(?P<number>{_FIRST_LEVEL_NUMERAL})[.．。,，](?![0-9０-９])"
)


def _heading_numbers(paragraph: str, field: str) -> Iterator[Hit]:
    if not (field == "body" or field.endswith(".body")):
        return
    match = _WRONG_FIRST_LEVEL_NUMBER.match(paragraph)
    if match is None or is_mongolian(_char_at(paragraph, match.end())):
        return
    fixed = match.group("number") + "、"
    values = {"text": paragraph[match.start("number") : match.end()], "fixed": fixed}
    yield "heading-number", WARNING, match.start("number"), match.end(), fixed, "heading-number", values


# ---------------------------------------------------------------------------------------------------------------
# Rule 8: half-width punctuation in Chinese text

_HALFWIDTH = re.compile(r"[,:;?!()]")
_HALFWIDTH_BY_CHINESE = re.compile(f"(?<={_CHINESE})[,:;?!()]|[,:;?!()](?={_CHINESE})")
_PARENTHESIS = re.compile(r"[()]")
_FULLWIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


def _halfwidth_punctuation(paragraph: str, field: str) -> Iterator[Hit]:
    if _HALFWIDTH.search(paragraph) is None:
        return
    # Document numbers are rules 1 and 2. (URLs need no such care: their marks touch ASCII, not Chinese.)
    protected = [match.span() for match in _DOC_NUMBER_TAIL.finditer(paragraph)]
    has_mongolian = MONGOLIAN_CHARACTER.search(paragraph) is not None

    def is_protected(index: int) -> bool:
        return any(start <= index < end for start, end in protected)

    def touches_mongolian(index: int) -> bool:
        return has_mongolian and (
            is_mongolian(_char_at(paragraph, index - 1)) or is_mongolian(_char_at(paragraph, index + 1))
        )

    # Marks that may turn full-width: all but those in document numbers, those touching Mongolian and paired
    # brackets. A pair is judged by what it encloses, so a pair around Latin text stays half-width even inside a
    # Chinese sentence: "使用Word (docx)格式".
    loose: set[int] = set()
    pairs: list[tuple[int, int]] = []
    open_brackets: list[int] = []
    for match in _HALFWIDTH.finditer(paragraph):
        index = match.start()
        if protected and is_protected(index):
            continue
        char = match.group()
        if char == "(":
            open_brackets.append(index)
        elif char == ")" and open_brackets:
            pairs.append((open_brackets.pop(), index))
        else:
            loose.add(index)
    loose.update(open_brackets)
    if has_mongolian:
        loose = {index for index in loose if not touches_mongolian(index)}
    flagged_pairs = []
    for opening, closing in pairs:
        inside = paragraph[opening + 1 : closing]
        if (
            touches_mongolian(opening)
            or touches_mongolian(closing)
            or (has_mongolian and MONGOLIAN_CHARACTER.search(inside))
        ):
            continue
        if _IDEOGRAPH.search(inside):
            flagged_pairs.append((opening, closing))

    flagged = {match.start() for match in _HALFWIDTH_BY_CHINESE.finditer(paragraph) if match.start() in loose}
    # A mark next to one that turns full-width is in Chinese text too: 是否参加?! becomes 是否参加？！ in one go
    # rather than one mark per round.
    spreading = list(flagged) + [index for pair in flagged_pairs for index in pair]
    while spreading:
        index = spreading.pop()
        for neighbour in (index - 1, index + 1):
            if neighbour in loose and neighbour not in flagged:
                flagged.add(neighbour)
                spreading.append(neighbour)
    flagged.update(index for pair in flagged_pairs for index in pair)

    # One finding per outermost pair; its fix also turns the flagged marks inside it full-width, so one click
    # settles "(包括:学校,幼儿园)" instead of leaving findings that would overlap it.
    flagged_pairs.sort(key=lambda pair: (pair[0], -pair[1]))
    covered_until = -1
    for opening, closing in flagged_pairs:
        if opening < covered_until:
            continue
        covered_until = closing + 1
        text = paragraph[opening : closing + 1]
        fixed = "".join(_FULLWIDTH[char] if opening + offset in flagged else char for offset, char in enumerate(text))
        flagged.difference_update(range(opening, closing + 1))
        yield (
            "halfwidth-punctuation",
            WARNING,
            opening,
            closing + 1,
            fixed,
            "halfwidth-pair",
            {"text": text, "fixed": fixed},
        )
    for index in sorted(flagged):
        char = paragraph[index]
        yield (
            "halfwidth-punctuation",
            WARNING,
            index,
            index + 1,
            _FULLWIDTH[char],
            "halfwidth",
            {"text": char, "context": paragraph[max(0, index - 4) : index + 5], "fixed": _FULLWIDTH[char]},
        )


# ---------------------------------------------------------------------------------------------------------------
# Field rules: title (3), addressee (6), attachment note (7). They see all paragraphs and yield (line, hit).


def _trailing_punctuation(paragraph: str, floor: int = 0) -> tuple[int, int] | None:
    """The run of end punctuation before any trailing spaces, not below floor; None if there is none."""
    end = len(paragraph.rstrip(_SPACES))
    start = end
    while start > floor and paragraph[start - 1] in _END_PUNCTUATION:
        start -= 1
    if start == end or is_mongolian(_char_at(paragraph, start - 1)):
        return None
    return start, end


def _last_written(paragraphs: list[tuple[int, str]]) -> tuple[int, str] | None:
    for line, paragraph in reversed(paragraphs):
        if paragraph.strip(_SPACES):
            return line, paragraph
    return None


def _title(paragraphs: list[tuple[int, str]]) -> Iterator[tuple[int, Hit]]:
    last = _last_written(paragraphs)
    span = last and _trailing_punctuation(last[1])
    if span:
        line, paragraph = last
        start, end = span
        yield line, ("title-punctuation", ERROR, start, end, "", "title", {"text": paragraph[start:end]})


_ADDRESSEE_WRONG_END = frozenset(":；;。.．，,、!！?？﹕︰")


def _addressee(paragraphs: list[tuple[int, str]]) -> Iterator[tuple[int, Hit]]:
    last = _last_written(paragraphs)
    if last is None:
        return
    line, paragraph = last
    end = len(paragraph.rstrip(_SPACES))
    char = paragraph[end - 1]
    if char == "：" or is_mongolian(_char_at(paragraph, end - 2)):
        return
    if char in _ADDRESSEE_WRONG_END:
        yield line, ("addressee-colon", ERROR, end - 1, end, "：", "addressee-wrong", {"text": char})
    else:
        yield (
            line,
            (
                "addressee-colon",
                ERROR,
                end - 1,
                end,
                char + "：",
                "addressee-missing",
                {"text": paragraph[max(0, end - 6) : end]},
            ),
        )


_LEADING_SPACES = f"[{_SPACES}]*"
_NOTE_SEPARATORS = ".．、，。,"
# "附件：…", "附件:…", or "附件1.…" with the colon missing. A bare "附件1" (the mark on an attachment's own page)
# is not a note.
_NOTE_FIRST = re.compile(f"{_LEADING_SPACES}附件(?:(?P<colon>[:：])|(?=[0-9]{{1,2}}[{_NOTE_SEPARATORS}]))")
_NOTE_ITEM = re.compile(f"{_LEADING_SPACES}(?P<number>[0-9]{{1,2}})(?P<separator>[{_NOTE_SEPARATORS}])")


def _attachment_item(paragraph: str, line: int, position: int) -> Iterator[tuple[int, Hit]]:
    """The optional "1." at position and the attachment name after it."""
    name_start = position
    item = _NOTE_ITEM.match(paragraph, position)
    if item is not None:
        name_start = item.end()
        if item.group("separator") != ".":
            fixed = item.group("number") + "."
            yield (
                line,
                (
                    "attachment-note-form",
                    ERROR,
                    item.start("number"),
                    item.end(),
                    fixed,
                    "note-number",
                    {"text": paragraph[item.start("number") : item.end()], "fixed": fixed},
                ),
            )
    span = _trailing_punctuation(paragraph, floor=name_start)
    if span is not None and paragraph[name_start : span[0]].strip(_SPACES):
        start, end = span
        yield (
            line,
            (
                "attachment-note-form",
                ERROR,
                start,
                end,
                "",
                "note-name-end",
                {"name": paragraph[name_start:end].strip(_SPACES), "text": paragraph[start:end]},
            ),
        )


def _attachment_note(paragraphs: list[tuple[int, str]]) -> Iterator[tuple[int, Hit]]:
    in_note = False
    for line, paragraph in paragraphs:
        first = _NOTE_FIRST.match(paragraph)
        if first is not None:
            in_note = True
            colon = first.group("colon")
            if colon is None:
                start = first.end() - len("附件")
                text = paragraph[start : _NOTE_ITEM.match(paragraph, first.end()).end()]
                yield (
                    line,
                    ("attachment-note-form", ERROR, start, first.end(), "附件：", "note-missing-colon", {"text": text}),
                )
            elif colon == ":" and not is_mongolian(_char_at(paragraph, first.end())):
                yield (
                    line,
                    (
                        "attachment-note-form",
                        ERROR,
                        first.start("colon"),
                        first.end(),
                        "：",
                        "note-halfwidth-colon",
                        {"text": paragraph[first.start("colon") - 2 : first.end()]},
                    ),
                )
            yield from _attachment_item(paragraph, line, first.end())
        elif in_note and _NOTE_ITEM.match(paragraph):
            # "　　　2.名称": the next attachment of the same note.
            yield from _attachment_item(paragraph, line, 0)
        else:
            in_note = False


def _note_length(lines: list[str], index: int) -> int:
    """How many lines the attachment note starting at lines[index] has ("附件：1.…" and the "2.…" lines right after
    it); 0 if no note starts there."""
    if _NOTE_FIRST.match(lines[index]) is None:
        return 0
    end = index + 1
    while end < len(lines) and _NOTE_FIRST.match(lines[end]) is None and _NOTE_ITEM.match(lines[end]):
        end += 1
    return end - index


def _notes_printed_twice(paragraphs: list[tuple[int, str]]) -> dict[int, int]:
    """The body's own attachment notes, for a notice whose attached files print one: {first line: lines}.

    A note with Mongolian in it is left alone, as Mongolian always is.
    """
    texts = [paragraph for _line, paragraph in paragraphs]
    notes: dict[int, int] = {}
    index = 0
    while index < len(texts):
        length = _note_length(texts, index)
        if length and not any(MONGOLIAN_CHARACTER.search(text) for text in texts[index : index + length]):
            notes[paragraphs[index][0]] = length
        index += length or 1
    return notes


def _field_hits(field: str, paragraphs: list[tuple[int, str]]) -> Iterator[tuple[int, Hit]]:
    if field == "title" or field.endswith(".title"):
        yield from _title(paragraphs)
    if field == "addressee_text":
        yield from _addressee(paragraphs)
    if field == "body":
        yield from _attachment_note(paragraphs)


# ---------------------------------------------------------------------------------------------------------------
# Putting it together

_PARAGRAPH_RULES = (_document_numbers, _dates, _heading_numbers, _halfwidth_punctuation)
# What app.documents.text reads as a roster placeholder, and the near misses a secretary types for one.
_ROSTER_PLACEHOLDER = re.compile(r"\{\{roster[^{}]*\}\}")


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(1-based line, paragraph without its line end); a "\\r\\n" line end loses its "\\r" here, not in the text."""
    return [(line, raw[:-1] if raw.endswith("\r") else raw) for line, raw in enumerate(text.split("\n"), start=1)]


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """The findings of one paragraph, none overlapping another, in order of start."""
    kept_starts: list[int] = []
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.severity != ERROR, _RULE_RANK[f.rule], f.start, f.end)):
        at = bisect_right(kept_starts, finding.start)
        if (at > 0 and kept[at - 1].end > finding.start) or (at < len(kept) and kept[at].start < finding.end):
            continue
        kept_starts.insert(at, finding.start)
        kept.insert(at, finding)
    return kept


def _placeholders(paragraphs: list[tuple[int, str]]) -> dict[int, list[tuple[int, int]]]:
    """{line: spans} of the roster placeholders."""
    return {
        line: [match.span() for match in _ROSTER_PLACEHOLDER.finditer(paragraph)]
        for line, paragraph in paragraphs
        if "{{" in paragraph and _ROSTER_PLACEHOLDER.search(paragraph)
    }


def lint(fields: dict[str, str], *, attachments: Sequence[str] = ()) -> list[Finding]:
    """Every finding in the given fields: in field order as given, then by line, then by start.

    attachments: the titles of the files attached to the notice, from which the document prints its 附件说明.
    """
    templates: dict[str, str] = {}
    findings: list[Finding] = []
    for field, text in fields.items():
        paragraphs = _paragraphs(text or "")
        hits = [
            (line, hit)
            for line, paragraph in paragraphs
            if paragraph
            for rule in _PARAGRAPH_RULES
            for hit in rule(paragraph, field)
        ]
        hits.extend(_field_hits(field, paragraphs))
        notes = _notes_printed_twice(paragraphs) if field == "body" and attachments else {}
        if (hits or notes) and not templates:
            templates = _message_templates()
        text_of = dict(paragraphs)
        # A note that is to go is reported once, as a whole: fixing the form of its lines would be wasted work.
        removed = {line + offset for line, length in notes.items() for offset in range(length)}
        placeholders = _placeholders(paragraphs) if hits else {}
        by_line: dict[int, list[Finding]] = {}
        for line, (rule, severity, start, end, fix, key, values) in hits:
            excerpt = text_of[line][start:end]
            if line in removed or MONGOLIAN_CHARACTER.search(excerpt):
                continue
            if any(start < span_end and span_start < end for span_start, span_end in placeholders.get(line, ())):
                continue
            finding = Finding(rule, severity, field, line, start, end, excerpt, templates[key] % values, fix)
            by_line.setdefault(line, []).append(finding)
        for line, length in notes.items():
            paragraph = text_of[line]
            message = templates["note-duplicate"] % {"text": paragraph.strip(_SPACES)}
            by_line[line] = [
                Finding(
                    "attachment-note-duplicate",
                    WARNING,
                    field,
                    line,
                    0,
                    len(paragraph),
                    paragraph,
                    message,
                    "",
                    removes_lines=length,
                )
            ]
        for line in sorted(by_line):
            findings.extend(_without_overlaps(by_line[line]))
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a notice from being issued."""
    return [finding for finding in findings if finding.severity == ERROR]


def apply_fix(text: str, finding: Finding) -> str:
    """The field text with this one finding fixed; nothing outside its slice of its paragraph changes.

    Raises ValueError when the finding has no fix or the text has changed there since it was linted.
    """
    if finding.fix is None:
        raise ValueError(f"{finding.rule} at line {finding.line} has no certain fix")
    lines = text.split("\n")
    if not 1 <= finding.line <= len(lines):
        raise ValueError(f"stale fix: the text has no line {finding.line}")
    raw = lines[finding.line - 1]
    paragraph_end = len(raw) - 1 if raw.endswith("\r") else len(raw)
    if not 0 <= finding.start <= finding.end <= paragraph_end or raw[finding.start : finding.end] != finding.excerpt:
        raise ValueError(f"stale fix: line {finding.line} no longer has {finding.excerpt!r} at {finding.start}")
    if finding.removes_lines:
        return _remove_lines(lines, finding)
    # A fix that only adds after the excerpt (校 → 校：, 附件 → 附件：) would still find its excerpt once applied.
    fix_end = finding.start + len(finding.fix)
    if (
        finding.fix.startswith(finding.excerpt)
        and fix_end <= paragraph_end
        and raw[finding.start : fix_end] == (finding.fix)
    ):
        raise ValueError(f"stale fix: line {finding.line} already has {finding.fix!r} at {finding.start}")
    lines[finding.line - 1] = raw[: finding.start] + finding.fix + raw[finding.end :]
    return "\n".join(lines)


def _remove_lines(lines: list[str], finding: Finding) -> str:
    index = finding.line - 1
    if (finding.start, finding.end) != (0, len(lines[index].removesuffix("\r"))) or (
        _note_length(lines, index) != finding.removes_lines
    ):
        raise ValueError(f"stale fix: the note at line {finding.line} is no longer the one that was checked")
    del lines[index : index + finding.removes_lines]
    if index == len(lines) and index > 0:
        # The text ended with the note; it still ends as it did, without a line end.
        lines[index - 1] = lines[index - 1].removesuffix("\r")
    return "\n".join(lines)


def apply_all_fixes(text: str, findings: Iterable[Finding]) -> str:
    """Every fixable finding of one field applied, right to left so the offsets of the rest stay valid."""
    fixable = [finding for finding in findings if finding.fix is not None]
    if len({finding.field for finding in fixable}) > 1:
        raise ValueError("apply_all_fixes takes the findings of one field")
    for finding in sorted(fixable, key=lambda f: (f.line, f.start), reverse=True):
        text = apply_fix(text, finding)
    return text
