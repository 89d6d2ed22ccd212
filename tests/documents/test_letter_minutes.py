"""The 信函 (§10.1) and the 纪要 (§10.3) formats of GB/T 9704-2012: their .docx read from its XML, and their PDFs
measured with a ruler, in millimetres from the page's edges.

Three specimens, each converted once: a one-page 函 from 乌海市教育局 to 乌海市人力资源和社会保障局 (份号, 加急,
抄送), a two-page one (份号, 密级 with its 保密期限, 特急; 联合行文 with 乌海市财政局), and a 纪要 with eight attendees
(their line wraps), two who sat in and one away.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import zipfile

import docx
import pymupdf
import pytest
from docx.oxml.ns import qn
from lxml import etree

from app.core.settings import DEFAULT_ORGAN_NAME_MN
from app.documents import layout as L
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, Meeting
from app.documents.pdf import docx_to_pdf
from app.documents.stamping import stamp_copy_number
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, horizontal_rules, ink_bounds, ink_rows, page_count, text_lines

LETTER_BODY = "\n".join(
    (
        "为做好2023年全市中小学教师公开招聘工作，进一步充实基层学校教师队伍，根据自治区有关文件精神，"
        "结合我市教育事业发展实际，我局拟于今年6月组织开展教师公开招聘，现就有关事项商请贵局给予支持。",
        "请贵局在招聘计划核定、招聘公告审核等环节给予指导，协调考点和考务人员，确保笔试和面试平稳有序，"
        "并在聘用人员备案手续办理方面给予便利。",
        "以上事项妥否，请予函复。",
    )
)

LETTER = GongwenData(
    kind="信函",
    mark="乌海市教育局文件",  # what the 文件 format would print: the letter prints the organ's name instead
    mark_mn=DEFAULT_ORGAN_NAME_MN,
    header_order="zh_first",
    number="乌教函〔2023〕12号",
    title="关于商请支持做好教师公开招聘工作的函",
    addressee_text="乌海市人力资源和社会保障局：",
    body=LETTER_BODY,
    signature_organ="乌海市教育局",
    signed_on=datetime.date(2023, 5, 6),
    cc_text="乌海市人民政府办公室",
    imprint_organ="乌海市教育局办公室",  # given, and left out (§10.1)
    imprinted_on=datetime.date(2023, 5, 6),
    organ_name="乌海市教育局",
    copy_number="000012",
    urgency="加急",
)

_PARAGRAPH = (
    "各旗区教育局要把校园安全工作摆在突出位置，坚持预防为主、防治结合，健全学校安全风险防控体系，"
    "落实安全工作责任制，定期开展隐患排查整治，对发现的问题建立台账、限期整改、跟踪问效，确保不留死角。"
)
LONG_LETTER = GongwenData(
    kind="信函",
    mark="乌海市教育局文件",
    mark_mn=DEFAULT_ORGAN_NAME_MN,
    header_order="zh_first",
    number="乌教函〔2023〕15号",
    title="关于联合开展校园及周边安全专项检查的函",
    addressee_text="乌海市公安局：",
    body="\n".join([_PARAGRAPH] * 7),
    signature_organ="乌海市教育局",
    signed_on=datetime.date(2023, 6, 1),
    cc_text="乌海市人民政府办公室，乌海市应急管理局",
    imprint_organ="乌海市教育局办公室",
    imprinted_on=datetime.date(2023, 6, 1),
    organ_name="乌海市教育局",
    joint_organs=["乌海市财政局"],
    copy_number="000003",
    classification="秘密",
    classification_period="1年",
    urgency="特急",
)

ATTENDEES = ("董跃飞", "李建国", "王海燕", "赵志刚", "刘晓东", "陈丽华", "张国强", "孙明辉")
MINUTES = GongwenData(
    kind="纪要",
    mark="乌海市教育局会议纪要",
    mark_mn=DEFAULT_ORGAN_NAME_MN,
    header_order="zh_first",
    number="〔2023〕5号",
    title="2023年第5次局长办公会议纪要",
    addressee_text="各科室、各直属学校：",  # a 纪要 has no 主送: not printed
    body="\n".join(
        (
            "2023年3月10日，局长董跃飞在局三楼会议室主持召开2023年第5次局长办公会议，"
            "研究春季开学安全工作和教师培训计划。现将会议议定事项纪要如下：",
            "一、关于春季开学安全工作",
            "会议要求，各科室要按照职责分工，于3月20日前完成对全市中小学校的开学安全检查，"
            "重点检查校舍、食堂和校车，发现隐患立即整改，检查情况报办公室汇总。",
            "二、关于2023年教师培训计划",
            "会议原则同意人事科提出的2023年教师培训计划，请人事科根据会议意见修改完善后印发执行，"
            "培训经费由计财科按规定予以保障。",
        )
    ),
    signature_organ="",
    signed_on=None,
    imprint_organ="乌海市教育局办公室",
    imprinted_on=datetime.date(2023, 3, 13),
    meeting=Meeting(
        date=datetime.date(2023, 3, 10),
        place="局三楼会议室",
        chair="董跃飞",
        attendees=ATTENDEES,
        observers=("周文斌", "吴秀兰"),
        absent=("郑永红",),
    ),
)

MM = 72 / 25.4  # PDF points per millimetre
HALF_MM = 0.5 * MM
LEFT, RIGHT = L.MARGIN_LEFT_MM * MM, (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM) * MM  # the text block: 28 mm to 184 mm
TOP, BOTTOM = L.MARGIN_TOP_MM * MM, (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * MM  # 37 mm to 262 mm
PAGE_WIDTH, PAGE_HEIGHT = L.PAGE_WIDTH_MM * MM, L.PAGE_HEIGHT_MM * MM
PITCH = L.LINE_PITCH_TWIPS / 20  # 28.95 pt from baseline to baseline
CHAR = L.BODY_PT + L.CHAR_SPACING_TWIPS / 20  # 15.75 pt: a 3号 character and the spacing after it
CHAR_3_HEIGHT = L.SIZE_3  # a 3号 character's height: its em, 16 pt (5.64 mm)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _mm(points: float) -> float:
    return round(points / MM, 2)


def _text(line) -> str:
    return re.sub(r"\s", "", line.text)


# The .docx, read from its XML (no LibreOffice)


def _package(data: GongwenData) -> tuple[dict[str, etree._Element], dict[str, str]]:
    """The package's XML parts by name, and the document's relationships (id → part name)."""
    with zipfile.ZipFile(io.BytesIO(render_gongwen(data))) as package:
        parts = {
            name: etree.fromstring(package.read(name))
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
    targets = {rel.get("Id"): "word/" + rel.get("Target") for rel in rels}
    return parts, targets


def _header_footer(parts, targets, kind: str, which: str):
    """The header or footer the section names for the first, the default (odd) or the even pages, or None."""
    reference = parts["word/document.xml"].find(f".//{W}sectPr/{W}{kind}Reference[@{W}type='{which}']")
    if reference is None:
        return None
    rel_id = reference.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    return parts[targets[rel_id]]


def _twips(element, attr: str) -> int:
    return int(element.get(f"{W}{attr}"))


def _document(data: GongwenData):
    return docx.Document(io.BytesIO(render_gongwen(data)))


def test_the_letterhead_is_the_organs_name_over_a_thick_thin_red_rule_in_the_first_pages_header():
    """§10.1: the organ's full name (not "……文件"; for 联合行文 the lead organ's alone), over a red double rule, thick
    above thin, 170 mm long and centred on the page; both in the first page's own header (w:titlePg), since the
    mark's top is 30 mm from the top of the page, above the text block."""
    for data in (LETTER, LONG_LETTER):
        document = _document(data)
        section = document.sections[0]
        assert section.different_first_page_header_footer
        paragraphs = [p for p in section.first_page_header.paragraphs if p.text]
        assert [p.text for p in paragraphs] == ["乌海市教育局"]  # LONG_LETTER's joint 乌海市财政局 is not in it
        (mark,) = paragraphs
        assert mark.style.name == L.STYLE_MARK  # red 小标宋
        assert {run.font.size.pt for run in mark.runs} == {L.LETTER_MARK_PT}
        ppr = mark._p.pPr
        edge = ppr.find(qn("w:pBdr")).find(qn("w:bottom"))
        assert (edge.get(qn("w:val")), edge.get(qn("w:color"))) == ("thickThinSmallGap", L.RED)
        ind = ppr.find(qn("w:ind"))
        left_edge = section.left_margin.mm + int(ind.get(qn("w:left"))) / 20 * 25.4 / 72
        right_edge = L.PAGE_WIDTH_MM - section.right_margin.mm - int(ind.get(qn("w:right"))) / 20 * 25.4 / 72
        assert (round(left_edge, 1), round(right_edge, 1)) == (20, 190)
        before = int(ppr.find(qn("w:spacing")).get(qn("w:before"))) / 20 * 25.4 / 72
        assert abs(section.header_distance.mm + before + L.LETTER_MARK_INK_BELOW_LINE_TOP_MM - 30) < 0.05
        assert not [p.text for p in document.paragraphs if data.mark in p.text]  # "乌海市教育局文件"


