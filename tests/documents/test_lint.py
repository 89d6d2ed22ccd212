"""Notice lint: each rule fires on the wrong forms with the right place and fix, stays quiet on the correct forms
(GB/T 9704-2012), and its fixes change exactly the flagged text."""

import pytest

from app.documents.lint import RULES, Finding, apply_all_fixes, apply_fix, blocking, lint
from app.documents.text import heading_level, roster_groups

# The same string as tests/units: Mongolian with U+202F, a free variation selector and the vowel separator.
MONGOLIAN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ ᠭ\u180b ᠨ\u180c\u180d ᠠ\u180f"

REAL_SENTENCE = (
    "为深入贯彻落实《乌海市委办公室 市人民政府办公室印发〈关于加快全市教育高质量发展的意见〉的通知》"
    "（乌党办发〔2022〕16号）及教育高质量发展“1+N”政策体系配套文件"
)


def found(text, field="body", rule=None, attachments=()):
    """(rule, severity, line, start, end, fix) of each finding, in lint order."""
    return [
        (f.rule, f.severity, f.line, f.start, f.end, f.fix)
        for f in lint({field: text}, attachments=attachments)
        if rule is None or f.rule == rule
    ]


def test_rule_ids_are_the_documented_ones():
    assert RULES == (
        "doc-number-brackets",
        "doc-number-serial",
        "title-punctuation",
        "date-leading-zero",
        "date-chinese-numerals",
        "addressee-colon",
        "attachment-note-form",
        "attachment-note-duplicate",
        "heading-number",
        "halfwidth-punctuation",
    )


# --- the real sentence --------------------------------------------------------------------------------------------


def test_real_sentence_is_clean():
    assert lint({"title": REAL_SENTENCE, "body": REAL_SENTENCE}) == []


@pytest.mark.parametrize("broken", ["[2022]", "(2022)", "（2022）", "【2022】", "〖2022〗"])
def test_real_sentence_with_wrong_brackets_gives_exactly_one_finding(broken):
    text = REAL_SENTENCE.replace("〔2022〕", broken)
    start = text.index("乌党办发")
    assert found(text) == [
        ("doc-number-brackets", "error", 1, start, start + len("乌党办发") + 6 + 3, "乌党办发〔2022〕16号")
    ]
    (finding,) = lint({"body": text})
    assert finding.excerpt == f"乌党办发{broken}16号"
    assert apply_fix(text, finding) == REAL_SENTENCE


# --- 1. doc-number-brackets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("乌党办发[2022]16号", 0, 13, "乌党办发〔2022〕16号"),
        ("乌党办发(2022)16号", 0, 13, "乌党办发〔2022〕16号"),
        ("乌党办发（2022）16号", 0, 13, "乌党办发〔2022〕16号"),
        ("乌党办发【2022】16号", 0, 13, "乌党办发〔2022〕16号"),
        ("乌党办发〖2022〗16号", 0, 13, "乌党办发〔2022〕16号"),
        ("乌教发〔2023]75号", 0, 12, "乌教发〔2023〕75号"),
        # One click also drops 第 and the leading zero.
        ("乌教发[2023]第075号", 0, 14, "乌教发〔2023〕75号"),
        # The organ code starts after the verb that cites it.
        ("根据乌党办发[2022]16号文件要求", 2, 15, "乌党办发〔2022〕16号"),
        ("于8月5日前报送乌教发[2023]5号", 8, 19, "乌教发〔2023〕5号"),
        ("国务院办公厅国办发(2023)1号", 0, 17, "国务院办公厅国办发〔2023〕1号"),
        ("按照《通知》(内政办发[1998]3号)", 7, 19, "内政办发〔1998〕3号"),
    ],
)
def test_wrong_brackets_in_a_document_number(text, start, end, fix):
    assert found(text, rule="doc-number-brackets") == [("doc-number-brackets", "error", 1, start, end, fix)]


