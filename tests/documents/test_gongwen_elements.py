"""The elements of GB/T 9704-2012 beyond a plain notice's, as the 文件 format prints them: 份号, 密级和保密期限 and
紧急程度 above the mark (§7.2.1–§7.2.3), 签发人 (§7.2.6), 联合行文's mark and signatures (§7.2.4, §7.3.5), and the
公开属性 in the 附注 line or above the 版记.

Each element is checked twice: in the .docx XML (quick, no LibreOffice) and in the PDF, measured with a ruler
(tests/helpers/pdfmeasure.py) to within 0.5 mm of where the standard puts it. The module converts each specimen once.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, Renderer
from app.documents.ooxml import mm_to_twips
from app.documents.pdf import docx_to_pdf
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import Line, chars, horizontal_rules, ink_bounds, page_count, text_lines

MM = 72 / 25.4  # PDF points per millimetre
LEFT, RIGHT = L.MARGIN_LEFT_MM * MM, (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM) * MM
TOP, BOTTOM = L.MARGIN_TOP_MM * MM, (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * MM
CENTRE = (LEFT + RIGHT) / 2
PITCH = L.LINE_PITCH_TWIPS / 20  # 28.95 pt from baseline to baseline
CHAR = L.BODY_PT + L.CHAR_SPACING_TWIPS / 20  # 15.75 pt: a 3号 character of the text and the spacing after it
CHAR_3 = L.SIZE_3  # a 3号 character without spacing (the number's line)
HALF_MM = 0.5 * MM
# The standard's numbers, which the PDF is measured against (not layout's, which the renderer uses).
MARK_TOP_MM = 35  # §7.2.4: the mark's top edge below the top of the text block
RULE_BELOW_NUMBER_MM = 4  # §7.2.7: the red rule under the number
SIGNERS_LABEL = "签发人："
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The bureau's own words (乌教发〔2023〕75号 and its kind), a few paragraphs of them.
BODY = "\n".join(
    [
        "为深入贯彻落实全市教育工作会议精神，加快推动全市义务教育优质均衡创建工作，实现全市义务教育扩优提质发展，"
        "经研究，现就有关事项通知如下。",
        "一、扎实推行中小学校党组织领导的校长负责制，坚持和加强党对中小学校工作的全面领导，切实履行把方向、管大局、"
        "作决策、抓班子、带队伍、保落实的领导职责。",
        "二、加快推进全市义务教育阶段项目建设进度，及时、足额下达义务教育薄弱环节改善与能力提升补助资金，定期调度"
        "资金支付进度，切实提高资金使用效益。",
        "三、进一步加大教师培养力度，深入开展国家级、自治区级、市级、区级、校级“五级”培训，促进青年教师尽快成长，"
        "不断优化教师队伍结构。",
        "请各单位结合实际认真贯彻执行，执行中遇到的问题及时报市教育局。",
    ]
)
# Long enough for a second page, whose first line shows where the text block's lines are.
LONG_BODY = "\n".join([BODY] * 3)
REQUEST_BODY = "\n".join(
    [
        "为加快推动全市义务教育优质均衡创建工作，助推海勃湾区和海南区2024年顺利接受义务教育优质均衡评估验收，"
        "市教育局拟统筹安排教育费附加资金，重点支持中小学校设施设备更新、校舍维修改造、信息化建设等项目。",
        "现将有关情况请示如下：一是项目资金共计约三千万元，二是资金由市财政统筹拨付，三是项目于年内完工。",
        "妥否，请批示。",
    ]
)
MONGOLIAN_NAME = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ ᠶᠢᠨ ᠪᠣᠯᠣᠪᠰᠤᠷᠠᠯ ᠤᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"
HRSS = "乌海市人力资源和社会保障局"
FINANCE = "乌海市财政局"

PLAIN = GongwenData(
    mark="乌海市教育局文件",
    mark_mn=MONGOLIAN_NAME,
    header_order="zh_first",
    number="乌教发〔2024〕12号",
    title="乌海市教育局关于做好2024年义务教育优质均衡创建工作的通知",
    addressee_text="各区教育局，直属各学校：",
    body=LONG_BODY,
    signature_organ="乌海市教育局",
    signed_on=datetime.date(2024, 3, 15),
    cc_text="市委办公室，市人大常委会办公室，市政府办公室，市政协办公室。",
    imprint_organ="乌海市教育局办公室",
    imprinted_on=datetime.date(2024, 3, 15),
    organ_name="乌海市教育局",
)
SPECIMENS = {
    # The plain notice, to show that the others' header puts the mark, the number and the text where it is.
    "plain": PLAIN,
    # 份号, 密级和保密期限, 紧急程度: lines 1, 2, 3; a note, then the 公开属性 in the 附注 line.
    "elements": dataclasses.replace(
        PLAIN,
        copy_number="000123",
        classification="机密",
        classification_period="1年",
        urgency="特急",
        note="联系人：王梦云，联系电话：0473-3996012",
        disclosure="主动公开",
    ),
    # 紧急程度 alone: line 1; the 公开属性 above the 版记.
    "urgent": dataclasses.replace(
        PLAIN,
        number="乌教发〔2024〕13号",
        body=BODY,
        urgency="加急",
        disclosure="依申请公开",
        disclosure_above_imprint=True,
    ),
    # 上行文 (请示): 签发人 on the number's line, the mark where every notice has it; 不予公开 with its reason in the
    # 附注 line.
    "request2": dataclasses.replace(
        PLAIN,
        number="乌教请〔2024〕3号",
        title="乌海市教育局关于统筹安排2024年教育费附加资金的请示",
        addressee_text="市人民政府：",
        body=REQUEST_BODY,
        signers=["董跃飞", "肖西田"],
        cc_text="",
        disclosure="不予公开",
        disclosure_reason="涉及尚未确定的资金安排",
    ),
    "request3": dataclasses.replace(
        PLAIN,
        number="乌教请〔2024〕4号",
        title="乌海市教育局关于统筹安排2024年教育费附加资金的请示",
        addressee_text="市人民政府：",
        body=REQUEST_BODY,
        signers=["董跃飞", "肖西田", "张志贤"],
        cc_text="",
        copy_number="000007",
        classification="秘密",
        disclosure="不予公开",
        disclosure_reason="涉及尚未确定的资金安排",
        disclosure_above_imprint=True,
    ),
    # 联合行文: two organs, sealed; three, unsealed.
    "joint2": dataclasses.replace(
        PLAIN,
        number="乌教发〔2024〕15号",
        title="乌海市教育局 乌海市人力资源和社会保障局关于做好2024年中小学教师招聘工作的通知",
        body=BODY,
        joint_organs=[HRSS],
    ),
    "joint3": dataclasses.replace(
        PLAIN,
        number="乌教发〔2024〕16号",
        title="关于做好2024年义务教育阶段学校经费保障工作的通知",
        body=BODY,
        joint_organs=[HRSS, FINANCE],
        with_seal=False,
        signed_on=datetime.date(2024, 3, 8),
    ),
}


# The .docx, read from its XML


def _docx(name: str):
    return docx.Document(io.BytesIO(render_gongwen(SPECIMENS[name])))


def _blocks(document) -> list:
    """The body's paragraphs and tables, in order (python-docx's .paragraphs leaves the tables out)."""
    return [el for el in document.element.body if el.tag in (f"{W}p", f"{W}tbl")]


def _text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _style(element) -> str | None:
    style = element.find(f"{W}pPr/{W}pStyle")
    return style.get(qn("w:val")) if style is not None else None


def _fonts_of(run) -> set[str]:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    return {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} if fonts is not None else set()


def _before(paragraph) -> int:
    spacing = paragraph.find(f"{W}pPr/{W}spacing")
    return int(spacing.get(qn("w:before"), 0)) if spacing is not None else 0


def _ink() -> int:
    """How far the mark's paragraph starts above its 35 mm, by the offset of the glyphs' ink in their line."""
    return mm_to_twips(L.MARK_INK_BELOW_LINE_TOP_MM)


def test_copy_number_secrecy_and_urgency_open_the_notice_one_a_line():
    """§7.2.1–§7.2.3: 份号, 密级★期限, 紧急程度 as the first three paragraphs, flush left, in exact 3号 lines; 份号 in
    the number's 仿宋, the other two in 黑体; the mark keeps its 35 mm: the space before it gives up their lines."""
    blocks = _blocks(_docx("elements"))
    first = blocks[:4]
    assert [_text_of(p) for p in first] == ["000123", "机密★1年", "特急", "乌海市教育局文件"]
    styles = {style.name: style.style_id for style in _docx("plain").styles}
    for paragraph in first[:3]:
        assert _style(paragraph) == styles[L.STYLE_NUMBER]  # 3号, an exact line of 28.95 pt
        assert paragraph.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "left"
        assert paragraph.find(f"{W}pPr/{W}ind") is None
    copy_number, secrecy, urgency = (p.findall(f"{W}r") for p in first[:3])
    assert all(_fonts_of(run) == set() for run in copy_number)  # the style's 仿宋
    assert all(_fonts_of(run) == {L.HEITI} for run in secrecy + urgency)
    assert _before(first[3]) == mm_to_twips(MARK_TOP_MM) - 3 * L.LINE_PITCH_TWIPS - _ink()


