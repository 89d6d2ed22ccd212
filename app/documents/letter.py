"""信函 (GB/T 9704-2012 §10.1): a 函 to another organ, on letter paper rather than under a 文件 header.

The first page differs from the 文件 format; the rest is the same (Renderer):

- the organ's full name as the mark, its top 30 mm below the top of the page, that is above the text block (37 mm);
  so it goes in the first page's own header (w:titlePg), with the first red double rule (thick above thin) as that
  paragraph's bottom border, 170 mm long and centred on the page. A header that reaches past the top margin pushes
  the text down (LibreOffice, measured; Word does so too), so the first page's text begins under the rule;
- the second red double rule (thin above thick), 20 mm above the bottom of the page, is below the text block and the
  footer: two drawn lines anchored to the page in the first page's footer (a paragraph or a frame there stays inside
  the footer, measured). First page only, as §10.1's figure shows it; the first page shows no page number;
- 份号, 密级和保密期限 and 紧急程度 flush left under the rule, one a line; 发文字号 flush right on the first of them;
- the 版记 without 印发机关 and 印发日期 and without rules: 抄送 alone at the foot of the last page's text block.
"""

from __future__ import annotations

import dataclasses

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents.gongwen import Renderer
from app.documents.ooxml import (
    EMU_PER_MM,
    MM_PER_PT,
    child,
    mm_to_twips,
    page_anchored_shape,
    pt_to_twips,
    set_attrs,
    set_size,
)
from app.documents.titles import title_lines
from app.documents.widths import body_lines, text_width_chars

_LINE = """<wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{length}" cy="0"/></a:xfrm>
<a:prstGeom prst="line"><a:avLst/></a:prstGeom>
<a:ln w="{width}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/>
"""


def drawn_line(shape_id: int, name: str, *, left_mm: float, middle_mm: float, length_mm: float, width_pt: float):
    """A red horizontal line anchored to the page: its left end left_mm from the page's left edge, the middle of its
    stroke middle_mm below the page's top edge."""
    length = round(length_mm * EMU_PER_MM)
    line = _LINE.format(length=length, width=round(width_pt * MM_PER_PT * EMU_PER_MM), color=L.RED)
    return parse_xml(
        page_anchored_shape(
            shape_id, name, x=round(left_mm * EMU_PER_MM), y=round(middle_mm * EMU_PER_MM), cx=length, cy=0, shape=line
        )
    )