def test_two_numbers_in_one_paragraph_are_two_findings():
    text = "乌党办发【2022】16号和乌教发〖2023〗3号"
    assert found(text) == [
        ("doc-number-brackets", "error", 1, 0, 13, "乌党办发〔2022〕16号"),
        ("doc-number-brackets", "error", 1, 14, 25, "乌教发〔2023〕3号"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "乌教发〔2023〕75号",
        "乌党办发〔2022〕16号",
        "《关于转发〈教育部办公厅关于做好2022年招生工作的通知〉（教基厅〔2022〕16号）的通知》",
        "《乌海市教育局关于印发乌教发〔2022〕16号文件补充说明的通知》",
        "截至2022年(2022)",
        "乌教发〔2023〕10号",
    ],
)
def test_correct_document_numbers_are_not_flagged(text):
    assert found(text) == []


# --- 2. doc-number-serial -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("乌教发〔2023〕075号", 0, 13, "乌教发〔2023〕75号"),
        ("乌教发〔2023〕第75号", 0, 13, "乌教发〔2023〕75号"),
        ("乌教发〔2023〕第075号", 0, 14, "乌教发〔2023〕75号"),
        ("（乌教发〔2023〕005号）", 1, 14, "乌教发〔2023〕5号"),
    ],
)
def test_leading_zero_or_di_in_the_serial(text, start, end, fix):
    assert found(text) == [("doc-number-serial", "error", 1, start, end, fix)]


def test_a_number_with_wrong_brackets_is_not_also_reported_for_its_serial():
    assert [rule for rule, *_ in found("乌教发[2023]第075号")] == ["doc-number-brackets"]


# --- 3. title-punctuation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("关于做好2023年秋季开学工作的通知。", 18, 19),
        ("关于做好2023年秋季开学工作的通知？", 18, 19),
        ("关于做好2023年秋季开学工作的通知!", 18, 19),
        ("关于做好2023年秋季开学工作的通知……", 18, 20),
        ("关于做好2023年秋季开学工作的通知，  ", 18, 19),
        ("关于印发《乌海市教育局工作要点》的通知；", 19, 20),
    ],
)
def test_title_ending_in_punctuation(text, start, end):
    assert found(text, field="title") == [("title-punctuation", "error", 1, start, end, "")]


def test_title_rule_runs_on_attached_documents_titles():
    assert found("乌海市中小学作业管理办法。", field="documents.0.title") == [
        ("title-punctuation", "error", 1, 12, 13, "")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "关于做好2023年秋季开学工作的通知",
        "关于印发《乌海市教育局2023年工作要点》",
        "乌海市中小学作业管理办法（试行）",
        "关于开展“双减”工作“回头看”",
        "",
        "   ",
    ],
)
def test_titles_without_end_punctuation_are_fine(text):
    assert found(text, field="title") == []


@pytest.mark.parametrize("field", ["body", "note", "subtitle", "titles"])
def test_title_rule_only_runs_on_title_fields(field):
    assert found("请各单位认真落实。", field=field, rule="title-punctuation") == []


# --- 4. date-leading-zero -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("2023年08月05日", 0, 11, "2023年8月5日"),
        ("2023年8月05日", 0, 10, "2023年8月5日"),
        ("2023年08月15日", 0, 11, "2023年8月15日"),
        ("2023年08月", 0, 8, "2023年8月"),
        ("请于2023年12月01日前报送", 2, 13, "2023年12月1日"),
    ],
)
def test_leading_zero_in_a_date(text, start, end, fix):
    assert found(text) == [("date-leading-zero", "warning", 1, start, end, fix)]


@pytest.mark.parametrize(
    ("field", "severity"),
    [
        ("body", "warning"),
        ("note", "warning"),
        ("title", "warning"),
        ("signed_text", "error"),
        ("imprint_text", "error"),
        ("documents.0.signed_text", "error"),
    ],
)
def test_date_severity_depends_on_the_field(field, severity):
    assert [f.severity for f in lint({field: "2023年08月05日"})] == [severity]
    assert [f.severity for f in lint({field: "二〇二三年八月五日"})] == [severity]


@pytest.mark.parametrize("text", ["2023年8月15日", "2023年10月1日", "2023年12月31日", "2023年", "第08号", "12:05"])
def test_dates_without_leading_zero_are_fine(text):
    assert found(text) == []


