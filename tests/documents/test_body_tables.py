"""Tables in a notice's text: how the stored text holds them (app/documents/text.py), the landscape pages of their own
in the .docx (app/documents/body_tables.py, GB/T 9704-2012 §8) read from its XML and measured in LibreOffice's PDF,
and the notice page's HTML table."""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from types import SimpleNamespace

import pymupdf
import pytest
from lxml import etree

from app.documents import layout as L
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, RosterLine
from app.documents.lint import apply_all_fixes, lint
from app.documents.text import paragraphs, roster_groups
from app.extensions import db
from app.tasks.suggestions import suggest_tasks
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, sync_playwright
from tests.helpers.databases import IN_CI
from tests.helpers.notices import seed_notice
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, ink_bounds, ink_rows, text_lines
from tests.helpers.text import MONGOLIAN

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
NS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
TWIPS_PER_MM = 1440 / 25.4
MM = 72 / 25.4  # PDF points per millimetre
HALF_MM = 0.5 * MM

# ---------------------------------------------------------------------------------------------------------------
# The stored text


def test_rows_pasted_with_tabs_are_one_table_paragraph():
    rows = "学校\t人数\t联系人\n乌海市第一中学\t 1200 \t王老师\n乌达区第三小学\t860\t李老师"
    body = f"现将名单印发如下。\n{rows}\n请按时报送。"
    before, table, after = paragraphs(body)
    assert (before.text, after.text) == ("现将名单印发如下。", "请按时报送。") and before.table is None
    assert table.table == (
        ("学校", "人数", "联系人"),
        ("乌海市第一中学", "1200", "王老师"),  # cells trimmed
        ("乌达区第三小学", "860", "李老师"),
    )
    # Its text is its cells, so counts, search and the callers that read text alone still see them.
    assert table.text == "学校　人数　联系人　乌海市第一中学　1200　王老师　乌达区第三小学　860　李老师"
    assert table.level is None and not table.is_heading and not table.lead and not table.heading_lead


def test_rows_typed_between_pipes_drop_the_separator_under_the_head():
    body = "| 序号 | 学校 |\n|:---:|---|\n| 1 | 乌海市第一中学 |\n|2|A\\|B 班|"
    (table,) = paragraphs(body)
    assert table.table == (("序号", "学校"), ("1", "乌海市第一中学"), ("2", "A|B 班"))


def test_a_line_with_a_tab_inside_a_paragraph_stays_that_paragraph_as_stored():
    for body in ("各校要认真组织，\t按时报送。", "报送材料\t截止时间\n\n另行通知\t各校"):
        assert [p.table for p in paragraphs(body)] == [None] * len(paragraphs(body))
    (paragraph,) = paragraphs("各校要认真组织，\t按时报送。")
    assert paragraph.text == "各校要认真组织，\t按时报送。"


def test_rows_of_unequal_length_are_a_table_only_where_two_in_a_row_agree():
    never_two = "学校\t人数\t备注\n一中\t30\n二中\t40\t无"
    assert [(p.text, p.table) for p in paragraphs(never_two)] == [
        ("学校\t人数\t备注", None),
        ("一中\t30", None),
        ("二中\t40\t无", None),
    ]
    short_last = "学校\t人数\t备注\n一中\t30\t无\n合计\t30"
    (table,) = paragraphs(short_last)
    assert table.table == (("学校", "人数", "备注"), ("一中", "30", "无"), ("合计", "30", ""))


def test_paragraphs_indented_with_a_tab_are_not_a_table():
    assert [(p.text, p.table) for p in paragraphs("\t第一段。\n\t第二段。")] == [("第一段。", None), ("第二段。", None)]


def test_a_blank_line_or_the_other_form_ends_a_table():
    body = "甲\t乙\n1\t2\n\n丙\t丁\n3\t4\n|戊|己|\n|5|6|"
    assert [p.table[0] for p in paragraphs(body)] == [("甲", "乙"), ("丙", "丁"), ("戊", "己")]


def test_mongolian_and_latin_cells_are_kept_exactly():
    """Every format character (FVS U+180B–U+180D, U+180F, MVS U+180E, NNBSP U+202F) stays, even at a cell's edge."""
    suffix = "\u202fᠶᠢᠨ"
    assert {"\u180b", "\u180c", "\u180d", "\u180e", "\u180f", "\u202f"} <= set(MONGOLIAN)
    tabbed = f"名称\t蒙古文\n{MONGOLIAN}\t{suffix}\nGrade 7 (A)\tSTEM-2024"
    assert paragraphs(tabbed)[0].table[1:] == ((MONGOLIAN, suffix), ("Grade 7 (A)", "STEM-2024"))
    assert paragraphs(f"|名称|蒙古文|\n|{MONGOLIAN}|{suffix}|")[0].table[1] == (MONGOLIAN, suffix)


