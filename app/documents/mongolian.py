"""The Mongolian version of a notice: the same bilingual header, then the text in vertical columns.

The section says <w:textDirection w:val="tbLrV"/>: lines run top to bottom and follow each other left
to right, as Mongolian is written. Every run is split by script and names a font that has its glyphs —
the Mongolian font for Mongolian letters, the CJK font for Chinese, digits and Latin — because in vertical
layout LibreOffice and browsers misplace glyphs that come from font fallback. The PDF is made with the
page styles' writing mode set to TB_LR (app/documents/pdf.py), which LibreOffice 7.4 needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.core.dates import mn_date
from app.documents import layout as L
from app.documents.gongwen import GongwenData, Renderer, save_deterministic
from app.documents.ooxml import child, mm_to_twips, pt_to_twips, set_attrs, set_border
from app.documents.scripts import script_runs
from app.documents.text import paragraphs

# What the Mongolian version prints for 附件 and around the 版记's rows (the Chinese labels' words).
ATTACHMENT_LABEL = "ᠬᠠᠪᠰᠤᠷᠭ᠎ᠠ"  # 附件
CC_LABEL = "ᠬᠠᠭᠤᠯᠪᠤᠷᠢ ᠢᠯᠡᠭᠡᠬᠦ"  # 抄送
IMPRINTED = "ᠳᠠᠷᠤᠮᠠᠯᠯᠠᠪᠠ"  # 印发
MN_COLON = "᠄"
MN_RULE_EXTRA_TWIPS = 160
# A column of the text block holds about this many letters and spaces of 16 pt Noto Sans Mongolian (measured: 75 in
# 214 mm).
MN_LETTERS_PER_COLUMN = 78
MN_COMMA = "᠂"


@dataclass
class MongolianData:
    mark: str  # the Chinese mark, 乌海市教育局文件: the header is bilingual on both versions
    mark_mn: str
    header_order: str
    number: str
    title: str
    addressee_text: str
    body: str
    signature_organ: str
    signed_on: date | None
    timestamp: datetime = datetime(2000, 1, 1)
    with_seal: bool = True
    note: str = ""  # 附注, printed in parentheses under the date
    attachments: list[str] = field(default_factory=list)  # the 附件说明's names
    documents: list[tuple[str, str]] = field(default_factory=list)  # distributed documents: (title, body)
    cc_text: str = ""  # 版记: 抄送
    imprint_organ: str = ""  # 版记: 印发机关
    imprinted_on: date | None = None


class MongolianRenderer(Renderer):
    """The Chinese version's elements in vertical columns: a line is a column, and the columns run left to right.

    Space between elements is whole blank columns (empty paragraphs), never space before or after a paragraph:
    LibreOffice draws a paragraph's "before" space after it in tb-lr pages (a 39 mm gap after the Chinese mark, the
    date 25 mm after the signature), and an empty column is a column in every reader.
    """

    def __init__(self, data: MongolianData):
        super().__init__(
            GongwenData(
                mark=data.mark,
                mark_mn=data.mark_mn,
                header_order=data.header_order,
                number=data.number,
                title="",
                addressee_text="",
                body="",
                signature_organ="",
                signed_on=None,
            )
        )
        self.mn = data

    def add_text(self, paragraph, text: str, *, bold: bool = False, font: str | None = None):
        """Mongolian runs in the Mongolian font; everything else names the CJK font explicitly.

        The Mongolian styles put the Mongolian font in every slot, so a Chinese or digit run that
        names nothing would be drawn from fallback — and misplaced in vertical layout.
        """
        for piece, mongolian in script_runs(text):
            if mongolian:
                self.run(paragraph, piece, bold=bold, font=L.MONGOLIAN, mongolian=True)
            else:
                self.run(paragraph, piece, bold=bold, font=L.FANGSONG)

    def blank(self, columns: int = 1, *, keep_with_next: bool = False) -> None:
        for _ in range(columns):
            paragraph = self.new_paragraph(L.STYLE_MN_BODY)
            if keep_with_next:
                child(paragraph._p.get_or_add_pPr(), "w:keepNext")

    def text_paragraph(self, style: str, text: str, *, end_indent_chars: float = 0):
        paragraph = self.new_paragraph(style)
        if end_indent_chars:  # from the foot of the column, as the Chinese version's from the right
            set_attrs(child(paragraph._p.get_or_add_pPr(), "w:ind"), right=round(end_indent_chars * self.char))
        self.add_text(paragraph, text)
        return paragraph

    @property
    def char(self) -> int:
        return pt_to_twips(L.MN_BODY_PT)

    # The parts, left to right

    def header(self):
        """The marks, the number and, in the column after it, the red rule as long as the text block."""
        data = self.data
        mark = lambda: self.text_paragraph(L.STYLE_MARK, data.mark)  # noqa: E731
        mongolian = lambda: self.mongolian_mark(0)  # noqa: E731
        for part in [mark, mongolian] if data.header_order != "mn_first" else [mongolian, mark]:
            part()
        self.blank()
        number = self.text_paragraph(L.STYLE_NUMBER, data.number)
        # The far side of the number's column; no border space, which LibreOffice adds to the rule's length too.
        ppr = number._p.get_or_add_pPr()
        set_border(ppr, "right", size_eighths=L.RULE_EIGHTHS, color=L.RED)
        set_attrs(child(ppr, "w:spacing"), line=L.LINE_PITCH_TWIPS + MN_RULE_EXTRA_TWIPS, lineRule="exact")

    def text(self, body: str):
        for p in paragraphs(body):
            if p.is_roster:
                continue  # rosters are printed in the Chinese version
            if p.lead:
                paragraph = self.new_paragraph(L.STYLE_MN_BODY)
                self.add_text(paragraph, p.lead, bold=True)
                self.add_text(paragraph, p.rest)
            else:
                self.text_paragraph(L.STYLE_MN_BODY, p.text)

    def attachment_note(self):
        names = self.mn.attachments
        if not names:
            return
        self.blank()
        numbered = len(names) > 1
        for index, name in enumerate(names, start=1):
            number = f"{index}. " if numbered else ""
            label = f"{ATTACHMENT_LABEL}{MN_COLON} " if index == 1 else ""
            paragraph = self.text_paragraph(L.STYLE_MN_BODY, label + number + name)
            if index > 1:  # under the first name, as 附件说明 aligns its names
                set_attrs(child(paragraph._p.get_or_add_pPr(), "w:ind"), firstLine=0, left=round(5 * self.char))

    def keep_with_the_signature(self) -> None:
        """As the Chinese version (§7.3.5): no page should hold only the signature and its date. The text's last
        paragraph keeps with them when it is short, at most three columns (LibreOffice moves a kept paragraph whole,
        in vertical pages too: measured), and not the only one."""
        body = [p for p in paragraphs(self.mn.body) if not p.is_roster]
        if len(body) < 2 or self.mn.attachments or len(body[-1].text) > 3 * MN_LETTERS_PER_COLUMN:
            return
        last = self.document.element.body.findall(qn("w:p"))[-1]
        child(last.get_or_add_pPr(), "w:keepNext")

    def signature(self):
        data = self.mn
        if not data.signature_organ and not data.signed_on:
            return
        self.keep_with_the_signature()
        self.blank(2 if data.with_seal else 1, keep_with_next=True)
        if data.signature_organ:
            organ = self.text_paragraph(L.STYLE_MN_SIGNATURE, data.signature_organ, end_indent_chars=2)
            child(organ._p.get_or_add_pPr(), "w:keepNext")
        if data.signed_on:
            self.text_paragraph(L.STYLE_MN_SIGNATURE, mn_date(data.signed_on), end_indent_chars=2)
        if data.note:
            self.text_paragraph(L.STYLE_MN_BODY, f"({data.note})")

    def distributed_documents(self):
        for title, body in self.mn.documents:
            first = self.text_paragraph(L.STYLE_MN_TITLE, title)
            child(first._p.get_or_add_pPr(), "w:pageBreakBefore")
            self.blank()
            self.text(body)

    def imprint(self):
        """版记 after the text of the last page, its rows columns between rules down the page: thick, thin between
        rows, thick. Not floated to the page's far edge as the Chinese version's is: LibreOffice places a floating
        table on a vertical page where the text is, over it (measured), so the 版记 follows the text."""
        data = self.mn
        rows = []
        if data.cc_text:
            rows.append((f"{CC_LABEL}{MN_COLON} {data.cc_text}", ""))
        imprinted = f"{mn_date(data.imprinted_on)} {IMPRINTED}" if data.imprinted_on else ""
        if data.imprint_organ or imprinted:
            rows.append((data.imprint_organ, imprinted))  # the organ at the top, the date at the foot
        if not rows:
            return
        self.blank(2)
        self.rule(L.IMPRINT_RULE_OUTER_EIGHTHS)
        for index, (text, at_the_foot) in enumerate(rows):
            paragraph = self.text_paragraph(L.STYLE_MN_ADDRESSEE, text)
            ppr = paragraph._p.get_or_add_pPr()
            child(ppr, "w:keepNext")  # the 版记 stays together on one page
            child(ppr, "w:keepLines")
            set_attrs(child(ppr, "w:ind"), left=self.char, right=self.char)  # one character in from each end
            if at_the_foot:
                tab = OxmlElement("w:tab")
                set_attrs(tab, val="right", pos=mm_to_twips(L.TEXT_HEIGHT_MM) - 2 * self.char)
                child(ppr, "w:tabs").append(tab)
                run = paragraph.add_run()
                run.add_break()  # a column of its own: the organ's name is long in Mongolian
                run.add_tab()
                self.add_text(paragraph, at_the_foot)
            last = index == len(rows) - 1
            self.rule(L.IMPRINT_RULE_OUTER_EIGHTHS if last else L.IMPRINT_RULE_INNER_EIGHTHS, keep_with_next=not last)

    def rule(self, size_eighths: int, *, keep_with_next: bool = True) -> None:
        """A rule down the whole column: the border of an empty paragraph a point wide, not indented (a paragraph's
        border is as long as its indented text, and the 版记's rows are one character in)."""
        paragraph = self.new_paragraph(L.STYLE_MN_BODY)
        ppr = paragraph._p.get_or_add_pPr()
        if keep_with_next:
            child(ppr, "w:keepNext")
        set_border(ppr, "right", size_eighths=size_eighths, color=L.BLACK)
        set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=20, lineRule="exact")
        set_attrs(child(ppr, "w:ind"), firstLine=0, left=0, right=0)

    def vertical(self) -> None:
        sect_pr = self.document.sections[0]._sectPr
        direction = OxmlElement("w:textDirection")
        set_attrs(direction, val="tbLrV")
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is not None:
            grid.addprevious(direction)
        else:
            sect_pr.append(direction)

    def render(self) -> bytes:
        data = self.mn
        self.vertical()
        self.header()
        self.blank(2)
        self.text_paragraph(L.STYLE_MN_TITLE, data.title)
        if data.addressee_text:
            self.blank()
            self.text_paragraph(L.STYLE_MN_ADDRESSEE, data.addressee_text)
        self.text(data.body)
        self.attachment_note()
        self.signature()
        self.distributed_documents()
        self.imprint()
        self.page_numbers()
        props = self.document.core_properties
        props.title = data.title
        props.created = props.modified = data.timestamp.replace(tzinfo=None, microsecond=0)
        props.author = props.last_modified_by = "bureau-intranet"
        props.revision = 1
        return save_deterministic(self.document)


def render_mongolian(data: MongolianData) -> bytes:
    return MongolianRenderer(data).render()
