"""Importing a notice from .docx. Every document is built here with python-docx: there are no binary fixtures."""

import datetime
import io
import random
import struct
import zipfile
import zlib

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from app.demo.seed_data import ACTIONS, MEASURES_BODY, NOTICE, ROSTER_PLACEHOLDER
from app.documents import docx_import
from app.documents.docx_import import DocxImportError, detect_heading_level, import_docx
from app.documents.text import paragraphs

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
MONGOLIAN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"
COVER_TEXT = "现将《乌海市一体化推进全市义务教育扩优提质若干措施》印发给你们，请结合实际认真贯彻执行。"


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def append_xml(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


def number(paragraph, num_id: int, ilvl: int | None = None):
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id
    return paragraph


# ---------------------------------------------------------------------------------------------------------------
# Bold lead sentences
# ---------------------------------------------------------------------------------------------------------------


def test_seed_measure_keeps_its_bold_lead_sentence():
    measure = ACTIONS[0]["measures"][0]
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("\u3000\u3000")
    paragraph.add_run("1.").bold = True  # the lead is split over two bold runs, as Word often does
    paragraph.add_run(f"{measure['title']}。").bold = True
    paragraph.add_run("".join(measure["items"]))

    draft = import_docx(to_bytes(document))

    assert draft.body.startswith("**1.发挥中小学校党组织领导作用。**一是扎实推行中小学校党组织领导的校长负责制，")
    assert draft.body == "**1.发挥中小学校党组织领导作用。**" + "".join(measure["items"])
    assert draft.headings == [(3, "1.发挥中小学校党组织领导作用。")]
    assert draft.title == "" and draft.addressee_text == "" and draft.warnings == []


def test_the_whole_seed_document_comes_back_as_stored():
    """The seed's attachment, typed in Word the way a secretary would: centred title, indented paragraphs."""
    stored_lines = [line for line in MEASURES_BODY.split("\n") if line != ROSTER_PLACEHOLDER]
    document = docx.Document()
    centred(document, NOTICE["documents"][0]["title"], points=22)
    for line in stored_lines:
        paragraph = document.add_paragraph()
        if line.startswith("**"):
            lead, rest = line[2:].split("**", 1)
            paragraph.add_run("\u3000\u3000" + lead).bold = True
            paragraph.add_run(rest)
        elif detect_heading_level(line) in (1, 2):
            paragraph.add_run("\u3000\u3000" + line).bold = True
        else:
            paragraph.add_run("\u3000\u3000" + line)

    draft = import_docx(to_bytes(document))

    assert draft.title == "乌海市一体化推进全市义务教育扩优提质若干措施"
    assert draft.body == "\n".join(stored_lines)
    assert [level for level, _text in draft.headings] == [
        1,
        1,
        1,
        2,
        3,
        3,
        3,
        2,
        3,
        2,
        3,
        2,
        3,
        3,
        2,
        3,
        2,
        3,
        2,
        3,
        3,
        1,
        1,
        2,
        2,
        2,
    ]
    assert draft.headings[4] == (3, "1.发挥中小学校党组织领导作用。")
    assert (draft.addressee_text, draft.signature_organ, draft.signed_on, draft.warnings) == ("", "", None, [])


def test_bold_from_styles_is_resolved_and_inline_bold_is_dropped():
    document = docx.Document()
    lead_style = document.styles.add_style("要点", WD_STYLE_TYPE.CHARACTER)
    lead_style.font.bold = True
    heading_style = document.styles.add_style("小标题", WD_STYLE_TYPE.PARAGRAPH)
    heading_style.base_style = document.styles["Normal"]
    heading_style.font.bold = True
    derived_style = document.styles.add_style("小标题二", WD_STYLE_TYPE.PARAGRAPH)
    derived_style.base_style = heading_style  # bold two steps up the chain

    by_char_style = document.add_paragraph()
    by_char_style.add_run("2.完善工作运行体制机制。", style="要点")
    by_char_style.add_run("一是健全工作机制。")
    document.add_paragraph("（一）强化组织领导", style="小标题二")
    by_para_style = document.add_paragraph(style="小标题")
    by_para_style.add_run("（二）加强督促检查：")
    by_para_style.add_run("市教育局将扩优提质纳入考核。").bold = False
    inline = document.add_paragraph("各区要")
    inline.add_run("切实").bold = True
    inline.add_run("履行主体责任。")
    not_a_sentence = document.add_paragraph()
    not_a_sentence.add_run("重点").bold = True
    not_a_sentence.add_run("在于落实。")

    draft = import_docx(to_bytes(document))

    assert draft.body == (
        "**2.完善工作运行体制机制。**一是健全工作机制。\n"
        "（一）强化组织领导\n"
        "**（二）加强督促检查：**市教育局将扩优提质纳入考核。\n"
        "各区要切实履行主体责任。\n"
        "重点在于落实。"
    )
    assert draft.headings == [(3, "2.完善工作运行体制机制。"), (2, "（一）强化组织领导"), (2, "（二）加强督促检查：")]


# ---------------------------------------------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, level",
    [
        ("一、指导思想", 1),
        ("十一、其他", 1),
        ("（一）推动党的建设与教育教学深度融合", 2),
        ("(一)推动党的建设", 2),
        ("1.发挥中小学校党组织领导作用。", 3),
        ("12.加大教育督导力度", 3),
        ("**1.发挥中小学校党组织领导作用。**一是…", 3),
        ("（1）强化组织领导", 4),
        ("(1)强化组织领导", 4),
        ("1.5亿元用于校舍改造", None),
        ("2023年，全市义务教育阶段教育教学质量明显提升", None),
        ("一是扎实推行校长负责制", None),
        ("1、发挥作用", None),
        ("１.全角数字", None),
        ("", None),
    ],
)
def test_detect_heading_level(text, level):
    assert detect_heading_level(text) == level