def test_callers_of_paragraphs_read_a_table_as_text():
    body = "一、学校名单\n1.\t乌海市第一中学\n2.\t乌达区第三小学\n{{roster:安全工作领导小组}}\n二、工作要求"
    notice = SimpleNamespace(body=body, documents=[])
    suggestions = suggest_tasks(notice)
    # The rows "1." and "2." are a table's, not headings: only the two headings are suggested.
    assert [s.code for s in suggestions] == ["一", "二"]
    assert "乌海市第一中学" in suggestions[0].description
    assert roster_groups(body) == {"安全工作领导小组"}


def test_the_lint_leaves_the_cells_apart():
    """A fix changes the text inside a cell, never the TABs or the "|" between them."""
    body = "学校(园)\t日期\n第一中学(初中部)\t2024年03月05日\n\n|学校|日期|\n|第二中学(高中部)|2024年03月06日|"
    findings = lint({"body": body})
    assert {f.rule for f in findings} == {"halfwidth-punctuation", "date-leading-zero"}
    fixed = [p.table for p in paragraphs(apply_all_fixes(body, findings))]
    assert fixed == [
        (("学校（园）", "日期"), ("第一中学（初中部）", "2024年3月5日")),
        (("学校", "日期"), ("第二中学（高中部）", "2024年3月6日")),
    ]


# ---------------------------------------------------------------------------------------------------------------
# The notice the .docx and PDF tests print: two paragraphs, a table of 6 columns and 30 rows (two landscape pages),
# three paragraphs after it.

HEAD = ("序号", "学校名称", "所在区", "联系人", "联系电话", "备注")
SCHOOLS = ("乌海市第一中学", "乌海市第二中学", "海勃湾区实验小学", "乌达区第三小学", "海南区职业中学")
SCHOOLS += ("乌海市蒙古族学校",)
DISTRICTS = ("海勃湾区", "乌达区", "海南区")
MONGOLIAN_CELL = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ"
LATIN_CELL = "Grade 7 STEM class"


def _rows() -> list[tuple[str, ...]]:
    rows = []
    for i in range(1, 31):
        note = MONGOLIAN_CELL if i == 5 else LATIN_CELL if i == 9 else ""
        rows.append((str(i), SCHOOLS[i % 6], DISTRICTS[i % 3], "王老师", f"0473-31{i:05d}", note))
    return rows


BEFORE = (
    "为做好2024年全市中小学安全检查工作，现将有关事项通知如下。",
    "一、检查范围。全市各级各类学校均须接受检查，各区教育局要提前做好准备，检查学校名单及联系人见下表。",
)
AFTER = (
    "二、检查时间。2024年3月11日至3月29日，各学校要按照表中所列联系人安排专人负责对接。",
    "三、工作要求。各区教育局要高度重视，认真组织，确保检查工作取得实效。",
    "请各学校于检查结束后五个工作日内报送自查报告。",
)


def _data(body: str, **changes) -> GongwenData:
    values = dict(
        mark="乌海市教育局文件",
        mark_mn=MONGOLIAN,
        header_order="zh_first",
        number="乌教发〔2024〕12号",
        title="关于开展2024年全市中小学安全检查工作的通知",
        addressee_text="各区教育局，市直各学校：",
        body=body,
        signature_organ="乌海市教育局",
        signed_on=datetime.date(2024, 3, 1),
        cc_text="市教育督导室",
        imprint_organ="乌海市教育局办公室",
        imprinted_on=datetime.date(2024, 3, 1),
    )
    values.update(changes)
    return GongwenData(**values)


def _notice_body() -> str:
    return "\n".join([*BEFORE, "\t".join(HEAD), *("\t".join(row) for row in _rows()), *AFTER])


@pytest.fixture(scope="module")
def notice_docx() -> bytes:
    return render_gongwen(_data(_notice_body()))


def _part(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read(name))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


