"""The elements of GB/T 9704-2012 around a notice's text, read back from Word files built the way secretaries' and
peers' files are: 份号, 密级, 紧急程度 above the red mark, 签发人 on the number's line, 联合行文's stacked mark,
公开属性, the 版记's 抄送, the 信函 and 纪要 formats. Every file is built here with python-docx, or by this system's
renderer."""

import datetime
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from app.documents.docx_import import import_docx

CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MONGOLIAN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"
TITLE = "关于做好2023年秋季学期开学工作的通知"
ADDRESSEES = "各区教育局，直属各学校："
TEXT = "现就做好秋季学期开学工作有关事项通知如下，请认真贯彻执行。"
IMPRINT_WARNING = "Left out of the body (版记): “%s”. Enter it in the cc or imprint fields."
CLASSIFIED = (
    "The file is marked classified (“%s”). A classified document may be handled only on systems approved for "
    "classified information."
)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def red_mark(container, text: str, points: int = 36):
    """The 发文机关标志: red, large, centred."""
    paragraph = container.add_paragraph()
    paragraph.alignment = CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(points)
    run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    return paragraph


def line(container, text: str, alignment=None, points=None):
    paragraph = container.add_paragraph()
    paragraph.alignment = alignment
    run = paragraph.add_run(text)
    if points:
        run.font.size = Pt(points)
    return paragraph


def title_and_text(document, *, title: str = TITLE, signature: bool = True):
    """Title (2号, centred), addressees, one paragraph of text, the organ over the date (right-aligned)."""
    line(document, title, CENTER, 22)
    line(document, ADDRESSEES)
    line(document, "\u3000\u3000" + TEXT)
    if signature:
        line(document, "乌海市教育局", RIGHT)
        line(document, "2023年8月15日", RIGHT)


def assert_text_is_clean(draft, *, title: str = TITLE, addressees: str = ADDRESSEES, body: str = TEXT):
    assert draft.title == title
    assert draft.addressee_text == addressees
    assert draft.body == body


def file_header(document, *elements: str, number: str = "乌教发〔2023〕12号"):
    """Elements above the mark, flush left, then the red mark, the Mongolian line and the number."""
    for text in elements:
        line(document, text)
    red_mark(document, "乌海市教育局文件")
    red_mark(document, MONGOLIAN, points=16)
    document.add_paragraph("")
    line(document, number, CENTER)


# ---------------------------------------------------------------------------------------------------------------
# 份号, 密级, 紧急程度
# ---------------------------------------------------------------------------------------------------------------


def test_copy_number_classification_and_urgency_are_read_and_leave_the_text():
    document = docx.Document()
    file_header(document, "000123", "机密★5年", "特急")
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert (draft.copy_number, draft.classification, draft.classification_period, draft.urgency) == (
        "000123",
        "机密",
        "5年",
        "特急",
    )
    assert draft.kind == "文件" and draft.joint_organs == []
    assert_text_is_clean(draft)
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2023, 8, 15))
    assert draft.warnings == [CLASSIFIED % "机密★5年"]


@pytest.mark.parametrize(
    "marking, classification, period",
    [
        ("秘密★1年", "秘密", "1年"),
        ("机密★5年", "机密", "5年"),
        ("绝密", "绝密", ""),
        ("秘密", "秘密", ""),
        ("秘密 ★ 1年", "秘密", "1年"),
        ("秘密*1年", "秘密", "1年"),
        ("秘密☆1年", "秘密", "1年"),
        ("机密★６个月", "机密", "6个月"),
        ("秘　密", "秘密", ""),
    ],
)
def test_classification_as_peers_write_it(marking, classification, period):
    document = docx.Document()
    file_header(document, marking)
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert (draft.classification, draft.classification_period) == (classification, period)
    assert draft.warnings == [CLASSIFIED % marking]
    assert_text_is_clean(draft)


@pytest.mark.parametrize(
    "typed, urgency",
    [("特急", "特急"), ("加急", "加急"), ("特  急", "特急"), ("特\u3000急", "特急"), ("加\u3000\u3000急", "加急")],
)
def test_urgency_spaced_or_not(typed, urgency):
    document = docx.Document()
    file_header(document, typed)
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert draft.urgency == urgency
    assert draft.warnings == []
    assert_text_is_clean(draft)