# --- 5. date-chinese-numerals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("二〇二三年八月十五日", 0, 10, "2023年8月15日"),
        ("二零二三年八月十五日", 0, 10, "2023年8月15日"),
        ("二〇二三年十二月三十一日", 0, 12, "2023年12月31日"),
        ("二〇二三年十月一日", 0, 9, "2023年10月1日"),
        ("一九九八年三月二十日", 0, 10, "1998年3月20日"),
        # ○ (U+25CB) is what people type for 〇.
        ("乌海市教育局\n二○二三年八月二十九日印发", 0, 11, "2023年8月29日"),
    ],
)
def test_date_in_chinese_numerals(text, start, end, fix):
    line = text.count("\n") + 1
    assert found(text) == [("date-chinese-numerals", "warning", line, start, end, fix)]


@pytest.mark.parametrize(
    "text",
    [
        "“十三五”期间",
        "一二·九运动",
        "三年行动计划",
        "十月",
        "八月十五日",
        "二〇二三年",
        "二〇二三年八月",
        "2023年8月15日",
        # A run of numerals longer than a year is not a year.
        "编号一二〇二三年八月五日",
    ],
)
def test_chinese_numerals_that_are_not_full_dates_are_fine(text):
    assert found(text) == []


# --- 6. addressee-colon -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("各区教育局、直属各学校", 10, 11, "校："),
        ("各区教育局、直属各学校:", 11, 12, "："),
        ("各区教育局、直属各学校；", 11, 12, "："),
        ("各区教育局、直属各学校。", 11, 12, "："),
        ("各区教育局、直属各学校，", 11, 12, "："),
        ("各区教育局、直属各学校（单位）", 14, 15, "）："),
        ("各区教育局、直属各学校  ", 10, 11, "校："),
    ],
)
def test_addressee_line_without_fullwidth_colon(text, start, end, fix):
    assert found(text, field="addressee_text") == [("addressee-colon", "error", 1, start, end, fix)]


def test_addressee_over_several_lines_is_checked_at_its_end():
    text = "各旗区教育局，\n局属各学校、幼儿园\n"
    assert found(text, field="addressee_text") == [("addressee-colon", "error", 2, 8, 9, "园：")]


def test_addressee_colon_beats_halfwidth_warning_on_the_same_mark():
    assert found("各区教育局,直属各学校:", field="addressee_text") == [
        ("halfwidth-punctuation", "warning", 1, 5, 6, "，"),
        ("addressee-colon", "error", 1, 11, 12, "："),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "各区教育局、直属各学校：",
        "各区教育局、直属各学校（单位）：",
        "各学校：  ",
        "",
        "  \n",
    ],
)
def test_addressee_line_with_colon_or_empty_is_fine(text):
    assert found(text, field="addressee_text") == []


@pytest.mark.parametrize("field", ["body", "title", "cc_text", "documents.0.addressee_text"])
def test_addressee_rule_only_runs_on_the_addressee_field(field):
    assert found("各区教育局、直属各学校", field=field) == []


# --- 7. attachment-note-form --------------------------------------------------------------------------------------

NOTE_OK = "附件：1.乌海市关于加快教育高质量发展的若干措施\n　　　2.乌海市义务教育优质均衡发展实施方案"


@pytest.mark.parametrize(
    "text",
    [
        NOTE_OK,
        "　　" + NOTE_OK,
        "附件：乌海市关于加快教育高质量发展的若干措施（试行）",
        "附件：《乌海市中小学作业管理办法》",
        NOTE_OK + "\n\n乌海市教育局\n2023年8月15日",
        "附件1",
        "附件2中的表格请于9月1日前报送。",
        "一、总体要求\n1、加强组织领导。",
    ],
)
def test_correct_attachment_notes_and_other_paragraphs_are_fine(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "line", "start", "end", "fix"),
    [
        ("附件:1.乌海市若干措施", 1, 2, 3, "："),
        ("附件1.乌海市若干措施", 1, 0, 2, "附件："),
        ("附件：1、乌海市若干措施", 1, 3, 5, "1."),
        ("附件：1．乌海市若干措施", 1, 3, 5, "1."),
        ("附件：1，乌海市若干措施", 1, 3, 5, "1."),
        ("附件：1。乌海市若干措施", 1, 3, 5, "1."),
        ("附件：1.乌海市若干措施。", 1, 12, 13, ""),
        ("附件：乌海市若干措施；", 1, 10, 11, ""),
        ("　　附件:乌海市若干措施", 1, 4, 5, "："),
        ("附件：1.乌海市若干措施\n　　　2、乌海市实施方案", 2, 3, 5, "2."),
        ("附件：1.乌海市若干措施\n　　　2.乌海市实施方案。", 2, 12, 13, ""),
        ("正文。\n附件：1.乌海市若干措施\n  12、乌海市实施方案", 3, 2, 5, "12."),
    ],
)
def test_attachment_note_problems(text, line, start, end, fix):
    assert found(text) == [("attachment-note-form", "error", line, start, end, fix)]