def test_only_the_elements_given_are_printed_and_a_period_only_with_its_star():
    """Each element present takes the next line: 紧急程度 alone the first; 秘密 without a period has no ★; a notice
    without any starts with its mark, its space before as it always was."""
    urgent = _blocks(_docx("urgent"))
    assert [_text_of(p) for p in urgent[:2]] == ["加急", "乌海市教育局文件"]
    request = _blocks(_docx("request3"))
    assert [_text_of(p) for p in request[:3]] == ["000007", "秘密", "乌海市教育局文件"]
    plain = _blocks(_docx("plain"))
    assert _text_of(plain[0]) == "乌海市教育局文件"
    assert _before(plain[0]) == mm_to_twips(MARK_TOP_MM) - _ink()  # as before these elements existed


def _number_paragraphs(name: str) -> list:
    """The paragraphs from the number's style after the mark: the 上行文's signers lines, the last with the number."""
    document = _docx(name)
    number_style = next(s.style_id for s in document.styles if s.name == L.STYLE_NUMBER)
    blocks = _blocks(document)
    mark = next(i for i, p in enumerate(blocks) if _text_of(p) == "乌海市教育局文件")
    found = []
    for block in blocks[mark + 1 :]:
        if block.tag == f"{W}p" and _style(block) == number_style:
            found.append(block)
        elif found:
            break
    return found


def _runs(paragraph) -> list[tuple[str, set[str], bool]]:
    """Each run's text, fonts and whether it is a tab."""
    return [(_text_of(r), _fonts_of(r), r.find(f"{W}tab") is not None) for r in paragraph.findall(f"{W}r")]