def test_an_urgency_gbt_9704_2012_does_not_know_is_not_imported_and_says_so():
    document = docx.Document()
    file_header(document, "特提")
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert draft.urgency == ""
    assert draft.warnings == [
        "The urgency “特提” is not one of GB/T 9704-2012 (特急, 加急) and was not imported. Choose the urgency by hand."
    ]
    assert_text_is_clean(draft)


def test_elements_on_one_line_with_a_tab_and_in_full_width_digits():
    document = docx.Document()
    file_header(document, "０００１２３\t秘密★1年\t加急")
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert (draft.copy_number, draft.classification, draft.classification_period, draft.urgency) == (
        "000123",
        "秘密",
        "1年",
        "加急",
    )
    assert_text_is_clean(draft)


def test_digits_alone_at_the_top_of_a_text_without_a_header_are_not_a_copy_number():
    document = docx.Document()
    line(document, "2023")
    line(document, "年度工作要点如下。")

    draft = import_docx(to_bytes(document))

    assert draft.copy_number == "" and draft.kind == ""
    assert draft.body == "2023\n年度工作要点如下。"


# ---------------------------------------------------------------------------------------------------------------
# 签发人
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number_line",
    [
        "乌教发〔2023〕12号            签发人：张三  李四",
        "乌教发〔2023〕12号\t\t签发人：张三\u3000李四",
        "乌教发〔2023〕12号\u3000\u3000签发人：张三\u3000\u3000李四",
        "乌教发〔2023〕12号签发人:张三、李四",
    ],
)
def test_signers_on_the_number_line(number_line):
    document = docx.Document()
    file_header(document, number=number_line)
    line(document, "关于2023年秋季学期开学工作情况的报告", CENTER, 22)
    line(document, "市人民政府：")
    line(document, "\u3000\u3000" + TEXT)

    draft = import_docx(to_bytes(document))

    assert draft.signers == ["张三", "李四"]
    assert draft.title == "关于2023年秋季学期开学工作情况的报告"
    assert (draft.addressee_text, draft.body) == ("市人民政府：", TEXT)


@pytest.mark.parametrize("going_on", ["next paragraph", "line break"])
def test_signers_over_two_lines(going_on):
    document = docx.Document()
    red_mark(document, "乌海市教育局文件")
    number = line(document, "乌教发〔2023〕12号\t签发人：张三\u3000李四")
    if going_on == "next paragraph":
        line(document, "\t\t\u3000\u3000\u3000王五")
    else:
        number.add_run().add_break()
        number.add_run("\t\t\u3000\u3000\u3000王\u3000五")  # a two-character name spaced to the width of three
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert draft.signers == ["张三", "李四", "王五"]
    assert_text_is_clean(draft)


def test_signers_in_a_table_beside_the_number():
    document = docx.Document()
    red_mark(document, "乌海市教育局文件")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "乌教发〔2023〕12号"
    names = table.cell(0, 1)
    names.text = "签发人：张三\u3000李四"
    names.add_paragraph("王五")
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert draft.signers == ["张三", "李四", "王五"]
    assert draft.warnings == []  # the table was read, not skipped
    assert_text_is_clean(draft)


def test_a_title_right_after_the_signers_line_is_not_a_name():
    document = docx.Document()
    red_mark(document, "乌海市教育局文件")
    line(document, "乌教发〔2023〕12号\t签发人：张三")
    line(document, "请示", CENTER, 22)
    line(document, "市人民政府：")
    line(document, "\u3000\u3000" + TEXT)

    draft = import_docx(to_bytes(document))

    assert draft.signers == ["张三"]
    assert (draft.title, draft.body) == ("请示", TEXT)


# ---------------------------------------------------------------------------------------------------------------
# 联合行文
# ---------------------------------------------------------------------------------------------------------------


def joint_mark_table(document, organs):
    """The stacked names in the left column, 文件 in the right one, merged down and centred beside them."""
    table = document.add_table(rows=len(organs), cols=2)
    for row, organ in enumerate(organs):
        cell = table.cell(row, 0)
        cell.text = organ
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    file_cell = table.cell(0, 1).merge(table.cell(len(organs) - 1, 1))
    file_cell.text = "文件"
    return table