def test_every_problem_of_a_note_is_its_own_finding():
    text = "附件:1、乌海市若干措施。\n　　　2，乌海市实施方案；"
    assert found(text) == [
        ("attachment-note-form", "error", 1, 2, 3, "："),
        ("attachment-note-form", "error", 1, 3, 5, "1."),
        ("attachment-note-form", "error", 1, 12, 13, ""),
        ("attachment-note-form", "error", 2, 3, 5, "2."),
        ("attachment-note-form", "error", 2, 12, 13, ""),
    ]
    assert apply_all_fixes(text, lint({"body": text})) == "附件：1.乌海市若干措施\n　　　2.乌海市实施方案"


def test_numbered_paragraphs_after_the_note_block_are_not_attachments():
    text = "附件：1.乌海市若干措施\n乌海市教育局\n1、加强领导。"
    assert found(text) == []


@pytest.mark.parametrize("field", ["note", "title", "documents.0.body"])
def test_attachment_rule_only_runs_on_the_body(field):
    assert found("附件：1、乌海市若干措施。", field=field, rule="attachment-note-form") == []


# --- 7b. attachment-note-duplicate: the body's own 附件说明 when attached files print one ----------------------

ATTACHED = ["乌海市关于加快教育高质量发展的若干措施", "乌海市义务教育优质均衡发展实施方案"]


def test_a_typed_note_is_flagged_once_when_attached_files_print_one():
    text = "请认真贯彻执行。\n" + NOTE_OK + "\n\n乌海市教育局"
    (finding,) = lint({"body": text}, attachments=ATTACHED)
    first = NOTE_OK.split("\n")[0]
    assert (finding.rule, finding.severity, finding.line, finding.start, finding.end) == (
        "attachment-note-duplicate",
        "warning",
        2,
        0,
        len(first),
    )
    assert finding.excerpt == first and first in finding.message
    assert finding.fix == "" and finding.removes_lines == 2
    assert apply_fix(text, finding) == "请认真贯彻执行。\n\n乌海市教育局"


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("正文。\n附件：乌海市若干措施", "正文。"),
        ("正文。\n　　附件:乌海市若干措施", "正文。"),
        ("正文。\n附件1.乌海市若干措施", "正文。"),
        ("正文。\n附件：\n1.乌海市若干措施\n2.乌海市实施方案", "正文。"),
        ("正文。\r\n附件：1.甲\r\n　　　2.乙", "正文。"),
        ("正文。\r\n附件：1.甲\r\n　　　2.乙\r\n", "正文。\r\n"),
        ("附件：1.乌海市若干措施\n乌海市教育局\n1、加强领导。", "乌海市教育局\n1、加强领导。"),
    ],
)
def test_removing_the_typed_note_takes_exactly_its_lines(text, fixed):
    findings = lint({"body": text}, attachments=["方案"])
    assert [f.rule for f in findings] == ["attachment-note-duplicate"]
    assert apply_all_fixes(text, findings) == fixed
    assert lint({"body": fixed}, attachments=["方案"]) == []


def test_a_note_to_be_removed_is_not_also_checked_for_its_form():
    text = "一是,加强领导\n附件:1、乌海市若干措施。\n　　　2，乌海市实施方案；"
    assert found(text, attachments=ATTACHED) == [
        ("halfwidth-punctuation", "warning", 1, 2, 3, "，"),
        ("attachment-note-duplicate", "warning", 2, 0, 13, ""),
    ]
    assert apply_all_fixes(text, lint({"body": text}, attachments=ATTACHED)) == "一是，加强领导"


@pytest.mark.parametrize(
    "text",
    [
        NOTE_OK,
        "附件:1、乌海市若干措施。",
    ],
)
def test_without_attached_files_the_typed_note_is_the_note(text):
    assert found(text, rule="attachment-note-duplicate") == []
    assert found(text, rule="attachment-note-duplicate", attachments=[]) == []