def test_an_upward_notice_puts_its_number_and_signers_on_one_line():
    """§7.2.6: "签发人：" in the style's 仿宋, the names in 楷体; two signers, the number and they in one paragraph (one
    character in from the left, a tab to the signers); the red rule under it; the mark 35 mm down, as every notice's
    (GB/T 9704-2012 deleted the 1999 edition's 80 mm for a 上行文)."""
    (line,) = _number_paragraphs("request2")
    runs = [(text, fonts) for text, fonts, tab in _runs(line) if not tab]
    assert runs == [("乌教请〔2024〕3号", set()), ("签发人：", set()), ("董跃飞\u3000肖西田", {L.KAITI})]
    tabs = [int(tab.get(qn("w:pos"))) for tab in line.findall(f"{W}pPr/{W}tabs/{W}tab")]
    assert tabs[0] == 20 * L.SIZE_3  # one 3号 character in
    # The names end one character from the right edge: 4 for the label, 3 + 1 + 3 for the names.
    assert tabs[1] == L.TEXT_WIDTH_TWIPS - 20 * L.SIZE_3 * (1 + 7 + 4)
    assert line.find(f"{W}pPr/{W}pBdr/{W}bottom").get(qn("w:color")) == L.RED
    mark = next(p for p in _blocks(_docx("request2")) if _text_of(p) == "乌海市教育局文件")
    assert _before(mark) == mm_to_twips(MARK_TOP_MM) - _ink()


def test_three_signers_take_two_lines_the_number_on_the_second():
    first, second = _number_paragraphs("request3")
    assert _text_of(first) == "签发人：董跃飞\u3000肖西田"
    assert _text_of(second) == "乌教请〔2024〕4号张志贤"
    # The second line's names start where the first line's names do, after the label.
    first_tabs = [int(t.get(qn("w:pos"))) for t in first.findall(f"{W}pPr/{W}tabs/{W}tab")]
    second_tabs = [int(t.get(qn("w:pos"))) for t in second.findall(f"{W}pPr/{W}tabs/{W}tab")]
    assert second_tabs[-1] == first_tabs[-1] + 4 * 20 * L.SIZE_3
    assert first.find(f"{W}pPr/{W}pBdr") is None and second.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None


def test_a_joint_mark_is_a_table_of_the_organs_with_wenjian_beside_them():
    """§7.2.4: one row per organ, the lead first; 文件 one cell over all rows, centred on them; centred on the block,
    no wider than it; red 小标宋 (the mark's style) in type the same size throughout; the Mongolian line under it."""
    for name, organs in (("joint2", ["乌海市教育局", HRSS]), ("joint3", ["乌海市教育局", HRSS, FINANCE])):
        document = _docx(name)
        mark_style = next(s.style_id for s in document.styles if s.name == L.STYLE_MARK)
        blocks = _blocks(document)
        table = next(b for b in blocks if b.tag == f"{W}tbl")
        assert blocks.index(table) == 1 and _text_of(blocks[0]) == ""  # the space down to 35 mm, then the mark
        rows = table.findall(f"{W}tr")
        assert [_text_of(row.findall(f"{W}tc")[0]) for row in rows] == organs
        merged = [row.findall(f"{W}tc")[1] for row in rows]
        assert _text_of(merged[0]) == "文件" and all(_text_of(cell) == "" for cell in merged[1:])
        assert merged[0].find(f"{W}tcPr/{W}vMerge").get(qn("w:val")) == "restart"
        assert all(cell.find(f"{W}tcPr/{W}vMerge").get(qn("w:val")) is None for cell in merged[1:])
        assert merged[0].find(f"{W}tcPr/{W}vAlign").get(qn("w:val")) == "center"
        assert table.find(f"{W}tblPr/{W}jc").get(qn("w:val")) == "center"
        assert int(table.find(f"{W}tblPr/{W}tblW").get(qn("w:w"))) <= L.TEXT_WIDTH_TWIPS
        paragraphs = list(table.iter(f"{W}p"))
        assert {_style(p) for p in paragraphs} == {mark_style}
        sizes = {r.find(f"{W}rPr/{W}sz").get(qn("w:val")) for p in paragraphs for r in p.findall(f"{W}r")}
        assert sizes == {"57"}  # 28.5 pt: the 13 characters of 人社局's name, half a gap and 文件 fill 156 mm
        assert _style(blocks[2]) == next(s.style_id for s in document.styles if s.name == L.STYLE_MARK_MN)


def test_joint_signatures_in_the_xml():
    """§7.3.5: sealed, the two names in one paragraph on centre tabs at a quarter and three quarters of the block,
    two blank lines above; unsealed, one paragraph each, the lead first, all with the same right indent."""
    document = _docx("joint2")
    style_of = {s.name: s.style_id for s in document.styles}
    (row,) = [p for p in _blocks(document) if _style(p) == style_of[L.STYLE_SIGNATURE]]
    assert [text for text, _fonts, tab in _runs(row) if not tab] == ["乌海市教育局", HRSS]
    tabs = [(t.get(qn("w:val")), int(t.get(qn("w:pos")))) for t in row.findall(f"{W}pPr/{W}tabs/{W}tab")]
    assert tabs == [("center", round(L.TEXT_WIDTH_TWIPS / 4)), ("center", round(L.TEXT_WIDTH_TWIPS * 3 / 4))]
    assert _before(row) == 2 * L.LINE_PITCH_TWIPS
    document = _docx("joint3")
    style_of = {s.name: s.style_id for s in document.styles}
    organs = [p for p in _blocks(document) if _style(p) == style_of[L.STYLE_SIGNATURE]]
    assert [_text_of(p) for p in organs] == ["乌海市教育局", HRSS, FINANCE]
    indents = {p.find(f"{W}pPr/{W}ind").get(qn("w:right")) for p in organs}
    assert len(indents) == 1
    assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in organs)  # the names and the date on one page


