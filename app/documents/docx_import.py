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
- The 版头 before the title is not body text: its elements are read into their fields (below, "The elements of
  GB/T 9704") and its lines never reach the title or the body. The document number itself is not kept (the
  notice gets its own).
- Title: the first paragraph left is the title when it is centred or set in 18 pt or more and does not end with a
  colon; up to two more such paragraphs are joined to it (a long title broken over lines in Word).
- Addressee line (主送机关): the paragraph right after the title (or the first paragraph when there is no title)
  when it ends with a colon, has at most 120 characters, no "。", is not a heading and is not a lead-in such as
  "现将有关事项通知如下：". A trailing ":" becomes "：".
- Signature: the organ name (at most 30 characters, no sentence punctuation, right-aligned or centred, pushed right
  with spaces or indentation, or after an empty paragraph) followed by a date ("2023年8月15日" or
  "二〇二三年八月十五日"), at the end of the document. Both leave the body. A date set apart like a signature but
  with no organ above it still gives `signed_on`.
- Decision on the 附注 (the parenthesised lines after the date, "（联系人：…）"): they stay in the body, as its
  last lines; the import never guesses which parenthesised line is a 附注 and which is content. The one exception
  is the 公开属性 (below), a fixed wording. The older "（此件公开发布）" is read as 主动公开 but still stays in the
  body as a 附注, as the import has always kept it: the secretary sees it at the end of the text.
- The 版记 at the very end, typed as paragraphs ("抄送：…", a 抄送 going on over lines that end in commas,
  "乌海市教育局办公室　2023年8月15日印发") or set in a table after the last paragraph (rows of 主送, 抄送, 印发,
  公开属性), is left out of the body; `cc_text` takes the 抄送 names, and each line but the 公开属性's is quoted in
  a warning asking the secretary to check the cc and imprint fields. Left in, it would hide the signature from the
  rule above.
- Tables, images, charts, text boxes, footnotes, endnotes, comments, equations, embedded documents and
  symbol-font characters are skipped, each with a warning saying how many; a table read as the 版头's (a joint
  mark, the number with 签发人) or the 版记's is not skipped. Lines, rectangles and other shapes without a picture
  or text (the red rule under the 版头) are skipped silently. Headers and footers (page numbers) are ignored
  silently, but for the mark of a 信函 printed in the first page's header (below).
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