def test_a_joint_mark_in_a_table_and_the_stacked_signatures():
    document = docx.Document()
    line(document, "000045")
    joint_mark_table(document, ["乌海市教育局", "乌海市财政局", "乌海市人力资源和社会保障局"])
    line(document, "乌教发〔2023〕12号", CENTER)
    line(document, TITLE, CENTER, 22)
    line(document, ADDRESSEES)
    line(document, "\u3000\u3000" + TEXT)
    document.add_paragraph("")
    line(document, "乌海市教育局", RIGHT)
    line(document, "乌海市财政局", RIGHT)
    line(document, "乌海市人力资源和社会保障局", RIGHT)
    line(document, "2023年8月15日", RIGHT)

    draft = import_docx(to_bytes(document))

    assert draft.kind == "文件" and draft.copy_number == "000045"
    assert draft.joint_organs == ["乌海市财政局", "乌海市人力资源和社会保障局"]
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2023, 8, 15))
    assert_text_is_clean(draft)
    assert draft.warnings == []


def test_a_joint_mark_stacked_with_line_breaks_and_the_signatures_side_by_side():
    document = docx.Document()
    mark = red_mark(document, "乌海市教育局")
    mark.runs[0].add_break()
    mark.add_run("乌海市财政局").font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    mark.add_run("文件").font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    line(document, "乌教发〔2023〕12号", CENTER)
    title_and_text(document, signature=False)
    document.add_paragraph("")
    line(document, "乌海市教育局\u3000\u3000\u3000\u3000乌海市财政局", RIGHT)
    line(document, "2023年8月15日", RIGHT)

    draft = import_docx(to_bytes(document))

    assert (draft.kind, draft.joint_organs, draft.signature_organ) == ("文件", ["乌海市财政局"], "乌海市教育局")
    assert_text_is_clean(draft)


def test_a_joint_mark_set_as_two_lines_in_one():
    """双行合一: the two names in one run that Word prints as two lines, 文件 beside them."""
    document = docx.Document()
    mark = red_mark(document, "乌海市教育局乌海市财政局")
    mark.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:eastAsianLayout {W} w:id="1" w:combine="1"/>'))
    mark.add_run("文件").font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    line(document, "乌教发〔2023〕12号", CENTER)
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert (draft.kind, draft.joint_organs) == ("文件", ["乌海市财政局"])
    assert_text_is_clean(draft)


# ---------------------------------------------------------------------------------------------------------------
# 公开属性 and 版记
# ---------------------------------------------------------------------------------------------------------------


def imprint_table(document, cc: str):
    """版记: 抄送 in one row (label and names in two cells), 印发机关 and 印发日期 in the next."""
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "抄送："
    table.cell(0, 1).text = cc
    table.cell(1, 0).text = "乌海市教育局办公室"
    table.cell(1, 1).text = "2023年8月15日印发"
    table.cell(1, 1).paragraphs[0].alignment = RIGHT
    document.add_paragraph("")
    return table


@pytest.mark.parametrize(
    "typed, disclosure",
    [
        ("（此件主动公开）", "主动公开"),
        ("（此件依申请公开）", "依申请公开"),
        ("（此件不予公开）", "不予公开"),
        ("（此件不公开）", "不予公开"),
        ("(此件主动公开)", "主动公开"),
        ("此件主动公开", "主动公开"),
    ],
)
@pytest.mark.parametrize("where", ["after the date", "above the imprint"])
def test_disclosure_is_read_and_leaves_the_text(typed, disclosure, where):
    document = docx.Document()
    file_header(document)
    title_and_text(document)
    if where == "after the date":
        line(document, "\u3000\u3000" + typed)
        line(document, "（联系人：张敏，电话：0473-1234567）")
    else:
        line(document, "（联系人：张敏，电话：0473-1234567）")
        document.add_paragraph("")
        line(document, typed)
    imprint_table(document, "乌海市人民政府办公室，自治区教育厅。")

    draft = import_docx(to_bytes(document))

    assert draft.disclosure == disclosure
    assert draft.body == TEXT + "\n（联系人：张敏，电话：0473-1234567）"
    assert (draft.title, draft.signature_organ, draft.signed_on) == (
        TITLE,
        "乌海市教育局",
        datetime.date(2023, 8, 15),
    )