@pytest.mark.parametrize(
    "text",
    [
        "具体要求详见附件1。",
        "请将附件：报名表于9月1日前报送。",
        "附件1",
        "附件2中的表格请于9月1日前报送。",
        "附件：" + MONGOLIAN,
        "附件：1.乌海市若干措施\n　　　2." + MONGOLIAN,
    ],
)
def test_mentions_of_attachments_and_mongolian_notes_are_not_duplicate_notes(text):
    assert found(text, rule="attachment-note-duplicate", attachments=ATTACHED) == []


@pytest.mark.parametrize("field", ["note", "title", "documents.0.body"])
def test_only_the_notices_own_body_prints_beside_its_attached_files(field):
    assert found(NOTE_OK, field=field, rule="attachment-note-duplicate", attachments=ATTACHED) == []


def test_removing_a_note_that_has_changed_since_raises():
    (finding,) = lint({"body": NOTE_OK}, attachments=ATTACHED)
    with pytest.raises(ValueError):
        apply_fix(NOTE_OK + "\n　　　3.乌海市任务分解表", finding)  # one more attachment since
    with pytest.raises(ValueError):
        apply_fix(NOTE_OK.split("\n")[0], finding)  # one fewer
    with pytest.raises(ValueError):
        apply_fix(apply_fix(NOTE_OK, finding), finding)  # already removed


# --- 8. halfwidth-punctuation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("报送时间:9:30前", 4, 5, "："),
        ("一是,加强领导", 2, 3, "，"),
        ("请于周五前报送;逾期不候", 7, 8, "；"),
        ("是否参加?", 4, 5, "？"),
        ("务必按时完成!", 6, 7, "！"),
        ("《通知》,请遵照执行", 4, 5, "，"),
        ("(一)加强组织领导", 0, 3, "（一）"),
        ("各校(含幼儿园)要按时报送", 2, 8, "（含幼儿园）"),
        ("(包括:学校,幼儿园)", 0, 11, "（包括：学校，幼儿园）"),
        ("(一(二)三)", 0, 7, "（一（二）三）"),
        ("加强领导)要求", 4, 5, "）"),
        ("各校(要求", 2, 3, "（"),
        ("Hello (世界)", 6, 10, "（世界）"),
        ("时间:上午", 2, 3, "："),
    ],
)
def test_halfwidth_punctuation_in_chinese_text(text, start, end, fix):
    assert found(text) == [("halfwidth-punctuation", "warning", 1, start, end, fix)]


@pytest.mark.parametrize(
    "text",
    [
        "上午9:30在三楼会议室",
        "共计1,000元",
        "比例为3:1",
        "增长3.5%",
        "1.加强组织领导",
        "Word (docx)",
        "请使用Word (docx)格式",
        "Hello, world: (test)!",
        "请登录http://jyj.wuhai.gov.cn:8080/login?next=home,item;a=(1)后填报",
        "（一）加强组织领导，提高认识：",
        "乌党办发〔2022〕16号",
        "文(2022]16号",
    ],
)
def test_halfwidth_punctuation_that_is_fine(text):
    assert found(text) == []


def test_a_run_of_marks_in_chinese_text_is_fixed_in_one_go():
    text = "是否参加?!"
    assert found(text) == [
        ("halfwidth-punctuation", "warning", 1, 4, 5, "？"),
        ("halfwidth-punctuation", "warning", 1, 5, 6, "！"),
    ]
    assert lint({"body": apply_all_fixes(text, lint({"body": text}))}) == []


def test_between_two_warnings_on_the_same_text_the_earlier_rule_wins():
    # The date (rule 4) sits inside the half-width pair (rule 8); the pair is reported once the date is fixed.
    text = "请于(2023年08月05日前)报送"
    assert found(text) == [("date-leading-zero", "warning", 1, 3, 14, "2023年8月5日")]
    once = apply_all_fixes(text, lint({"body": text}))
    assert found(once) == [("halfwidth-punctuation", "warning", 1, 2, 14, "（2023年8月5日前）")]


def test_document_number_brackets_are_not_also_halfwidth_findings():
    assert [rule for rule, *_ in found("乌党办发(2022)16号")] == ["doc-number-brackets"]