# ---------------------------------------------------------------------------------------------------------------
# Automatic numbering
# ---------------------------------------------------------------------------------------------------------------

NUMBERING = f"""<w:numbering {W}>
  <w:abstractNum w:abstractNumId="10">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/>
      <w:suff w:val="nothing"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedParen"/><w:lvlText w:val="%4"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1、"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="12">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="hebrew1"/><w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="10"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="10"/></w:num>
</w:numbering>"""


def numbered_document():
    document = docx.Document()
    document.part.numbering_part._element = parse_xml(NUMBERING)
    return document


def test_automatic_chinese_numbering_is_rebuilt():
    document = numbered_document()
    level_one = document.styles.add_style("公文一级标题", WD_STYLE_TYPE.PARAGRAPH)
    level_one.font.bold = True
    style_num_pr = level_one.element.get_or_add_pPr().get_or_add_numPr()
    style_num_pr.get_or_add_ilvl().val = 0
    style_num_pr.get_or_add_numId().val = 1

    number(document.add_paragraph("指导思想"), 1, 0)
    number(document.add_paragraph("坚持立德树人。"), 1, 1)
    number(document.add_paragraph("发展素质教育。"), 1, 1)
    number(document.add_paragraph(""), 1, 2)  # an empty numbered paragraph is dropped but uses up "1."
    number(document.add_paragraph("总体目标"), 1, 0)
    number(document.add_paragraph("质量明显提升。"), 1, 1)
    lead = number(document.add_paragraph(), 1, 2)
    lead.add_run("发挥中小学校党组织领导作用。").bold = True
    lead.add_run("一是扎实推行校长负责制。")
    number(document.add_paragraph("强化组织领导"), 1, 3)
    document.add_paragraph("推进举措", style="公文一级标题")  # numbered through its style, bold throughout
    number(document.add_paragraph("党建引领行动"), 1, 1)
    number(document.add_paragraph("天干序号"), 2, 0)
    number(document.add_paragraph("希伯来字母序号"), 3, 0)

    draft = import_docx(to_bytes(document))

    assert draft.body == (
        "一、指导思想\n"
        "（一）坚持立德树人。\n"
        "（二）发展素质教育。\n"
        "二、总体目标\n"
        "（一）质量明显提升。\n"
        "**1.发挥中小学校党组织领导作用。**一是扎实推行校长负责制。\n"
        "（1）强化组织领导\n"
        "三、推进举措\n"
        "（一）党建引领行动\n"
        "甲、天干序号\n"
        "希伯来字母序号"
    )
    assert draft.headings == [
        (1, "一、指导思想"),
        (2, "（一）坚持立德树人。"),
        (2, "（二）发展素质教育。"),
        (1, "二、总体目标"),
        (2, "（一）质量明显提升。"),
        (3, "1.发挥中小学校党组织领导作用。"),
        (4, "（1）强化组织领导"),
        (1, "三、推进举措"),
        (2, "（一）党建引领行动"),
    ]
    assert draft.warnings == [
        "Paragraphs imported without their automatic numbers (the format “hebrew1” is not supported): 1."
    ]