def test_sealed_signatures_of_more_organs_stand_in_rows_of_up_to_three():
    """§7.3.5.1: "每排最多排3个印章……最后一排如余一个或两个印章，均居中排布": four organs with names short enough for a
    third of the block, three in the first row and the fourth centred under them, the room of a seal (the date's
    line and two blank ones) between the rows; a name too wide for a third (人社局's) makes the rows two wide."""

    def rows_of(*joint: str) -> list[list[tuple[str, int]]]:
        data = dataclasses.replace(PLAIN, joint_organs=list(joint))
        document = docx.Document(io.BytesIO(render_gongwen(data)))
        style = next(s.style_id for s in document.styles if s.name == L.STYLE_SIGNATURE)
        found = []
        for paragraph in (p for p in _blocks(document) if _style(p) == style):
            names = [text for text, _fonts, tab in _runs(paragraph) if not tab]
            tabs = [int(t.get(qn("w:pos"))) for t in paragraph.findall(f"{W}pPr/{W}tabs/{W}tab")]
            assert _before(paragraph) == (2 if not found else 3) * L.LINE_PITCH_TWIPS
            found.append(list(zip(names, tabs, strict=True)))
        return found

    third = L.TEXT_WIDTH_TWIPS / 3
    assert rows_of(FINANCE, "乌海市民政局", "乌海市卫生健康委") == [
        [("乌海市教育局", round(third / 2)), (FINANCE, round(third * 1.5)), ("乌海市民政局", round(third * 2.5))],
        [("乌海市卫生健康委", round(third * 1.5))],
    ]
    half = L.TEXT_WIDTH_TWIPS / 2
    assert rows_of(HRSS, FINANCE) == [
        [("乌海市教育局", round(half / 2)), (HRSS, round(half * 1.5))],
        [(FINANCE, round(half))],
    ]


def test_the_disclosure_prints_in_the_note_line_or_above_the_imprint():
    document = _docx("elements")
    note_style = next(s.style_id for s in document.styles if s.name == L.STYLE_NOTE)
    notes = [_text_of(p) for p in _blocks(document) if _style(p) == note_style]
    assert notes == ["（联系人：王梦云，联系电话：0473-3996012）", "（此件主动公开）"]
    document = _docx("request2")
    notes = [_text_of(p) for p in _blocks(document) if _style(p) == note_style]
    assert notes == ["（此件不予公开，涉及尚未确定的资金安排）"]
    # Above the 版记: the floating table's first row, no rule over it, the thick first rule under it.
    document = _docx("urgent")
    assert not [p for p in _blocks(document) if _style(p) == note_style]
    imprint = document.tables[-1]._tbl
    first, cc = imprint.findall(f"{W}tr")[:2]
    assert _text_of(first) == "（此件依申请公开）" and _text_of(cc).startswith("抄送：")
    borders = first.find(f"{W}tc/{W}tcPr/{W}tcBorders")
    assert borders.find(f"{W}top").get(qn("w:val")) == "nil"
    assert borders.find(f"{W}bottom").get(qn("w:sz")) == str(L.IMPRINT_RULE_OUTER_EIGHTHS)
    assert cc.find(f"{W}tc/{W}tcPr/{W}tcBorders/{W}top").get(qn("w:sz")) == str(L.IMPRINT_RULE_OUTER_EIGHTHS)
    ind = first.find(f".//{W}pPr/{W}ind")
    assert int(ind.get(qn("w:left"))) == 20 * L.BODY_PT + L.CHAR_SPACING_TWIPS
    assert ind.get(qn("w:firstLineChars")) == "0"


def test_disclosure_texts():
    def printed(**fields) -> str:
        return Renderer(dataclasses.replace(PLAIN, **fields)).disclosure_text()

    assert printed(disclosure="主动公开") == "（此件主动公开）"
    assert printed(disclosure="依申请公开") == "（此件依申请公开）"
    assert printed(disclosure="不予公开") == "（此件不予公开）"
    assert printed(disclosure="不予公开", disclosure_reason="涉及个人隐私") == "（此件不予公开，涉及个人隐私）"
    assert printed(disclosure="") == ""


# The PDF, measured
#
# Against the standard's numbers: the mark 35 mm below the top of the block, the red rule 4 mm under the
# number, one or two characters in; the lines of the text block where a page after the first has its text.


@dataclasses.dataclass(frozen=True)
class Converted:
    name: str
    data: GongwenData = dataclasses.field(repr=False)
    pdf: bytes = dataclasses.field(repr=False)

    def lines(self, page: int, size: float = L.BODY_PT) -> list[Line]:
        """The page's lines of type of this size (to within half a point), top to bottom."""
        return [line for line in text_lines(self.pdf, page, min_size=size - 0.5, max_size=size + 0.5) if _t(line)]

    def line(self, page: int, text: str, size: float = L.BODY_PT) -> Line:
        found = [line for line in self.lines(page, size) if _t(line) == text]
        assert len(found) == 1, (self.name, page + 1, text, [_t(line) for line in self.lines(page, size)])
        return found[0]

    @property
    def last_page(self) -> int:
        return page_count(self.pdf) - 1