def test_the_older_wording_is_read_and_stays_in_the_text_as_a_note():
    """ "（此件公开发布）" has always been kept in the body as its 附注 (test_docx_import pins it); it is read too."""
    document = docx.Document()
    title_and_text(document)
    line(document, "\u3000\u3000（此件公开发布）")

    draft = import_docx(to_bytes(document))

    assert draft.disclosure == "主动公开"
    assert draft.body == TEXT + "\n（此件公开发布）"


def test_cc_is_read_from_the_imprint_table():
    document = docx.Document()
    file_header(document)
    title_and_text(document)
    imprint_table(document, "乌海市人民政府办公室，自治区教育厅。")

    draft = import_docx(to_bytes(document))

    assert draft.cc_text == "乌海市人民政府办公室，自治区教育厅"
    assert_text_is_clean(draft)
    assert draft.warnings == [  # no "Tables skipped": the 版记 was read
        IMPRINT_WARNING % "抄送：乌海市人民政府办公室，自治区教育厅。",
        IMPRINT_WARNING % "乌海市教育局办公室\u30002023年8月15日印发",
    ]


def test_cc_typed_as_paragraphs_going_on_over_two_lines():
    document = docx.Document()
    title_and_text(document)
    line(document, "抄送：乌海市人民政府办公室，自治区教育厅，")
    line(document, "\u3000\u3000\u3000市委教育工委。")
    line(document, "乌海市教育局办公室\u3000\u3000\u3000\u30002023年8月15日印发")

    draft = import_docx(to_bytes(document))

    assert draft.cc_text == "乌海市人民政府办公室，自治区教育厅，市委教育工委"
    assert_text_is_clean(draft)
    assert draft.signature_organ == "乌海市教育局"


def test_a_disclosure_row_in_the_imprint_table_is_read():
    document = docx.Document()
    title_and_text(document)
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "公开方式：依申请公开"
    table.cell(1, 0).text = "抄送：自治区教育厅。"

    draft = import_docx(to_bytes(document))

    assert (draft.disclosure, draft.cc_text) == ("依申请公开", "自治区教育厅")
    assert draft.warnings == [IMPRINT_WARNING % "抄送：自治区教育厅。"]


# ---------------------------------------------------------------------------------------------------------------
# 信函 and 纪要
# ---------------------------------------------------------------------------------------------------------------


def test_a_letter_with_the_organs_full_name_as_its_mark():
    document = docx.Document()
    red_mark(document, "乌海市教育局", points=30)
    red_mark(document, MONGOLIAN, points=14)
    line(document, "000123")
    line(document, "加急")
    line(document, "乌教函〔2023〕12号", RIGHT)
    line(document, "关于商请协助做好教师培训工作的函", CENTER, 22)
    line(document, "乌海市财政局：")
    line(document, "\u3000\u3000" + TEXT)
    line(document, "乌海市教育局", RIGHT)
    line(document, "2023年8月15日", RIGHT)

    draft = import_docx(to_bytes(document))

    assert (draft.kind, draft.copy_number, draft.urgency, draft.joint_organs) == ("信函", "000123", "加急", [])
    assert_text_is_clean(draft, title="关于商请协助做好教师培训工作的函", addressees="乌海市财政局：")


def test_a_large_organ_name_with_no_header_line_under_it_is_a_title():
    """Not red and nothing of a 版头 after it: a title, not a 信函's mark."""
    document = docx.Document()
    line(document, "乌海市教育局", CENTER, 28)
    line(document, "\u3000\u3000" + TEXT)

    draft = import_docx(to_bytes(document))

    assert (draft.kind, draft.title, draft.body) == ("", "乌海市教育局", TEXT)