class LetterRenderer(Renderer):
    """The 信函 format: Renderer's notice with the letter's first page and 版记."""

    # The parts that differ, top to bottom

    def header(self):
        """The letterhead (the mark and the first double rule) over the first page, the second double rule under
        it, and the elements under the first rule."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        self.letterhead(section)
        self.lower_rule(section)
        self.elements_under_the_rule()

    def mark_text(self) -> str:
        """The issuing organ's full name; for 联合行文 the lead organ's alone (§10.1)."""
        return self.data.organ_name or self.data.signature_organ

    def letterhead(self, section):
        header = section.first_page_header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        ppr = paragraph._p.get_or_add_pPr()
        ppr.style = self.style_ids[L.STYLE_MARK]
        text = self.mark_text()
        # One line across the text block: 一号, smaller for a name too long for it (17 characters and more).
        size = min(L.LETTER_MARK_PT, L.TEXT_WIDTH_MM / MM_PER_PT / max(1.0, text_width_chars(text)))
        size = int(size * 2) / 2  # Word's sizes go by half points
        # The header starts header_distance below the page's top; the line is as high as the type, so that the mark
        # keeps its top edge 30 mm down at any size.
        before = L.LETTER_MARK_TOP_MM - section.header_distance.mm - L.LETTER_MARK_INK_BELOW_LINE_TOP_MM
        set_attrs(
            child(ppr, "w:spacing"), before=mm_to_twips(before), after=0, line=pt_to_twips(size), lineRule="exact"
        )
        # As wide as the rules, 170 mm centred on the page, so the mark is centred on the page with them.
        outside = (L.PAGE_WIDTH_MM - L.LETTER_RULE_LENGTH_MM) / 2
        set_attrs(
            child(ppr, "w:ind"),
            left=-mm_to_twips(L.MARGIN_LEFT_MM - outside),
            right=-mm_to_twips(L.MARGIN_RIGHT_MM - outside),
        )
        edge = child(child(ppr, "w:pBdr"), "w:bottom")
        set_attrs(edge, val="thickThinSmallGap", sz=L.LETTER_RULE_EIGHTHS, space=L.LETTER_RULE_SPACE_PT, color=L.RED)
        self.add_text(paragraph, text)
        for run in paragraph.runs:
            set_size(run._r.get_or_add_rPr(), size)

    def lower_rule(self, section):
        """Thin above thick, its lower edge 20 mm above the page's bottom edge: two lines drawn in the first page's
        footer, which holds no page number (§10.1: 首页不显示页码)."""
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph._p.get_or_add_pPr().style = self.style_ids[L.STYLE_PAGE_NUMBER]
        left = (L.PAGE_WIDTH_MM - L.LETTER_RULE_LENGTH_MM) / 2
        bottom = L.PAGE_HEIGHT_MM - L.LETTER_RULE_ABOVE_PAGE_BOTTOM_MM
        thick, gap, thin = (
            pt * MM_PER_PT for pt in (L.LETTER_RULE_THICK_PT, L.LETTER_RULE_GAP_PT, L.LETTER_RULE_THIN_PT)
        )
        for shape_id, name, middle, width in (
            (9704, "信函 rule, thin", bottom - thick - gap - thin / 2, L.LETTER_RULE_THIN_PT),
            (9705, "信函 rule, thick", bottom - thick / 2, L.LETTER_RULE_THICK_PT),
        ):
            line = drawn_line(
                shape_id, name, left_mm=left, middle_mm=middle, length_mm=L.LETTER_RULE_LENGTH_MM, width_pt=width
            )
            paragraph._p.append(line)

    def elements(self) -> list[tuple[str, str | None]]:
        """份号, 密级和保密期限 (秘密★1年), 紧急程度: those the letter has, in that order (§10.1), with their fonts:
        份号 in the text's 仿宋, the others in 3号黑体 (§7.2.2, §7.2.3)."""
        data = self.data
        secrecy = data.classification + (f"★{data.classification_period}" if data.classification_period else "")
        elements = (
            (data.copy_number, None),
            (secrecy if data.classification else "", L.HEITI),
            (data.urgency, L.HEITI),
        )
        return [(text, font) for text, font in elements if text]

    def elements_under_the_rule(self):
        """Flush left, one a line; the 发文字号 flush right on the first line. The first line's characters begin 7/8
        of a 3号 character under the rule."""
        elements = self.elements() or [("", None)]
        before = mm_to_twips(L.LETTER_ELEMENTS_BELOW_RULE_MM - L.LETTER_TEXT_BELOW_HEADER_MM)
        for index, (text, font) in enumerate(elements):
            paragraph = self.paragraph(L.STYLE_ADDRESSEE, before=before if index == 0 else 0)
            ppr = paragraph._p.get_or_add_pPr()
            set_attrs(child(ppr, "w:jc"), val="left")
            if text:
                self.add_text(paragraph, text, font=font)
            if index == 0:
                tab = OxmlElement("w:tab")
                set_attrs(tab, val="right", pos=L.TEXT_WIDTH_TWIPS)
                child(ppr, "w:tabs").append(tab)
                paragraph.add_run().add_tab()
                self.add_text(paragraph, self.data.number)

    def addressees_fit_the_first_page(self) -> bool:
        """As Renderer's, on the letter's first page: 21 lines from the first element's, the elements' lines, two
        blank ones, the title's, a blank one; then the addressees and at least two lines of text."""
        lines = len(self.elements() or [("", None)]) + 2 + len(title_lines(self.data.title)) + 1
        return body_lines(self.data.addressee_text) <= L.LETTER_FIRST_PAGE_LINES - lines - 2

    def imprint(self):
        """§10.1: 版记不加印发机关和印发日期、分隔线: Renderer's 版记 without its last row and its rules, 抄送 (and 主送
        that did not fit the first page) at the foot of the last page's text block."""
        data, tables = self.data, len(self.document.tables)
        self.data = dataclasses.replace(data, imprint_organ="", imprinted_on=None)
        try:
            super().imprint()
        finally:
            self.data = data
        if len(self.document.tables) == tables:
            return
        table = self.document.tables[-1]._tbl
        # The table's rules, and a cell's own (the 公开属性 row above the 版记 draws the 版记's first rule as its
        # cell's bottom border).
        for borders in (table.tblPr.find(qn("w:tblBorders")), *table.iter(qn("w:tcBorders"))):
            if borders is None:
                continue
            for edge in borders:
                for attr in list(edge.attrib):
                    del edge.attrib[attr]
                set_attrs(edge, val="nil")

    def page_numbers(self):
        """Renderer's, but none on the first page (§10.1): its footer (w:titlePg) holds only the second rule."""
        self.document.sections[0].different_first_page_header_footer = True
        super().page_numbers()
