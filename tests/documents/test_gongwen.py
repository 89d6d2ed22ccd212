"""The .docx of a notice against GB/T 9704-2012, read from its XML."""

import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from app.documents import layout as L
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData
from app.documents.ooxml import mm_to_twips
from app.documents.titles import title_lines
from app.extensions import db
from app.notices.documents import render_notice_docx
from app.notices.models import Notice
from tests.helpers.notices import seed_notice
from tests.helpers.text import MONGOLIAN

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def seed_docx(demo):
    with demo.app_context():
        notice = seed_notice()
        return render_notice_docx(notice)


def _doc(data: bytes):
    return docx.Document(io.BytesIO(data))


def _paragraphs_with_style(document, style):
    return [p for p in document.paragraphs if p.style.name == style]


def _fonts(element) -> dict:
    fonts = element.find(f".//{W}rFonts")
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()} if fonts is not None else {}


def _style_rpr(document, name):
    return document.styles[name].element.find(qn("w:rPr"))


def _size_pt(rpr) -> float:
    return int(rpr.find(qn("w:sz")).get(qn("w:val"))) / 2


def test_every_style_the_renderer_needs_is_in_the_base_file():
    from app.documents.package import TEMPLATE

    base = docx.Document(str(TEMPLATE))
    names = {s.name for s in base.styles}
    assert set(L.ALL_STYLES) <= names


