"""A notice as a .docx in the official format (GB/T 9704-2012).

render_gongwen(data) -> bytes. The styles come from docx_templates/gongwen.docx by name; the numbers
from app/documents/layout.py. The same data gives the same bytes: fixed document properties and zip
entry dates, so an issued notice's SHA-256 means something.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.core.dates import cn_date
from app.documents import layout as L
from app.documents.attachment_pages import print_attachments
from app.documents.body_tables import print_body_table
from app.documents.carried import carry_in_docx
from app.documents.ooxml import (
    child,
    mm_to_twips,
    pt_to_twips,
    set_attrs,
    set_bold,
    set_border,
    set_cell_border,
    set_fonts,
    set_lang,
    set_size,
)
from app.documents.package import base_file, save_deterministic
from app.documents.scripts import script_runs
from app.documents.text import paragraphs
from app.documents.titles import title_lines
from app.documents.widths import body_lines, line_starts, text_width_chars


@dataclass(frozen=True)
class RosterLine:
    role: str  # 组长, 副组长, 成员 …
    who: str  # a name, or a description ("各高中学校书记、校长…")
    title: str  # 职务
    is_description: bool = False


@dataclass(frozen=True)
class Meeting:
    """A 纪要's meeting (§10.3): when and where, who chaired, who attended (出席), sat in (列席) or was away (请假)."""

    date: date | None = None
    place: str = ""
    chair: str = ""
    attendees: tuple[str, ...] = ()
    observers: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrintedAttachment:
    """An attachment printed after the text as 附件 pages (§7.3.7), from its file: a .docx or a PDF."""

    title: str
    extension: str  # "docx" or "pdf"
    data: bytes


# 公文's formats (§10): 文件 (the default), 信函 (letters to other organs), 纪要 (meeting minutes).
KINDS = ("文件", "信函", "纪要")
URGENCIES = ("特急", "加急")
# 秘密 and above: printed only where the network is approved for classified documents (the notices layer checks).
CLASSIFICATIONS = ("秘密", "机密", "绝密")
DISCLOSURES = ("主动公开", "依申请公开", "不予公开")


@dataclass
class GongwenData:
    """Everything printed on a notice, as plain values (no database objects)."""

    mark: str  # 乌海市教育局文件
    mark_mn: str  # the organ's name in Mongolian script
    header_order: str  # "zh_first" or "mn_first"
    number: str  # 乌教发〔2023〕75号, or a placeholder for a draft
    title: str
    addressee_text: str
    body: str
    signature_organ: str
    signed_on: date | None
    with_seal: bool = True
    note: str = ""
    attachments: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    label_documents: bool = False
    cc_text: str = ""
    imprint_organ: str = ""
    imprinted_on: date | None = None
    # Rosters printed where the text says {{roster}} (key None) or {{roster:NAME}} (key NAME).
    rosters: dict[str | None, list[RosterLine]] = field(default_factory=dict)
    timestamp: datetime = datetime(2000, 1, 1)
    kind: str = "文件"  # one of KINDS
    # The elements above the mark (§7.2.1–§7.2.3), each empty when the notice has none.
    copy_number: str = ""  # 份号 of this copy: six digits, "000123"
    classification: str = ""  # 密级, one of CLASSIFICATIONS
    classification_period: str = ""  # 保密期限: "1年"
    urgency: str = ""  # 紧急程度, one of URGENCIES
    # 签发人 (§7.2.6), in order: given, the notice is a 上行文 and the number moves left.
    signers: list[str] = field(default_factory=list)
    # 联合行文 (§7.2.4, §7.3.5): the lead organ's name (乌海市教育局) and the other issuing organs' names, in order.
    # With joint organs the mark stacks the names, 文件 to their right, and each organ signs (the lead's signature
    # being signature_organ, the others' their names).
    organ_name: str = ""
    joint_organs: list[str] = field(default_factory=list)
    # 公开属性: one of DISCLOSURES, the reason for 不予公开, and where local practice prints it: in the 附注 line
    # (False) or above the 版记 (True).
    disclosure: str = ""
    disclosure_reason: str = ""
    disclosure_above_imprint: bool = False
    meeting: Meeting | None = None  # 纪要 only
    # Attachments printed as pages after the text and the distributed documents, before the 版记 (§7.3.7).
    printed_attachments: list[PrintedAttachment] = field(default_factory=list)
    # Files the .docx carries unchanged, (name, bytes): a forwarding notice's original PDF (app/documents/carried.py).
    carried_files: list[tuple[str, bytes]] = field(default_factory=list)