@pytest.fixture(scope="module")
def converted() -> dict[str, Converted]:
    """Every specimen converted once for the module."""
    require_libreoffice(server=True)
    return {name: Converted(name, data, docx_to_pdf(render_gongwen(data))) for name, data in SPECIMENS.items()}


def _t(line: Line) -> str:
    return re.sub(r"\s", "", line.text)


def _mm(points: float) -> float:
    return round(points / MM, 2)


def _first_char(line: Line):
    return next(ch for ch in line.chars if ch.c.strip())


def _last_char(line: Line):
    return [ch for ch in line.chars if ch.c.strip()][-1]


def _first_line_of_the_block(converted) -> float:
    """The baseline of the text block's first line: where the plain notice's second page begins."""
    return converted["plain"].lines(1)[0].y


def _mark_ink(c: Converted, top_mm: float) -> tuple[float, float, float, float]:
    """The box round the ink of the mark, whose top edge should be top_mm below the top of the block: what lies
    inside the boxes of its characters (the elements above it end 4 mm higher)."""
    mark = _mark_chars(c)
    clip = (
        min(ch.bbox[0] for ch in mark) - 5,
        max(TOP + (top_mm - 4) * MM, min(ch.bbox[1] for ch in mark) - 10),
        max(ch.bbox[2] for ch in mark) + 5,
        max(ch.bbox[3] for ch in mark) + 2,
    )
    return ink_bounds(c.pdf, 0, clip)


def _mark_chars(c: Converted) -> list:
    return [
        ch for ch in chars(c.pdf, 0) if ch.size > L.SIZE_2 + 2 and ch.font.startswith("FandolSong") and ch.c.strip()
    ]


ABOVE_THE_MARK = {
    "elements": [("000123", "FandolFang"), ("机密★1年", "NotoSansCJK"), ("特急", "NotoSansCJK")],
    "urgent": [("加急", "NotoSansCJK")],
    "request3": [("000007", "FandolFang"), ("秘密", "NotoSansCJK")],
}


@pytest.mark.parametrize("name", list(ABOVE_THE_MARK))
def test_copy_number_secrecy_and_urgency_stand_flush_left_on_the_first_lines(converted, name):
    """§7.2.1–§7.2.3: 顶格 on lines 1, 2, 3 of the text block (each element the next line when some are absent): the
    first character's box on the block's left edge, the baselines on the block's lines (where the text of every
    page after the first stands), in 3号: 份号 in 仿宋 (FandolFang), the others in 黑体 (Noto Sans CJK); all of them
    above the mark's 35 mm."""
    c = converted[name]
    first = _first_line_of_the_block(converted)
    lines = c.lines(0)
    for number, (text, font) in enumerate(ABOVE_THE_MARK[name]):
        line = lines[number]
        assert _t(line) == text, (name, [_t(x) for x in lines[:4]])
        assert abs(line.y - (first + number * PITCH)) <= HALF_MM, (name, text, _mm(line.y - TOP), _mm(first - TOP))
        assert abs(_first_char(line).bbox[0] - LEFT) <= HALF_MM, (name, text, _mm(_first_char(line).bbox[0]))
        assert all(ch.font.startswith(font) for ch in line.chars if ch.c.strip()), (name, text, line.fonts)
        assert line.sizes == (L.SIZE_3,)
        assert max(ch.bbox[3] for ch in line.chars) < TOP + MARK_TOP_MM * MM
    # Nothing above them; the mark below them.
    assert _t(text_lines(c.pdf, 0)[0]) == ABOVE_THE_MARK[name][0][0]
    assert lines[len(ABOVE_THE_MARK[name]) - 1].y < min(ch.bbox[1] for ch in _mark_chars(c))


@pytest.mark.parametrize("name", ["elements", "urgent"])
def test_the_elements_move_nothing_below_them(converted, name):
    """The mark's top edge (ink) stays 35 mm below the top of the block, and the number, the red rule, the title and
    the text of page 1 stay where the same notice without the elements has them."""
    c, plain = converted[name], converted["plain"]
    number = c.line(0, c.data.number)
    _x0, y0, _x1, _y1 = _mark_ink(c, MARK_TOP_MM)
    assert abs(y0 - TOP - MARK_TOP_MM * MM) <= HALF_MM, f"{name}: the mark's top edge is {_mm(y0 - TOP)} mm down"
    ours = [line.y for line in c.lines(0) + c.lines(0, L.SIZE_2) if line.y > number.y - 1]
    theirs = [line.y for line in plain.lines(0) + plain.lines(0, L.SIZE_2) if line.y > number.y - 1]
    assert len(ours) == len(theirs) and all(abs(a - b) <= HALF_MM for a, b in zip(ours, theirs, strict=True)), (
        name,
        [_mm(y - TOP) for y in ours],
        [_mm(y - TOP) for y in theirs],
    )
    rules = [r.y for r in horizontal_rules(c.pdf, 0)][:1] + [r.y for r in horizontal_rules(plain.pdf, 0)][:1]
    assert abs(rules[0] - rules[1]) <= HALF_MM, [_mm(y - TOP) for y in rules]


