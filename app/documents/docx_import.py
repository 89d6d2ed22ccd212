"""Import a notice (公文) written in Word or WPS: turn a .docx into the fields of a draft.

The stored body
---------------
One paragraph per line ("\\n"), no blank lines, no indentation at the start of a line (the renderer indents).
Headings are recognised by their prefix, not by markup: "一、" level 1, "（一）" level 2, "1." level 3 (an Arabic
number and a half-width full stop), "（1）" level 4. A bold lead sentence at the start of a paragraph is written
between double asterisks: "**1.发挥中小学校党组织领导作用。**一是…". A paragraph that is bold throughout carries no
asterisks.

Escaping rule: a literal "*" typed in Word is stored as "\\*", so that it is never read as a bold marker; nothing
else is escaped. A reader turns every "\\*" back into "*" (app/documents/text.py does), which restores the text
exactly, backslashes typed before a "*" included. A bold lead always ends in 。：！？, never in a backslash, so its
closing "**" cannot be taken for an escaped asterisk. Only the body is escaped: title, addressee line, signature
and the heading outline are plain text.

What the import takes, and what it leaves
-----------------------------------------
- The 版头 before the title is not body text and is dropped without a warning: the issuing-organ mark ("乌海市教育局
  文件": ends in 文件, centred or large), the Mongolian line of a bilingual mark that follows it, the document
  number ("乌教发〔2023〕75号", with or without "签发人：…"), 份号, 密级 and 紧急程度 lines.
- Title: the first paragraph left is the title when it is centred or set in 18 pt or more and does not end with a
  colon; up to two more such paragraphs are joined to it (a long title broken over lines in Word).
- Addressee line (主送机关): the paragraph right after the title (or the first paragraph when there is no title)
  when it ends with a colon, has at most 120 characters, no "。", is not a heading and is not a lead-in such as
  "现将有关事项通知如下：". A trailing ":" becomes "：".
- Signature: the organ name (at most 30 characters, no sentence punctuation, right-aligned or centred, pushed right
  with spaces or indentation, or after an empty paragraph) followed by a date ("2023年8月15日" or
  "二〇二三年八月十五日"), at the end of the document. Both leave the body. A date set apart like a signature but
  with no organ above it still gives `signed_on`.
- Decision on the 附注 ("（此件公开发布）" after the date): it stays in the body, as its last line. The secretary
  sees it at the end of the text and moves it into the 附注 field if the form has one; the import never guesses
  which parenthesised line is a 附注 and which is content.
- The 版记 at the very end ("抄送：…", "乌海市教育局办公室　2023年8月15日印发") is left out of the body, each line
  quoted in a warning asking the secretary to fill in the cc and imprint fields; it would otherwise hide the
  signature from the rule above. (A 版记 set in a table is skipped with the tables.)
- Tables, images, charts, text boxes, footnotes, endnotes, comments, equations, embedded documents and
  symbol-font characters are skipped, each with a warning saying how many. Lines, rectangles and other shapes
  without a picture or text (the red rule under the 版头) are skipped silently. Headers and footers (page
  numbers) are ignored silently.
- Tracked changes are read as if accepted: inserted text is kept, deleted text is dropped, and a warning says so.
  Hidden text (w:vanish) is not imported. A placeholder still showing in a content control is not imported.
- Automatic numbering is rebuilt from word/numbering.xml: the counters belong to the abstract numbering, as in
  Word (two list instances of one abstract definition continue each other unless one has a startOverride), and a
  level restarts when a higher level advances (lvlRestart honoured). Bullets are dropped. "decimalEnclosedParen"
  is written "（1）" (the stored level-4 form) rather than "⑴"; "decimalEnclosedFullstop" is written "1.".
  Chinese counting goes up to 99, Arabic digits beyond. An unknown format leaves the text without its number
  and adds a warning. A missing <w:start> counts from 1 (the standard says 0; no real document means that).
- Line breaks inside a paragraph (Shift+Enter, w:br, w:cr) join the two parts with nothing, or with a space when
  both sides are letters or digits of a script written with spaces (Latin, Greek, Cyrillic, Mongolian). A tab
  inside a line is kept as "\\t".
- A paragraph in the style "GW Body End" (this system's .docx: the last lines of a text, kept with the signature)
  joins the paragraph before it.
- Leading and trailing ASCII spaces, U+3000 and tabs are stripped; nothing else. U+202F and the Mongolian
  variation selectors U+180B–U+180F are never stripped, and no character of the text is normalised.

Limits:
- a 印发 notice whose attached document follows the signature keeps the signature in the body: only a signature
  at the end is recognised;
- joint signatures by several organs are not recognised: only the line right above the date is taken;
- toggle properties (bold set in both a style and its base) are read as "first value found wins", not XOR;
- right-to-left documents are not considered;
- a sentence that begins like a heading ("一、二年级…") is taken for one.

Every XML part is parsed by python-docx's parser (no entity resolution, no network); the zip is checked member by
member, by streaming, before python-docx reads it, so a zip bomb never reaches memory.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import OpcError
from flask_babel import gettext as _
from lxml import etree

from app.documents import layout as L

MB = 1024 * 1024
# Any single member of the zip, once unpacked (word/document.xml of a long notice is a few MB).
MAX_UNPACKED_PART_BYTES = 50 * MB
MAX_UNPACKED_TOTAL_BYTES = 100 * MB
_READ_CHUNK = MB

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
# Descendants that make a drawing a picture the secretary would miss (not a plain line or rectangle).
_PICTURE_TAGS = {
    "{http://schemas.openxmlformats.org/drawingml/2006/picture}pic",
    "{urn:schemas-microsoft-com:vml}imagedata",
    "{http://schemas.openxmlformats.org/drawingml/2006/chart}chart",
    "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds",
}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_W_VAL = _w("val")
_W_P, _W_R, _W_T, _W_TBL, _W_PPR, _W_RPR = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("pPr"), _w("rPr")
_W_SDT, _W_SDT_CONTENT, _W_SDT_PR = _w("sdt"), _w("sdtContent"), _w("sdtPr")
_W_TXBX_CONTENT = _w("txbxContent")
_MC_ALTERNATE, _MC_CHOICE, _MC_FALLBACK = f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback"
# Containers whose runs are current text.
_RUN_CONTAINERS = {_w(t) for t in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")}
_TRACKED_KEPT = {_w("ins"), _w("moveTo")}
_TRACKED_DROPPED = {_w("del"), _w("moveFrom")}
_MATH = {f"{{{_M}}}oMath", f"{{{_M}}}oMathPara"}
_GRAPHICS = {_w("drawing"), _w("pict"), _w("object")}
_BREAK_TAGS = {_w("br"), _w("cr")}
_TAB_TAGS = {_w("tab"), _w("ptab")}
_NOTE_REFS = {_w("footnoteReference"), _w("endnoteReference")}
_BREAK_CHARS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")  # a line break typed into w:t

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")

# Indentation typed as characters. Deliberately not str.strip(): that would also eat U+202F.
_INDENT = " \u3000\t"
_INDENT_WIDTH = {" ": 1, "\u3000": 2, "\t": 4}
_FAR_INDENT_WIDTH = 8  # "　　" (4) is a normal first-line indent; a signature pushed right with spaces is wider
_FAR_INDENT_TWIPS = 2880  # two inches
_FAR_INDENT_CHARS = 1000  # ten characters, in hundredths

_SENTENCE_END = "。：:！!？?"
_SENTENCE_PUNCTUATION = set("。，,；;：:！!？?")
_TITLE_MIN_POINTS = 18
_MAX_TITLE_LINES = 3
_MAX_ADDRESSEE_CHARS = 120
_MAX_ORGAN_CHARS = 30


class DocxImportError(ValueError):
    """The file cannot be imported; the message is translated and meant for the secretary."""


@dataclass
class ImportedDraft:
    title: str
    addressee_text: str
    body: str
    signature_organ: str
    signed_on: datetime.date | None
    headings: list[tuple[int, str]]  # (level 1–4, heading text) in order, for the editor's outline
    warnings: list[str]  # translated: what was dropped or guessed


# ---------------------------------------------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------------------------------------------

_CN_NUMBER = "(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_HEADING_PATTERNS = [
    (1, re.compile(rf"{_CN_NUMBER}、")),
    (2, re.compile(rf"[（(]{_CN_NUMBER}[）)]")),
    (3, re.compile(r"[0-9]{1,3}\.(?![0-9])")),  # "1.5亿元" is a number, not a heading
    (4, re.compile(r"[（(][0-9]{1,3}[）)]")),
]


def detect_heading_level(paragraph_text: str) -> int | None:
    """1–4 from the prefix ("一、", "（一）", "1.", "（1）"), else None.

    A stored bold lead ("**1.…") is looked through.
    """
    text = paragraph_text.removeprefix("**")
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return None


# ---------------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------------


def import_docx(data: bytes, *, max_bytes: int = 20 * MB) -> ImportedDraft:
    """Read a .docx and return the draft's fields. Raises DocxImportError for anything that is not a usable .docx."""
    data = bytes(data)
    _check_package(data, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise DocxImportError(_not_a_docx_message()) from exc
    if document.element.tag != _w("document") or document.element.find(_w("body")) is None:
        raise DocxImportError(_not_a_docx_message())

    reader = _Reader(document)
    paragraphs = reader.read_body()
    if not any(p.text for p in paragraphs):
        raise DocxImportError(_("The document contains no text to import."))
    draft = _lay_out(paragraphs)
    draft.warnings = reader.warnings() + draft.warnings
    return draft


def _not_a_docx_message() -> str:
    return _(
        "The file is not a Word document (.docx) or it is damaged. Save it as .docx in Word or WPS and import it again."
    )


def _check_package(data: bytes, max_bytes: int) -> None:
    """Refuse what python-docx should never open: too big, not a zip, encrypted, or unpacking to too much."""
    if len(data) > max_bytes:
        limit = f"{max_bytes / MB:.3g}"
        raise DocxImportError(_("The file is larger than %(limit)s MB.", limit=limit))
    if data.startswith(_OLE_MAGIC):
        # Word and WPS keep an encrypted .docx inside an OLE container, next to an EncryptionInfo stream.
        if _OLE_ENCRYPTION_STREAM in data:
            raise DocxImportError(_password_message())
        raise DocxImportError(
            _(
                "This is an old Word (.doc) or WPS (.wps) file. Open it in Word or WPS, save it "
                "as .docx and import it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocxImportError(_not_a_docx_message()) from exc
    with archive:
        members = archive.infolist()
        if "word/document.xml" not in {m.filename for m in members}:
            raise DocxImportError(_not_a_docx_message())
        if any(m.flag_bits & 0x1 for m in members):
            raise DocxImportError(_password_message())
        if sum(m.file_size for m in members) > MAX_UNPACKED_TOTAL_BYTES or any(
            m.file_size > MAX_UNPACKED_PART_BYTES for m in members
        ):
            raise DocxImportError(_("The file unpacks to far more data than a notice holds and cannot be imported."))
        # The sizes above come from the zip directory and can lie. Unpack every member by chunks (memory stays
        # small): zipfile stops at the declared size and checks the CRC, so a member that passes is exactly the
        # declared size, and python-docx, which reads whole members, never unpacks more than the limits.
        try:
            for member in members:
                with archive.open(member) as stream:
                    while stream.read(_READ_CHUNK):
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise DocxImportError(_not_a_docx_message()) from exc


def _password_message() -> str:
    return _(
        "The file is password-protected. Remove the password in Word or WPS, save it as .docx and import it again."
    )


# ---------------------------------------------------------------------------------------------------------------
# Styles and numbering
# ---------------------------------------------------------------------------------------------------------------


def _is_on(element) -> bool:
    """An OOXML on/off property present on an element: <w:b/>, <w:b w:val="0"/>…"""
    return (element.get(_W_VAL) or "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _Styles:
    """Properties a run or paragraph inherits from its character style, paragraph style and the document defaults."""

    def __init__(self, document):
        root = document.styles.element
        self._by_id = {}
        self._default = {}
        for style in root.iterchildren(_w("style")):
            style_id = style.get(_w("styleId"))
            self._by_id[style_id] = style
            if (style.get(_w("default")) or "").lower() in ("1", "true", "on"):
                self._default.setdefault(style.get(_w("type")) or "paragraph", style_id)
        defaults = root.find(_w("docDefaults"))
        self._default_rpr = defaults.find(f"{_w('rPrDefault')}/{_W_RPR}") if defaults is not None else None
        self._default_ppr = defaults.find(f"{_w('pPrDefault')}/{_W_PPR}") if defaults is not None else None
        self._rpr_chains = {}

    def name(self, style_id: str | None) -> str:
        style = self._by_id.get(style_id)
        named = style.find(_w("name")) if style is not None else None
        return (named.get(_W_VAL) or "") if named is not None else ""

    def paragraph_style_id(self, ppr) -> str | None:
        style = ppr.find(_w("pStyle")) if ppr is not None else None
        return style.get(_W_VAL) if style is not None else self._default.get("paragraph")

    def _chain(self, style_id):
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                return
            yield style
            based_on = style.find(_w("basedOn"))
            style_id = based_on.get(_W_VAL) if based_on is not None else None

    def _style_rprs(self, char_style_id, para_style_id) -> list:
        key = (char_style_id, para_style_id)
        if key not in self._rpr_chains:
            chain = [*self._chain(char_style_id or self._default.get("character")), *self._chain(para_style_id)]
            rprs = [style.find(_W_RPR) for style in chain]
            self._rpr_chains[key] = [rpr for rpr in rprs if rpr is not None]
            if self._default_rpr is not None:
                self._rpr_chains[key].append(self._default_rpr)
        return self._rpr_chains[key]

    def run_property(self, run, para_style_id, tag: str):
        """The element <w:tag> that applies to the run: its own, else its character style's, else the paragraph's."""
        rpr = run.find(_W_RPR)
        char_style_id = None
        if rpr is not None:
            found = rpr.find(tag)
            if found is not None:
                return found
            char_style = rpr.find(_w("rStyle"))
            char_style_id = char_style.get(_W_VAL) if char_style is not None else None
        for style_rpr in self._style_rprs(char_style_id, para_style_id):
            found = style_rpr.find(tag)
            if found is not None:
                return found
        return None

    def paragraph_pprs(self, ppr, para_style_id) -> list:
        """The paragraph's own properties, then its style chain's, then the document defaults."""
        pprs = [ppr] + [style.find(_W_PPR) for style in self._chain(para_style_id)] + [self._default_ppr]
        return [p for p in pprs if p is not None]

    def paragraph_property(self, ppr, para_style_id, tag: str):
        for candidate in self.paragraph_pprs(ppr, para_style_id):
            found = candidate.find(tag)
            if found is not None:
                return found
        return None

    def style_num_id(self, style_id) -> str | None:
        for style in self._chain(style_id):
            num_id = style.find(f"{_W_PPR}/{_w('numPr')}/{_w('numId')}")
            if num_id is not None:
                return num_id.get(_W_VAL)
        return None


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL_SIMPLIFIED = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _chinese_counting(n: int, digits: str = _CN_DIGITS, ten: str = "十", one_ten: str = "") -> str:
    if not 0 <= n <= 99:
        return str(n)  # beyond what a notice numbers
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (one_ten if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


_FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULL_WIDTH_DIGITS),
    "decimalFullWidth2": lambda n: str(n).translate(_FULL_WIDTH_DIGITS),
    # "⑴" in Word; the stored body's level-4 heading is "（1）".
    "decimalEnclosedParen": lambda n: f"（{n}）",
    "decimalEnclosedFullstop": lambda n: f"{n}.",
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "chineseCounting": _chinese_counting,
    "chineseCountingThousand": _chinese_counting,
    "japaneseCounting": _chinese_counting,
    "taiwaneseCounting": _chinese_counting,
    "taiwaneseCountingThousand": _chinese_counting,
    "ideographDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n),
    "taiwaneseDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n),
    "chineseLegalSimplified": lambda n: _chinese_counting(n, _CN_LEGAL_SIMPLIFIED, "拾", "壹"),
    "ideographLegalTraditional": lambda n: _chinese_counting(n, _CN_LEGAL_TRADITIONAL, "拾", "壹"),
    "ideographTraditional": lambda n: _HEAVENLY_STEMS[(n - 1) % 10] if n > 0 else str(n),
    "ideographZodiac": lambda n: _EARTHLY_BRANCHES[(n - 1) % 12] if n > 0 else str(n),
    "none": lambda n: "",
    "bullet": lambda n: "",
}
_LEVEL_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass
class _ListInstance:
    abstract_id: str
    start_overrides: dict[int, int]
    level_overrides: dict[int, object]


class _Numbering:
    """Rebuilds the number Word draws in front of an auto-numbered paragraph."""

    def __init__(self, root, styles: _Styles):
        self._styles = styles
        self._levels: dict[str, dict[int, object]] = {}
        self._style_links: dict[str, str] = {}
        self._instances: dict[str, _ListInstance] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._used: set[str] = set()
        self.unsupported = Counter()
        if root is None:
            return
        for abstract in root.iterchildren(_w("abstractNum")):
            abstract_id = abstract.get(_w("abstractNumId"))
            self._levels[abstract_id] = {_int(lvl.get(_w("ilvl")), 0): lvl for lvl in abstract.iterchildren(_w("lvl"))}
            link = abstract.find(_w("numStyleLink"))
            if link is not None:
                self._style_links[abstract_id] = link.get(_W_VAL)
        for num in root.iterchildren(_w("num")):
            abstract = num.find(_w("abstractNumId"))
            if abstract is None:
                continue
            starts, levels = {}, {}
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0)
                start = override.find(_w("startOverride"))
                if start is not None:
                    starts[ilvl] = _int(start.get(_W_VAL), 1)
                if override.find(_w("lvl")) is not None:
                    levels[ilvl] = override.find(_w("lvl"))
            self._instances[num.get(_w("numId"))] = _ListInstance(abstract.get(_W_VAL), starts, levels)

    def _abstract_id(self, instance: _ListInstance) -> str:
        """Follow a numStyleLink (a list defined through a numbering style) to the definition that holds the levels."""
        linked_style = self._style_links.get(instance.abstract_id)
        if linked_style is not None:
            target = self._instances.get(self._styles.style_num_id(linked_style))
            if target is not None and target.abstract_id in self._levels:
                return target.abstract_id
        return instance.abstract_id

    def _level(self, instance: _ListInstance, abstract_id: str, ilvl: int):
        return instance.level_overrides.get(ilvl, self._levels.get(abstract_id, {}).get(ilvl))

    def _start(self, instance: _ListInstance, level, ilvl: int) -> int:
        if ilvl in instance.start_overrides:
            return instance.start_overrides[ilvl]
        start = level.find(_w("start")) if level is not None else None
        return _int(start.get(_W_VAL), 1) if start is not None else 1

    def level_for_style(self, num_id: str, para_style_id: str | None) -> int:
        """The level a style-numbered paragraph takes when its style names no level: the level linked to the style."""
        instance = self._instances.get(num_id)
        if instance is None:
            return 0
        for ilvl, level in sorted(self._levels.get(self._abstract_id(instance), {}).items()):
            style = level.find(_w("pStyle"))
            if style is not None and style.get(_W_VAL) == para_style_id:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counters; return the number ("一、", "（二）"…), "" for a bullet, None if it cannot be drawn."""
        instance = self._instances.get(num_id)
        if instance is None:
            return None
        abstract_id = self._abstract_id(instance)
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._used:
            self._used.add(num_id)
            for overridden in instance.start_overrides:
                counters.pop(overridden, None)
        level = self._level(instance, abstract_id, ilvl)
        if level is None:
            return None
        current = counters.get(ilvl)
        counters[ilvl] = self._start(instance, level, ilvl) if current is None else current + 1
        for deeper in [k for k in counters if k > ilvl]:
            deeper_level = self._level(instance, abstract_id, deeper)
            restart = deeper_level.find(_w("lvlRestart")) if deeper_level is not None else None
            restart_after = _int(restart.get(_W_VAL)) if restart is not None else None
            if restart_after is None or (restart_after != 0 and ilvl < restart_after):
                del counters[deeper]

        own_format = self._format_name(level)
        if own_format == "bullet":
            return ""
        legal = level.find(_w("isLgl")) is not None and _is_on(level.find(_w("isLgl")))
        text_element = level.find(_w("lvlText"))
        template = (text_element.get(_W_VAL) or "") if text_element is not None else ""
        unsupported = []

        def number(match):
            k = int(match.group(1)) - 1
            k_level = self._level(instance, abstract_id, k)
            value = counters.get(k)
            if value is None:
                value = self._start(instance, k_level, k)
            name = "decimal" if legal and k != ilvl else self._format_name(k_level)
            if name not in _FORMATS:
                unsupported.append(name)
                return ""
            return _FORMATS[name](value)

        text = _LEVEL_PLACEHOLDER.sub(number, template)
        if unsupported:
            self.unsupported[unsupported[0]] += 1
            return None
        suffix = level.find(_w("suff"))
        # Word puts a tab after the number by default. After "一、" or "（一）" it is only layout; after a bare
        # number or a word ("第一条") it separates the number from the text.
        if text and text[-1].isalnum() and (suffix is None or suffix.get(_W_VAL) != "nothing"):
            text += " "
        return text

    @staticmethod
    def _format_name(level) -> str:
        element = level.find(_w("numFmt")) if level is not None else None
        return (element.get(_W_VAL) or "decimal") if element is not None else "decimal"


# ---------------------------------------------------------------------------------------------------------------
# Reading paragraphs
# ---------------------------------------------------------------------------------------------------------------

_BREAK = object()  # a line break inside a paragraph


@dataclass(slots=True)
class _Span:
    """Text of one run (or part of it) with the formatting the import looks at. Never holds a line break."""

    text: str
    bold: bool
    points: float | None

    @property
    def is_blank(self) -> bool:
        return not self.text.strip(_INDENT)


@dataclass
class _Paragraph:
    spans: list[_Span]  # stripped, line breaks joined, the automatic number in front
    segments: list[str]  # the text between line breaks, each stripped
    alignment: str | None  # "center", "right" or None
    indent_width: int  # width of the indentation typed as characters
    far_indent: bool  # indented two inches or ten characters by paragraph formatting

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    @property
    def points(self) -> float | None:
        sizes = Counter()
        for span in self.spans:
            if span.points:
                sizes[span.points] += len(span.text.strip(_INDENT))
        return sizes.most_common(1)[0][0] if sizes else None


def _is_spaced_script(char: str) -> bool:
    """A letter or digit of a script that puts spaces between words."""
    code = ord(char)
    if 0x180B <= code <= 0x18AF:  # Mongolian letters and variation selectors
        return True
    if "0" <= char <= "9":
        return True
    return char.isalpha() and (code < 0x250 or 0x370 <= code < 0x530 or 0x1E00 <= code < 0x2000)


class _Reader:
    def __init__(self, document):
        self._document = document
        self._styles = _Styles(document)
        numbering_root = None
        for rel in document.part.rels.values():
            if rel.reltype == RT.NUMBERING and not rel.is_external:
                # a part declared with another content type is read as bytes by python-docx: no numbering then
                numbering_root = getattr(rel.target_part, "element", None)
        self._numbering = _Numbering(numbering_root, self._styles)
        self._counts = Counter()
        self._comments: set[str] = set()
        self._tracked = False

    # -- blocks --------------------------------------------------------------------------------------------------

    def read_body(self) -> list[_Paragraph]:
        paragraphs = []
        carried = []  # runs of a paragraph whose mark was deleted in tracked changes: they join the next one
        previous = None  # the last paragraph read, and its runs
        for p in self._blocks(self._document.element.find(_w("body"))):
            if p.tag == _W_TBL:
                self._counts["tables"] += 1
                self._count_table_numbers(p)
                previous = None
                continue
            pieces, mark_deleted = self._paragraph_pieces(p)
            if mark_deleted:
                carried.extend(pieces)
                continue
            if previous is not None and self._goes_on(p):  # our own file: the text's last lines, split off
                first, first_pieces = previous
                joined = first_pieces + carried + pieces
                paragraphs[-1] = self._paragraph(first, joined)
                previous = (first, joined)
            else:
                joined = carried + pieces
                paragraphs.append(self._paragraph(p, joined))
                previous = (p, joined)
            carried = []
        if carried:
            paragraphs.append(_make_paragraph(carried, None, None, False))
        return paragraphs

    def _blocks(self, container):
        for child in container:
            if child.tag in (_W_P, _W_TBL):
                yield child
            elif child.tag == _W_SDT:
                content = child.find(_W_SDT_CONTENT)
                if content is not None and not self._shows_placeholder(child):
                    yield from self._blocks(content)
            elif child.tag == _w("customXml"):
                yield from self._blocks(child)
            elif child.tag == _w("altChunk"):
                self._counts["embedded"] += 1
            elif child.tag == _MC_ALTERNATE:
                yield from self._blocks(self._chosen(child))

    @staticmethod
    def _chosen(alternate):
        """The branch of mc:AlternateContent a reader takes: the first Choice, else the Fallback."""
        for branch in alternate:
            if branch.tag in (_MC_CHOICE, _MC_FALLBACK):
                return branch
        return ()

    @staticmethod
    def _shows_placeholder(sdt) -> bool:
        props = sdt.find(_W_SDT_PR)
        return props is not None and props.find(_w("showingPlcHdr")) is not None

    def _count_table_numbers(self, table):
        """Numbered paragraphs in a skipped table still take their numbers in Word."""
        for p in table.iter(_W_P):
            if not any(a.tag == _W_TXBX_CONTENT for a in p.iterancestors()):
                self._number_text(p.find(_W_PPR))

    # -- one paragraph -------------------------------------------------------------------------------------------

    def _paragraph_pieces(self, p):
        ppr = p.find(_W_PPR)
        style_id = self._styles.paragraph_style_id(ppr)
        pieces = []
        self._collect(p, pieces, style_id)
        mark = ppr.find(f"{_W_RPR}/{_w('del')}") if ppr is not None else None
        if ppr is not None and ppr.find(f"{_W_RPR}/{_w('ins')}") is not None:
            self._tracked = True
        if mark is not None:
            self._tracked = True
        return pieces, mark is not None

    def _goes_on(self, p) -> bool:
        """A paragraph in the style the renderer gives the last lines of a text when they keep with the signature:
        the paragraph before, going on."""
        return self._styles.name(self._styles.paragraph_style_id(p.find(_W_PPR))) == L.STYLE_BODY_END

    def _paragraph(self, p, pieces) -> _Paragraph:
        ppr = p.find(_W_PPR)
        style_id = self._styles.paragraph_style_id(ppr)
        number = self._number_text(ppr)
        jc = self._styles.paragraph_property(ppr, style_id, _w("jc"))
        alignment = {"center": "center", "distribute": "center", "right": "right", "end": "right"}.get(
            jc.get(_W_VAL) if jc is not None else None
        )
        ind = self._styles.paragraph_property(ppr, style_id, _w("ind"))
        far = False
        if ind is not None:
            far = any((_int(ind.get(_w(name))) or 0) >= _FAR_INDENT_TWIPS for name in ("left", "start", "firstLine"))
            far = far or any(
                (_int(ind.get(_w(name))) or 0) >= _FAR_INDENT_CHARS
                for name in ("leftChars", "startChars", "firstLineChars")
            )
        return _make_paragraph(pieces, number, alignment, far)

    def _number_text(self, ppr) -> str | None:
        style_id = self._styles.paragraph_style_id(ppr)
        num_id = ilvl = None
        for source in self._styles.paragraph_pprs(ppr, style_id):
            num_pr = source.find(_w("numPr"))
            if num_pr is None:
                continue
            if num_id is None and num_pr.find(_w("numId")) is not None:
                num_id = num_pr.find(_w("numId")).get(_W_VAL)
            if ilvl is None and num_pr.find(_w("ilvl")) is not None:
                ilvl = _int(num_pr.find(_w("ilvl")).get(_W_VAL), 0)
            if num_id is not None and ilvl is not None:
                break
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:
            ilvl = self._numbering.level_for_style(num_id, style_id)
        return self._numbering.label(num_id, ilvl)

    def _collect(self, element, out: list, style_id):
        for child in element:
            tag = child.tag
            if tag == _W_R:
                self._run(child, out, style_id)
            elif tag in _RUN_CONTAINERS:
                self._tracked = self._tracked or tag in _TRACKED_KEPT
                self._collect(child, out, style_id)
            elif tag in _TRACKED_DROPPED:
                self._tracked = True
            elif tag == _W_SDT:
                content = child.find(_W_SDT_CONTENT)
                if content is not None and not self._shows_placeholder(child):
                    self._collect(content, out, style_id)
            elif tag == _MC_ALTERNATE:
                self._collect(self._chosen(child), out, style_id)
            elif tag in _MATH:
                self._counts["equations"] += 1
            elif tag == _w("commentRangeStart"):
                self._comments.add(child.get(_w("id")))

    def _run(self, run, out: list, style_id):
        hidden = self._styles.run_property(run, style_id, _w("vanish"))
        if hidden is not None and _is_on(hidden):
            return
        bold_element = self._styles.run_property(run, style_id, _w("b"))
        bold = bold_element is not None and _is_on(bold_element)
        size = self._styles.run_property(run, style_id, _w("sz"))
        points = (_int(size.get(_W_VAL)) or 0) / 2 if size is not None else None
        for child in run:
            tag = child.tag
            if tag == _W_T:
                for i, part in enumerate(_BREAK_CHARS.split(child.text or "")):
                    if i:
                        out.append(_BREAK)
                    out.append(_Span(part, bold, points))
            elif tag in _TAB_TAGS:
                out.append(_Span("\t", bold, points))
            elif tag in _BREAK_TAGS:
                out.append(_BREAK)
            elif tag == _w("noBreakHyphen"):
                out.append(_Span("\u2011", bold, points))
            elif tag == _w("sym"):
                self._counts["symbols"] += 1
            elif tag in _GRAPHICS:
                self._count_graphic(child)
            elif tag == _MC_ALTERNATE:
                for graphic in self._chosen(child):
                    if graphic.tag in _GRAPHICS:
                        self._count_graphic(graphic)
            elif tag in _NOTE_REFS:
                self._counts["notes"] += 1
            elif tag == _w("commentReference"):
                self._comments.add(child.get(_w("id")))
            elif tag == _w("ruby"):
                base = child.find(_w("rubyBase"))
                if base is not None:
                    self._collect(base, out, style_id)
            # w:delText, w:instrText (field codes), w:fldChar, w:softHyphen, w:lastRenderedPageBreak: nothing

    def _count_graphic(self, graphic):
        if graphic.tag == _w("object"):
            self._counts["images"] += 1
        elif any(True for _ in graphic.iter(_W_TXBX_CONTENT)):
            self._counts["text_boxes"] += 1
        elif any(el.tag in _PICTURE_TAGS for el in graphic.iter()):
            self._counts["images"] += 1

    # -- warnings ------------------------------------------------------------------------------------------------

    def warnings(self) -> list[str]:
        counts = self._counts
        messages = []
        if counts["tables"]:
            messages.append(
                _("Tables skipped: %(n)d. Copy what you need from them into the draft by hand.", n=counts["tables"])
            )
        if counts["images"]:
            messages.append(_("Images and charts skipped: %(n)d.", n=counts["images"]))
        if counts["text_boxes"]:
            messages.append(_("Text boxes skipped: %(n)d. Their text was not imported.", n=counts["text_boxes"]))
        if counts["notes"]:
            messages.append(_("Footnotes and endnotes skipped: %(n)d.", n=counts["notes"]))
        if self._comments:
            messages.append(_("Comments skipped: %(n)d.", n=len(self._comments)))
        if counts["equations"]:
            messages.append(_("Equations skipped: %(n)d.", n=counts["equations"]))
        if counts["embedded"]:
            messages.append(_("Embedded documents skipped: %(n)d.", n=counts["embedded"]))
        if counts["symbols"]:
            messages.append(_("Symbols from a symbol font skipped: %(n)d.", n=counts["symbols"]))
        if self._tracked:
            messages.append(
                _("The document has tracked changes: the text was imported as if every change had been accepted.")
            )
        for number_format, n in sorted(self._numbering.unsupported.items()):
            messages.append(
                _(
                    "Paragraphs imported without their automatic numbers (the format “%(format)s” is "
                    "not supported): %(n)d.",
                    format=number_format,
                    n=n,
                )
            )
        return messages


def _make_paragraph(pieces, number: str | None, alignment: str | None, far_indent: bool) -> _Paragraph:
    """Strip the indentation of each line, join the lines, put the automatic number in front."""
    lines = [[]]
    for piece in pieces:
        if piece is _BREAK:
            lines.append([])
        elif piece.text:
            lines[-1].append(piece)
    first_line = "".join(span.text for span in lines[0])
    indent = first_line[: len(first_line) - len(first_line.lstrip(_INDENT))]
    indent_width = sum(_INDENT_WIDTH[ch] for ch in indent)
    lines = [line for line in map(_strip, lines) if line]
    spans: list[_Span] = []
    for line in lines:
        if spans and _is_spaced_script(spans[-1].text[-1]) and _is_spaced_script(line[0].text[0]):
            spans.append(_Span(" ", spans[-1].bold and line[0].bold, line[0].points))
        spans.extend(line)
    if number and spans:
        spans.insert(0, _Span(number, spans[0].bold, spans[0].points))
    segments = ["".join(span.text for span in line) for line in lines]
    return _Paragraph(spans, segments, alignment, indent_width, far_indent)


def _strip(line: list[_Span]) -> list[_Span]:
    """The line without the indentation characters at either end (and without spans left empty)."""
    line = list(line)
    while line and not line[0].text.lstrip(_INDENT):
        line.pop(0)
    while line and not line[-1].text.rstrip(_INDENT):
        line.pop()
    if line:
        line[0] = _Span(line[0].text.lstrip(_INDENT), line[0].bold, line[0].points)
        line[-1] = _Span(line[-1].text.rstrip(_INDENT), line[-1].bold, line[-1].points)
    return line


# ---------------------------------------------------------------------------------------------------------------
# Laying out: 版头, title, addressee, body, signature
# ---------------------------------------------------------------------------------------------------------------

_ORGAN_MARK = re.compile(r".{2,40}文件")
_DOCUMENT_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}[〔\[［【〖（(]\s*\d{4}\s*[〕\]］】〗）)]\s*\d{1,5}\s*号"
    r"(?:[\s\u3000]*签发人[：:].*)?"
)
_HEADER_MARKS = re.compile(r"\d{6}|特急|加急|特提|平急|(?:绝密|机密|秘密)(?:★.*)?")
_CLOSING_FORMULA = re.compile(r"(?:特此|此复|此致|以上|妥否)")
_NOTE = re.compile(r"[（(].*[）)]")
_CC_LINE = re.compile(r"抄送[ \u3000]*[：:]")
_ZERO = "〇○零OＯ0"
_DATE = re.compile(
    r"(?P<year>[0-9０-９]{4}|[〇○零OＯ一二三四五六七八九]{4})[ \u3000]*年[ \u3000]*"
    r"(?P<month>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})[ \u3000]*月[ \u3000]*"
    r"(?P<day>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[ \u3000]*日"
)
_IMPRINT_LINE = re.compile(r".{2,40}?[ \u3000\t]*" + _DATE.pattern + r"[ \u3000]*印发")


def _parse_chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)  # also full-width digits
    if len(text) == 4:  # a year, digit by digit: 二〇二三
        return int("".join(str(0 if ch in _ZERO else _CN_DIGITS.index(ch)) for ch in text))
    if "十" not in text:
        return _CN_DIGITS.index(text) if len(text) == 1 else None
    tens, _sep, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS.index(tens) if tens else 1) * 10 + (_CN_DIGITS.index(ones) if ones else 0)


def _parse_date(text: str) -> datetime.date | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return datetime.date(*(_parse_chinese_number(match[name]) for name in ("year", "month", "day")))
    except (TypeError, ValueError):
        return None


def _is_mongolian_line(text: str) -> bool:
    letters = [ch for ch in text if ch not in _INDENT and ch != "\u202f"]
    return bool(letters) and all(0x1800 <= ord(ch) <= 0x18AF or 0x11660 <= ord(ch) <= 0x1167F for ch in letters)


def _looks_like_title(paragraph: _Paragraph) -> bool:
    large = (paragraph.points or 0) >= _TITLE_MIN_POINTS
    text = paragraph.text
    return (
        (paragraph.alignment == "center" or large)
        and not text.endswith(("：", ":"))
        and detect_heading_level(text) is None
    )


def _is_organ(text: str) -> bool:
    return (
        0 < len(text) <= _MAX_ORGAN_CHARS
        and not _SENTENCE_PUNCTUATION.intersection(text)
        and detect_heading_level(text) is None
        and not _CLOSING_FORMULA.match(text)
        and _parse_date(text) is None
    )


def _set_apart(paragraph: _Paragraph, after_blank: bool) -> bool:
    """Placed where a signature goes: aligned right or centred, pushed right, or after an empty paragraph."""
    return (
        paragraph.alignment in ("right", "center")
        or paragraph.far_indent
        or paragraph.indent_width >= _FAR_INDENT_WIDTH
        or after_blank
    )


def _join_lines(parts: list[str]) -> str:
    joined = ""
    for part in parts:
        if joined and _is_spaced_script(joined[-1]) and _is_spaced_script(part[0]):
            joined += " "
        joined += part
    return joined


def _lay_out(paragraphs: list[_Paragraph]) -> ImportedDraft:
    filled = [i for i, p in enumerate(paragraphs) if p.text]
    position = 0  # index into filled

    # 版头: organ mark (and its Mongolian line), 份号/密级/紧急程度, document number.
    seen_organ_mark = False
    while position < len(filled):
        paragraph = paragraphs[filled[position]]
        text = paragraph.text
        if _ORGAN_MARK.fullmatch(text) and _looks_like_title(paragraph):
            seen_organ_mark = True
        elif not (
            _DOCUMENT_NUMBER.fullmatch(text)
            or _HEADER_MARKS.fullmatch(text)
            or (seen_organ_mark and _is_mongolian_line(text))
        ):
            break
        position += 1

    title_parts = []
    while (
        position < len(filled)
        and len(title_parts) < _MAX_TITLE_LINES
        and _looks_like_title(paragraphs[filled[position]])
    ):
        text = paragraphs[filled[position]].text
        if title_parts and text.startswith(("（", "(")) and _DATE.search(text):
            break  # "（2023年8月15日局党组会议审议通过）" under a title is not part of it
        title_parts.append(text)
        position += 1
    title = _join_lines(title_parts)

    addressee = ""
    if position < len(filled):
        text = paragraphs[filled[position]].text
        if (
            text.endswith(("：", ":"))
            and len(text) <= _MAX_ADDRESSEE_CHARS
            and "。" not in text
            and not text[:-1].endswith("如下")
            and detect_heading_level(text) is None
        ):
            addressee = text[:-1] + "："
            position += 1

    body_indices = filled[position:]
    imprint_lines = []
    while body_indices and (
        _CC_LINE.match(paragraphs[body_indices[-1]].text) or _IMPRINT_LINE.fullmatch(paragraphs[body_indices[-1]].text)
    ):
        imprint_lines.insert(0, paragraphs[body_indices.pop()].text)
    signature_organ, signed_on, dropped, split_last = _find_signature(paragraphs, body_indices)

    lines, headings = [], []
    for index in body_indices:
        if index in dropped:
            continue
        paragraph = paragraphs[index]
        if index == split_last:
            # organ and date were the last two lines of this paragraph: keep what came before them, plainly
            kept = _join_lines(paragraph.segments[:-2])
            if kept:
                lines.append(_escape(kept))
                _add_heading(headings, kept, None)
            continue
        line, lead = _body_line(paragraph.spans)
        lines.append(line)
        _add_heading(headings, paragraph.text, lead)

    warnings = [
        _("Left out of the body (版记): “%(text)s”. Enter it in the cc or imprint fields.", text=text)
        for text in imprint_lines
    ]
    return ImportedDraft(
        title=title,
        addressee_text=addressee,
        body="\n".join(lines),
        signature_organ=signature_organ,
        signed_on=signed_on,
        headings=headings,
        warnings=warnings,
    )


def _find_signature(paragraphs, body_indices):
    """(organ, date, indices leaving the body, index of a paragraph holding organ and date as its last two lines)."""
    nothing = ("", None, set(), None)
    j = len(body_indices) - 1
    while (
        j >= 0
        and _NOTE.fullmatch(paragraphs[body_indices[j]].text)
        and not _parse_date(paragraphs[body_indices[j]].text.strip("（）()"))
    ):
        j -= 1  # 附注 lines after the date stay in the body
    if j < 0:
        return nothing

    def after_blank(k):  # an empty paragraph between body_indices[k] and the paragraph before it
        previous = body_indices[k - 1] if k > 0 else None
        return previous is not None and body_indices[k] - previous > 1

    last = paragraphs[body_indices[j]]
    signed_on = _parse_date(last.text)
    if signed_on is None:
        segments = last.segments
        if len(segments) >= 2 and _parse_date(segments[-1]) and _is_organ(segments[-2]):
            if len(segments) == 2 and not _set_apart(last, after_blank(j)):
                return nothing
            organ = segments[-2]
            if len(segments) == 2:
                return organ, _parse_date(segments[-1]), {body_indices[j]}, None
            return organ, _parse_date(segments[-1]), set(), body_indices[j]
        return nothing

    if j > 0:
        organ = paragraphs[body_indices[j - 1]]
        if _is_organ(organ.text) and _set_apart(organ, after_blank(j - 1)):
            return organ.text, signed_on, {body_indices[j - 1], body_indices[j]}, None
    if _set_apart(last, after_blank(j)):
        return "", signed_on, {body_indices[j]}, None
    return nothing


def _escape(text: str) -> str:
    return text.replace("*", "\\*")


def _body_line(spans: list[_Span]) -> tuple[str, str | None]:
    """The stored line, and the bold lead sentence if the line has one."""
    text = "".join(span.text for span in spans)
    # Only characters that show count: a space or tab between runs may be bold or not.
    visible = [span for span in spans if not span.is_blank]
    if all(span.bold for span in visible) or not visible[0].bold:
        return _escape(text), None  # bold throughout, or not starting bold: no markers
    lead_length = 0
    for span in spans:
        if not span.bold and not span.is_blank:
            lead_length += len(span.text) - len(span.text.lstrip(_INDENT))
            break
        lead_length += len(span.text)
    lead = text[:lead_length].rstrip(_INDENT)
    if lead[-1] not in _SENTENCE_END:
        return _escape(text), None  # bold that is not a lead sentence: the format has no inline bold
    return f"**{_escape(lead)}**{_escape(text[len(lead) :])}", lead


def _add_heading(headings: list, text: str, lead: str | None) -> None:
    level = detect_heading_level(text)
    if level is None:
        return
    if lead is None:
        # A run-in heading ("1.发挥作用。一是…") without bold: its first sentence names it in the outline.
        end = text.find("。")
        lead = text[: end + 1] if 0 <= end < len(text) - 1 else text
    headings.append((level, lead))