def test_a_red_line_of_body_size_is_a_mark_only_with_a_number_under_it():
    document = docx.Document()
    red_mark(document, "重要提示", points=16)
    line(document, "\u3000\u3000" + TEXT)
    draft = import_docx(to_bytes(document))
    assert (draft.kind, draft.title, draft.body) == ("", "重要提示", TEXT)

    document = docx.Document()
    red_mark(document, "乌海市教育局", points=16)
    line(document, "乌教函〔2023〕12号", RIGHT)
    line(document, "\u3000\u3000" + TEXT)
    draft = import_docx(to_bytes(document))
    assert (draft.kind, draft.title, draft.body) == ("信函", "", TEXT)


def test_minutes_with_their_attendance():
    document = docx.Document()
    red_mark(document, "乌海市教育局局长办公会议纪要")
    line(document, "第5期", CENTER)
    line(document, "乌海市教育局办公室\u3000\u3000\u3000\u3000\u3000\u30002023年8月15日")
    line(document, "\u3000\u30008月14日，局长张三主持召开局长办公会议，研究秋季学期开学工作。现纪要如下：")
    line(document, "\u3000\u3000一、关于开学准备")
    line(document, "\u3000\u3000会议要求各校于8月25日前完成校舍安全排查。")
    document.add_paragraph("")
    line(document, "出席：张三、李四、王五、赵六（市财政局副局长）、")
    line(document, "\u3000\u3000\u3000孙七")
    line(document, "列席：局机关各科室负责人")
    line(document, "请假：周八")
    imprint_table(document, "各区教育局。")

    draft = import_docx(to_bytes(document))

    assert draft.kind == "纪要"
    assert draft.meeting == {
        "attendees": ["张三", "李四", "王五", "赵六（市财政局副局长）", "孙七"],
        "observers": ["局机关各科室负责人"],
        "absent": ["周八"],
    }
    assert draft.title == ""
    assert draft.body == (
        "8月14日，局长张三主持召开局长办公会议，研究秋季学期开学工作。现纪要如下：\n"
        "一、关于开学准备\n"
        "会议要求各校于8月25日前完成校舍安全排查。"
    )
    assert draft.signed_on == datetime.date(2023, 8, 15)  # the date under the mark
    assert draft.cc_text == "各区教育局"


def test_attendance_lines_outside_minutes_are_text():
    """A meeting notice names who is to attend: in a 通知 those lines are its content."""
    document = docx.Document()
    line(document, "关于召开全市教育工作会议的通知", CENTER, 22)
    line(document, "一、会议时间：8月25日上午9时")
    line(document, "出席：各区教育局局长")

    draft = import_docx(to_bytes(document))

    assert draft.meeting == {} and draft.kind == ""
    assert draft.body == "一、会议时间：8月25日上午9时\n出席：各区教育局局长"


def test_a_title_ending_in_minutes_without_a_mark_is_the_title():
    document = docx.Document()
    line(document, "乌海市教育局2023年第5次局长办公会议纪要", CENTER, 22)
    line(document, "\u3000\u3000会议研究了秋季学期开学工作。")
    line(document, "出席：张三\u3000李四\u3000王　五")

    draft = import_docx(to_bytes(document))

    assert (draft.kind, draft.title) == ("", "乌海市教育局2023年第5次局长办公会议纪要")
    assert draft.meeting == {"attendees": ["张三", "李四", "王五"]}
    assert draft.body == "会议研究了秋季学期开学工作。"


# ---------------------------------------------------------------------------------------------------------------
# Without the elements, and Mongolian
# ---------------------------------------------------------------------------------------------------------------


def test_a_file_without_any_of_the_elements_gives_empty_fields():
    document = docx.Document()
    file_header(document)
    title_and_text(document)

    draft = import_docx(to_bytes(document))

    assert draft.kind == "文件"
    assert (
        draft.copy_number,
        draft.classification,
        draft.classification_period,
        draft.urgency,
        draft.signers,
        draft.joint_organs,
        draft.disclosure,
        draft.cc_text,
        draft.meeting,
    ) == ("", "", "", "", [], [], "", "", {})
    assert draft.warnings == []
    assert_text_is_clean(draft)

    plain = docx.Document()
    line(plain, TEXT)
    assert import_docx(to_bytes(plain)).kind == ""