def test_list_instances_of_one_definition_share_counters_until_a_start_override():
    document = numbered_document()
    number(document.add_paragraph("甲"), 1, 0)
    number(document.add_paragraph("乙"), 1, 0)
    number(document.add_paragraph("丙"), 5, 0)  # another instance of the same definition continues: 三
    number(document.add_paragraph("丁"), 4, 0)  # an instance with a startOverride restarts: 一

    assert import_docx(to_bytes(document)).body == "一、甲\n二、乙\n三、丙\n一、丁"


# ---------------------------------------------------------------------------------------------------------------
# 版头, title, addressee, signature
# ---------------------------------------------------------------------------------------------------------------


def centred(document, text, points=None, red=False):
    paragraph = document.add_paragraph()
    paragraph.alignment = CENTER
    run = paragraph.add_run(text)
    if points:
        run.font.size = Pt(points)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    return paragraph


def test_header_title_addressee_and_signature_are_taken_out_of_the_body():
    document = docx.Document()
    centred(document, "乌海市教育局文件", points=42, red=True)
    centred(document, MONGOLIAN, red=True)
    document.add_paragraph("")
    centred(document, "乌教发〔2023〕75号")
    centred(document, "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》", points=22)
    centred(document, "的通知", points=22)
    document.add_paragraph("各区教育局、直属各学校（单位）、局机关各科室:")
    document.add_paragraph("\u3000\u3000" + COVER_TEXT)
    document.add_paragraph("")
    document.add_paragraph("")
    document.add_paragraph("乌海市教育局").alignment = RIGHT
    document.add_paragraph("2023年8月15日").alignment = RIGHT
    document.add_paragraph("\u3000\u3000（此件公开发布）")

    draft = import_docx(to_bytes(document))

    assert draft.title == "乌海市教育局关于印发《乌海市一体化推进全市义务教育扩优提质若干措施》的通知"
    assert draft.addressee_text == "各区教育局、直属各学校（单位）、局机关各科室："
    assert draft.body == COVER_TEXT + "\n（此件公开发布）"
    assert draft.signature_organ == "乌海市教育局"
    assert draft.signed_on == datetime.date(2023, 8, 15)
    assert draft.headings == []
    assert draft.warnings == []


def test_signature_after_a_blank_area_with_a_date_in_chinese_numerals():
    document = docx.Document()
    document.add_paragraph("各区教育局：")
    document.add_paragraph("请于9月1日前报送材料。")
    document.add_paragraph("")
    document.add_paragraph("乌海市教育局")
    document.add_paragraph("二〇二三年八月十五日")

    draft = import_docx(to_bytes(document))

    assert (draft.addressee_text, draft.body) == ("各区教育局：", "请于9月1日前报送材料。")
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2023, 8, 15))