# --- heading-number: 一、 not 一. (GB/T 9704 §7.3.3) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "fix"),
    [
        ("一.指导思想", 0, 2, "一、"),
        ("二．总体要求", 0, 2, "二、"),
        ("三。保障措施", 0, 2, "三、"),
        ("四,工作要求", 0, 2, "四、"),
        ("十．组织实施", 0, 2, "十、"),
        ("十一.其他事项", 0, 3, "十一、"),
        ("二十一.其他事项", 0, 4, "二十一、"),
        ("　　三.保障措施", 2, 4, "三、"),
        ("**一.加强组织领导。**各地各校要……", 2, 4, "一、"),
        ("三.五育并举", 0, 2, "三、"),
    ],
)
def test_first_level_heading_with_a_stop(text, start, end, fix):
    assert found(text) == [("heading-number", "warning", 1, start, end, fix)]
    fixed = apply_all_fixes(text, lint({"body": text}))
    assert heading_level(fixed.lstrip("　*")) == 1  # printed as a heading now


def test_heading_number_rule_runs_on_distributed_documents():
    assert found("正文。\n一.指导思想", field="documents.0.body") == [("heading-number", "warning", 2, 0, 2, "一、")]


@pytest.mark.parametrize(
    "text",
    [
        "一、指导思想",
        "1.加强组织领导",
        "（一）加强组织领导",
        "一.5倍",
        "一．５倍",
        "分三个阶段：一.准备阶段",
        "一是加强领导。",
        "一是，加强领导。",
        "十一五期间",
        "一年来，全市教育系统……",
        "一二·九运动",
        "第一.加强领导",
        "一." + MONGOLIAN,
        MONGOLIAN + "一.",
    ],
)
def test_what_is_not_a_first_level_heading_with_a_stop(text):
    assert found(text) == []


@pytest.mark.parametrize("field", ["title", "note", "addressee_text"])
def test_heading_number_rule_only_runs_on_texts(field):
    assert found("一.指导思想", field=field, rule="heading-number") == []


@pytest.mark.parametrize("text", ["(一)加强组织领导", "（一)加强组织领导", "(一）加强组织领导"])
def test_a_second_level_number_with_a_halfwidth_bracket_is_the_halfwidth_rule(text):
    findings = lint({"body": text})
    assert [f.rule for f in findings] == ["halfwidth-punctuation"]
    assert apply_all_fixes(text, findings) == "（一）加强组织领导"


# --- roster placeholders --------------------------------------------------------------------------------------------

ROSTER = "{{roster:扩优提质行动领导小组}}"


def test_nothing_inside_a_roster_placeholder_is_flagged():
    text = f"一是,加强领导\n{ROSTER}\n二是;落实责任\n　　{ROSTER}  \n{{{{roster:扩优提质行动领导小组(调整)}}}}"
    findings = lint({"body": text})
    assert [(f.line, f.start, f.fix) for f in findings] == [(1, 2, "，"), (3, 2, "；")]
    fixed = apply_all_fixes(text, findings)
    assert fixed.split("\n")[1:] == text.split("\n")[1:2] + ["二是；落实责任"] + text.split("\n")[3:]
    assert roster_groups(fixed) == {"扩优提质行动领导小组", "扩优提质行动领导小组(调整)"}


def test_text_beside_a_roster_placeholder_is_still_checked():
    assert found("名单如下:" + ROSTER) == [("halfwidth-punctuation", "warning", 1, 4, 5, "：")]


# --- Mongolian ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", MONGOLIAN),
        ("body", MONGOLIAN + ","),
        ("body", MONGOLIAN + ",中文"),
        ("body", "中文," + MONGOLIAN),
        ("body", "中文(" + MONGOLIAN + ")"),
        ("body", "中\u202f,文"),
        ("body", "附件:" + MONGOLIAN),
        ("body", "附件：1." + MONGOLIAN + "；"),
        ("title", MONGOLIAN),
        ("title", MONGOLIAN + "."),
        ("addressee_text", MONGOLIAN),
        ("addressee_text", MONGOLIAN + ":"),
        ("addressee_text", "各区教育局ᠠ"),
    ],
)
def test_mongolian_text_is_never_flagged(field, text):
    assert found(text, field=field) == []