@pytest.mark.parametrize("name", ["request2", "request3"])
def test_an_upward_notice_has_its_mark_35_mm_down_as_every_notice(converted, name):
    """上行文 (§7.2.4, the standard's figure A.3): the mark's top edge (ink) 35 mm below the top of the block, as on a
    下行文; the 1999 edition's 80 mm for 上报的公文 is gone from GB/T 9704-2012."""
    c = converted[name]
    x0, y0, x1, _y1 = _mark_ink(c, MARK_TOP_MM)
    assert abs(y0 - TOP - MARK_TOP_MM * MM) <= HALF_MM, f"{name}: the mark's top is {_mm(y0 - TOP)} mm down"
    assert abs((x0 + x1) / 2 - CENTRE) <= HALF_MM


SIGNER_LINES = {"request2": ["董跃飞", "肖西田"], "request3": ["董跃飞", "肖西田", "张志贤"]}


@pytest.mark.parametrize("name", list(SIGNER_LINES))
def test_signers_stand_right_one_character_in_the_number_left_on_the_last_line(converted, name):
    """§7.2.5–§7.2.6: "签发人：" in 3号仿宋 and the names in 3号楷体, two a line in order, right-aligned one character
    in (the longest line's right end), a second line's first name under the first line's; the number one character
    in from the left on the line of the last names; the first line where a plain notice's number stands (标志下空二行);
    the red rule 4 mm under the number (as the plain notice's)."""
    c, plain = converted[name], converted["plain"]
    signers = c.data.signers
    label = next(line for line in c.lines(0) if _t(line).startswith(SIGNERS_LABEL) or SIGNERS_LABEL in _t(line))
    lines = [line for line in c.lines(0) if label.y - 1 <= line.y and line.y < label.y + len(signers) * PITCH / 2]
    # Names by line, left to right, top to bottom.
    kai = [[ch for ch in line.chars if ch.font.startswith("FandolKai") and ch.c.strip()] for line in lines]
    names = ["".join(ch.c for ch in group).split("\u3000") for group in kai]
    joined = ["".join(ch.c for ch in group) for group in kai]
    expected = [signers[at : at + 2] for at in range(0, len(signers), 2)]
    assert joined == ["".join(pair) for pair in expected], (name, [_t(line) for line in lines])
    assert len(lines) == len(expected), names
    # The label in 仿宋, just before the first name.
    label_chars = [ch for ch in lines[0].chars if ch.c in SIGNERS_LABEL and ch.c.strip()]
    assert "".join(ch.c for ch in label_chars) == SIGNERS_LABEL
    assert all(ch.font.startswith("FandolFang") for ch in label_chars)
    assert abs(label_chars[-1].bbox[2] - kai[0][0].bbox[0]) <= HALF_MM
    # Right-aligned one character in (the longest line), the lines' first names aligned.
    right = max(group[-1].bbox[2] for group in kai)
    assert abs(right - (RIGHT - CHAR_3)) <= HALF_MM, f"{name}: the signers end {_mm(RIGHT - right)} mm from the right"
    for group in kai[1:]:
        assert abs(group[0].bbox[0] - kai[0][0].bbox[0]) <= HALF_MM, (name, _mm(group[0].bbox[0]))
    # The number on the last line, one character in.
    number = lines[-1]
    assert _t(number).startswith(c.data.number), (name, _t(number))
    assert abs(_first_char(number).bbox[0] - (LEFT + CHAR_3)) <= HALF_MM, (name, _mm(_first_char(number).bbox[0]))
    # Where a plain notice's number stands, and the red rule under the number as there.
    plain_number = plain.line(0, plain.data.number)
    assert abs(lines[0].y - plain_number.y) <= HALF_MM, (name, _mm(lines[0].y - plain_number.y))
    rule = next(r for r in horizontal_rules(c.pdf, 0) if _is_red(r))
    plain_rule = next(r for r in horizontal_rules(plain.pdf, 0) if _is_red(r))
    assert abs((rule.y - number.y) - (plain_rule.y - plain_number.y)) <= HALF_MM
    glyphs = ink_bounds(c.pdf, 0, (LEFT, number.y - 16, RIGHT, rule.y - rule.thickness / 2 - 0.5))
    gap = rule.y - glyphs[3]
    assert abs(gap - RULE_BELOW_NUMBER_MM * MM) <= HALF_MM, f"{name}: the rule is {_mm(gap)} mm under the line"
    assert abs(rule.x0 - LEFT) <= HALF_MM and abs(rule.x1 - RIGHT) <= HALF_MM


def _is_red(rule) -> bool:
    return bool(rule.color) and rule.color[0] > 0.9 and rule.color[1] < 0.2 and rule.color[2] < 0.2


JOINT = {"joint2": ["乌海市教育局", HRSS], "joint3": ["乌海市教育局", HRSS, FINANCE]}