def test_imprint_block_is_left_out_and_does_not_hide_the_signature():
    document = docx.Document()
    centred(document, "关于做好秋季学期开学工作的通知", points=22)
    centred(document, "（2023年8月15日局党组会议审议通过）")
    document.add_paragraph("各区教育局：")
    document.add_paragraph("请做好开学准备。")
    document.add_paragraph("附件：开学工作检查表")
    document.add_paragraph("乌海市教育局").alignment = RIGHT
    document.add_paragraph("2023年8月15日").alignment = RIGHT
    document.add_paragraph("（联系人：张敏，电话：0473-1234567）")
    document.add_paragraph("抄送：市委办公室，市政府办公室。")
    document.add_paragraph("乌海市教育局办公室\u3000\u3000\u3000\u30002023年8月15日印发")

    draft = import_docx(to_bytes(document))

    assert draft.title == "关于做好秋季学期开学工作的通知"
    assert draft.addressee_text == ""  # the line under the title is not an addressee line: it sits in the body
    assert draft.body == (
        "（2023年8月15日局党组会议审议通过）\n各区教育局：\n请做好开学准备。\n附件：开学工作检查表\n"
        "（联系人：张敏，电话：0473-1234567）"
    )
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2023, 8, 15))
    assert draft.warnings == [
        "Left out of the body (版记): “抄送：市委办公室，市政府办公室。”. Enter it in the cc or imprint fields.",
        "Left out of the body (版记): “乌海市教育局办公室\u3000\u3000\u3000\u30002023年8月15日印发”. "
        "Enter it in the cc or imprint fields.",
    ]


def test_closing_formula_is_not_taken_for_an_organ():
    document = docx.Document()
    document.add_paragraph("请各单位认真落实。")
    document.add_paragraph("特此通知")
    document.add_paragraph("\u3000" * 12 + "二○二三年十二月三十一日")  # pushed right with spaces, "○" for zero

    draft = import_docx(to_bytes(document))

    assert draft.body == "请各单位认真落实。\n特此通知"
    assert (draft.signature_organ, draft.signed_on) == ("", datetime.date(2023, 12, 31))


def test_a_date_inside_the_text_is_not_a_signature():
    document = docx.Document()
    document.add_paragraph("会议时间：")
    document.add_paragraph("2023年8月15日")

    draft = import_docx(to_bytes(document))

    assert draft.addressee_text == "会议时间："  # short and ends with a colon: it is taken for the addressee line
    assert (draft.body, draft.signature_organ, draft.signed_on) == ("2023年8月15日", "", None)


# ---------------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------------


def test_indentation_is_stripped_but_mongolian_spacing_survives_byte_for_byte():
    document = docx.Document()
    document.add_paragraph("\u3000\u3000" + MONGOLIAN + "\u3000 ")
    document.add_paragraph("\t  全角缩进：保留“引号”和，全角标点。\t")
    document.add_paragraph("ᠪᠢᠴᠢᠭ\u202f")
    document.add_paragraph("\u3000\u3000\t ")  # only indentation: an empty paragraph

    draft = import_docx(to_bytes(document))

    expected = MONGOLIAN + "\n全角缩进：保留“引号”和，全角标点。\nᠪᠢᠴᠢᠭ\u202f"
    assert draft.body.encode("utf-8") == expected.encode("utf-8")


def test_literal_asterisks_are_escaped():
    document = docx.Document()
    document.add_paragraph("星号*与**双星号**不是加粗，反斜杠\\照录，\\*也照录。")
    lead = document.add_paragraph()
    lead.add_run("注*：").bold = True
    lead.add_run("见附件。")

    draft = import_docx(to_bytes(document))

    assert draft.body == ("星号\\*与\\*\\*双星号\\*\\*不是加粗，反斜杠\\照录，\\\\*也照录。\n**注\\*：**见附件。")
    # Reading "\\*" back as "*" (the documented rule) gives the typed text back, backslashes included.
    assert draft.body.split("\n")[0].replace("\\*", "*") == "星号*与**双星号**不是加粗，反斜杠\\照录，\\*也照录。"


def test_line_breaks_inside_a_paragraph_join_without_or_with_a_space():
    document = docx.Document()
    cjk = document.add_paragraph()
    cjk.add_run("第一行").add_break()
    cjk.add_run("\u3000\u3000第二行。")
    latin = document.add_paragraph()
    latin.add_run("Hello").add_break()
    latin.add_run("World")
    mongolian = document.add_paragraph()
    mongolian.add_run("ᠦᠬᠠᠢ").add_break()
    mongolian.add_run("ᠬᠣᠲᠠ")

    assert import_docx(to_bytes(document)).body == "第一行第二行。\nHello World\nᠦᠬᠠᠢ ᠬᠣᠲᠠ"