def unsealed_indents(organ_width: float, date_width: float) -> tuple[float, float]:
    """§7.3.5.2, in characters from the right: the organ two in; the date under it, its first character two right of
    the organ's first; a date longer than the organ two in, and the organ as far left as that asks."""
    organ_right = 2.0
    date_right = organ_right + organ_width - date_width - 2
    if date_right < 2:
        date_right = 2.0
        organ_right = date_right + date_width + 2 - organ_width
    return organ_right, date_right


def seals_per_row(organs: list[str]) -> int:
    """§7.3.5.1: at most three seals a row, fewer when a name is too wide for its share of the block."""
    char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
    widest = max(text_width_chars(name) for name in organs) * char
    return next((n for n in range(L.SEALS_PER_ROW, 1, -1) if widest <= L.TEXT_WIDTH_TWIPS / n - char), 1)


class Renderer:
    def __init__(self, data: GongwenData):
        self.data = data
        template, self.style_ids = base_file()
        self.document = Document(io.BytesIO(template))

    # Building blocks

    def new_paragraph(self, style: str, container=None):
        """An empty paragraph in the style (by its cached id), at the end of the body or the container."""
        paragraph = (container or self.document).add_paragraph()
        paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        return paragraph

    def paragraph(self, style: str, text: str = "", *, bold_lead: str = "", before: int = 0):
        paragraph = self.new_paragraph(style)
        if before:
            set_attrs(child(paragraph._p.get_or_add_pPr(), "w:spacing"), before=before)
        if bold_lead:
            self.add_text(paragraph, bold_lead, bold=True)
        if text:
            self.add_text(paragraph, text)
        return paragraph

    def add_text(self, paragraph, text: str, *, bold: bool = False, font: str | None = None):
        """Runs for the text, split by script so Mongolian is set in the Mongolian font."""
        for piece, mongolian in script_runs(text):
            if mongolian:
                self.run(paragraph, piece, bold=bold, font=L.MONGOLIAN, mongolian=True)
            else:
                self.run(paragraph, piece, bold=bold, font=font)

    def run(self, paragraph, text: str, *, bold=False, font=None, mongolian=False):
        run = paragraph.add_run(text)
        if bold or font or mongolian:
            rpr = run._r.get_or_add_rPr()
            if font:
                set_fonts(rpr, font, hint=None if mongolian else "eastAsia")
            if bold:
                set_bold(rpr)
            if mongolian:
                set_lang(rpr, val="mn-Mong-CN", east_asia="zh-CN", bidi="mn-Mong-CN")
        return run

    # The parts of a notice, top to bottom

    def header(self):
        """版头 (§7.2), top to bottom: 份号, 密级和保密期限 and 紧急程度 on the first lines of the text block; the mark
        (联合行文: the organs' names stacked, 文件 beside them), its top edge 35 mm below the top of the block (a
        上行文's too: GB/T 9704-2012 has one first page for every direction); two lines under it the number (a
        上行文's one character in, with 签发人 on its line); the red rule 4 mm under the number."""
        data = self.data
        above = self.elements_above_the_mark()
        # The mark's top edge stays where it is: the lines above it come out of the space before it.
        top = mm_to_twips(L.MARK_TOP_MM) - L.lines(len(above))
        if data.joint_organs:
            self.joint_mark(top)
            # The number as far under the Mongolian line as in a single organ's header.
            ink = mm_to_twips(L.MARK_INK_BELOW_LINE_TOP_MM)
        else:
            mark = lambda before: self.paragraph(L.STYLE_MARK, data.mark, before=before)  # noqa: E731
            mongolian = lambda before: self.mongolian_mark(before)  # noqa: E731
            parts = [mark, mongolian] if data.header_order != "mn_first" else [mongolian, mark]
            # The top of the mark's ink 35 mm down: its line starts higher by the glyphs' offset in it, and the number
            # lower by as much, so that everything from the number down stays on its lines.
            ink = mm_to_twips(L.MARK_INK_BELOW_LINE_TOP_MM) if parts[0] is mark else 0
            parts[0](top - ink)
            parts[1](0)
        if data.signers:
            number = self.number_and_signers(before=L.lines(2) + ink)
        else:
            number = self.paragraph(L.STYLE_NUMBER, data.number, before=L.lines(2) + ink)
        # The red rule as wide as the text block, 4 mm under the number.
        set_border(
            number._p.get_or_add_pPr(),
            "bottom",
            size_eighths=L.RULE_EIGHTHS,
            color=L.RED,
            space_pt=L.RULE_SPACE_PT,
        )

    def elements_above_the_mark(self) -> list:
        """份号 (§7.2.1), 密级和保密期限 (§7.2.2: 秘密★1年) and 紧急程度 (§7.2.3): those the notice has, in that order,
        flush left on the text block's first lines, one a line; 份号 in 仿宋, the others in 黑体. Their paragraphs."""
        data = self.data
        secrecy = data.classification
        if secrecy and data.classification_period:
            secrecy += L.SECRECY_STAR + data.classification_period
        printed = []
        for text, font in (
            (data.copy_number, None),
            (secrecy, L.ELEMENTS_ABOVE_THE_MARK_FONT),
            (data.urgency, L.ELEMENTS_ABOVE_THE_MARK_FONT),
        ):
            if text:
                paragraph = self.new_paragraph(L.STYLE_NUMBER)  # an exact 3号 line, as the text's
                set_attrs(child(paragraph._p.get_or_add_pPr(), "w:jc"), val="left")
                self.add_text(paragraph, text, font=font)
                printed.append(paragraph)
        return printed

    def joint_mark(self, top: int):
        """§7.2.4 联合行文: the organs' names stacked, the lead organ's first, each centred in their column, and 文件 to
        their right, centred on the stack's height ("以联署发文机关名称为准上下居中排布"): a borderless table centred
        on the block, in red 小标宋 as large as fits the block's width (at most the single mark's 36 pt). Its top edge
        `top` below the top of the block (an empty line as high as the space above it, less the ink's offset in its
        line); the Mongolian name line under it."""
        data = self.data
        names = [data.organ_name or data.mark.removesuffix("文件"), *data.joint_organs]
        suffix = "文件" if data.mark.endswith("文件") else ""
        widest = max(text_width_chars(name) for name in names)
        ems = widest + (L.JOINT_MARK_GAP_EMS + text_width_chars(suffix) if suffix else 0)
        # A little slack in the names' column, so that the widest never wraps in it: taken from the gap before 文件
        # (right-aligned in its column), or from the block's width.
        slack = 40
        width = L.TEXT_WIDTH_TWIPS - (0 if suffix else slack)
        size = min(L.MARK_PT, int(width / pt_to_twips(1) / ems * 2) / 2)  # Word's sizes go by half points
        line = pt_to_twips(size * L.MARK_LINE_RATIO)
        ink = mm_to_twips(L.MARK_INK_BELOW_LINE_TOP_MM * size / L.MARK_PT)
        space = self.new_paragraph(L.STYLE_MARK)
        set_attrs(child(space._p.get_or_add_pPr(), "w:spacing"), before=0, after=0, line=top - ink, lineRule="exact")
        widths = [pt_to_twips(widest * size) + slack]
        if suffix:
            widths.append(pt_to_twips((L.JOINT_MARK_GAP_EMS + text_width_chars(suffix)) * size) - slack)
        table = self.document.add_table(rows=0, cols=len(widths))
        tbl = table._tbl
        tblpr = tbl.tblPr
        set_attrs(child(tblpr, "w:tblW"), w=sum(widths), type="dxa")
        set_attrs(child(tblpr, "w:jc"), val="center")
        set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
        margins = child(tblpr, "w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            set_attrs(child(margins, f"w:{side}"), w=0, type="dxa")
        for col, width in zip(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")), widths, strict=True):
            set_attrs(col, w=width)
        for index, name in enumerate(names):
            cells = table.add_row().cells
            texts = [name] + ([suffix if index == 0 else ""] if suffix else [])
            for column, (cell, text, width) in enumerate(zip(cells, texts, widths, strict=True)):
                tcpr = cell._tc.get_or_add_tcPr()
                set_attrs(child(tcpr, "w:tcW"), w=width, type="dxa")
                if column == 1:  # 文件: one cell over all the rows, its line in the middle
                    set_attrs(child(tcpr, "w:vMerge"), **({"val": "restart"} if index == 0 else {}))
                    set_attrs(child(tcpr, "w:vAlign"), val="center")
                paragraph = cell.paragraphs[0]
                ppr = paragraph._p.get_or_add_pPr()
                ppr.style = self.style_ids[L.STYLE_MARK]
                set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=line, lineRule="exact")
                set_attrs(child(ppr, "w:jc"), val="right" if column == 1 else "center")
                if text:
                    self.run(paragraph, text)
                    set_size(paragraph.runs[-1]._r.get_or_add_rPr(), size)
        self.mongolian_mark(0)

    def number_and_signers(self, *, before: int):
        """A 上行文's number and 签发人 (§7.2.5, §7.2.6): "签发人：" in 3号仿宋 and the names in 3号楷体, two a line,
        right-aligned one character in, a wrapped line's first name under the first name of the line above; the
        number one character in from the left, on the line of the last names. Tab stops place them, so that the
        paragraphs, and the red rule under the last, span the text block. Returns the number's paragraph."""
        data = self.data
        char = pt_to_twips(L.SIZE_3)  # GW Number sets its characters without spacing
        per_line = L.SIGNERS_PER_LINE
        lines = ["\u3000".join(data.signers[at : at + per_line]) for at in range(0, len(data.signers), per_line)]
        names_at = L.TEXT_WIDTH_TWIPS - char - max(round(text_width_chars(line) * char) for line in lines)
        label_at = names_at - round(text_width_chars(L.SIGNERS_LABEL) * char)
        paragraph = None
        for index, names in enumerate(lines):
            last = index == len(lines) - 1
            paragraph = self.paragraph(L.STYLE_NUMBER, before=before if index == 0 else 0)
            ppr = paragraph._p.get_or_add_pPr()
            set_attrs(child(ppr, "w:jc"), val="left")
            tabs = child(ppr, "w:tabs")
            for position in ([char] if last else []) + [label_at if index == 0 else names_at]:
                tab = OxmlElement("w:tab")
                set_attrs(tab, val="left", pos=position)
                tabs.append(tab)
            if last:
                paragraph.add_run().add_tab()
                self.add_text(paragraph, data.number)
            paragraph.add_run().add_tab()
            if index == 0:
                self.add_text(paragraph, L.SIGNERS_LABEL)
            self.add_text(paragraph, names, font=L.SIGNERS_FONT)
        return paragraph

    def mongolian_mark(self, before: int):
        paragraph = self.new_paragraph(L.STYLE_MARK_MN)
        if before:
            set_attrs(child(paragraph._p.get_or_add_pPr(), "w:spacing"), before=before)
        text = self.data.mark_mn
        run = self.run(paragraph, text, font=L.MONGOLIAN, mongolian=True)
        # As large as fits one line of the text block (Noto Sans Mongolian: about 0.75 em a letter).
        size = max(10, min(L.MARK_PT * 0.6, L.TEXT_WIDTH_MM / (25.4 / 72) / max(1, len(text) * 0.75)))
        set_size(run._r.get_or_add_rPr(), round(size))
        from docx.shared import RGBColor

        run.font.color.rgb = RGBColor.from_string(L.RED)
        return paragraph

    def title(self, text: str, *, before: int):
        paragraph = self.new_paragraph(L.STYLE_TITLE)
        if before:
            set_attrs(child(paragraph._p.get_or_add_pPr(), "w:spacing"), before=before)
        for index, line in enumerate(title_lines(text)):
            run = self.run(paragraph, line)
            if index:
                run._r.addprevious(_break())
        return paragraph

    def text(self, body: str, *, tail_from: int | None = None):
        """The paragraphs of a text. tail_from: where the last lines of its last paragraph begin, which keep with
        what follows (the signature)."""
        items = paragraphs(body)
        for index, p in enumerate(items):
            if p.table:
                print_body_table(self, p.table)  # on landscape pages of its own (§8)
            elif tail_from and index == len(items) - 1:
                self.paragraph(L.STYLE_BODY, p.text[:tail_from])
                self.paragraph(L.STYLE_BODY_END, p.text[tail_from:])  # flush left, kept with the signature
            elif p.is_roster:
                self.roster(self.data.rosters.get(p.roster_group, []))
            elif p.is_heading:
                self.paragraph(L.STYLE_HEADING[p.level], p.text)
            elif p.lead:
                self.paragraph(L.STYLE_BODY, p.rest, bold_lead=p.lead)
            elif p.heading_lead:
                paragraph = self.new_paragraph(L.STYLE_BODY)
                self.add_text(paragraph, p.heading_lead, font=L.HEADING_FONTS[p.level])
                self.add_text(paragraph, p.text[len(p.heading_lead) :])
            else:
                self.paragraph(L.STYLE_BODY, p.text)

    def roster(self, lines: list[RosterLine]):
        """组  长：董跃飞  市教育局党组书记、局长 — a borderless table, so that roles (two-character ones
        spaced to the width of three), names and 职务 stand in columns and a long entry wraps inside its own.
        """
        if not lines:
            return
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        # A little slack in the first column: "组　长：" is exactly four characters wide.
        widths = [6 * char + 60, 5 * char, L.TEXT_WIDTH_TWIPS - 11 * char - 60]
        table = self.document.add_table(rows=0, cols=3)
        tbl = table._tbl
        tblpr = tbl.tblPr
        set_attrs(child(tblpr, "w:tblW"), w=sum(widths), type="dxa")
        set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
        margins = child(tblpr, "w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            set_attrs(child(margins, f"w:{side}"), w=0, type="dxa")
        grid = tbl.find(qn("w:tblGrid"))
        for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
            set_attrs(col, w=width)
        previous = None
        for line in lines:
            row = table.add_row()
            cells = row.cells
            role = line.role if line.role != previous else ""
            label = (f"{role[0]}\u3000{role[1]}" if len(role) == 2 else role) + "：" if role else ""
            texts = [label, line.who, line.title]
            if line.is_description:
                cells[1].merge(cells[2])
                texts = [label, line.who]
            for cell, text, width in zip(row.cells, texts, widths, strict=False):
                set_attrs(child(cell._tc.get_or_add_tcPr(), "w:tcW"), w=width, type="dxa")
                paragraph = cell.paragraphs[0]
                paragraph._p.get_or_add_pPr().style = self.style_ids[L.STYLE_ROSTER]
                self.add_text(paragraph, text)
            first = row.cells[0].paragraphs[0]
            set_attrs(child(first._p.get_or_add_pPr(), "w:ind"), left=2 * char)
            previous = line.role

    def attachment_note(self):
        """附件：1.××× one line below the text, names aligned under each other."""
        names = self.data.attachments
        if not names:
            return
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        numbered = len(names) > 1
        number_width = char if numbered else 0
        for index, name in enumerate(names, start=1):
            paragraph = self.new_paragraph(L.STYLE_ATTACHMENT_NOTE)
            ppr = paragraph._p.get_or_add_pPr()
            left = 5 * char + number_width
            if index == 1:
                set_attrs(child(ppr, "w:spacing"), before=L.lines(1))
                set_attrs(child(ppr, "w:ind"), left=left, hanging=left - 2 * char)
                self.add_text(paragraph, "附件：" + (f"{index}." if numbered else "") + name)
            else:
                set_attrs(child(ppr, "w:ind"), left=left, hanging=number_width)
                self.add_text(paragraph, f"{index}.{name}")

    def signature_tail(self) -> int | None:
        """§7.3.5: no page may hold the signature and its date alone. The text's last lines keep with the signature,
        so that they go to the next page with it when it does not fit under them: where they begin, in the text's
        last paragraph, or None.

        LibreOffice moves a paragraph that keeps with the next one whole, so a long last paragraph (four lines or
        more), or the only one (whole, it would leave page 1 without text), ends in a paragraph of its own: its last
        two lines, or its last line where it has three or fewer; flush left, as the same paragraph going on. Its
        lines are counted where the count is sure (Chinese characters only, no break beside a mark that 禁则 moves):
        otherwise, and for a short last paragraph of several (which keeps with the signature whole), None.
        """
        items = paragraphs(self.data.body)
        if not items or not (self.data.signature_organ or self.data.signed_on):
            return None
        last = items[-1]
        if last.level is not None or last.lead or last.is_roster:
            return None
        starts = line_starts(last.text)
        if starts is None or len(starts) < 2 or (len(items) > 1 and len(starts) <= 3):
            return None
        return starts[-2] if len(starts) >= 4 else starts[-1]

    def keep_with_the_signature(self, body_paragraphs: int):
        """§7.3.5: no page should hold only the signature and its date. The text's last paragraph keeps with the
        signature, so that it moves to the next page with them, when it is short (LibreOffice moves a kept
        paragraph whole) and not the only one (the first page must show text)."""
        if not (self.data.signature_organ or self.data.signed_on) or body_paragraphs < 2:
            return
        last = self.document.element.body.findall(qn("w:p"))[-1]
        text = "".join(t.text or "" for t in last.iter(qn("w:t")))
        if body_lines("\u3000\u3000" + text) <= 3:  # with its first-line indent
            child(last.get_or_add_pPr(), "w:keepNext")

    def signature(self):
        """§7.3.5: the organ centred over the date (sealed), or right-aligned two characters in (unsealed); a 联合行文's
        organs side by side (sealed) or one under another (unsealed). Then the 附注 lines."""
        data = self.data
        if not data.signature_organ and not data.signed_on:
            return
        if data.signature_organ and data.joint_organs:
            self.joint_signature([data.signature_organ, *data.joint_organs])
            self.notes()
            return
        date_text = cn_date(data.signed_on) if data.signed_on else ""
        organ_width, date_width = text_width_chars(data.signature_organ), text_width_chars(date_text)
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        if data.with_seal:
            # The date four characters from the right; the organ centred on the date, above it;
            # room above for the seal, whose top stays within a line of the text.
            date_right = 4.0
            organ_right = date_right + (date_width - organ_width) / 2
            blank_before = L.SEAL_ROOM_LINES
        else:
            organ_right, date_right = unsealed_indents(organ_width, date_width)
            blank_before = 1
        if data.signature_organ:
            organ = self.paragraph(L.STYLE_SIGNATURE, data.signature_organ, before=L.lines(blank_before))
            set_attrs(child(organ._p.get_or_add_pPr(), "w:ind"), right=round(organ_right * char))
            if date_text:
                child(organ._p.get_or_add_pPr(), "w:keepNext")  # the organ and its date on one page
        if date_text:
            dated = self.paragraph(L.STYLE_DATE, date_text, before=0 if data.signature_organ else L.lines(1))
            set_attrs(child(dated._p.get_or_add_pPr(), "w:ind"), right=round(date_right * char))
        self.notes()

    def joint_signature(self, organs: list[str]):
        """§7.3.5 联合行文, the lead organ first. Sealed: the names side by side, evenly spaced across the block, at
        most three a row (a last row of fewer centred, as the standard wants its seals), each name centred where its
        seal goes, each row with the room a single signature leaves for its seal; the date under the last row, four
        characters from the right. Unsealed (§7.3.5.2, "先编排主办机关署名，其余发文机关署名依次向下编排"): each name
        on a line of its own, right-aligned as a single one, the date under the last as under a single one. All on
        one page (each line keeps with the next)."""
        data = self.data
        date_text = cn_date(data.signed_on) if data.signed_on else ""
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        if data.with_seal:
            per_row = seals_per_row(organs)
            rows = [organs[at : at + per_row] for at in range(0, len(organs), per_row)]
            pitch = L.TEXT_WIDTH_TWIPS / min(per_row, len(organs))
            for index, row in enumerate(rows):
                # Over the first row the blank lines a single seal has; over the next also the line under the row
                # before, which a single signature's date takes.
                before = L.lines(L.SEAL_ROOM_LINES + (1 if index else 0))
                paragraph = self.paragraph(L.STYLE_SIGNATURE, before=before)
                ppr = paragraph._p.get_or_add_pPr()
                set_attrs(child(ppr, "w:jc"), val="left")
                tabs = child(ppr, "w:tabs")
                for position, name in enumerate(row):
                    tab = OxmlElement("w:tab")
                    centre = L.TEXT_WIDTH_TWIPS / 2 + (position - (len(row) - 1) / 2) * pitch
                    set_attrs(tab, val="center", pos=round(centre))
                    tabs.append(tab)
                    paragraph.add_run().add_tab()
                    self.add_text(paragraph, name)
                if date_text or index < len(rows) - 1:
                    child(ppr, "w:keepNext")
            date_right = 4.0
        else:
            organ_right, date_right = unsealed_indents(text_width_chars(organs[-1]), text_width_chars(date_text))
            for index, name in enumerate(organs):
                organ = self.paragraph(L.STYLE_SIGNATURE, name, before=L.lines(1) if index == 0 else 0)
                set_attrs(child(organ._p.get_or_add_pPr(), "w:ind"), right=round(organ_right * char))
                if date_text or index < len(organs) - 1:
                    child(organ._p.get_or_add_pPr(), "w:keepNext")
        if date_text:
            dated = self.paragraph(L.STYLE_DATE, date_text)
            set_attrs(child(dated._p.get_or_add_pPr(), "w:ind"), right=round(date_right * char))

    def notes(self):
        """附注 (§7.3.6), in brackets, two characters in, on the lines under the date: the note, then the 公开属性
        where it prints there (not above the 版记)."""
        data = self.data
        if data.note:
            self.paragraph(L.STYLE_NOTE, f"（{data.note}）")
        if data.disclosure and not data.disclosure_above_imprint:
            self.paragraph(L.STYLE_NOTE, self.disclosure_text())

    def disclosure_text(self) -> str:
        """公开属性 as printed: （此件主动公开）, （此件依申请公开）, （此件不予公开，<the reason>）."""
        data = self.data
        if not data.disclosure:
            return ""
        reason = f"，{data.disclosure_reason}" if data.disclosure == "不予公开" and data.disclosure_reason else ""
        return f"（{L.DISCLOSURE_TEXTS[data.disclosure]}{reason}）"

    def distributed_documents(self):
        for index, (title, body) in enumerate(self.data.documents, start=1):
            first = None
            if self.data.label_documents:
                label = "附件" + (str(index) if len(self.data.documents) > 1 else "")
                first = self.paragraph(L.STYLE_ATTACHMENT_LABEL, label)
                self.title(title, before=L.lines(1))
            else:
                first = self.title(title, before=0)
            child(first._p.get_or_add_pPr(), "w:pageBreakBefore")
            self.paragraph(L.STYLE_BODY, "", before=0)  # the line between title and text
            self.text(body)

    def imprint(self):
        """版记 at the foot of the last page (§7.4): 主送 (when moved here), 抄送, then 印发机关 and 印发日期.

        A table floating at the bottom of the text block, so that Word and LibreOffice alike put it on the foot of
        the page the text ends on, with its last rule on the block's bottom edge: thick rules first and last, thin
        ones between (§7.4.1). Rows are 4号 type, one character in from each side; a row that wraps (a long 抄送)
        goes on under the first name after the colon (§7.4.2). The 公开属性, where local practice prints it above the
        版记, is the table's first row, over the first rule: a line of 3号仿宋, one character in.
        """
        data = self.data
        rows = []
        if data.addressee_text and not self.addressees_fit_the_first_page():
            # Marked as 抄送 is (§7.3.3): organs separated by commas, a full stop after the last.
            names = data.addressee_text.rstrip("：:").replace("、", "，")
            rows.append(("主送：", names + "。", ""))
        if data.cc_text:
            rows.append(("抄送：", data.cc_text.rstrip("。") + "。", ""))
        imprinted = cn_date(data.imprinted_on) + "印发" if data.imprinted_on else ""
        if data.imprint_organ or imprinted:
            rows.append(("", data.imprint_organ, imprinted))
        disclosure = self.disclosure_text() if data.disclosure_above_imprint else ""
        if not rows and not disclosure:
            return
        one_char = pt_to_twips(L.SIZE_4)
        width = L.TEXT_WIDTH_TWIPS
        table = self.document.add_table(rows=0, cols=1)
        tbl = table._tbl
        tblpr = tbl.tblPr
        set_attrs(
            child(tblpr, "w:tblpPr"),
            leftFromText=0,
            rightFromText=0,
            topFromText=0,
            bottomFromText=0,
            vertAnchor="margin",
            tblpYSpec="bottom",
            # Placed from the page's edge, at the left margin: LibreOffice floats a table as wide as the text block
            # only when it is positioned on the page (a full-width one in the margins it takes for an inline one).
            horzAnchor="page",
            tblpX=mm_to_twips(L.MARGIN_LEFT_MM),
        )
        set_attrs(child(tblpr, "w:tblOverlap"), val="never")
        set_attrs(child(tblpr, "w:tblW"), w=width, type="dxa")
        set_attrs(child(tblpr, "w:tblLayout"), type="fixed")
        borders = child(tblpr, "w:tblBorders")
        for side, size in (
            ("top", L.IMPRINT_RULE_OUTER_EIGHTHS),
            ("bottom", L.IMPRINT_RULE_OUTER_EIGHTHS),
            ("insideH", L.IMPRINT_RULE_INNER_EIGHTHS),
        ):
            set_attrs(child(borders, f"w:{side}"), val="single", sz=size, space=0, color=L.BLACK)
        for side in ("left", "right", "insideV"):
            set_attrs(child(borders, f"w:{side}"), val="nil")
        margins = child(tblpr, "w:tblCellMar")
        for side in ("top", "left", "bottom", "right"):
            set_attrs(child(margins, f"w:{side}"), w=0, type="dxa")
        set_attrs(tbl.find(qn("w:tblGrid")).find(qn("w:gridCol")), w=width)
        if disclosure:
            self.disclosure_row(table, width)
        for index, (label, text, right) in enumerate(rows):
            cell = table.add_row().cells[0]
            set_attrs(child(cell._tc.get_or_add_tcPr(), "w:tcW"), w=width, type="dxa")
            if disclosure and index == 0:  # the first rule, under the disclosure's row
                set_cell_border(cell._tc.get_or_add_tcPr(), "top", size_eighths=L.IMPRINT_RULE_OUTER_EIGHTHS)
            paragraph = cell.paragraphs[0]
            ppr = paragraph._p.get_or_add_pPr()
            ppr.style = self.style_ids[L.STYLE_IMPRINT]
            # One character in from each side; a wrapped line starts under the first character after the label.
            hanging = len(label) * one_char
            set_attrs(child(ppr, "w:ind"), left=one_char + hanging, hanging=hanging, right=one_char)
            if right:
                tabs = child(ppr, "w:tabs")
                tab = OxmlElement("w:tab")
                set_attrs(tab, val="right", pos=width - one_char)  # from the margin, as the indents are
                tabs.append(tab)
            self.add_text(paragraph, label + text)
            if right:
                paragraph.add_run().add_tab()
                self.add_text(paragraph, right)
        # Word ends a document with a paragraph, never a table: an empty one, a point high, holds the anchor.
        closing = self.new_paragraph(L.STYLE_IMPRINT)
        set_attrs(child(closing._p.get_or_add_pPr(), "w:spacing"), before=0, after=0, line=20, lineRule="exact")

    def disclosure_row(self, table, width: int):
        """The 公开属性 above the 版记's first rule: a row without a rule over it, one line of 3号仿宋 one character
        in, its rule under it the 版记's first."""
        tcpr = table.add_row().cells[0]._tc.get_or_add_tcPr()
        set_attrs(child(tcpr, "w:tcW"), w=width, type="dxa")
        set_cell_border(tcpr, "top")
        set_cell_border(tcpr, "bottom", size_eighths=L.IMPRINT_RULE_OUTER_EIGHTHS)
        paragraph = table.rows[-1].cells[0].paragraphs[0]
        ppr = paragraph._p.get_or_add_pPr()
        ppr.style = self.style_ids[L.STYLE_NOTE]
        char = pt_to_twips(L.BODY_PT) + L.CHAR_SPACING_TWIPS
        set_attrs(child(ppr, "w:ind"), left=char, firstLine=0, firstLineChars=0)
        self.add_text(paragraph, self.disclosure_text())

    def page_numbers(self):
        """ "— 1 —" in 4号 宋体, odd pages right and even pages left, one character in."""
        section = self.document.sections[0]
        one_char = pt_to_twips(L.SIZE_4)
        for footer, align, indent in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph._p.get_or_add_pPr().style = self.style_ids[L.STYLE_PAGE_NUMBER]
            ppr = paragraph._p.get_or_add_pPr()
            set_attrs(child(ppr, "w:ind"), **{indent: one_char})
            set_attrs(child(ppr, "w:jc"), val=align)
            self.run(paragraph, "— ")
            _page_field(paragraph)
            self.run(paragraph, " —")

    # The whole notice

    def addressees_fit_the_first_page(self) -> bool:
        """§7.3.3: when the addressees are so many that the first page would show no text, they go to the 版记.

        The first page has FIRST_PAGE_HEADER_LINES of header, the title's lines, a blank line, then the addressees:
        at least two lines of text must follow them.
        """
        left = L.LINES_PER_PAGE - L.FIRST_PAGE_HEADER_LINES - len(title_lines(self.data.title)) - 1
        return body_lines(self.data.addressee_text) <= left - 2

    def render(self) -> bytes:
        data = self.data
        self.header()
        self.title(data.title, before=L.lines(2))
        if data.addressee_text and self.addressees_fit_the_first_page():
            self.paragraph(L.STYLE_ADDRESSEE, data.addressee_text, before=L.lines(1))
        else:
            self.paragraph(L.STYLE_BODY, "")  # the text begins a line below the title, as below the addressees
        self.text(data.body, tail_from=self.signature_tail())
        self.attachment_note()
        self.keep_with_the_signature(len(paragraphs(data.body)) + len(data.attachments))
        self.signature()
        self.distributed_documents()
        print_attachments(self)
        self.imprint()
        self.page_numbers()
        props = self.document.core_properties
        props.title = data.title
        props.created = props.modified = data.timestamp.replace(tzinfo=None, microsecond=0)
        props.author = props.last_modified_by = data.signature_organ or "bureau-intranet"
        props.revision = 1
        for name, blob in data.carried_files:
            carry_in_docx(self.document, name, blob)
        return save_deterministic(self.document)


def _break():
    br = OxmlElement("w:br")
    return br


def _page_field(paragraph) -> None:
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            set_attrs(char, fldCharType=kind)
            run._r.append(char)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