@pytest.mark.parametrize("name", list(JOINT))
def test_a_joint_mark_stacks_the_organs_with_wenjian_centred_beside_them(converted, name):
    """§7.2.4: the names stacked, the lead first, each centred in their column; 文件 right of them all, its middle
    level with the stack's middle (measured on the ink); the whole centred on the block, as wide as fits it (within
    one of its characters), in 小标宋 (FandolSong Bold); its top edge 35 mm below the top of the block; the Mongolian
    line under it, then the number."""
    c = converted[name]
    mark = _mark_chars(c)
    size = mark[0].size
    assert {ch.size for ch in mark} == {size} and size < L.MARK_PT
    rows: list[list] = []
    for ch in sorted(mark, key=lambda ch: (round(ch.bbox[1]), ch.bbox[0])):
        if rows and abs(ch.bbox[1] - rows[-1][0].bbox[1]) < size / 4:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    texts = ["".join(ch.c for ch in row) for row in rows]
    # 文件 stands on a row of its own, or on the middle one (an odd number of organs): take it out of the rows.
    names_end = max(ch.bbox[2] for ch in mark if ch.c not in "文件")
    wenjian = [ch for ch in mark if ch.c in "文件" and ch.bbox[0] > names_end - 1]
    names = [re.sub("文件$", "", text) for text in texts if text != "文件"]
    assert names == JOINT[name] and "".join(ch.c for ch in wenjian) == "文件", texts

    def ink(boxes):
        clip = (min(b[0] for b in boxes) - 2, min(b[1] for b in boxes) - 2, max(b[2] for b in boxes) + 2)
        return ink_bounds(c.pdf, 0, (*clip, max(b[3] for b in boxes) + 2))

    name_rows = [[ch for ch in row if ch not in wenjian] for row in rows]
    name_rows = [row for row in name_rows if row]
    name_inks = [ink([ch.bbox for ch in row]) for row in name_rows]
    centres = [(x0 + x1) / 2 for x0, _y0, x1, _y1 in name_inks]
    assert max(centres) - min(centres) <= HALF_MM, f"{name}: the names' centres {[_mm(x) for x in centres]} mm"
    stack_top, stack_bottom = name_inks[0][1], name_inks[-1][3]
    _wx0, wy0, wx1, wy1 = ink([ch.bbox for ch in wenjian])
    offset = (wy0 + wy1) / 2 - (stack_top + stack_bottom) / 2
    assert abs(offset) <= HALF_MM, f"{name}: 文件's middle is {_mm(offset)} mm off the stack's"
    assert _wx0 > max(x1 for _x0, _y0, x1, _y1 in name_inks)
    left, right = min(x0 for x0, _y0, _x1, _y1 in name_inks), wx1
    assert abs((left + right) / 2 - CENTRE) <= HALF_MM, (name, _mm(left), _mm(right))
    assert RIGHT - LEFT - size <= right - left <= RIGHT - LEFT, (name, _mm(right - left))
    assert all(ch.font.startswith("FandolSong-Bold") for ch in mark)
    assert abs(stack_top - TOP - MARK_TOP_MM * MM) <= HALF_MM, f"{name}: the mark's top is {_mm(stack_top - TOP)} mm"
    # Under it the Mongolian name line, then the number two lines under that, as in a plain notice.
    mongolian = [ch for ch in chars(c.pdf, 0) if ch.font.startswith("NotoSansMongolian") and ch.c.strip()]
    assert mongolian and min(ch.bbox[1] for ch in mongolian) > stack_bottom
    plain = converted["plain"]
    plain_mongolian = [ch for ch in chars(plain.pdf, 0) if ch.font.startswith("NotoSansMongolian") and ch.c.strip()]
    number, plain_number = c.line(0, c.data.number), plain.line(0, plain.data.number)
    below = number.y - mongolian[0].origin[1]
    assert abs(below - (plain_number.y - plain_mongolian[0].origin[1])) <= HALF_MM, _mm(below)


def _date_line(c: Converted) -> tuple[int, Line]:
    date_text = f"{c.data.signed_on.year}年{c.data.signed_on.month}月{c.data.signed_on.day}日"
    for page in range(c.last_page + 1):
        for line in c.lines(page):
            if _t(line) == date_text:
                return page, line
    raise AssertionError(f"{c.name}: no date {date_text}")


def _line_above(c: Converted, page: int, line: Line) -> Line:
    return [other for other in c.lines(page) if other.y < line.y - 1][-1]


def _span(line: Line, text: str) -> tuple[float, float]:
    """Where the characters of text stand in the line: the left of the first box, the right of the last."""
    found = _t(line).index(text)
    boxes = [ch for ch in line.chars if ch.c.strip()][found : found + len(text)]
    return boxes[0].bbox[0], boxes[-1].bbox[2]


def test_a_sealed_joint_signature_puts_the_names_side_by_side(converted):
    """§7.3.5.1, two organs: their names on one line, the lead's left, each centred on a quarter and three quarters
    of the block's width, where their seals go; the date on the next line, its right end four characters from the
    right; over the names the two blank lines for the seals that a single sealed signature has (as in the plain
    notice)."""
    c, plain = converted["joint2"], converted["plain"]
    page, date = _date_line(c)
    names = _line_above(c, page, date)
    assert _t(names) == "乌海市教育局" + HRSS
    for index, organ in enumerate(JOINT["joint2"]):
        x0, x1 = _span(names, organ)
        expected = LEFT + (RIGHT - LEFT) * (2 * index + 1) / 4
        assert abs((x0 + x1) / 2 - expected) <= HALF_MM, f"{organ}'s centre at {_mm((x0 + x1) / 2)} mm"
    assert abs(date.y - names.y - PITCH) <= HALF_MM
    assert abs(_last_char(date).bbox[2] - (RIGHT - 4 * CHAR)) <= HALF_MM, _mm(_last_char(date).bbox[2])
    plain_page, plain_date = _date_line(plain)
    plain_organ = _line_above(plain, plain_page, plain_date)
    room = names.y - _line_above(c, page, names).y
    assert abs(room - (plain_organ.y - _line_above(plain, plain_page, plain_organ).y)) <= HALF_MM, _mm(room)
    assert abs(room - 3 * PITCH) <= HALF_MM