# ---------------------------------------------------------------------------------------------------------------
# What is skipped
# ---------------------------------------------------------------------------------------------------------------


def test_a_table_with_one_filled_cell_is_skipped_with_a_warning():
    """Not rows of a table (app/documents/text.py needs two rows of two cells): its text would be a stray line."""
    document = docx.Document()
    document.add_paragraph("表格前的段落。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "表格里的文字"
    document.add_paragraph("表格后的段落。")

    draft = import_docx(to_bytes(document))

    assert draft.body == "表格前的段落。\n表格后的段落。"
    assert draft.warnings == ["Tables skipped: 1. Copy what you need from them into the draft by hand."]


def test_a_table_in_the_body_comes_in_as_its_rows_where_it_stood():
    """The text's table form (cells between TABs), which prints on a landscape page of its own (§8); a cell of
    several paragraphs runs them together; an empty row is left out."""
    document = docx.Document()
    document.add_paragraph("各校检查进度安排如下：")
    rows = [
        ["阶段", "时间", "责任单位"],
        ["自查", "5月10日—5月17日", "各学校"],
        ["", "", ""],
        ["抽查", "5月18日", "市教育局"],
    ]
    table = document.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(3, 2).add_paragraph("安全科")
    document.add_paragraph("请各单位认真落实。")

    draft = import_docx(to_bytes(document))

    assert draft.body.split("\n") == [
        "各校检查进度安排如下：",
        "阶段\t时间\t责任单位",
        "自查\t5月10日—5月17日\t各学校",
        "抽查\t5月18日\t市教育局安全科",
        "请各单位认真落实。",
    ]
    assert draft.warnings == []
    (printed,) = [p for p in paragraphs(draft.body) if p.table]
    assert printed.table[0] == ("阶段", "时间", "责任单位") and len(printed.table) == 3


def test_tracked_deletions_are_not_imported_and_insertions_are():
    document = docx.Document()
    paragraph = document.add_paragraph("保留")
    append_xml(
        paragraph,
        f'<w:ins {W} w:id="1" w:author="办公室" w:date="2023-08-01T00:00:00Z"><w:r><w:t>新增</w:t></w:r></w:ins>',
    )
    append_xml(
        paragraph,
        f'<w:del {W} w:id="2" w:author="办公室" w:date="2023-08-01T00:00:00Z">'
        f"<w:r><w:delText>已删除的文字</w:delText></w:r></w:del>",
    )
    paragraph.add_run("文字。")

    draft = import_docx(to_bytes(document))

    assert draft.body == "保留新增文字。"
    assert draft.warnings == [
        "The document has tracked changes: the text was imported as if every change had been accepted."
    ]


TEXT_BOX_RUN = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
    xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
    xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing><wp:anchor><wp:docPr id="1" name="文本框 1"/><a:graphic>
        <a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>
          <w:txbxContent><w:p><w:r><w:t>文本框里的文字</w:t></w:r></w:p></w:txbxContent>
        </wps:txbx></wps:wsp></a:graphicData>
      </a:graphic></wp:anchor></w:drawing>
    </mc:Choice>
    <mc:Fallback>
      <w:pict><v:shape><v:textbox>
        <w:txbxContent><w:p><w:r><w:t>文本框里的文字</w:t></w:r></w:p></w:txbxContent>
      </v:textbox></v:shape></w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def test_text_boxes_and_footnotes_are_skipped_with_warnings():
    document = docx.Document()
    paragraph = document.add_paragraph("正文。")
    append_xml(paragraph, TEXT_BOX_RUN)
    append_xml(paragraph, f'<w:r {W}><w:footnoteReference w:id="1"/></w:r>')

    draft = import_docx(to_bytes(document))

    assert draft.body == "正文。"
    assert draft.warnings == [
        "Text boxes skipped: 1. Their text was not imported.",
        "Footnotes and endnotes skipped: 1.",
    ]


def tiny_png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_images_are_skipped_with_a_warning():
    document = docx.Document()
    document.add_paragraph("见下图。")
    document.add_picture(io.BytesIO(tiny_png()))

    draft = import_docx(to_bytes(document))

    assert draft.body == "见下图。"
    assert draft.warnings == ["Images and charts skipped: 1."]


# ---------------------------------------------------------------------------------------------------------------
# Files that are refused
# ---------------------------------------------------------------------------------------------------------------

NOT_A_DOCX = (
    "The file is not a Word document (.docx) or it is damaged. Save it as .docx in Word or WPS and import it again."
)


def test_an_old_doc_file_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(75).randbytes(4096)
    with pytest.raises(DocxImportError) as error:
        import_docx(data)
    assert str(error.value) == (
        "This is an old Word (.doc) or WPS (.wps) file. Open it in Word or WPS, save it as .docx and import it again."
    )


def test_an_encrypted_file_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64) + "EncryptionInfo".encode("utf-16-le") + bytes(64)
    with pytest.raises(DocxImportError) as error:
        import_docx(data)
    assert str(error.value) == (
        "The file is password-protected. Remove the password in Word or WPS, save it as .docx and import it again."
    )