def test_fixing_chinese_next_to_mongolian_leaves_the_mongolian_untouched():
    text = MONGOLIAN + "\r\n2023年08月05日,请于乌教发[2023]5号(附件)报送\r\n" + MONGOLIAN + "(中文)"
    fixed = apply_all_fixes(text, lint({"body": text}))
    assert fixed == MONGOLIAN + "\r\n2023年8月5日，请于乌教发〔2023〕5号（附件）报送\r\n" + MONGOLIAN + "(中文)"
    for char in "\u180b\u180c\u180d\u180e\u180f\u202f":
        assert fixed.count(char) == text.count(char)


# --- the findings as a whole --------------------------------------------------------------------------------------

MESSY = {
    "title": "关于做好2023年秋季开学工作的通知。",
    "addressee_text": "各区教育局,直属各学校",
    "body": (
        "　　根据乌党办发[2022]16号文件,现将有关事项通知如下:\n"
        "　　(一)请于2023年08月05日前报送(包括:学校,幼儿园).\n"
        "附件:1、乌海市若干措施。\n"
        "　　　2．乌海市实施方案\n"
        "\n"
        "乌海市教育局\n"
        "二〇二三年八月一日"
    ),
    "signed_text": "2023年08月01日",
}


def test_findings_come_in_field_order_then_line_then_start():
    findings = lint(MESSY)
    order = list(MESSY)
    keys = [(order.index(f.field), f.line, f.start) for f in findings]
    assert keys == sorted(keys)
    assert [f.field for f in lint(dict(reversed(MESSY.items())))][0] == "signed_text"


def test_messy_notice_findings_are_in_place_and_never_overlap():
    findings = lint(MESSY)
    assert [(f.field, f.rule, f.line, f.start, f.end) for f in findings] == [
        ("title", "title-punctuation", 1, 18, 19),
        ("addressee_text", "halfwidth-punctuation", 1, 5, 6),
        ("addressee_text", "addressee-colon", 1, 10, 11),
        ("body", "doc-number-brackets", 1, 4, 17),
        ("body", "halfwidth-punctuation", 1, 19, 20),
        ("body", "halfwidth-punctuation", 1, 30, 31),
        ("body", "halfwidth-punctuation", 2, 2, 5),
        ("body", "date-leading-zero", 2, 7, 18),
        ("body", "halfwidth-punctuation", 2, 21, 32),
        ("body", "attachment-note-form", 3, 2, 3),
        ("body", "attachment-note-form", 3, 3, 5),
        ("body", "attachment-note-form", 3, 12, 13),
        ("body", "attachment-note-form", 4, 3, 5),
        ("body", "date-chinese-numerals", 7, 0, 9),
        ("signed_text", "date-leading-zero", 1, 0, 11),
    ]
    for finding in findings:
        paragraph = MESSY[finding.field].split("\n")[finding.line - 1]
        assert paragraph[finding.start : finding.end] == finding.excerpt
        assert finding.excerpt in finding.message
        assert finding.rule in RULES and finding.severity in ("error", "warning")
    spans = [(f.field, f.line, f.start, f.end) for f in findings]
    for field, line, start, end in spans:
        others = [(s, e) for f2, l2, s, e in spans if (f2, l2) == (field, line) and (s, e) != (start, end)]
        assert all(e <= start or end <= s for s, e in others)


def test_every_fix_of_the_messy_notice_leaves_nothing_to_fix():
    for field, text in MESSY.items():
        fixed = apply_all_fixes(text, [f for f in lint(MESSY) if f.field == field])
        assert lint({field: fixed}) == [], field
    assert apply_all_fixes(MESSY["body"], lint({"body": MESSY["body"]})) == (
        "　　根据乌党办发〔2022〕16号文件，现将有关事项通知如下：\n"
        "　　（一）请于2023年8月5日前报送（包括：学校，幼儿园）.\n"
        "附件：1.乌海市若干措施\n"
        "　　　2.乌海市实施方案\n"
        "\n"
        "乌海市教育局\n"
        "2023年8月1日"
    )


def test_blocking_is_the_errors():
    findings = lint(MESSY)
    assert blocking(findings) == [f for f in findings if f.severity == "error"]
    assert {f.rule for f in blocking(findings)} == {
        "doc-number-brackets",
        "title-punctuation",
        "addressee-colon",
        "attachment-note-form",
        "date-leading-zero",
    }
    assert blocking(lint({"body": "一是,加强领导"})) == []