def test_page_is_a4_with_the_standard_margins(seed_docx):
    section = _doc(seed_docx).sections[0]

    def mm(length):  # Word stores twips: a millimetre is 56.7 of them
        return round(length / 36000, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225


def test_body_is_3hao_fangsong_on_a_22_by_28_grid(seed_docx):
    document = _doc(seed_docx)
    rpr = _style_rpr(document, L.STYLE_BODY)
    assert _size_pt(rpr) == 16
    assert set(_fonts(rpr).values()) - {"eastAsia"} == {"仿宋_GB2312"}
    assert rpr.find(qn("w:spacing")).get(qn("w:val")) == "-5"  # 28 × 15.75 pt fit in 156 mm
    spacing = document.styles[L.STYLE_BODY].element.find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
    assert 22 * 579 / 20 <= 225 / 25.4 * 72 < 23 * 579 / 20
    assert 28 * (16 - 0.25) <= 156 / 25.4 * 72 < 29 * (16 - 0.25)
    ind = document.styles[L.STYLE_BODY].element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_header_mark_mongolian_line_number_and_red_rule(seed_docx):
    document = _doc(seed_docx)
    paragraphs = document.paragraphs
    mark, mongolian, number = paragraphs[0], paragraphs[1], paragraphs[2]
    assert mark.text == "乌海市教育局文件" and mark.style.name == L.STYLE_MARK
    mark_rpr = _style_rpr(document, L.STYLE_MARK)
    assert _fonts(mark_rpr)["eastAsia"] == "方正小标宋简体"
    assert mark_rpr.find(qn("w:color")).get(qn("w:val")) == "FF0000"
    assert mark.alignment is None or mark.paragraph_format.alignment == 1  # centred by its style
    # The Mongolian name, exactly as the setting holds it, red, in a Mongolian font in all four slots.
    from app.core.settings import DEFAULT_ORGAN_NAME_MN

    assert mongolian.text == DEFAULT_ORGAN_NAME_MN
    run = mongolian.runs[0]._r
    fonts = _fonts(run)
    assert {fonts[k] for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Mongolian Baiti"}
    assert run.find(f".//{W}color").get(qn("w:val")) == "FF0000"
    assert run.find(f".//{W}lang").get(qn("w:bidi")) == "mn-Mong-CN"
    for char in "\u202f\u180e":
        assert char in mongolian.text
    # The number two lines below the mark (and the offset of the mark's ink in its line, by which the mark was
    # raised), centred, 3号仿宋, with the red rule under it (4 mm below its glyphs: the border's space is measured
    # from the line's bottom; the PDF tests measure the mark's 35 mm and the rule's 4 mm).
    assert number.text == "乌教发〔2023〕75号" and number.style.name == L.STYLE_NUMBER
    before = number._p.find(f".//{W}spacing").get(qn("w:before"))
    assert int(before) == 2 * 579 + mm_to_twips(L.MARK_INK_BELOW_LINE_TOP_MM)
    bottom = number._p.find(f".//{W}pBdr/{W}bottom")
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:val")) == "single"
    assert int(bottom.get(qn("w:space"))) == L.RULE_SPACE_PT


def test_the_header_order_follows_the_organs_setting(demo):
    with demo.app_context():
        notice = seed_notice()
        notice.organ.header_order = "mn_first"
        db.session.commit()
        data = render_notice_docx(notice)
    paragraphs = _doc(data).paragraphs
    assert paragraphs[0].style.name == L.STYLE_MARK_MN and paragraphs[1].text == "乌海市教育局文件"


def test_title_is_2hao_xiaobiaosong_centred_two_lines_below_the_rule(seed_docx):
    document = _doc(seed_docx)
    title = _paragraphs_with_style(document, L.STYLE_TITLE)[0]
    rpr = _style_rpr(document, L.STYLE_TITLE)
    assert _size_pt(rpr) == 22 and _fonts(rpr)["eastAsia"] == "方正小标宋简体"
    assert int(title._p.find(f".//{W}spacing").get(qn("w:before"))) == 2 * 579
    assert title.text.replace("\n", "") == "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知"
    assert len(title._p.findall(f".//{W}br")) == 1  # two lines, broken in one place


def test_long_titles_break_by_meaning_into_balanced_lines():
    lines = title_lines("乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知")
    assert "".join(lines) == "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知"
    assert all(len(line) <= 20 for line in lines)
    assert not any(line[0] in "，。、》）”" for line in lines)
    assert title_lines("关于做好2024年安全工作的通知") == ["关于做好2024年安全工作的通知"]
    three = title_lines("乌海市教育局关于转发内蒙古自治区教育厅关于进一步加强中小学校园安全管理工作若干意见的通知")
    assert len(three) == 3 and all(len(line) <= 20 for line in three)
    joined = "|".join(three)
    for word in ("内蒙古自治区", "教育厅", "中小学", "安全管理", "进一步"):
        assert word in joined, f"{word} was cut: {three}"
    assert title_lines("乌海市一体化推进全市义务教育扩优提质若干措施") == [
        "乌海市一体化推进",
        "全市义务教育扩优提质若干措施",
    ]


def test_addressees_one_line_below_the_title_flush_left_with_a_colon(seed_docx):
    document = _doc(seed_docx)
    addressee = _paragraphs_with_style(document, L.STYLE_ADDRESSEE)[0]
    assert addressee.text == "各区教育局、直属各学校（单位）、局机关各科室："
    assert int(addressee._p.find(f".//{W}spacing").get(qn("w:before"))) == 579
    assert document.styles[L.STYLE_ADDRESSEE].element.find(f".//{W}ind") is None  # 顶格


def test_headings_take_their_fonts_and_bold_leads_stay_bold(seed_docx):
    document = _doc(seed_docx)
    fonts = {level: _fonts(_style_rpr(document, L.STYLE_HEADING[level]))["eastAsia"] for level in (1, 2, 3, 4)}
    assert fonts == {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
    assert [p.text for p in _paragraphs_with_style(document, L.STYLE_HEADING[1])][:2] == [
        "一、指导思想",
        "二、总体目标",
    ]
    assert (
        _paragraphs_with_style(document, L.STYLE_HEADING[2])[0].text
        == "（一）推动党的建设与教育教学深度融合，实施党建引领行动"
    )
    measure = next(p for p in document.paragraphs if p.text.startswith("1.发挥中小学校党组织领导作用。"))
    assert measure.runs[0].text == "1.发挥中小学校党组织领导作用。" and measure.runs[0].bold
    assert not measure.runs[1].bold and measure.runs[1].text.startswith("一是扎实推行")
    assert "**" not in "".join(p.text for p in document.paragraphs)


def test_signature_with_seal_is_centred_on_the_date_four_characters_from_the_right(seed_docx):
    document = _doc(seed_docx)
    organ = _paragraphs_with_style(document, L.STYLE_SIGNATURE)[0]
    dated = _paragraphs_with_style(document, L.STYLE_DATE)[0]
    assert organ.text == "乌海市教育局" and dated.text == "2023年8月15日"
    char = 16 * 20 - 5
    date_right = int(dated._p.find(f".//{W}ind").get(qn("w:right")))
    organ_right = int(organ._p.find(f".//{W}ind").get(qn("w:right")))
    assert date_right == 4 * char
    # Centres line up: the date is 6.5 characters wide (digits are half width), the organ 6.
    assert abs((organ_right + 6 * char / 2) - (date_right + 6.5 * char / 2)) < 2


def _data(**changes) -> GongwenData:
    values = dict(
        mark="乌海市教育局文件",
        mark_mn=MONGOLIAN,
        header_order="zh_first",
        number="乌教发〔2024〕3号",
        title="关于做好2024年安全工作的通知",
        addressee_text="各区教育局：",
        body="请认真做好安全工作。",
        signature_organ="乌海市教育局",
        signed_on=__import__("datetime").date(2024, 3, 1),
    )
    values.update(changes)
    return GongwenData(**values)


def test_signature_without_seal_and_the_note_in_parentheses():
    document = _doc(render_gongwen(_data(with_seal=False, note="此件公开发布")))
    organ = _paragraphs_with_style(document, L.STYLE_SIGNATURE)[0]
    dated = _paragraphs_with_style(document, L.STYLE_DATE)[0]
    char = 16 * 20 - 5
    organ_right = int(organ._p.find(f".//{W}ind").get(qn("w:right")))
    date_right = int(dated._p.find(f".//{W}ind").get(qn("w:right")))
    # The date "2024年3月1日" (6 wide: digits are half) would start right of the edge, so it stands two
    # characters from the edge and the organ (6 wide) moves left to start two characters before it.
    assert date_right == 2 * char
    assert (organ_right + 6 * char) - (date_right + 6 * char) == 2 * char
    note = _paragraphs_with_style(document, L.STYLE_NOTE)[0]
    assert note.text == "（此件公开发布）"
    elements = [p._p for p in document.paragraphs]
    assert elements.index(note._p) == elements.index(dated._p) + 1


def test_attachment_note_lists_files_aligned_one_line_below_the_text():
    document = _doc(render_gongwen(_data(attachments=["乌海市义务教育优质均衡创建工作方案", "任务分解表"])))
    first, second = _paragraphs_with_style(document, L.STYLE_ATTACHMENT_NOTE)
    assert first.text == "附件：1.乌海市义务教育优质均衡创建工作方案" and second.text == "2.任务分解表"
    char = 16 * 20 - 5
    ind1, ind2 = first._p.find(f".//{W}ind"), second._p.find(f".//{W}ind")
    # First line starts two characters in; every name starts at the same place.
    assert int(ind1.get(qn("w:left"))) - int(ind1.get(qn("w:hanging"))) == 2 * char
    assert int(ind1.get(qn("w:left"))) == int(ind2.get(qn("w:left")))
    assert int(first._p.find(f".//{W}spacing").get(qn("w:before"))) == 579


def test_distributed_document_starts_on_a_new_page_labelled_or_not(seed_docx):
    document = _doc(seed_docx)
    titles = _paragraphs_with_style(document, L.STYLE_TITLE)
    assert titles[1].text.replace("\n", "") == "乌海市一体化推进全市义务教育扩优提质若干措施"
    assert titles[1]._p.find(f".//{W}pageBreakBefore") is not None
    labelled = _doc(render_gongwen(_data(documents=[("若干措施", "正文。")], label_documents=True)))
    label = _paragraphs_with_style(labelled, L.STYLE_ATTACHMENT_LABEL)[0]
    assert label.text == "附件" and label._p.find(f".//{W}pageBreakBefore") is not None
    assert _fonts(_style_rpr(labelled, L.STYLE_ATTACHMENT_LABEL))["eastAsia"] == "黑体"


def test_roster_section_in_columns_with_spaced_two_character_roles(seed_docx):
    document = _doc(seed_docx)
    table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("组"))
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["组\u3000长：", "董跃飞", "市教育局党组书记、局长"]
    assert rows[1] == ["副组长：", "肖西田", "市教育局党组成员、副局长，总督学"]
    assert rows[2][0] == "" and rows[2][1] == "张志贤"  # the role is printed once
    assert (
        rows[-1][0] == "成\u3000员：" and rows[-1][1] == "各高中学校书记、校长、各直属单位负责人、市教育局各科室负责人"
    )
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.find(qn("w:tblGrid"))]
    assert widths[0] > 6 * 315 - 1 and widths[1] == 5 * 315  # names and 职务 start in fixed columns
    assert len(rows) == 9


def test_imprint_at_the_foot_of_the_last_page_between_rules():
    """§7.4: a table floating at the bottom of the text block, as wide as it; thick rules first and last, thin ones
    between; 4号 rows one character in from each side, 抄送 wrapping under the first organ after its colon."""
    document = _doc(
        render_gongwen(
            _data(
                cc_text="市政府办公室，市人大常委会办公室",
                imprint_organ="乌海市教育局办公室",
                imprinted_on=__import__("datetime").date(2024, 3, 2),
            )
        )
    )
    table = document.tables[-1]
    tblpr = table._tbl.tblPr
    position = tblpr.find(f"{W}tblpPr")
    assert position.get(qn("w:vertAnchor")) == "margin" and position.get(qn("w:tblpYSpec")) == "bottom"
    assert int(tblpr.find(f"{W}tblW").get(qn("w:w"))) == L.TEXT_WIDTH_TWIPS
    borders = {b.tag.rsplit("}", 1)[1]: (b.get(qn("w:val")), b.get(qn("w:sz"))) for b in tblpr.find(f"{W}tblBorders")}
    assert borders["top"] == borders["bottom"] == ("single", "8")  # 0.35 mm
    assert borders["insideH"] == ("single", "6")  # 0.25 mm
    assert borders["left"][0] == borders["right"][0] == borders["insideV"][0] == "nil"
    cc, imprint = (row.cells[0].paragraphs[0] for row in table.rows)
    assert cc.text == "抄送：市政府办公室，市人大常委会办公室。"
    assert imprint.text == "乌海市教育局办公室\t2024年3月2日印发"
    char = 14 * 20  # one 4号 character, in twips
    indent = cc._p.find(f".//{W}ind")
    assert int(indent.get(qn("w:left"))) == 4 * char and int(indent.get(qn("w:hanging"))) == 3 * char
    assert int(indent.get(qn("w:right"))) == char
    assert cc.style.name == imprint.style.name == L.STYLE_IMPRINT
    assert _size_pt(_style_rpr(document, L.STYLE_IMPRINT)) == 14
    # Word wants a paragraph after a table at the end of the text.
    assert document.element.body[-2].tag == f"{W}p"


def test_addressees_too_many_for_the_first_page_move_to_the_imprint():
    """§7.3.3: forty addressees would fill the first page; they go to the 版记 as 主送, marked as 抄送 is."""
    names = "、".join(f"乌海市第{n}中学" for n in range(1, 41)) + "："
    document = _doc(render_gongwen(_data(addressee_text=names, cc_text="市政府办公室")))
    assert not [p for p in document.paragraphs if p.style.name == L.STYLE_ADDRESSEE]
    rows = [row.cells[0].paragraphs[0].text for row in document.tables[-1].rows]
    assert rows[0] == "主送：" + names.rstrip("：").replace("、", "，") + "。"
    assert rows[1] == "抄送：市政府办公室。"
    few = _doc(render_gongwen(_data(addressee_text="各区教育局、直属各学校（单位）：")))
    assert [p.text for p in few.paragraphs if p.style.name == L.STYLE_ADDRESSEE] == ["各区教育局、直属各学校（单位）："]


def test_page_numbers_in_odd_and_even_footers(seed_docx):
    document = _doc(seed_docx)
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for paragraph, side in ((odd, "right"), (even, "left")):
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph._p.find(f".//{W}jc").get(qn("w:val")) == side
        assert int(paragraph._p.find(f".//{W}ind").get(qn(f"w:{side}"))) == 14 * 20  # one 4号 character
    rpr = _style_rpr(document, L.STYLE_PAGE_NUMBER)
    assert _size_pt(rpr) == 14 and _fonts(rpr)["ascii"] == "宋体"
    distance_mm = section.footer_distance / 36000
    assert abs(distance_mm + 7 + L.PAGE_NUMBER_DASH_ABOVE_LINE_BOTTOM_MM - 35) < 0.2  # the dashes 7 mm below


def test_every_run_names_its_font_in_all_four_slots(seed_docx):
    """No text falls back to an unnamed font: styles name all four slots, and CJK runs hint eastAsia."""
    document = _doc(seed_docx)
    for style_name in L.ALL_STYLES:
        fonts = _fonts(_style_rpr(document, style_name))
        assert {"ascii", "hAnsi", "eastAsia", "cs"} <= set(fonts), style_name
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        xml = package.read("word/document.xml").decode()
    for fonts in re.findall(r"<w:rFonts [^>]+>", xml):
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert f"w:{slot}=" in fonts, fonts
    assert "“1+N”" in xml


def test_the_font_table_says_what_stock_windows_should_use_for_each_official_font(seed_docx):
    """A reader without 仿宋_GB2312 and 楷体_GB2312 (stock Windows) gets 仿宋 and 楷体, not Word's default face."""
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
    alt_names = {
        font.get(f"{W}name"): font.find(f"{W}altName").get(f"{W}val") if font.find(f"{W}altName") is not None else None
        for font in table.iter(f"{W}font")
    }
    assert alt_names[L.FANGSONG] == "仿宋"
    assert alt_names[L.KAITI] == "楷体"
    assert alt_names[L.HEITI] == "SimHei"
    # every font a style names is in the table
    document = _doc(seed_docx)
    for style_name in L.ALL_STYLES:
        assert _fonts(_style_rpr(document, style_name))["eastAsia"] in alt_names, style_name


def test_rendering_twice_gives_the_same_bytes(demo):
    with demo.app_context():
        notice = seed_notice()
        assert render_notice_docx(notice) == render_notice_docx(notice)
    with zipfile.ZipFile(io.BytesIO(render_gongwen(_data()))) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_issued_notices_bytes_never_change(login, client, demo):

    login("secretary")
    first = client.get("/notices/1/document.docx")
    assert first.status_code == 200 and first.data[:2] == b"PK"
    with demo.app_context():
        notice = db.session.get(Notice, 1)
        import hashlib

        assert hashlib.sha256(first.data).hexdigest() == notice.docx_sha256
        notice.organ.header_order, notice.organ.name_mn = "mn_first", "ᠬᠣᠲᠠ"
        db.session.commit()
    assert client.get("/notices/1/document.docx").data == first.data


def test_mongolian_inside_chinese_text_gets_its_own_run_and_font():
    document = _doc(render_gongwen(_data(body=f"单位蒙古文名称为{MONGOLIAN}，请核对。")))
    body = _paragraphs_with_style(document, L.STYLE_BODY)[0]
    texts = [(r.text, _fonts(r._r).get("cs")) for r in body.runs]
    assert texts[0] == ("单位蒙古文名称为", None)
    assert texts[1][0].strip(" ") and texts[1][1] == "Mongolian Baiti"
    assert "".join(t for t, _ in texts) == f"单位蒙古文名称为{MONGOLIAN}，请核对。"


def test_odd_characters_still_render():
    odd = "“引号”‘单引号’——破折号…… ① ² ㎡ 𠀀 emoji🙂 <&>"
    document = _doc(render_gongwen(_data(title="关于<测试>&“符号”的通知", body=odd)))
    assert _paragraphs_with_style(document, L.STYLE_BODY)[0].text == odd


# The 80号 case: a five-line title, the addressees in the 版记, and one paragraph of three lines leave one line of
# page 1 for a signature that takes four (two blank lines for the seal, the organ, the date).
LONG_TITLE = (
    "乌海市教育局关于印发《乌海市深化中小学教师“县管校聘”管理改革实施办法（试行）》《乌海市义务教育阶段教师交流轮岗"
    "工作管理办法》和《乌海市中小学教师专业技术职务评聘办法》的通知"
)
ONE_PARAGRAPH = (
    "现将《乌海市深化中小学教师“县管校聘”管理改革实施办法（试行）》和《乌海市义务教育阶段教师交流轮岗工作管理办法》"
    "印发给你们，请结合实际认真贯彻执行。"
)


def _body_texts(document) -> list[tuple[str, bool]]:
    """Each paragraph of text, and whether it keeps with the next one (by its own mark or by its style)."""
    found = []
    for p in document.paragraphs:
        if p.text and p.style.name in (L.STYLE_BODY, L.STYLE_BODY_END):
            kept = p._p.find(f".//{W}keepNext") is not None or p.style.paragraph_format.keep_with_next is True
            found.append((p.text, kept))
    return found


def test_the_body_end_style_is_the_text_flush_left_kept_with_what_follows(seed_docx):
    styles = _doc(seed_docx).styles
    body, end = styles[L.STYLE_BODY], styles[L.STYLE_BODY_END]
    assert body.paragraph_format.first_line_indent and not end.paragraph_format.first_line_indent
    assert end.paragraph_format.keep_with_next and not body.paragraph_format.keep_with_next
    assert (end.font.size, end.font.name) == (body.font.size, body.font.name)


def test_the_last_lines_of_the_only_paragraph_keep_with_the_signature():
    addressees = "、".join(f"乌海市第{n}中学" for n in "一二三四五六七八九十") * 4 + "："  # too many for page 1
    document = _doc(render_gongwen(_data(title=LONG_TITLE, addressee_text=addressees, body=ONE_PARAGRAPH)))
    # Its lines begin at 0, 26 (after the two-character indent) and 54: the last keeps with the signature, as the
    # same paragraph going on (GW Body End: no indent), and two stay on page 1 when it moves; nothing is lost.
    assert _body_texts(document) == [(ONE_PARAGRAPH[:54], False), (ONE_PARAGRAPH[54:], True)]
    # Four lines or more: the last two.
    longer = ONE_PARAGRAPH + "各单位要加强组织领导，确保各项工作落到实处。"
    document = _doc(render_gongwen(_data(body=longer)))
    assert _body_texts(document) == [(longer[:54], False), (longer[54:], True)]


def test_a_short_last_paragraph_keeps_whole_and_uncounted_lines_are_left_to_the_layout():
    # A last paragraph of three lines or fewer, after others: it keeps with the signature whole.
    body = ONE_PARAGRAPH + "\n特此通知。"
    expected = [(ONE_PARAGRAPH, False), ("特此通知。", True)]
    assert _body_texts(_doc(render_gongwen(_data(body=body)))) == expected
    # Latin letters and digits: their widths vary, so where the lines break is not counted, and nothing is split.
    latin = ONE_PARAGRAPH.replace("认真", "按GB/T 9704-2012认真")
    assert _body_texts(_doc(render_gongwen(_data(body=latin)))) == [(latin, False)]
    # A break beside a mark 禁则 moves (here "，" would begin the second line): not counted either.
    marked = "现将有关事项通知如下请各单位认真组织学习抓紧抓好落实，" + "确保各项工作取得实效" * 6 + "。"
    assert _body_texts(_doc(render_gongwen(_data(body=marked)))) == [(marked, False)]