def test_mongolian_text_around_the_elements_survives_byte_for_byte():
    body = MONGOLIAN + "\u180b ᠪᠢᠴᠢᠭ\u202f"
    document = docx.Document()
    line(document, "特急")
    red_mark(document, MONGOLIAN, points=16)  # the Mongolian line above the Chinese one
    red_mark(document, "乌海市教育局文件")
    line(document, "乌教发〔2023〕12号\t签发人：ᠪᠠᠲᠤ ᠮᠥᠩᠬᠡ\u3000李四")
    line(document, TITLE, CENTER, 22)
    line(document, "\u3000\u3000" + body)
    line(document, "（此件主动公开）")

    draft = import_docx(to_bytes(document))

    assert draft.body.encode("utf-8") == body.encode("utf-8")
    assert draft.signers == ["ᠪᠠᠲᠤ ᠮᠥᠩᠬᠡ", "李四"]
    assert (draft.urgency, draft.title, draft.disclosure) == ("特急", TITLE, "主动公开")


# ---------------------------------------------------------------------------------------------------------------
# This system's own files
# ---------------------------------------------------------------------------------------------------------------


def gongwen_data(**elements):
    """A notice of this system; elements: the GongwenData fields to set or change."""
    from app.documents.gongwen import GongwenData

    fields = {
        "mark": "乌海市教育局文件",
        "mark_mn": MONGOLIAN,
        "header_order": "zh_first",
        "number": "乌教发〔2024〕9号",
        "title": "关于做好教育工作的通知",
        "addressee_text": "各区教育局：",
        "body": "为进一步做好教育工作，现就有关事项通知如下。",
        "signature_organ": "乌海市教育局",
        "signed_on": datetime.date(2024, 3, 1),
    }
    return GongwenData(**(fields | elements))


def test_our_own_imprint_and_a_mongolian_first_header_come_back():
    from app.documents.formats import render_gongwen

    rendered = render_gongwen(
        gongwen_data(
            header_order="mn_first",
            cc_text="乌海市人民政府办公室，自治区教育厅",
            imprint_organ="乌海市教育局办公室",
            imprinted_on=datetime.date(2024, 3, 1),
        )
    )

    draft = import_docx(rendered)

    assert (draft.kind, draft.title, draft.body) == (
        "文件",
        "关于做好教育工作的通知",
        "为进一步做好教育工作，现就有关事项通知如下。",
    )
    assert draft.cc_text == "乌海市人民政府办公室，自治区教育厅"
    assert not any(warning.startswith("Tables skipped") for warning in draft.warnings)


def test_our_own_file_with_copy_number_urgency_and_signers_comes_back():
    from app.documents.formats import render_gongwen

    rendered = render_gongwen(gongwen_data(copy_number="000123", urgency="特急", signers=["张三", "李四"]))

    draft = import_docx(rendered)

    assert {"copy_number": draft.copy_number, "urgency": draft.urgency, "signers": draft.signers} == {
        "copy_number": "000123",
        "urgency": "特急",
        "signers": ["张三", "李四"],
    }
    assert (draft.kind, draft.title, draft.body) == (
        "文件",
        "关于做好教育工作的通知",
        "为进一步做好教育工作，现就有关事项通知如下。",
    )
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2024, 3, 1))
    assert draft.warnings == []


def test_our_own_file_with_every_element_of_the_file_format_comes_back():
    from app.documents.formats import render_gongwen

    rendered = render_gongwen(
        gongwen_data(
            copy_number="000007",
            classification="秘密",
            classification_period="1年",
            urgency="加急",
            signers=["张三", "李四", "王五"],  # two a line: the number stands on the second line, beside 王五
            disclosure="不予公开",
            disclosure_reason="涉及个人隐私",
            cc_text="乌海市人民政府办公室，自治区教育厅",
        )
    )

    draft = import_docx(rendered)

    assert (draft.copy_number, draft.classification, draft.classification_period, draft.urgency) == (
        "000007",
        "秘密",
        "1年",
        "加急",
    )
    assert draft.signers == ["张三", "李四", "王五"]
    assert (draft.disclosure, draft.disclosure_reason) == ("不予公开", "涉及个人隐私")
    assert draft.cc_text == "乌海市人民政府办公室，自治区教育厅"
    assert (draft.title, draft.addressee_text, draft.body) == (
        "关于做好教育工作的通知",
        "各区教育局：",
        "为进一步做好教育工作，现就有关事项通知如下。",
    )
    assert draft.warnings[0] == CLASSIFIED % "秘密★1年"