def test_an_unsealed_joint_signature_puts_each_organ_on_a_line_of_its_own(converted):
    """§7.3.5.2 "先编排主办机关署名，其余发文机关署名依次向下编排": the lead organ first, one line each, one blank line
    under the text; right-aligned together; the date under the last, its first character two right of the last
    name's first, or, being the longer (乌海市财政局, 2024年3月8日), two characters from the right edge with the names
    as much further left."""
    c = converted["joint3"]
    page, date = _date_line(c)
    lines = c.lines(page)
    at = lines.index(date)
    organs = lines[at - 3 : at]
    assert [_t(line) for line in organs] == JOINT["joint3"]
    text_end = lines[at - 4]
    assert abs(organs[0].y - text_end.y - 2 * PITCH) <= HALF_MM  # one blank line
    for upper, lower in zip(organs, organs[1:] + [date], strict=True):
        assert abs(lower.y - upper.y - PITCH) <= HALF_MM
    ends = [_last_char(line).bbox[2] for line in organs]
    assert max(ends) - min(ends) <= HALF_MM, [_mm(x) for x in ends]
    assert abs(_last_char(date).bbox[2] - (RIGHT - 2 * CHAR)) <= HALF_MM, _mm(RIGHT - _last_char(date).bbox[2])
    shift = _first_char(date).bbox[0] - _first_char(organs[-1]).bbox[0]
    assert abs(shift - 2 * CHAR) <= HALF_MM, f"the date starts {_mm(shift)} mm right of 乌海市财政局"


NOTE_LINE = {
    "elements": ["（联系人：王梦云，联系电话：0473-3996012）", "（此件主动公开）"],
    "request2": ["（此件不予公开，涉及尚未确定的资金安排）"],
}


@pytest.mark.parametrize("name", list(NOTE_LINE))
def test_the_disclosure_in_the_note_line_follows_the_date_and_the_note(converted, name):
    """附注 (§7.3.6) "居左空二字加圆括号编排在成文日期下一行": the note, then the 公开属性, each on the next line, two
    characters in, 3号仿宋."""
    c = converted[name]
    page, date = _date_line(c)
    lines = c.lines(page)
    after = lines[lines.index(date) + 1 :][: len(NOTE_LINE[name])]
    assert [_t(line) for line in after] == NOTE_LINE[name]
    for number, line in enumerate(after, start=1):
        assert abs(line.y - date.y - number * PITCH) <= HALF_MM, (name, _mm(line.y - date.y))
        assert abs(_first_char(line).bbox[0] - (LEFT + 2 * CHAR)) <= HALF_MM, (name, _mm(_first_char(line).bbox[0]))
        assert line.sizes == (L.SIZE_3,) and all(font.startswith("FandolFang") for font in line.fonts)


def _black_rules(c: Converted, page: int) -> list:
    rules = []
    for rule in horizontal_rules(c.pdf, page):
        if not _is_red(rule) and not (rules and abs(rule.y - rules[-1].y) < 0.2):  # drawn once as a line, once filled
            rules.append(rule)
    return rules


ABOVE_THE_IMPRINT = {"urgent": "（此件依申请公开）", "request3": "（此件不予公开，涉及尚未确定的资金安排）"}


@pytest.mark.parametrize("name", list(ABOVE_THE_IMPRINT))
def test_the_disclosure_above_the_imprint_stands_on_its_first_rule(converted, name):
    """Local practice: the 公开属性 on the line right above the 版记's first rule (the rule under its line, no rule over
    it), one character in, 3号仿宋; the 版记 itself where the same notice without it has it (its last rule on the
    block's bottom edge), and the 公开属性 nowhere else."""
    c = converted[name]
    page = c.last_page
    (line,) = [line for line in c.lines(page) if _t(line) == ABOVE_THE_IMPRINT[name]]
    assert abs(_first_char(line).bbox[0] - (LEFT + CHAR)) <= HALF_MM, (name, _mm(_first_char(line).bbox[0]))
    assert line.sizes == (L.SIZE_3,) and all(font.startswith("FandolFang") for font in line.fonts)
    rules = _black_rules(c, page)
    first = rules[0]
    ink = ink_bounds(c.pdf, page, (LEFT, line.y - CHAR, RIGHT, first.y - first.thickness / 2 - 0.3))
    # The rule is the bottom of the line's box: 2.0 mm under the baseline in an exact 3号 line (the number's line
    # ends as far under its baseline, the border's space added).
    assert 0 < first.y - ink[3] and first.y - line.y <= 3 * MM, (name, _mm(first.y - line.y), _mm(first.y - ink[3]))
    assert abs(rules[-1].y - BOTTOM) <= HALF_MM
    assert 0.30 <= first.thickness / MM <= 0.40  # the first rule, thick
    others = [_t(x) for p in range(c.last_page + 1) for x in c.lines(p) if "公开" in _t(x)]
    assert others == [ABOVE_THE_IMPRINT[name]]
    if name == "urgent":  # the same 版记 as the plain notice's, at the same heights
        plain = converted["plain"]
        ours, theirs = [r.y for r in rules], [r.y for r in _black_rules(plain, plain.last_page)]
        assert len(ours) == len(theirs) and all(abs(a - b) <= HALF_MM for a, b in zip(ours, theirs, strict=True))