def test_the_second_rule_is_drawn_thin_above_thick_20_mm_above_the_foot_of_the_first_page():
    """Two lines anchored to the page in the first page's footer, which has no page number; the other pages'
    footers keep theirs."""
    parts, targets = _package(LETTER)
    first = _header_footer(parts, targets, "footer", "first")
    anchors = list(first.iter(f"{WP}anchor"))
    assert len(anchors) == 2
    lines = []
    for anchor in anchors:
        horizontal, vertical = anchor.find(f"{WP}positionH"), anchor.find(f"{WP}positionV")
        assert horizontal.get("relativeFrom") == vertical.get("relativeFrom") == "page"
        width = int(next(anchor.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ln")).get("w"))
        lines.append(
            (
                int(vertical.findtext(f"{WP}posOffset")) / 36000,
                int(horizontal.findtext(f"{WP}posOffset")) / 36000,
                int(anchor.find(f"{WP}extent").get("cx")) / 36000,
                width / 36000,
            )
        )
    (upper_y, upper_x, upper_length, upper_width), (lower_y, lower_x, lower_length, lower_width) = sorted(lines)
    assert upper_width < lower_width  # thin above thick
    assert (upper_x, upper_length, lower_x, lower_length) == (20, 170, 20, 170)
    assert round(lower_y + lower_width / 2, 2) == 277  # its lower edge 20 mm above the page's bottom edge
    assert not list(first.iter(f"{W}instrText"))
    for which in ("default", "even"):
        footer = _header_footer(parts, targets, "footer", which)
        assert "PAGE" in "".join(t.text for t in footer.iter(f"{W}instrText")), which


def test_the_elements_stand_flush_left_under_the_rule_and_the_number_flush_right():
    """份号, 密级★保密期限, 紧急程度 one a line in that order; 发文字号 on the first line at a right tab on the text
    block's right edge; then the title."""
    document = _document(LONG_LETTER)
    texts = [p.text for p in document.paragraphs[:4]]
    assert texts == ["000003\t乌教函〔2023〕15号", "秘密★1年", "特急", LONG_LETTER.title]
    tab = document.paragraphs[0]._p.pPr.find(qn("w:tabs")).find(qn("w:tab"))
    assert (tab.get(qn("w:val")), int(tab.get(qn("w:pos")))) == ("right", L.TEXT_WIDTH_TWIPS)
    bare = GongwenData(**{**vars(LETTER), "copy_number": "", "urgency": ""})
    assert [p.text for p in _document(bare).paragraphs[:2]] == ["\t乌教函〔2023〕12号", bare.title]


def test_the_letters_imprint_has_no_rules_and_no_imprint_row():
    """§10.1: 版记不加印发机关和印发日期、分隔线: 抄送 alone, in a table without borders."""
    document = _document(LETTER)
    table = document.tables[-1]
    assert [cell.text for row in table.rows for cell in row.cells] == ["抄送：乌海市人民政府办公室。"]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    everything = "".join(p.text for p in document.paragraphs)
    assert "印发" not in everything and LETTER.imprint_organ not in everything


def test_a_long_organ_name_shrinks_the_mark_to_one_line():
    name = "内蒙古自治区乌海市海勃湾区教育局基础教育科"  # 21 characters: at 26 pt, 193 mm
    document = _document(GongwenData(**{**vars(LETTER), "organ_name": name}))
    (mark,) = [p for p in document.sections[0].first_page_header.paragraphs if p.text]
    (size,) = {run.font.size.pt for run in mark.runs}
    assert size < L.LETTER_MARK_PT and len(name) * size * 25.4 / 72 <= L.TEXT_WIDTH_MM


def test_minutes_have_no_addressee_and_their_lists_hang_under_the_first_name():
    """§10.3: no 主送; 出席, 请假, 列席, each a paragraph two characters in, "出席：" in 黑体, a wrapped line under
    the first name: left indent 5 characters, the first line hanging back 3."""
    document = _document(MINUTES)
    texts = [p.text for p in document.paragraphs]
    assert MINUTES.addressee_text not in texts
    assert not [p for p in document.paragraphs if p.style.name == L.STYLE_ADDRESSEE]
    lists = [p for p in document.paragraphs if p.text[:3] in ("出席：", "请假：", "列席：")]
    assert [p.text for p in lists] == ["出席：" + "、".join(ATTENDEES), "请假：郑永红", "列席：周文斌、吴秀兰"]
    char = 20 * L.BODY_PT + L.CHAR_SPACING_TWIPS
    for index, paragraph in enumerate(lists):
        ppr = paragraph._p.pPr
        ind = ppr.find(qn("w:ind"))
        assert (_twips(ind, "left"), _twips(ind, "hanging")) == (5 * char, 3 * char)
        spacing = ppr.find(qn("w:spacing"))
        assert (int(spacing.get(qn("w:before"))) if spacing is not None else 0) == (L.lines(1) if index == 0 else 0)
        label, *names = paragraph.runs
        assert label.text == paragraph.text[:3] and label._r.rPr.rFonts.get(qn("w:eastAsia")) == L.HEITI
        assert all(run._r.rPr is None or run._r.rPr.rFonts is None for run in names)  # the style's 仿宋
    assert document.styles[L.STYLE_ATTACHMENT_NOTE].font.name == L.FANGSONG
    joint = dataclasses.replace(MINUTES, organ_name="乌海市教育局", joint_organs=["乌海市财政局"])
    assert MINUTES.mark in [p.text for p in _document(joint).paragraphs]  # still "……会议纪要", not a stack of names
    only_absent = dataclasses.replace(MINUTES, meeting=Meeting(absent=("郑永红",)))
    assert [p.text for p in _document(only_absent).paragraphs if "：" in p.text[:3]] == ["请假：郑永红"]


def test_a_signed_minutes_is_not_sealed():
    """A 纪要 carries no seal: a signature given prints as an unsealed notice's, two characters from the right."""
    signed = dataclasses.replace(
        MINUTES, signature_organ="乌海市教育局办公室", signed_on=datetime.date(2023, 3, 13), with_seal=True
    )
    document = _document(signed)
    (organ,) = [p for p in document.paragraphs if p.style.name == L.STYLE_SIGNATURE]
    assert organ.text == "乌海市教育局办公室"
    ppr = organ._p.pPr
    char = 20 * L.BODY_PT + L.CHAR_SPACING_TWIPS
    assert _twips(ppr.find(qn("w:ind")), "right") == 2 * char
    assert _twips(ppr.find(qn("w:spacing")), "before") == L.lines(1)  # one blank line, no room for a seal


# The PDFs, measured


SPECIMENS = {"letter": LETTER, "two-page letter": LONG_LETTER, "minutes": MINUTES}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """Each specimen converted once."""
    require_libreoffice(server=True)
    return {name: docx_to_pdf(render_gongwen(data)) for name, data in SPECIMENS.items()}


@pytest.fixture(params=["letter", "two-page letter"])
def letter(request, pdfs) -> tuple[GongwenData, bytes]:
    return SPECIMENS[request.param], pdfs[request.param]


def _is_red(rule) -> bool:
    return bool(rule.color) and rule.color[0] > 0.9 and rule.color[1] < 0.2 and rule.color[2] < 0.2


def _strokes(pdf: bytes, page: int, *, red: bool = True) -> list:
    """The page's red (or black) horizontal strokes, top to bottom, each once (a border is drawn twice)."""
    found = []
    for rule in horizontal_rules(pdf, page):
        if _is_red(rule) == red and not any(
            abs(rule.y - other.y) < 0.1 and abs(rule.thickness - other.thickness) < 0.1 for other in found
        ):
            found.append(rule)
    return found


def _top(rule) -> float:
    return rule.y - rule.thickness / 2


def _bottom(rule) -> float:
    return rule.y + rule.thickness / 2


def _colours(pdf: bytes, page: int, above: float) -> set[int]:
    """The sRGB colours of the page's text above this height."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        spans = [
            span
            for block in document[page].get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
        ]
    return {span["color"] for span in spans if span["text"].strip() and span["bbox"][3] < above}


def _ink(pdf: bytes, page: int, marks: list) -> tuple[float, float, float, float]:
    """Where the glyphs of these characters really are drawn."""
    clip = (
        min(ch.bbox[0] for ch in marks) - 2,
        min(ch.bbox[1] for ch in marks) - 2,
        max(ch.bbox[2] for ch in marks) + 2,
        max(ch.bbox[3] for ch in marks) + 1,
    )
    return ink_bounds(pdf, page, clip)


# 信函: the first page


def test_the_letters_mark_is_the_organs_name_30_mm_below_the_top_of_the_page(letter):
    """§10.1: 发文机关标志使用发文机关全称…居中排布，上边缘至上页边为30 mm…红色小标宋体字; 联合行文时，使用主办机关
    标志."""
    data, pdf = letter
    first_rule = _strokes(pdf, 0)[0]
    mark = [ch for ch in chars(pdf, 0) if ch.c.strip() and ch.bbox[3] < first_rule.y]
    assert "".join(ch.c for ch in mark) == "乌海市教育局"  # not 乌海市教育局文件, not the joint 乌海市财政局
    assert {ch.font.split("-")[0] for ch in mark} == {"FandolSong"}  # what fonts.conf gives for 小标宋
    assert {ch.size for ch in mark} == {L.LETTER_MARK_PT}
    assert _colours(pdf, 0, first_rule.y) == {0xFF0000}
    x0, y0, x1, _y1 = _ink(pdf, 0, mark)
    assert abs(y0 - L.LETTER_MARK_TOP_MM * MM) <= HALF_MM, f"the mark's top is {_mm(y0)} mm from the top of the page"
    assert abs((x0 + x1) / 2 - PAGE_WIDTH / 2) <= HALF_MM, f"the mark's middle is at {_mm((x0 + x1) / 2)} mm"


def test_two_red_double_rules_170_mm_centred_thick_outside_on_the_first_page_only(letter):
    """§10.1: 发文机关标志下4 mm处印一条红色双线（上粗下细），距下页边20 mm处印一条红色双线（上细下粗），线长均为
    170 mm，居中排布. The second on the first page only, as the standard's figure of a letter's first page has it."""
    data, pdf = letter
    strokes = _strokes(pdf, 0)
    assert len(strokes) == 4, [(_mm(s.y), _mm(s.thickness)) for s in strokes]
    thick, thin, lower_thin, lower_thick = strokes
    assert thick.thickness > 2 * thin.thickness, "the first rule: thick above thin"
    assert lower_thick.thickness > 2 * lower_thin.thickness, "the second rule: thin above thick"
    # The two rules drawn alike: the same strokes, each pair a double rule (a gap under half a millimetre).
    assert (
        abs(thick.thickness - lower_thick.thickness) < 0.05 * MM
        and abs(thin.thickness - lower_thin.thickness) < 0.05 * MM
    )
    for upper, lower in ((thick, thin), (lower_thin, lower_thick)):
        assert 0 < _top(lower) - _bottom(upper) <= HALF_MM, _mm(_top(lower) - _bottom(upper))
    for stroke in strokes:
        assert abs(stroke.x0 - 20 * MM) <= HALF_MM and abs(stroke.x1 - (L.PAGE_WIDTH_MM - 20) * MM) <= HALF_MM, (
            f"a stroke from {_mm(stroke.x0)} to {_mm(stroke.x1)} mm: {_mm(stroke.x1 - stroke.x0)} mm long"
        )
    mark = [ch for ch in chars(pdf, 0) if ch.c.strip() and ch.bbox[3] < thick.y]
    _x0, _y0, _x1, mark_bottom = _ink(pdf, 0, mark)
    gap = _top(thick) - mark_bottom
    assert abs(gap - L.LETTER_RULE_BELOW_MARK_MM * MM) <= HALF_MM, f"the rule is {_mm(gap)} mm under the mark"
    above_foot = PAGE_HEIGHT - _bottom(lower_thick)
    assert abs(above_foot - 20 * MM) <= HALF_MM, f"the second rule is {_mm(above_foot)} mm above the foot of the page"
    for page in range(1, page_count(pdf)):
        assert not _strokes(pdf, page), f"page {page + 1} has red rules"


def _elements(data: GongwenData) -> list[str]:
    secrecy = f"{data.classification}★{data.classification_period}" if data.classification else ""
    return [text for text in (data.copy_number, secrecy, data.urgency) if text]


def _header_lines(pdf: bytes) -> list:
    """The first page's 3号 lines between the first double rule and the title."""
    rule_y = _strokes(pdf, 0)[1].y
    title_y = text_lines(pdf, 0, min_size=21, max_size=23)[0].y
    return [line for line in text_lines(pdf, 0, min_size=15.5, max_size=16.5) if rule_y < line.y < title_y]


def test_the_elements_and_the_number_stand_7_8_of_a_character_under_the_rule(letter):
    """§10.1: 份号、密级和保密期限、紧急程度…顶格居版心左边缘编排在第一条红色双线下…自上而下分行排列，第一个要素与该线的
    距离为3号汉字高度的7/8; 发文字号顶格居版心右边缘编排在第一条红色双线下，与该线的距离为3号汉字高度的7/8. Measured
    from the rule's lower edge to the top of the characters' em (FandolFang's box is its em: 16 pt high)."""
    data, pdf = letter
    elements = _elements(data)
    lines = _header_lines(pdf)
    assert [_text(line) for line in lines] == [elements[0] + data.number, *elements[1:]]
    first = lines[0]
    copy, number = first.chars[: len(elements[0])], [ch for ch in first.chars if ch.c.strip()][-len(data.number) :]
    assert "".join(ch.c for ch in copy) == elements[0] and "".join(ch.c for ch in number) == data.number
    assert all(abs(ch.bbox[3] - ch.bbox[1] - CHAR_3_HEIGHT) < 0.2 for ch in first.chars if ch.c.strip())
    rule_bottom = _bottom(_strokes(pdf, 0)[1])
    for part in (copy, number):
        gap = min(ch.bbox[1] for ch in part) - rule_bottom
        assert abs(gap - CHAR_3_HEIGHT * 7 / 8) <= HALF_MM, (
            f"{''.join(ch.c for ch in part)}: {_mm(gap)} mm under the rule, 7/8 of 3号 {_mm(CHAR_3_HEIGHT * 7 / 8)} mm"
        )
    assert abs(copy[0].bbox[0] - LEFT) <= HALF_MM, f"份号 starts at {_mm(copy[0].bbox[0])} mm"
    assert abs(number[-1].bbox[2] - RIGHT) <= HALF_MM, f"发文字号 ends at {_mm(number[-1].bbox[2])} mm"
    for index, line in enumerate(lines[1:], start=1):  # one a line, flush left
        assert abs(line.x0 - LEFT) <= HALF_MM, (line.text, _mm(line.x0))
        assert abs(line.y - first.y - index * PITCH) <= HALF_MM, (line.text, _mm(line.y - first.y))
    # 份号 in the text's 仿宋, 密级 and 紧急程度 in 3号黑体 (§7.2.2, §7.2.3), as the 文件 format has them.
    fonts = [{ch.font.split("-")[0] for ch in line.chars if ch.c.strip()} for line in lines[1:]]
    assert {ch.font.split("-")[0] for ch in copy} == {"FandolFang"} and fonts == [{"NotoSansCJKjp"}] * len(fonts)


def test_a_units_copy_of_a_letter_gets_its_number_stamped_on_the_copy_number_line(pdfs):
    """A letter sent in counted copies: each unit's 份号 is stamped on the frozen PDF at
    LETTER_COPY_NUMBER_BASELINE_MM, which must be where the renderer prints 份号, flush left under the rule."""
    pdf = pdfs["letter"]
    (printed,) = [line for line in _header_lines(pdf) if _text(line).startswith(LETTER.copy_number)]
    assert abs(printed.y - L.LETTER_COPY_NUMBER_BASELINE_MM * MM) <= 0.1 * MM, _mm(printed.y)
    stamped = stamp_copy_number(pdf, "000099", baseline_mm=L.LETTER_COPY_NUMBER_BASELINE_MM)
    digits = [ch for ch in chars(stamped, 0) if ch.font.startswith("Times")]
    assert "".join(ch.c for ch in digits) == "000099"
    assert abs(digits[0].origin[1] - printed.y) <= 0.1 * MM and abs(digits[0].bbox[0] - LEFT) <= HALF_MM


def test_the_title_is_centred_two_lines_under_the_last_element_and_the_addressee_a_line_under_it(letter):
    """§10.1: 标题居中编排，与其上最后一个要素相距二行; then 主送 as in the 文件 format."""
    data, pdf = letter
    last_element = _header_lines(pdf)[-1]
    titles = text_lines(pdf, 0, min_size=21, max_size=23)
    assert "".join(_text(line) for line in titles) == data.title
    assert abs(titles[0].y - last_element.y - 3 * PITCH) <= HALF_MM, _mm(titles[0].y - last_element.y)
    for line in titles:
        assert abs((line.x0 + line.x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM, (line.text, _mm((line.x0 + line.x1) / 2))
    below = [line for line in text_lines(pdf, 0, min_size=15.5, max_size=16.5) if line.y > titles[-1].y]
    assert _text(below[0]) == data.addressee_text and abs(below[0].x0 - LEFT) <= HALF_MM
    assert abs(below[0].y - titles[-1].y - 2 * PITCH) <= HALF_MM, _mm(below[0].y - titles[-1].y)


def test_the_first_page_shows_no_page_number_and_the_others_do(letter):
    """§10.1: 首页不显示页码; page 2 (even) "— 2 —" 7 mm under the block, one character in from the left."""
    data, pdf = letter
    for page in range(page_count(pdf)):
        numbers = [
            line for line in text_lines(pdf, page, min_size=13.5, max_size=14.5) if line.y > BOTTOM and "—" in line.text
        ]
        if page == 0:
            assert not numbers, [line.text for line in numbers]
            continue
        (number,) = numbers
        assert _text(number) == f"—{page + 1}—"
        dash = next(ch for ch in number.chars if ch.c == "—")
        rows = ink_rows(pdf, page, dash.bbox)
        below = (min(rows) + max(rows)) / 2 - BOTTOM
        assert abs(below - L.PAGE_NUMBER_GAP_MM * MM) <= HALF_MM, _mm(below)
        if page % 2:
            assert abs(number.x0 - (LEFT + L.SIZE_4)) <= HALF_MM, _mm(number.x0)


def test_the_letters_take_the_pages_the_tests_need(pdfs):
    """One page, so its 版记 shares the page with the rules; two, so that page 2 shows its number."""
    assert page_count(pdfs["letter"]) == 1
    assert page_count(pdfs["two-page letter"]) == 2


def test_the_letters_imprint_is_its_cc_alone_at_the_foot_of_the_last_page_without_rules(letter):
    """§10.1: 版记不加印发机关和印发日期、分隔线，位于公文最后一页版心内最下方."""
    data, pdf = letter
    last = page_count(pdf) - 1
    assert not _strokes(pdf, last, red=False), [(_mm(r.y), _mm(r.x1 - r.x0)) for r in _strokes(pdf, last, red=False)]
    imprint = [line for line in text_lines(pdf, last, min_size=13.5, max_size=14.5) if line.y < BOTTOM]
    assert [_text(line) for line in imprint] == ["抄送：" + data.cc_text + "。"]
    for page in range(page_count(pdf)):
        text = "".join(_text(line) for line in text_lines(pdf, page))
        assert "印发" not in text and data.imprint_organ not in text, page + 1
    (cc,) = imprint
    cc_bottom = max(ch.bbox[3] for ch in cc.chars)
    assert BOTTOM - 2 * MM <= cc_bottom <= BOTTOM, f"抄送 ends {_mm(BOTTOM - cc_bottom)} mm above the block's foot"
    body = text_lines(pdf, last, min_size=15.5, max_size=16.5)
    assert all(line.y < cc.y for line in body)


# 纪要


def _lines(pdf: bytes, size: float) -> list[tuple[int, object]]:
    """The lines of this size in reading order, with their pages."""
    return [
        (page, line)
        for page in range(page_count(pdf))
        for line in text_lines(pdf, page, min_size=size - 0.5, max_size=size + 0.5)
    ]


def test_the_minutes_mark_is_35_mm_below_the_top_of_the_block_with_its_number_and_rule(pdfs):
    """§10.3: 纪要标志由"……纪要"组成，居中排布，上边缘至版心上边缘为35 mm，推荐使用红色小标宋体字; the issue number
    centred under it and the red rule 4 mm under the number, as the 文件 format has them."""
    pdf = pdfs["minutes"]
    mark = [ch for ch in chars(pdf, 0) if ch.size > 30]
    assert "".join(ch.c for ch in mark) == MINUTES.mark
    assert {ch.font.split("-")[0] for ch in mark} == {"FandolSong"}
    x0, y0, x1, _y1 = _ink(pdf, 0, mark)
    assert abs(y0 - TOP - 35 * MM) <= HALF_MM, f"the mark's top is {_mm(y0 - TOP)} mm below the top of the block"
    assert abs((x0 + x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM, _mm((x0 + x1) / 2)
    (number,) = [line for line in text_lines(pdf, 0, min_size=15.5, max_size=16.5) if _text(line) == MINUTES.number]
    assert abs((number.x0 + number.x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM, _mm((number.x0 + number.x1) / 2)
    (rule,) = _strokes(pdf, 0)
    assert abs(rule.x0 - LEFT) <= HALF_MM and abs(rule.x1 - RIGHT) <= HALF_MM
    glyphs = _ink(pdf, 0, [ch for ch in number.chars if ch.c.strip()])
    gap = rule.y - glyphs[3]
    assert abs(gap - L.RULE_BELOW_NUMBER_MM * MM) <= HALF_MM, f"the rule is {_mm(gap)} mm under the number"


def test_the_minutes_have_no_addressee_the_text_begins_a_line_under_the_title(pdfs):
    pdf = pdfs["minutes"]
    everything = "".join(_text(line) for _page, line in _lines(pdf, 16))
    assert MINUTES.addressee_text.rstrip("：") not in everything
    titles = text_lines(pdf, 0, min_size=21, max_size=23)
    assert "".join(_text(line) for line in titles) == MINUTES.title
    below = [line for line in text_lines(pdf, 0, min_size=15.5, max_size=16.5) if line.y > titles[-1].y]
    assert _text(below[0]) == MINUTES.body[: len(_text(below[0]))]  # the text's first line
    assert abs(below[0].y - titles[-1].y - 2 * PITCH) <= HALF_MM, _mm(below[0].y - titles[-1].y)
    assert abs(below[0].x0 - (LEFT + 2 * CHAR)) <= HALF_MM  # a paragraph's first line, not a flush-left 主送


def test_the_attendance_lists_hang_under_the_first_name_after_a_label_in_heiti(pdfs):
    """§10.3: 在正文或附件说明下空一行左空二字编排"出席"二字，后标全角冒号，冒号后用3号仿宋体字标注出席人单位、姓名，
    回行时与冒号后的首字对齐; 请假 and 列席 the same, each on a new line. 黑体 is Noto Sans CJK SC (fonts.conf),
    embedded under the name of the collection's CFF font, NotoSansCJKjp-…."""
    pdf = pdfs["minutes"]
    flow = _lines(pdf, 16)
    start = next(i for i, (_page, line) in enumerate(flow) if _text(line).startswith("出席："))
    page, first = flow[start]
    end = next(i for i, (_page, line) in enumerate(flow) if _text(line).startswith("请假："))
    attended = [line for _page, line in flow[start:end]]
    assert "".join(_text(line) for line in attended) == "出席：" + "、".join(ATTENDEES)
    assert len(attended) >= 2, "the specimen's eight names wrap"
    assert [_text(line) for _page, line in flow[end : end + 2]] == ["请假：郑永红", "列席：周文斌、吴秀兰"]
    # One blank line under the text: two pitches from its last line, on the same page.
    text_page, last_text = flow[start - 1]
    assert text_page == page and abs(first.y - last_text.y - 2 * PITCH) <= HALF_MM, _mm(first.y - last_text.y)
    for _page, line in [flow[start], flow[end], flow[end + 1]]:
        label, names = line.chars[:3], [ch for ch in line.chars[3:] if ch.c.strip()]
        assert {ch.font.split("-")[0] for ch in label} == {"NotoSansCJKjp"}, [ch.font for ch in label]
        assert {ch.font.split("-")[0] for ch in names} == {"FandolFang"}, {ch.font for ch in names}
        assert abs(label[0].bbox[0] - (LEFT + 2 * CHAR)) <= HALF_MM, f"{line.text} starts at {_mm(line.x0)} mm"
        assert abs(names[0].bbox[0] - (LEFT + 5 * CHAR)) <= HALF_MM, f"the first name at {_mm(names[0].bbox[0])} mm"
    first_name = first.chars[3].bbox[0]
    for line in attended[1:]:
        assert abs(line.x0 - first_name) <= HALF_MM, (
            f"a wrapped line starts at {_mm(line.x0)} mm, the first name after the colon at {_mm(first_name)} mm"
        )


def test_the_minutes_imprint_is_the_document_formats(pdfs):
    """版记 as in the 文件 format: a thick rule, 印发机关 and 印发日期, a thick rule, at the foot of the last page."""
    pdf = pdfs["minutes"]
    last = page_count(pdf) - 1
    rules = _strokes(pdf, last, red=False)
    assert len(rules) == 2 and abs(rules[-1].y - BOTTOM) <= HALF_MM, [_mm(r.y) for r in rules]
    rows = [line for line in text_lines(pdf, last, min_size=13.5, max_size=14.5) if rules[0].y < line.y < rules[1].y]
    assert [_text(line) for line in rows] == ["乌海市教育局办公室2023年3月13日印发"]


def test_a_letters_disclosure_above_the_imprint_draws_no_rule():
    """§10.1 版记不加分隔线: the 公开属性 row a local practice prints above the 版记 has no rule under it either (the
    文件 format draws the 版记's first rule as that row's cell border)."""
    data = dataclasses.replace(LETTER, cc_text="乌海市财政局", disclosure="主动公开", disclosure_above_imprint=True)
    with zipfile.ZipFile(io.BytesIO(render_gongwen(data))) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    row = next(tc for tc in root.iter(f"{W}tc") if "此件主动公开" in "".join(t.text or "" for t in tc.iter(f"{W}t")))
    table = next(a for a in row.iterancestors(f"{W}tbl"))
    drawn = [e for e in table.iter() if e.get(f"{W}val") not in (None, "nil") and e.getparent().tag.endswith("Borders")]
    assert drawn == []