def _sections(docx: bytes) -> list[tuple[etree._Element, list[etree._Element]]]:
    """Each section's properties with the body elements (paragraphs, tables) it holds, in order."""
    body = _part(docx, "word/document.xml").find(W + "body")
    sections, held = [], []
    for element in body:
        if element.tag == W + "sectPr":
            sections.append((element, held))
            break
        held.append(element)
        props = element.find("w:pPr/w:sectPr", NS)
        if props is not None:
            sections.append((props, held))
            held = []
    return sections


def _mm(sect_pr, element: str, attribute: str) -> int:
    return round(int(sect_pr.find(f"w:{element}", NS).get(W + attribute)) / TWIPS_PER_MM)


def _footers(sect_pr) -> dict[str, str]:
    return {ref.get(W + "type"): ref.get(R_ID) for ref in sect_pr.findall("w:footerReference", NS)}


def test_the_table_has_a_landscape_section_between_two_portrait_ones(notice_docx):
    sections = _sections(notice_docx)
    assert [s.find("w:pgSz", NS).get(W + "orient") for s, _ in sections] == [None, "landscape", None]
    (first, before), (turned, table), (last, after) = sections
    for portrait in (first, last):
        assert (_mm(portrait, "pgSz", "w"), _mm(portrait, "pgSz", "h")) == (210, 297)
        margins = {side: _mm(portrait, "pgMar", side) for side in ("top", "bottom", "left", "right")}
        assert margins == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    assert (_mm(turned, "pgSz", "w"), _mm(turned, "pgSz", "h")) == (297, 210)
    # The portrait margins turned with the sheet: 订口 (28) at the top, the page numbers' edge (35) on the left.
    margins = {side: _mm(turned, "pgMar", side) for side in ("top", "bottom", "left", "right")}
    assert margins == {"top": 28, "bottom": 26, "left": 35, "right": 37}
    # Each section starts on a new page (no w:type: nextPage) and none restarts the page numbers.
    for props, _held in sections:
        assert props.find("w:type", NS) is None or props.find("w:type", NS).get(W + "val") == "nextPage"
        start = props.find("w:pgNumType", NS)
        assert start is None or start.get(W + "start") is None
    # The text before the table ends the first section (no empty paragraph added), the text after begins the last.
    assert _text(before[-1]) == BEFORE[1]
    assert [element.tag for element in table] == [W + "tbl", W + "p"] and _text(table[1]) == ""
    assert [_text(element) for element in after[:3]] == list(AFTER)
    assert "乌海市教育局" in [_text(element) for element in after]  # the signature, on the portrait pages


def test_the_table_fills_the_turned_text_block_and_repeats_its_head(notice_docx):
    tbl = _sections(notice_docx)[1][1][0]
    width = int(tbl.find("w:tblPr/w:tblW", NS).get(W + "w"))
    assert round(width / TWIPS_PER_MM) == 225
    assert sum(int(col.get(W + "w")) for col in tbl.findall("w:tblGrid/w:gridCol", NS)) == width
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == 31 and all(len(row.findall("w:tc", NS)) == 6 for row in rows)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(row.find("w:trPr/w:tblHeader", NS) is None for row in rows[1:])
    assert [tuple(_text(tc) for tc in row.findall("w:tc", NS)) for row in rows] == [HEAD, *_rows()]
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        rule = borders.find(f"w:{side}", NS)
        assert (rule.get(W + "val"), rule.get(W + "sz")) == ("single", "4")  # 0.5 pt
    head_fonts = {r.find("w:rPr/w:rFonts", NS).get(W + "eastAsia") for r in rows[0].iter(W + "r")}
    assert head_fonts == {L.HEITI}
    mongolian = [r for r in rows[5].iter(W + "r") if _text(r) == MONGOLIAN_CELL]
    assert mongolian and mongolian[0].find("w:rPr/w:rFonts", NS).get(W + "ascii") == L.MONGOLIAN