# --- apply_fix ----------------------------------------------------------------------------------------------------

ONE_PROBLEM_EACH = [
    ("body", "根据乌党办发[2022]16号文件", "doc-number-brackets"),
    ("body", "根据乌教发〔2023〕第075号文件", "doc-number-serial"),
    ("title", "关于做好秋季开学工作的通知。", "title-punctuation"),
    ("body", "于2023年08月05日召开", "date-leading-zero"),
    ("body", "于二〇二三年十二月三十一日召开", "date-chinese-numerals"),
    ("addressee_text", "各区教育局、直属各学校", "addressee-colon"),
    ("addressee_text", "各区教育局、直属各学校；", "addressee-colon"),
    ("body", "附件1.乌海市若干措施", "attachment-note-form"),
    ("body", "附件：1、乌海市若干措施", "attachment-note-form"),
    ("body", "附件：1.乌海市若干措施。", "attachment-note-form"),
    ("body", "一是,加强领导", "halfwidth-punctuation"),
    ("body", "(一)加强领导", "halfwidth-punctuation"),
    ("body", "一.加强领导", "heading-number"),
]


@pytest.mark.parametrize(("field", "text", "rule"), ONE_PROBLEM_EACH)
def test_applying_the_fix_silences_the_rule_and_changes_only_that_slice(field, text, rule):
    # Title and addressee are checked at their last line, so nothing may follow there.
    after = "" if field in ("title", "addressee_text") else "\r\n下一段"
    text = "上一段\r\n" + text + after
    (finding,) = lint({field: text})
    assert finding.rule == rule and finding.line == 2 and finding.fix is not None
    fixed = apply_fix(text, finding)
    offset = len("上一段\r\n")
    assert fixed == text[: offset + finding.start] + finding.fix + text[offset + finding.end :]
    assert fixed.startswith("上一段\r\n") and fixed.endswith(after)
    assert [f for f in lint({field: fixed}) if f.rule == rule] == []


@pytest.mark.parametrize(("field", "text", "rule"), ONE_PROBLEM_EACH)
def test_a_stale_fix_raises(field, text, rule):
    (finding,) = lint({field: text})
    with pytest.raises(ValueError):
        apply_fix("另起一行\n" + text, finding)
    with pytest.raises(ValueError):
        apply_fix(text[: finding.start] + "X" + text[finding.start + 1 :], finding)
    with pytest.raises(ValueError):
        apply_fix(apply_fix(text, finding), finding)  # already fixed


def test_a_fix_for_a_line_that_is_gone_raises():
    (finding,) = lint({"body": "第一段\n一是,加强领导"})
    with pytest.raises(ValueError):
        apply_fix("第一段", finding)


def test_a_fix_never_reaches_the_carriage_return():
    finding = Finding("title-punctuation", "error", "title", 1, 2, 3, "\r", "", "")
    with pytest.raises(ValueError):
        apply_fix("通知\r\n", finding)


def test_a_finding_without_a_fix_raises():
    finding = Finding("title-punctuation", "error", "title", 1, 2, 3, "。", "message", None)
    with pytest.raises(ValueError):
        apply_fix("通知。", finding)


def test_apply_all_fixes_fixes_every_problem_of_a_paragraph():
    text = "一是,(包括:学校)于2023年08月05日前报送乌教发[2023]075号文件;附件另发"
    findings = lint({"body": text})
    assert len(findings) == 5
    assert apply_all_fixes(text, findings) == "一是，（包括：学校）于2023年8月5日前报送乌教发〔2023〕75号文件；附件另发"


def test_apply_all_fixes_keeps_line_ends():
    text = "一是,加强领导\r\n\r\n二是,落实责任\n三是,强化督导\r\n"
    assert apply_all_fixes(text, lint({"body": text})) == "一是，加强领导\r\n\r\n二是，落实责任\n三是，强化督导\r\n"


def test_apply_all_fixes_takes_the_findings_of_one_field():
    findings = lint({"title": "通知。", "body": "一是,加强"})
    with pytest.raises(ValueError):
        apply_all_fixes("通知。", findings)