@pytest.mark.parametrize("with_seal", [True, False])
def test_our_own_joint_notice_comes_back(with_seal):
    from app.documents.formats import render_gongwen

    rendered = render_gongwen(
        gongwen_data(
            organ_name="乌海市教育局",
            joint_organs=["乌海市财政局", "乌海市人力资源和社会保障局"],
            with_seal=with_seal,
            disclosure="主动公开",
            disclosure_above_imprint=True,
            cc_text="自治区教育厅",
        )
    )

    draft = import_docx(rendered)

    assert (draft.kind, draft.joint_organs) == ("文件", ["乌海市财政局", "乌海市人力资源和社会保障局"])
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2024, 3, 1))
    assert (draft.disclosure, draft.cc_text) == ("主动公开", "自治区教育厅")
    assert (draft.title, draft.body) == ("关于做好教育工作的通知", "为进一步做好教育工作，现就有关事项通知如下。")
    assert not any(warning.startswith("Tables skipped") for warning in draft.warnings)


def test_our_own_letter_comes_back():
    from app.documents.formats import render_gongwen

    rendered = render_gongwen(
        gongwen_data(
            kind="信函",
            number="乌教函〔2024〕3号",
            title="关于商请协助做好教师培训工作的函",
            addressee_text="乌海市财政局：",
            copy_number="000123",
            urgency="特急",
            cc_text="自治区教育厅",
        )
    )

    draft = import_docx(rendered)

    assert (draft.kind, draft.copy_number, draft.urgency, draft.cc_text) == ("信函", "000123", "特急", "自治区教育厅")
    assert (draft.title, draft.addressee_text, draft.body) == (
        "关于商请协助做好教师培训工作的函",
        "乌海市财政局：",
        "为进一步做好教育工作，现就有关事项通知如下。",
    )
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2024, 3, 1))


def test_our_own_minutes_come_back():
    from app.documents.formats import render_gongwen
    from app.documents.gongwen import Meeting

    rendered = render_gongwen(
        gongwen_data(
            kind="纪要",
            mark="乌海市教育局局长办公会议纪要",
            number="〔2024〕5号",
            title="",
            addressee_text="",
            body="3月1日，局长张三主持召开局长办公会议。现纪要如下：\n一、关于开学准备\n会议要求各校完成安全排查。",
            meeting=Meeting(attendees=("张三", "李四", "王五"), observers=("局机关各科室负责人",), absent=("赵六",)),
        )
    )

    draft = import_docx(rendered)

    assert draft.kind == "纪要"
    assert draft.meeting == {
        "attendees": ["张三", "李四", "王五"],
        "observers": ["局机关各科室负责人"],
        "absent": ["赵六"],
    }
    assert (
        draft.body == "3月1日，局长张三主持召开局长办公会议。现纪要如下：\n一、关于开学准备\n会议要求各校完成安全排查。"
    )
    assert (draft.signature_organ, draft.signed_on) == ("乌海市教育局", datetime.date(2024, 3, 1))


def test_a_notices_table_page_comes_back_as_its_rows():
    """Round trip: a body table the renderer put on a landscape page of its own (§8) reads back as the same cells,
    where it stood, with the signature after it."""
    from app.documents.formats import render_gongwen
    from app.documents.text import paragraphs

    body = "现将检查安排通知如下：\n|阶段|时间|责任单位|\n|---|---|---|\n|自查|5月10日|各学校|\n|抽查|5月18日|市教育局|"
    draft = import_docx(render_gongwen(gongwen_data(body=body)))
    assert [p.table for p in paragraphs(draft.body) if p.table] == [
        (("阶段", "时间", "责任单位"), ("自查", "5月10日", "各学校"), ("抽查", "5月18日", "市教育局"))
    ]
    assert draft.body.startswith("现将检查安排通知如下：\n阶段\t时间\t责任单位\n")
    assert draft.signature_organ == "乌海市教育局" and draft.signed_on == datetime.date(2024, 3, 1)
    assert not [warning for warning in draft.warnings if warning.startswith("Tables skipped")]