def test_random_bytes_are_refused():
    data = b"\x00" + random.Random(2023).randbytes(4096)
    with pytest.raises(DocxImportError) as error:
        import_docx(data)
    assert str(error.value) == NOT_A_DOCX


def test_a_zip_without_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocxImportError) as error:
        import_docx(buffer.getvalue())
    assert str(error.value) == NOT_A_DOCX


def test_a_document_without_text_is_refused():
    document = docx.Document()
    document.add_paragraph("\u3000\u3000")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "只在表格里"
    with pytest.raises(DocxImportError) as error:
        import_docx(to_bytes(document))
    assert str(error.value) == "The document contains no text to import."


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(DocxImportError) as error:
        import_docx(bytes(2 * docx_import.MB), max_bytes=docx_import.MB)
    assert str(error.value) == "The file is larger than 1 MB."


def test_a_document_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(docx_import, "MAX_UNPACKED_PART_BYTES", docx_import.MB)
    document = docx.Document()
    document.add_paragraph("教" * 400_000)  # 1.2 MB of UTF-8, a few kB once compressed
    data = to_bytes(document)
    assert len(data) < 100_000
    with pytest.raises(DocxImportError) as error:
        import_docx(data)
    assert str(error.value) == "The file unpacks to far more data than a notice holds and cannot be imported."


def test_our_own_docx_comes_back_with_the_last_paragraph_whole():
    """The renderer splits the text's last lines off into a paragraph of their own (kept with the signature,
    "GW Body End"); importing the file joins them again, so a round trip through Word keeps the text as stored."""
    from app.documents.formats import render_gongwen
    from app.documents.gongwen import GongwenData

    last = "现将有关事项通知如下请各单位认真组织学习抓紧抓好落实确保各项工作取得实效" * 3 + "。"
    body = "为进一步做好教育工作，现就有关事项通知如下。\n" + last
    rendered = render_gongwen(
        GongwenData(
            mark="乌海市教育局文件",
            mark_mn=MONGOLIAN,
            header_order="zh_first",
            number="乌教发〔2024〕9号",
            title="关于做好教育工作的通知",
            addressee_text="各区教育局：",
            body=body,
            signature_organ="乌海市教育局",
            signed_on=datetime.date(2024, 3, 1),
        )
    )
    styles = [p.style.name for p in docx.Document(io.BytesIO(rendered)).paragraphs if p.text]
    assert "GW Body End" in styles  # split in the file
    draft = import_docx(rendered)
    assert draft.body == body and draft.title == "关于做好教育工作的通知"
    assert draft.signature_organ == "乌海市教育局" and draft.signed_on == datetime.date(2024, 3, 1)