def test_every_section_names_footers_portrait_ones_shared_and_page_numbers_in_each(notice_docx):
    assert _part(notice_docx, "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    (first, _), (turned, _), (last, _) = _sections(notice_docx)
    assert set(_footers(first)) == set(_footers(turned)) == set(_footers(last)) == {"default", "even"}
    assert _footers(first) == _footers(last) and set(_footers(turned).values()).isdisjoint(_footers(first).values())
    rels = _part(notice_docx, "word/_rels/document.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for kind, side in (("default", "right"), ("even", "left")):
        portrait = _part(notice_docx, f"word/{targets[_footers(first)[kind]]}")
        assert " PAGE " in "".join(t.text for t in portrait.iter(W + "instrText"))
        assert _text(portrait).startswith("— ") and portrait.find(".//w:jc", NS).get(W + "val") == side
        landscape = _part(notice_docx, f"word/{targets[_footers(turned)[kind]]}")
        (anchor,) = landscape.findall(".//wp:anchor", NS)
        assert anchor.find("wp:positionH", NS).get("relativeFrom") == "page"
        assert anchor.find(".//wps:bodyPr", NS).get("vert") == "vert"  # written top to bottom
        assert landscape.find(".//wps:txbx//w:jc", NS).get(W + "val") == side  # odd pages low, even pages high
        assert " PAGE " in "".join(t.text for t in landscape.iter(W + "instrText"))


def test_two_tables_a_blank_line_apart_share_their_landscape_pages():
    body = "前文。\n甲\t乙\n1\t2\n\n|丙|丁|\n|3|4|\n后文。"
    sections = _sections(render_gongwen(_data(body)))
    assert [s.find("w:pgSz", NS).get(W + "orient") for s, _ in sections] == [None, "landscape", None]
    assert [element.tag[len(W) :] for element in sections[1][1]] == ["tbl", "p", "tbl", "p"]


def test_tables_with_text_between_share_the_footers_of_their_kind():
    docx = render_gongwen(_data("前文。\n甲\t乙\n1\t2\n中间。\n|丙|丁|\n|3|4|\n后文。"))
    sections = _sections(docx)
    assert [s.find("w:pgSz", NS).get(W + "orient") for s, _ in sections] == [None, "landscape", None, "landscape", None]
    portrait, turned = {str(_footers(s)) for s, _ in sections[::2]}, {str(_footers(s)) for s, _ in sections[1::2]}
    assert len(portrait) == len(turned) == 1
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert len([name for name in package.namelist() if name.startswith("word/footer")]) == 4


def test_a_table_after_a_roster_or_at_the_end_of_the_text():
    roster = [RosterLine("组长", "张三", "局长")]
    sections = _sections(render_gongwen(_data("前文。\n{{roster}}\n甲\t乙\n1\t2", rosters={None: roster})))
    (_, before), (_, table), (_, after) = sections
    # A table cannot end a section: after the roster, a paragraph a point high does.
    assert before[-2].tag == W + "tbl" and _text(before[-1]) == ""
    assert table[0].tag == W + "tbl"
    # The table ends the text: the signature starts the next portrait page.
    assert [_text(element) for element in after[:2]] == ["乌海市教育局", "2024年3月1日"]


def test_a_letters_first_page_stays_the_first_sections_alone():
    """信函: the letterhead and the footer without a number (w:titlePg) are the first page's, not the first page of
    the landscape pages or of the portrait pages after them."""
    (first, _), (turned, _), (last, _) = _sections(render_gongwen(_data("前文。\n甲\t乙\n1\t2\n后文。", kind="信函")))
    assert first.find("w:titlePg", NS) is not None and first.find("w:headerReference[@w:type='first']", NS) is not None
    for later in (turned, last):
        assert later.find("w:titlePg", NS) is None
        assert not later.findall("w:headerReference", NS) and set(_footers(later)) == {"default", "even"}


def test_a_notice_without_a_table_has_one_section():
    assert len(_sections(render_gongwen(_data("请认真做好安全工作。\n各校要按时报送。")))) == 1


# ---------------------------------------------------------------------------------------------------------------
# In LibreOffice

LANDSCAPE_BLOCK = (35 * MM, 28 * MM, (297 - 37) * MM, (210 - 26) * MM)  # x0, y0, x1, y1: 225 × 156 mm
PORTRAIT_BOTTOM, PORTRAIT_LEFT, PORTRAIT_RIGHT = (297 - 35) * MM, 28 * MM, (210 - 26) * MM
CHAR_4 = L.SIZE_4  # a 4号 character, in points


@pytest.fixture(scope="module")
def notice_pdf(notice_docx) -> bytes:
    require_libreoffice(server=True)
    from app.documents.pdf import docx_to_pdf

    return docx_to_pdf(notice_docx)


def _sizes(pdf: bytes) -> list[tuple[int, int]]:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return [(round(page.rect.width / MM), round(page.rect.height / MM)) for page in document]


def _landscape_pages(pdf: bytes) -> list[int]:
    return [index for index, (width, height) in enumerate(_sizes(pdf)) if width > height]


def _page_number(pdf: bytes, index: int) -> tuple[str, tuple[float, float], tuple[float, ...]]:
    """The page's "— n —": its text, its direction and its box."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        found = [
            (text, line["dir"], line["bbox"])
            for block in document[index].get_text("dict")["blocks"]
            for line in block.get("lines", [])
            if re.fullmatch(r"—\s*\d+\s*—", text := "".join(s["text"] for s in line["spans"]).strip())
        ]
    assert len(found) == 1, (index + 1, found)
    return found[0]


def test_the_table_takes_two_landscape_pages_between_portrait_ones(notice_pdf):
    sizes = _sizes(notice_pdf)
    assert sizes == [(210, 297), (297, 210), (297, 210), (210, 297)], sizes


def test_the_table_lies_inside_the_turned_text_block(notice_pdf):
    x0, y0, x1, y1 = LANDSCAPE_BLOCK
    for index in _landscape_pages(notice_pdf):
        with pymupdf.open(stream=notice_pdf, filetype="pdf") as document:
            rules = [drawing["rect"] for drawing in document[index].get_drawings()]
        assert rules, f"page {index + 1} has no table"
        # As wide as the block, its top on the block's top edge (within half a millimetre), nothing outside it.
        assert abs(min(r.x0 for r in rules) - x0) <= HALF_MM and abs(max(r.x1 for r in rules) - x1) <= HALF_MM
        assert abs(min(r.y0 for r in rules) - y0) <= HALF_MM and max(r.y1 for r in rules) <= y1 + HALF_MM
        upright = [c for c in chars(notice_pdf, index) if c.upright and not c.c.isspace()]
        assert upright and all(x0 <= c.bbox[0] and c.bbox[2] <= x1 for c in upright)
        assert all(y0 <= c.bbox[1] and c.bbox[3] <= y1 for c in upright)


def test_the_head_row_tops_each_landscape_page_and_every_row_is_printed(notice_pdf):
    printed = []
    for index in _landscape_pages(notice_pdf):
        lines = [line for line in text_lines(notice_pdf, index) if line.char_count]
        assert re.sub(r"\s", "", lines[0].text) == "".join(HEAD), (index + 1, lines[0].text)
        assert all(font.startswith("NotoSansCJK") for font in lines[0].fonts)  # 黑体
        printed += [re.sub(r"\s", "", line.text) for line in lines[1:]]
    # Every row on a line of its own, in order, the Mongolian and the Latin cells in it.
    assert printed == [re.sub(r"\s", "", "".join(row)) for row in _rows()]
    assert any(re.sub(r"\s", "", MONGOLIAN_CELL) in line for line in printed) and any(
        LATIN_CELL.replace(" ", "") in line for line in printed
    )


def test_page_numbers_go_on_across_the_sections_and_stand_where_the_portrait_ones_do(notice_pdf):
    """§8: on a landscape page the number keeps its place on the sheet: the portrait bottom edge, now the left
    margin, written top to bottom, its dashes 7 mm from the text block as on the portrait pages (§7.5); one 4号
    character in from the block's (portrait) right end on odd pages, its left end on even pages."""
    landscape = _landscape_pages(notice_pdf)
    x0, y0, _x1, y1 = LANDSCAPE_BLOCK
    for index in range(len(_sizes(notice_pdf))):
        text, direction, (left, top, right, bottom) = _page_number(notice_pdf, index)
        assert re.sub(r"\s", "", text) == f"—{index + 1}—"
        dash = next(c for c in chars(notice_pdf, index) if c.c == "—")
        ink = ink_bounds(notice_pdf, index, dash.bbox)
        odd = index % 2 == 0
        if index in landscape:
            assert direction == pytest.approx((0.0, 1.0))  # turned a quarter clockwise, reading downwards
            assert abs(x0 - (ink[0] + ink[2]) / 2 - L.PAGE_NUMBER_GAP_MM * MM) <= HALF_MM, (index + 1, ink)
            if odd:
                assert abs(bottom - (y1 - CHAR_4)) <= HALF_MM, (index + 1, bottom / MM)
            else:
                assert abs(top - (y0 + CHAR_4)) <= HALF_MM, (index + 1, top / MM)
        else:
            assert direction == pytest.approx((1.0, 0.0))
            rows = ink_rows(notice_pdf, index, dash.bbox)
            assert abs((min(rows) + max(rows)) / 2 - PORTRAIT_BOTTOM - L.PAGE_NUMBER_GAP_MM * MM) <= HALF_MM
            if odd:
                assert abs(right - (PORTRAIT_RIGHT - CHAR_4)) <= HALF_MM, (index + 1, right / MM)
            else:
                assert abs(left - (PORTRAIT_LEFT + CHAR_4)) <= HALF_MM, (index + 1, left / MM)


def test_the_text_after_the_table_goes_on_on_a_portrait_page(notice_pdf):
    after = _landscape_pages(notice_pdf)[-1] + 1
    assert _sizes(notice_pdf)[after] == (210, 297)
    lines = [re.sub(r"\s", "", line.text) for line in text_lines(notice_pdf, after, min_size=15.5, max_size=16.5)]
    assert "".join(lines).startswith("".join(AFTER)), lines[:6]
    assert lines[-2:] == ["乌海市教育局", "2024年3月1日"]
    # The text before the table is on the first page.
    first = "".join(re.sub(r"\s", "", line.text) for line in text_lines(notice_pdf, 0, min_size=15.5, max_size=16.5))
    assert first.endswith("".join(BEFORE))


# ---------------------------------------------------------------------------------------------------------------
# The notice page


HTML_BODY = "检查学校名单如下。\n学校\t人数\n乌海市第一中学\t1200\n" + f"{MONGOLIAN}\t<30>\n请按时报送。"
WIDE_BODY = "检查学校名单如下。\n" + "\n".join(["\t".join(HEAD), *("\t".join(row) for row in _rows())])


def _show_with_body(app, login, body: str) -> int:
    """The seed notice with this text, and the secretary signed in to see it."""
    with app.app_context():
        notice = seed_notice()
        notice.body = body
        db.session.commit()
        notice_id = notice.id
    login("secretary")
    return notice_id


# The template, not the database, is under test.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_notice_page_shows_the_table_as_an_html_table(login, client, demo):
    page = client.get(f"/notices/{_show_with_body(demo, login, HTML_BODY)}").get_data(as_text=True)
    table = re.search(r'<div class="table-wrap notice-table">\s*<table>(.*?)</table>\s*</div>', page, re.S)
    assert table, "no table in the notice's text"
    head = re.search(r"<thead>(.*?)</thead>", table.group(1), re.S).group(1)
    assert re.findall(r'<th scope="col">(.*?)</th>', head) == ["学校", "人数"]
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1), re.S)
    assert [re.findall(r"<td>(.*?)</td>", row) for row in rows] == [
        ["乌海市第一中学", "1200"],
        [MONGOLIAN, "&lt;30&gt;"],  # escaped, and the Mongolian exactly as stored
    ]
    assert "<p>检查学校名单如下。</p>" in page and "<p>请按时报送。</p>" in page
    assert "学校\t人数" not in page


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_on_a_phone_a_wide_table_scrolls_inside_its_box_and_the_page_does_not(login, client, demo):
    """The notice page, with its stylesheet, in Chromium 375 pixels wide (the Flask client serves every request)."""
    missing = (
        "Playwright is not installed"
        if sync_playwright is None
        else None
        if os.access(CHROMIUM, os.X_OK)
        else f"no Chromium at {CHROMIUM}"
    )
    if missing:
        (pytest.fail if IN_CI else pytest.skip)(missing)
    notice_id = _show_with_body(demo, login, WIDE_BODY)

    def serve(route):
        path = route.request.url.removeprefix("http://intranet.test")
        response = client.get(path)
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.data)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.route("**/*", lambda route: serve(route) if "intranet.test" in route.request.url else route.abort())
            page.goto(f"http://intranet.test/notices/{notice_id}")
            measured = page.evaluate(
                """() => {
                    const box = document.querySelector(".notice-table");
                    const cell = box.querySelector("tbody td:nth-child(2)");
                    return {page: document.documentElement.scrollWidth, box: box.clientWidth,
                            table: box.scrollWidth, overflow: getComputedStyle(box).overflowX,
                            cellLines: Math.round(cell.getBoundingClientRect().height
                                                  / parseFloat(getComputedStyle(cell).lineHeight))};
                }"""
            )
        finally:
            browser.close()
    assert measured["page"] == 375, measured  # the page does not scroll sideways
    assert measured["table"] > measured["box"] and measured["overflow"] == "auto", measured  # the table's box does
    assert measured["cellLines"] == 1, measured  # a school's name on one line, not squeezed a character a line