The elements of GB/T 9704
-------------------------
The 版头 is read line by line from the top, before the title, whatever order and grouping a file gives its
elements (several on one line with spaces or tabs between them, a table); it ends at the first line that is none of
them. Spaces inside an element ("特　急", "秘密 ★ 1年") are allowed.
- `kind`, `joint_organs` (the mark, §7.2.4, §10): "……文件" (centred, large or red; the organs before 文件 must read as
  organs' names: no sentence punctuation, no 关于, no ending of a title such as 通知) gives "文件"; the names may be
  stacked over lines of one paragraph (Shift+Enter, or 双行合一), over paragraphs, or in a table with 文件 in a
  cell beside them (联合行文): the first is the lead organ, the others are `joint_organs`. A name ending in 纪要
  (centred or large, without 关于) gives "纪要" when it is red or 26 pt or larger (一号, above any title), or when
  a header line (its issue number, its date) follows it. An organ's name without 文件 gives "信函" when it is red
  and 26 pt or larger; a name only red or only large is a mark only if a header line follows it. A candidate that
  nothing confirms is the title. A 信函's mark in the first page's header (this system's letters) counts when the
  text has a document number and no mark of its own. No mark: "". The mark's Mongolian line is read over, above or
  under it. Without joint organs in the mark, a signature of several organs side by side gives them.
- `copy_number` (份号, §7.2.1): one to six digits alone (full-width ones written in ASCII), only in a file whose
  版头 has a mark or a document number: digits alone at the top of a plain text are text.
- `classification`, `classification_period` (§7.2.2): 秘密, 机密 or 绝密, then optionally ★ (or ☆, *, ＊) and the
  period ("1年", "6个月", "长期"). Read as the file says it; a warning says the file is marked classified (refusing
  it is the notices layer's decision, not the import's).
- `urgency` (§7.2.3): 特急 or 加急. 特提 and 平急 (older, telegrams) leave the header too, with a warning, and are
  not imported.
- `signers` (签发人, §7.2.6): "签发人：" (or "签发人:") on the number's line or on a line of its own, in a
  paragraph or a table cell, the names after it separated by spaces, tabs, 、 or ，; up to three following lines
  of names only (not 18 pt or more, not ending like a title) carry on the list, as does the number's line when it
  ends with the last names (this system's 上行文). A two-character name padded to the width of three ("王　五") is
  one name; a single space inside Mongolian or Latin letters is part of a name.
- `disclosure`, `disclosure_reason` (公开属性): "（此件主动公开）", "（此件依申请公开）", "（此件不予公开[，reason]）",
  "（此件不公开）" (read as 不予公开), with or without brackets, among the 附注 lines at the end (after the date, or
  above the 版记) or a 版记 row ("公开方式：主动公开"); the line leaves the body (but for "此件公开发布", above).
- `cc_text` (抄送, §7.4.2): the names after "抄送：" in the 版记, without the closing "。".
- `meeting` (纪要, §10.3): in a file whose mark is a 纪要's or whose title ends in 纪要, the lines "出席：…",
  "列席：…" and "请假：…" (also "出席人员：…") at the end of the text or right above the signature, and the lines of
  names they go on to, leave the body: {"attendees": […], "observers": […], "absent": […]}, a key only for a line
  the file has, the names split as 签发人's are (a parenthesis stays with its name). Elsewhere such lines are text
  (a meeting notice says who is to attend). Under a 纪要's mark, its issue number ("第5期", "〔2023〕5号") and its
  date (alone or after the organ) are read too: the date becomes `signed_on` when no signature gives one.
- A 联合行文's signature: as many lines of organs above the date as the mark names organs; a line naming only the
  mark's organs, or several organs side by side (two characters' gap or a tab between them), is a signature line
  wherever it stands. `signature_organ` is the first.

Limits:
- a 印发 notice whose attached document follows the signature keeps the signature in the body: only a signature
  at the end is recognised;
- a signature set in a table is skipped with the table; a joint mark in a table with the organs alone (a joint
  信函) is not recognised, nor a mark drawn as a picture or set in a text box (skipped), nor "工作秘密"/"内部"
  markings (not 密级: they stay in the text);
- "出席：…" at the top of a 纪要's text (with 时间, 地点, 主持) stays in the body: only the lists at its end are read;
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
from dataclasses import dataclass, field, replace

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
    # The elements of GB/T 9704 the file shows around its text, each empty when it has none (the rules are in the
    # module's docstring, "The elements of GB/T 9704").
    kind: str = ""  # the format its mark shows: "文件", "信函" or "纪要"; "" for a file without a mark
    copy_number: str = ""  # 份号, as printed, in ASCII digits: "000123"
    classification: str = ""  # 密级: "秘密", "机密" or "绝密", as the file says (refusing it is not the import's job)
    classification_period: str = ""  # 保密期限, what follows the ★: "1年"
    urgency: str = ""  # 紧急程度: "特急" or "加急"
    signers: list[str] = field(default_factory=list)  # 签发人, in order
    joint_organs: list[str] = field(default_factory=list)  # 联合行文: the issuing organs after the first
    disclosure: str = ""  # 公开属性: "主动公开", "依申请公开" or "不予公开"
    disclosure_reason: str = ""  # why not: "（此件不予公开，涉及个人隐私）" gives "涉及个人隐私"
    cc_text: str = ""  # 抄送: the names after "抄送：", as printed, without the closing "。"
    # 纪要: the names after "出席：", "列席：" and "请假：" under the keys "attendees", "observers" and "absent" (the
    # keys of the notice's meeting); a key only when the file has its line.
    meeting: dict[str, list[str]] = field(default_factory=dict)


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
    paragraphs, tables = reader.read_body()
    if not any(p.text for p in paragraphs):
        raise DocxImportError(_("The document contains no text to import."))
    draft, tables_read = _lay_out(paragraphs, tables, reader.letterhead())
    draft.warnings = reader.warnings(tables_read=tables_read) + draft.warnings
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
    red: bool = False

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

    @property
    def red(self) -> bool:
        """Set in red, most of it (the mark of a 版头)."""
        visible = [(len(span.text.strip(_INDENT)), span.red) for span in self.spans]
        return sum(n for n, red in visible if red) * 2 > sum(n for n, _red in visible) > 0


@dataclass
class _Table:
    """A table's text, for the import to look at where a 版头 or a 版记 may stand; the table is never body text."""

    at: int  # index of the paragraph that follows it
    rows: list[list[list[str]]]  # rows, their cells, the lines of each cell (the segments of its paragraphs)

    def lines(self) -> list[str]:
        return [line for row in self.rows for cell in row for line in cell]

    def row_texts(self) -> list[str]:
        """Each row on one line: the cells side by side, the label cell ("抄送：") run into the next one."""
        texts = []
        for row in self.rows:
            text = ""
            for cell in row:
                cell_text = _join_lines(cell)
                if cell_text and text and not text.endswith(("：", ":")):
                    text += "\u3000"
                text += cell_text
            if text:
                texts.append(text)
        return texts


def _is_red(value: str | None) -> bool:
    """A w:color value that reads as red: FF0000, C00000, E60012…"""
    if not value or len(value) != 6:
        return False
    try:
        r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0xB0 and g <= 0x60 and b <= 0x60


def _children(element, tag: str):
    """The children of an element with the tag, looking through content controls and custom XML around them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == _w("customXml"):
            yield from _children(child, tag)


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

    def read_body(self) -> tuple[list[_Paragraph], list[_Table]]:
        paragraphs, tables = [], []
        carried = []  # runs of a paragraph whose mark was deleted in tracked changes: they join the next one
        previous = None  # the last paragraph read, and its runs
        for p in self._blocks(self._document.element.find(_w("body"))):
            if p.tag == _W_TBL:
                self._counts["tables"] += 1
                tables.append(self._table(p, len(paragraphs)))
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
        return paragraphs, tables

    def letterhead(self) -> list[_Paragraph]:
        """The filled paragraphs of the first page's header, where a 信函 may have its mark (above the text block,
        as this system's letters do). Nothing there is counted or numbered: headers are otherwise ignored."""
        sections = self._document.sections
        if not len(sections):
            return []
        section = sections[0]
        header = section.first_page_header if section.different_first_page_header_footer else section.header
        if header.is_linked_to_previous:
            return []
        try:
            root = header._element
        except AttributeError:  # a header part declared with another content type: python-docx read it as bytes
            return []
        saved = self._counts.copy(), set(self._comments), self._tracked
        paragraphs = [
            self._paragraph(p, self._paragraph_pieces(p)[0], numbered=False)
            for p in self._blocks(root)
            if p.tag == _W_P
        ]
        self._counts, self._comments, self._tracked = saved
        return [paragraph for paragraph in paragraphs if paragraph.text]

    def _table(self, table, at: int) -> _Table:
        """The lines of a table's cells. Reading them advances the automatic numbers, as in Word, and nothing else:
        what a table holds (images, comments, tracked changes) is not counted, the table being skipped whole unless
        it is a 版头's or a 版记's."""
        saved = self._counts.copy(), set(self._comments), self._tracked
        rows = []
        for tr in _children(table, _w("tr")):
            cells = []
            for tc in _children(tr, _w("tc")):
                lines = []
                for block in self._blocks(tc):
                    if block.tag == _W_TBL:
                        self._count_table_numbers(block)
                    else:
                        lines.extend(self._paragraph(block, self._paragraph_pieces(block)[0]).segments)
                cells.append(lines)
            rows.append(cells)
        self._counts, self._comments, self._tracked = saved
        return _Table(at, rows)

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

    def _paragraph(self, p, pieces, *, numbered: bool = True) -> _Paragraph:
        ppr = p.find(_W_PPR)
        style_id = self._styles.paragraph_style_id(ppr)
        number = self._number_text(ppr) if numbered else None
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
        color = self._styles.run_property(run, style_id, _w("color"))
        red = color is not None and _is_red(color.get(_W_VAL))
        combine = self._styles.run_property(run, style_id, _w("eastAsianLayout"))
        if combine is not None and (combine.get(_w("combine")) or "").lower() in ("1", "true", "on"):
            # 双行合一 (a joint mark's names set as two lines in one): Word puts the first half of the text on the
            # upper line.
            text = "".join(t.text or "" for t in run.iter(_W_T))
            half = (len(text) + 1) // 2
            out.extend([_Span(text[:half], bold, points, red), _BREAK, _Span(text[half:], bold, points, red)])
            return
        for child in run:
            tag = child.tag
            if tag == _W_T:
                for i, part in enumerate(_BREAK_CHARS.split(child.text or "")):
                    if i:
                        out.append(_BREAK)
                    out.append(_Span(part, bold, points, red))
            elif tag in _TAB_TAGS:
                out.append(_Span("\t", bold, points, red))
            elif tag in _BREAK_TAGS:
                out.append(_BREAK)
            elif tag == _w("noBreakHyphen"):
                out.append(_Span("\u2011", bold, points, red))
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

    def warnings(self, *, tables_read: int = 0) -> list[str]:
        """tables_read: the tables the layout took as a 版头's or a 版记's, which are not skipped."""
        counts = self._counts
        messages = []
        skipped_tables = counts["tables"] - tables_read
        if skipped_tables:
            messages.append(
                _("Tables skipped: %(n)d. Copy what you need from them into the draft by hand.", n=skipped_tables)
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
            spans.append(_Span(" ", spans[-1].bold and line[0].bold, line[0].points, line[0].red))
        spans.extend(line)
    if number and spans:
        spans.insert(0, _Span(number, spans[0].bold, spans[0].points, spans[0].red))
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
        line[0] = replace(line[0], text=line[0].text.lstrip(_INDENT))
        line[-1] = replace(line[-1], text=line[-1].text.rstrip(_INDENT))
    return line


# ---------------------------------------------------------------------------------------------------------------
# Laying out: 版头, title, addressee, body, signature
# ---------------------------------------------------------------------------------------------------------------

_CLOSING_FORMULA = re.compile(r"(?:特此|此复|此致|以上|妥否)")
_NOTE = re.compile(r"[（(].*[）)]")
_CC_LINE = re.compile(r"抄送[ \u3000]*[：:]")
_ADDRESSEE_ROW = re.compile(r"主送[ \u3000]*[：:]")  # the renderer's 版记 when the addressees fill the first page
_ZERO = "〇○零OＯ0"
_DATE = re.compile(
    r"(?P<year>[0-9０-９]{4}|[〇○零OＯ一二三四五六七八九]{4})[ \u3000]*年[ \u3000]*"
    r"(?P<month>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})[ \u3000]*月[ \u3000]*"
    r"(?P<day>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[ \u3000]*日"
)
_IMPRINT_LINE = re.compile(r".{2,40}?[ \u3000\t]*" + _DATE.pattern + r"[ \u3000]*印发")

# The 版头's elements. _GAP stands between the parts of a line and inside a spaced word ("特　急").
_GAP = "[ \u3000\t]"
_GAP_CHARS = " \u3000\t"
_WIDE_GAP = re.compile(r"[ \u3000\t]*(?:\t|\u3000| {2})[ \u3000\t]*")  # two characters wide or more
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_COPY_NUMBER = re.compile(r"[0-9０-９]{1,6}")
_SECRECY_PERIOD = r"[0-9０-９一二三四五六七八九十]{1,3}[ \u3000]*(?:年|个月)|长期"
_CLASSIFICATION = re.compile(
    rf"(?P<level>绝{_GAP}*密|机{_GAP}*密|秘{_GAP}*密)(?:{_GAP}*[★☆*＊]{_GAP}*(?P<period>{_SECRECY_PERIOD})?)?"
)
_URGENCY = re.compile(rf"特{_GAP}*急|加{_GAP}*急|特{_GAP}*提|平{_GAP}*急")
_URGENCIES = ("特急", "加急")  # GB/T 9704-2012's; 特提 and 平急 are older (telegrams)
_NUMBER_CORE = r"[〔\[［【〖（(]\s*\d{4}\s*[〕\]］】〗）)]\s*\d{1,5}\s*号"
_DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}" + _NUMBER_CORE)
_BARE_NUMBER = re.compile(_NUMBER_CORE)  # under a mark: a 纪要's "〔2023〕5号"
_ISSUE_NUMBER = re.compile(r"[（(]?总?第[ \u3000]*[0-9０-９一二三四五六七八九十百〇零]{1,6}[ \u3000]*期[）)]?")  # 纪要
_SIGNERS = re.compile(rf"签{_GAP}*发{_GAP}*人{_GAP}*[：:](?P<names>.*)")
_FILE_MARK = re.compile(rf"(?P<organs>.*?){_GAP}*文{_GAP}*件")
_ORGAN_DATE = re.compile(rf"(?P<organ>.{{2,30}}?){_GAP}+(?P<date>" + _DATE.pattern + ")")
_MARK_MIN_POINTS = 26  # 一号: a mark is set larger than any title (2号, 22 pt)
_MAX_MARK_CHARS = 40
_TITLE_PUNCTUATION = _SENTENCE_PUNCTUATION | set('、《》“”"')
# What a title ends with and an organ's name never does.
_DOCUMENT_KINDS = (
    "通知",
    "通报",
    "决定",
    "决议",
    "意见",
    "请示",
    "报告",
    "批复",
    "纪要",
    "公告",
    "通告",
    "公报",
    "议案",
    "命令",
    "办法",
    "方案",
    "规定",
    "细则",
    "规划",
    "要点",
    "总结",
)

# Lists of names: 签发人, 出席, 列席, 请假.
_NAME_SEPARATORS = "、，,；;"
_OPENING_BRACKETS = "（(〔[【"
_CLOSING_BRACKETS = "）)〕]】"
_PARENTHESIS = re.compile(r"[（(][^（）()]*[）)]")
_MAX_SIGNER_CHARS = 10
_MAX_SIGNER_LINES = 3  # lines of names that may follow the 签发人 line
_MAX_ATTENDEE_CHARS = 20  # "市教育局各科室负责人" is an entry too
_MEETING_LINE = re.compile(rf"(?P<label>出{_GAP}*席|列{_GAP}*席|请{_GAP}*假)(?:人员)?{_GAP}*[：:](?P<names>.*)")
_MEETING_KEYS = {"出席": "attendees", "列席": "observers", "请假": "absent"}

# 公开属性, as a line of its own or a row of the 版记.
_DISCLOSURE_LINE = re.compile(
    rf"(?P<open>[（(])?{_GAP}*此件{_GAP}*(?P<what>主动公开|依申请公开|不予公开|不公开|公开发布)"
    rf"(?:[，,；;：:]{_GAP}*(?P<reason>[^（）()]+?))?{_GAP}*(?(open)[）)])[。.]?"
)
_DISCLOSURE_FIELD = re.compile(
    rf"(?:公开方式|公开属性|信息公开选项|信息公开方式){_GAP}*[：:]{_GAP}*(?P<what>主动公开|依申请公开|不予公开|不公开)[。.]?"
)
_DISCLOSURES = {
    "主动公开": "主动公开",
    "公开发布": "主动公开",
    "依申请公开": "依申请公开",
    "不予公开": "不予公开",
    "不公开": "不予公开",
}
# The older wording stays in the body as a 附注 (see the module's docstring): it is read, not removed.
_DISCLOSURE_KEPT_IN_BODY = "公开发布"


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


def _squeeze(text: str) -> str:
    """Without the spaces inside ("特　急" → "特急")."""
    return re.sub(_GAP, "", text)


def _is_organ_name(text: str) -> bool:
    """Could be an organ's name in a mark: short, with no punctuation of a sentence or a title, not a title."""
    return (
        2 <= len(text) <= _MAX_MARK_CHARS
        and not _TITLE_PUNCTUATION.intersection(text)
        and "关于" not in text
        and not text.endswith(_DOCUMENT_KINDS)
        and detect_heading_level(text) is None
        and _parse_date(text) is None
        and not _is_mongolian_line(text)
    )


def _organ_names(lines: list[str]) -> list[str]:
    """The organs of a signature, one a line or side by side on a line with a wide gap between them."""
    names = []
    for line in lines:
        parts = _WIDE_GAP.split(line)
        names.extend(parts if len(parts) > 1 and all(len(part) >= 2 for part in parts) else [line])
    return names


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _split_names(text: str) -> list[str]:
    """The names of a list: separated by 、，； or by spaces and tabs. A parenthesis stays with its name
    ("张三（市教育局局长）"); a single space between two letters of a script written with spaces (Mongolian, Latin)
    is inside a name; two single characters one space apart are one name padded to the width of three ("王　五")."""
    text = text.strip(_INDENT).rstrip("。.；;，,、" + _INDENT)
    names, gaps = [], []  # each name, and what stood before it
    current, gap, depth = "", "", 0
    for i, char in enumerate(text):
        if char in _OPENING_BRACKETS:
            depth += 1
        elif char in _CLOSING_BRACKETS:
            depth = max(0, depth - 1)
        in_a_word = (
            char == " " and 0 < i < len(text) - 1 and _is_spaced_script(text[i - 1]) and _is_spaced_script(text[i + 1])
        )
        if depth == 0 and (char in _NAME_SEPARATORS or (char in _INDENT and not in_a_word)):
            if current:
                names.append(current)
                gaps.append(gap)
                current, gap = "", ""
            gap += char
        else:
            current += char
    if current:
        names.append(current)
        gaps.append(gap)
    merged = []
    for name, gap in zip(names, gaps, strict=True):
        if merged and len(merged[-1]) == len(name) == 1 and gap in (" ", "\u3000") and _is_cjk(merged[-1] + name):
            merged[-1] += name
        else:
            merged.append(name)
    return merged


def _is_name(text: str, longest: int) -> bool:
    """A person's name, or an entry such as "各科室负责人", with its parenthesis if it has one."""
    bare = _PARENTHESIS.sub("", text)
    return (
        2 <= len(bare) <= longest
        and not bare.endswith(_DOCUMENT_KINDS)
        and all(char.isalpha() or char in "·・.\u202f " or "\u180b" <= char <= "\u180f" for char in bare)
    )


def _is_names_line(text: str, longest: int) -> bool:
    """A line of names only (the rest of a 签发人 or 出席 list)."""
    if ":" in text or "：" in text or "。" in text.rstrip("。"):
        return False
    names = _split_names(text)
    return bool(names) and all(_is_name(name, longest) for name in names)


def _spaced_text(paragraph: _Paragraph) -> str:
    """The paragraph's lines with a gap between them, for reading a list of names typed over several lines."""
    return "\u3000".join(paragraph.segments)


def _disclosure(text: str) -> tuple[str, str, str] | None:
    """(公开属性, the wording the file uses, the reason given for 不予公开) for a line that states it, else None."""
    match = _DISCLOSURE_LINE.fullmatch(text) or _DISCLOSURE_FIELD.fullmatch(text)
    if match is None:
        return None
    disclosure = _DISCLOSURES[match["what"]]
    reason = (match.groupdict().get("reason") or "") if disclosure == "不予公开" else ""
    return disclosure, match["what"], reason


# ---------------------------------------------------------------------------------------------------------------
# 版头
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Header:
    kind: str = ""
    organs: list[str] = field(default_factory=list)
    copy_number: str = ""
    classification: str = ""
    classification_period: str = ""
    marking: str = ""  # the 密级 as printed, for the warning
    urgency: str = ""
    other_urgency: str = ""  # 特提, 平急: not in GB/T 9704-2012
    signers: list[str] = field(default_factory=list)
    has_number: bool = False
    dated: datetime.date | None = None  # a 纪要's date, printed under its mark
    table_ids: list[int] = field(default_factory=list)  # the tables read as the header's

    def copy(self) -> _Header:
        return replace(self, organs=list(self.organs), signers=list(self.signers), table_ids=list(self.table_ids))


def _in_order(filled: list[int], tables: list[_Table]) -> list:
    """The filled paragraphs (their indices) and the tables, in the order of the document."""
    items, waiting = [], list(tables)
    for index in filled:
        while waiting and waiting[0].at <= index:
            items.append(waiting.pop(0))
        items.append(index)
    return items + waiting


def _read_header(paragraphs: list[_Paragraph], items: list, letterhead: list[_Paragraph]) -> tuple[_Header, int]:
    """What the 版头 says, and how many items it takes."""
    reader = _HeaderReader(paragraphs, copy_numbers=True)
    taken = reader.read(items)
    if reader.header.copy_number and not (reader.header.kind or reader.header.has_number):
        # Digits alone at the top of a text with neither a mark nor a document number are not a 份号.
        reader = _HeaderReader(paragraphs, copy_numbers=False)
        taken = reader.read(items)
    if reader.header.has_number and not reader.header.kind:
        reader.read_letterhead(letterhead)
    return reader.header, taken


def _header_tokens(text: str, *, under_mark: bool, minutes: bool, copy_numbers: bool):
    """The header elements a line is made of, [(name, match)], or None when it holds anything else."""
    patterns = [
        ("number", _DOCUMENT_NUMBER),
        ("signers", _SIGNERS),
        ("classification", _CLASSIFICATION),
        ("urgency", _URGENCY),
    ]
    if copy_numbers:
        patterns.append(("copy_number", _COPY_NUMBER))
    if under_mark:
        patterns.append(("number", _BARE_NUMBER))
    if minutes:
        patterns.append(("number", _ISSUE_NUMBER))
    tokens, at = [], 0
    while True:
        while at < len(text) and text[at] in _GAP_CHARS:
            at += 1
        if at == len(text):
            return tokens or None
        for name, pattern in patterns:
            match = pattern.match(text, at)
            if match and (
                match.end() == len(text)
                or text[match.end()] in _GAP_CHARS
                or (name == "number" and _SIGNERS.match(text, match.end()))  # "…12号签发人：张三"
            ):
                break
        else:
            return None
        tokens.append((name, match))
        at = match.end()


class _HeaderReader:
    """Reads the 版头 line by line: the mark (one organ or several stacked, in paragraphs or a table), its Mongolian
    line above or under it, 份号, 密级, 紧急程度, the document number and 签发人, in whatever order and grouping the
    file has them (several on one line, a table).

    A line that would be the mark only because of its size (a 信函's organ name, a 纪要's name not in red) is
    taken for it only when a header line follows: otherwise it is the title."""

    def __init__(self, paragraphs: list[_Paragraph], *, copy_numbers: bool):
        self._paragraphs = paragraphs
        self._copy_numbers = copy_numbers
        self.header = _Header()
        self._mark_open = False  # the last line was the mark's: an organ stacked under it, or 文件, may follow
        self._signer_lines = 0  # lines of 签发人 names that may still follow
        self._tentative = False  # the lines since the last commit are the header's only if a later line says so

    def _state(self):
        return self.header.copy(), self._mark_open, self._signer_lines, self._tentative

    def _restore(self, state) -> None:
        header, self._mark_open, self._signer_lines, self._tentative = state
        self.header = header.copy()

    def read(self, items: list) -> int:
        """How many items (filled paragraphs' indices, tables) the header takes; self.header says what it holds."""
        committed = self._state(), 0
        for count, item in enumerate(items, start=1):
            before = self._state()
            if isinstance(item, _Table):
                if not self._table(item):
                    self._restore(before)  # not the header's: skipped with the other tables
            elif not self._paragraph(self._paragraphs[item]):
                self._restore(before)
                break
            if not self._tentative:
                committed = self._state(), count
        self._restore(committed[0])
        return committed[1]

    def read_letterhead(self, letterhead: list[_Paragraph]) -> None:
        """The mark printed in the page's header, over the text block (a 信函's letterhead)."""
        for paragraph in letterhead:
            if not _is_mongolian_line(paragraph.text) and not (
                (_looks_like_title(paragraph) or paragraph.red) and self._mark(paragraph)
            ):
                break

    def _paragraph(self, paragraph: _Paragraph) -> bool:
        header = self.header
        if _is_mongolian_line(paragraph.text):
            # The mark's Mongolian line: under the mark, or above it when the Mongolian comes first.
            self._mark_open = False
            self._tentative = not header.kind
            return True
        if (
            (_looks_like_title(paragraph) or paragraph.red)
            and (not header.kind or self._mark_open)
            and self._mark(paragraph)
        ):
            return True
        large = (paragraph.points or 0) >= _TITLE_MIN_POINTS
        return all(self._line(line, large=large) for line in paragraph.segments)

    def _mark(self, paragraph: _Paragraph) -> bool:
        header = self.header
        lines, text = paragraph.segments, paragraph.text
        file_mark = _FILE_MARK.fullmatch(lines[-1])
        if file_mark:
            organs = [name for name in [*lines[:-1], file_mark["organs"]] if name]
            if self._mark_open:
                organs = header.organs + organs  # stacked: the organs above, then these, 文件 beside them
            if not organs or not all(_is_organ_name(name) for name in organs):
                return False
            header.kind, header.organs = "文件", organs
            self._mark_open, self._tentative = True, False
            return True
        strong = paragraph.red or (paragraph.points or 0) >= _MARK_MIN_POINTS
        if (
            not header.kind
            and text.endswith("纪要")
            and len(text) <= _MAX_MARK_CHARS
            and "关于" not in text
            and not _TITLE_PUNCTUATION.intersection(text)
        ):
            header.kind = "纪要"
            self._mark_open, self._tentative = False, not strong
            return True
        if strong and header.kind in ("", "信函") and all(_is_organ_name(line) for line in lines):
            header.kind = "信函"  # the organ's name alone: a letter, or the first organs of a stacked mark
            header.organs.extend(lines)
            self._mark_open = True
            # Red and large, it is a mark; red or large only, it is one if a header line follows.
            self._tentative = self._tentative or not (paragraph.red and (paragraph.points or 0) >= _MARK_MIN_POINTS)
            return True
        return False

    def _table(self, table: _Table) -> bool:
        """A table in the 版头: a joint mark (the organs in cells, 文件 in another), or the number and 签发人."""
        header = self.header
        lines = [line for line in table.lines() if not _is_mongolian_line(line)]
        if not lines:
            return False
        marks = [_FILE_MARK.fullmatch(line) for line in lines]
        if any(marks) and (not header.kind or self._mark_open):
            names = (match["organs"] if match else line for match, line in zip(marks, lines, strict=True))
            organs = [name for name in names if name]
            if organs and all(_is_organ_name(name) for name in organs):
                header.kind = "文件"
                header.organs = (header.organs if self._mark_open else []) + organs
                header.table_ids.append(id(table))
                self._mark_open, self._tentative = True, False
                return True
            return False
        if all(self._line(line, large=False) for line in lines):
            header.table_ids.append(id(table))
            return True
        return False

    def _line(self, line: str, *, large: bool) -> bool:
        """One line of the header other than the mark's; False when it is not the header's."""
        header = self.header
        tokens = _header_tokens(
            line, under_mark=bool(header.kind), minutes=header.kind == "纪要", copy_numbers=self._copy_numbers
        )
        if tokens is not None:
            self._take(tokens)
        elif self._signer_lines and not large and _is_names_line(line, _MAX_SIGNER_CHARS):
            header.signers.extend(_split_names(line))  # the 签发人 names going on on the next line
            self._signer_lines -= 1
            return True
        elif self._signer_lines and self._number_and_names(line):
            self._signer_lines = 0
            return True
        elif header.kind == "纪要" and self._minutes_date(line):
            self._signer_lines = 0
        else:
            return False
        self._mark_open = self._tentative = False
        return True

    def _take(self, tokens) -> None:
        header = self.header
        for name, match in tokens:
            if name == "number":
                header.has_number = True
            elif name == "signers":
                header.signers.extend(_split_names(match["names"]))
            elif name == "classification" and not header.classification:
                header.classification = _squeeze(match["level"])
                header.classification_period = _squeeze(match["period"] or "").translate(_ASCII_DIGITS)
                header.marking = match[0]
            elif name == "urgency":
                level = _squeeze(match[0])
                if level in _URGENCIES:
                    header.urgency = header.urgency or level
                else:
                    header.other_urgency = level
            elif name == "copy_number" and not header.copy_number:
                header.copy_number = match[0].translate(_ASCII_DIGITS)
        self._signer_lines = _MAX_SIGNER_LINES if tokens[-1][0] == "signers" else 0

    def _number_and_names(self, line: str) -> bool:
        """The number, and the last 签发人 names on its line, right of it ("乌教发〔2023〕12号　　　　王五")."""
        for gap in re.finditer(_GAP + "+", line):
            head, names = line[: gap.start()], line[gap.end() :]
            tokens = _header_tokens(head, under_mark=bool(self.header.kind), minutes=False, copy_numbers=False)
            if tokens and all(name == "number" for name, _match in tokens) and _is_names_line(names, _MAX_SIGNER_CHARS):
                self.header.has_number = True
                self.header.signers.extend(_split_names(names))
                return True
        return False

    def _minutes_date(self, line: str) -> bool:
        """Under a 纪要's mark: its date, alone or after the organ ("乌海市教育局办公室　　2023年8月15日")."""
        date = _parse_date(line)
        organ_date = _ORGAN_DATE.fullmatch(line) if date is None else None
        if organ_date and _is_organ(organ_date["organ"]):
            date = _parse_date(organ_date["date"])
        if date is None:
            return False
        self.header.dated = date
        return True


# ---------------------------------------------------------------------------------------------------------------
# The whole draft
# ---------------------------------------------------------------------------------------------------------------


def _lay_out(
    paragraphs: list[_Paragraph], tables: list[_Table], letterhead: list[_Paragraph]
) -> tuple[ImportedDraft, int]:
    """The draft, and how many tables it read (a 版头's, a 版记's): the others are skipped. letterhead: the first
    page's header, read for a mark when the text has a document number and no mark."""
    filled = [i for i, p in enumerate(paragraphs) if p.text]
    items = _in_order(filled, tables)
    header, taken = _read_header(paragraphs, items, letterhead)
    position = sum(1 for item in items[:taken] if not isinstance(item, _Table))  # index into filled
    tables_read = len(header.table_ids)

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
    imprint_lines = _take_imprint(paragraphs, body_indices)
    last_filled = filled[-1] if filled else -1
    for table in tables:
        if table.at > last_filled and id(table) not in header.table_ids:
            rows = table.row_texts()
            if any(_is_imprint_row(row) for row in rows):
                imprint_lines.extend(rows)
                tables_read += 1
    disclosure = _take_disclosure(paragraphs, body_indices) or next(filter(None, map(_disclosure, imprint_lines)), None)
    minutes = header.kind == "纪要" or title.endswith("纪要")
    meeting = {}
    if minutes:
        meeting, start = _take_meeting(paragraphs, body_indices)
        del body_indices[start:]
    organs, signed_on, dropped, split_last = _find_signature(paragraphs, body_indices, header.organs)
    if minutes and not meeting and dropped and split_last is None:
        rest = [index for index in body_indices if index not in dropped]  # 出席… above a signature
        meeting, start = _take_meeting(paragraphs, rest)
        dropped |= set(rest[start:])

    # The body's own tables, where they stand: as the rows the text's table form takes (cells between TABs).
    after_the_head = filled[position - 1] if position else -1
    in_the_body = [
        table
        for table in tables
        if after_the_head < table.at <= last_filled and id(table) not in header.table_ids and _body_rows(table)
    ]
    tables_read += len(in_the_body)
    lines, headings = [], []
    for index in body_indices:
        while in_the_body and in_the_body[0].at <= index:
            lines.extend(_body_rows(in_the_body.pop(0)))
        if index in dropped:
            continue
        paragraph = paragraphs[index]
        if split_last is not None and index == split_last[0]:
            # organ and date were the last lines of this paragraph: keep what came before them, plainly
            kept = split_last[1]
            if kept:
                lines.append(_escape(kept))
                _add_heading(headings, kept, None)
            continue
        line, lead = _body_line(paragraph.spans)
        lines.append(line)
        _add_heading(headings, paragraph.text, lead)
    for table in in_the_body:  # just before the signature
        lines.extend(_body_rows(table))

    warnings = []
    if header.classification:
        warnings.append(
            _(
                "The file is marked classified (“%(marking)s”). A classified document may be handled only on "
                "systems approved for classified information.",
                marking=header.marking,
            )
        )
    if header.other_urgency:
        warnings.append(
            _(
                "The urgency “%(urgency)s” is not one of GB/T 9704-2012 (特急, 加急) and was not imported. Choose "
                "the urgency by hand.",
                urgency=header.other_urgency,
            )
        )
    warnings += [
        _("Left out of the body (版记): “%(text)s”. Enter it in the cc or imprint fields.", text=text)
        for text in imprint_lines
        if not _disclosure(text)
    ]
    draft = ImportedDraft(
        title=title,
        addressee_text=addressee,
        body="\n".join(lines),
        signature_organ=organs[0] if organs else "",
        signed_on=signed_on or header.dated,
        headings=headings,
        warnings=warnings,
        kind=header.kind,
        copy_number=header.copy_number,
        classification=header.classification,
        classification_period=header.classification_period,
        urgency=header.urgency,
        signers=header.signers,
        joint_organs=header.organs[1:] if len(header.organs) > 1 else organs[1:],
        disclosure=disclosure[0] if disclosure else "",
        disclosure_reason=disclosure[2] if disclosure else "",
        cc_text=_cc_text(imprint_lines),
        meeting=meeting,
    )
    return draft, tables_read


# ---------------------------------------------------------------------------------------------------------------
# The end of the text: 版记, 公开属性, 纪要's attendance, signature
# ---------------------------------------------------------------------------------------------------------------


def _ends_a_list(text: str) -> bool:
    return text.endswith(("，", "、", ",")) and ":" not in text and "：" not in text


def _take_imprint(paragraphs, body_indices: list[int]) -> list[str]:
    """The 版记 typed as paragraphs at the very end (抄送, 印发, a 抄送 going on over lines) leaves the body: its
    lines, in order."""
    lines = []
    while body_indices:
        text = paragraphs[body_indices[-1]].text
        if not (_CC_LINE.match(text) or _IMPRINT_LINE.fullmatch(text) or _goes_on_a_cc_line(paragraphs, body_indices)):
            break
        lines.insert(0, text)
        body_indices.pop()
    return lines


def _goes_on_a_cc_line(paragraphs, body_indices: list[int]) -> bool:
    """The last line carries on a 抄送 line above it: every line from there ends in a comma, this one has no colon."""
    if ":" in paragraphs[body_indices[-1]].text or "：" in paragraphs[body_indices[-1]].text:
        return False
    for index in reversed(body_indices[-4:-1]):
        text = paragraphs[index].text
        if not text.endswith(("，", "、", ",")):
            return False
        if _CC_LINE.match(text):
            return True
        if not _ends_a_list(text):
            return False
    return False


def _is_imprint_row(text: str) -> bool:
    return bool(
        _CC_LINE.match(text)
        or _ADDRESSEE_ROW.match(text)
        or _IMPRINT_LINE.fullmatch(text)
        or text.endswith("印发")
        or _disclosure(text)
    )


def _cc_text(imprint_lines: list[str]) -> str:
    """The names after "抄送：", with the lines they go on to, without the closing full stop."""
    for i, line in enumerate(imprint_lines):
        match = _CC_LINE.match(line)
        if match is None:
            continue
        parts = [line[match.end() :].strip(_INDENT)]
        for after in imprint_lines[i + 1 :]:
            if _is_imprint_row(after):
                break
            parts.append(after)
        return _join_lines([part for part in parts if part]).rstrip("。.")
    return ""


def _take_disclosure(paragraphs, body_indices: list[int]) -> tuple[str, str, str] | None:
    """The 公开属性 line after the date or above the 版记 (among the 附注 lines at the end) leaves the body; the
    older "（此件公开发布）" stays there, as a 附注. Returns what _disclosure found, or None."""
    disclosure = None
    for j in range(len(body_indices) - 1, -1, -1):
        text = paragraphs[body_indices[j]].text
        found = _disclosure(text)
        if found:
            disclosure = disclosure or found
            if found[1] != _DISCLOSURE_KEPT_IN_BODY:
                del body_indices[j]
        elif not _NOTE.fullmatch(text) or _parse_date(text.strip("（）()")):
            break
    return disclosure


def _take_meeting(paragraphs, body_indices: list[int]) -> tuple[dict[str, list[str]], int]:
    """A 纪要's 出席, 列席 and 请假 lines at the end of the text, and the lines their names go on to: the meeting's
    lists, and where in body_indices those lines begin (len(body_indices) when there are none)."""
    start = len(body_indices)
    while start and (
        _MEETING_LINE.fullmatch(_spaced_text(paragraphs[body_indices[start - 1]]))
        or _is_names_line(_spaced_text(paragraphs[body_indices[start - 1]]), _MAX_ATTENDEE_CHARS)
    ):
        start -= 1
    while start < len(body_indices) and not _MEETING_LINE.fullmatch(_spaced_text(paragraphs[body_indices[start]])):
        start += 1  # names before the first label are the text's
    meeting, key = {}, None
    for index in body_indices[start:]:
        line = _spaced_text(paragraphs[index])
        match = _MEETING_LINE.fullmatch(line)
        if match:
            key, line = _MEETING_KEYS[_squeeze(match["label"])], match["names"]
        meeting.setdefault(key, []).extend(_split_names(line))
    return {key: names for key, names in meeting.items() if names}, start


def _find_signature(paragraphs, body_indices, mark_organs: list[str]):
    """(organ names, date, indices leaving the body, (index, text kept) of a paragraph whose last lines were the
    organs and the date). mark_organs: the organs the mark names; a joint notice's may sign on as many lines, and a
    line that names only them is its signature wherever it stands."""
    nothing = ([], None, set(), None)
    organ_lines = max(1, len(mark_organs))
    joint = set(mark_organs) if len(mark_organs) > 1 else set()
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
        if len(segments) < 2 or not _parse_date(segments[-1]):
            return nothing
        count = 0
        while count < min(organ_lines, len(segments) - 1) and _is_organ(segments[-2 - count]):
            count += 1
        if not count:
            return nothing
        kept, organs = segments[: -1 - count], _organ_names(segments[-1 - count : -1])
        if kept:
            return organs, _parse_date(segments[-1]), set(), (body_indices[j], _join_lines(kept))
        if not _set_apart(last, after_blank(j)):
            return nothing
        return organs, _parse_date(segments[-1]), {body_indices[j]}, None

    k = j - 1
    while k >= 0 and j - k <= organ_lines:
        organ = paragraphs[body_indices[k]]
        names = _organ_names([organ.text])
        side_by_side = len(names) > 1 and all(map(_is_organ, names))  # a joint notice's organs, each over its seal
        if not (
            side_by_side
            or (joint and joint.issuperset(names))
            or (_is_organ(organ.text) and _set_apart(organ, after_blank(k)))
        ):
            break
        k -= 1
    if k < j - 1:
        organs = _organ_names([paragraphs[body_indices[i]].text for i in range(k + 1, j)])
        return organs, signed_on, {body_indices[i] for i in range(k + 1, j + 1)}, None
    if _set_apart(last, after_blank(j)):
        return [], signed_on, {body_indices[j]}, None
    return nothing


def _body_rows(table: _Table) -> list[str]:
    """A table of the body as the text's rows (app/documents/text.py): its cells between TABs, each cell's lines run
    together; rows with nothing in them left out. No rows when it is not a table there (fewer than two rows of two
    cells): such a table is skipped, as before, with the warning."""
    rows = []
    for row in table.rows:
        cells = [_join_lines(cell).replace("\t", " ").strip() for cell in row]
        if any(cells):
            rows.append("\t".join(cells))
    if len(rows) < 2 or max(row.count("\t") for row in rows) < 1:
        return []
    return rows


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
