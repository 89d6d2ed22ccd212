"""The 收文处理笺 (app/documents/processing_slip.py): its .docx read from the XML, then LibreOffice's PDF measured
with a ruler: the title centred on the 版心, the table as wide as the 版心, the empty rows tall enough to write in, a
long slip going on on a second page between two rows."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents.processing_slip import ProcessingSlip, SlipLine, render_processing_slip
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, horizontal_rules, ink_bounds, page_count, text_lines
from tests.helpers.text import MONGOLIAN

TWIPS_PER_MM = 1440 / 25.4
MM = 72 / 25.4  # PDF points per millimetre
HALF_MM = 0.5 * MM
LEFT, RIGHT = 28 * MM, 184 * MM  # the 版心, from the page's left edge
TOP, BOTTOM = 37 * MM, (297 - 35) * MM
LABEL_RIGHT = (28 + 25) * MM  # the label column's right rule
SECOND_LABELS = ((28 + 25 + 63) * MM, (28 + 25 + 63 + 25) * MM)  # the column of 收文编号, 收文日期, 密级
CELL_MARGIN = 1.5 * MM

# The labels a reader finds down the slip, left to right and top to bottom.
LABELS = [
    "来文单位",
    "收文编号",
    "来文字号",
    "收文日期",
    "紧急程度",
    "密级",
    "标题",
    "拟办意见",
    "领导批示",
    "承办情况",
    "传阅情况",
    "办结情况",
    "备注",
]
WRITTEN_ON = {"拟办意见": 20, "领导批示": 30, "承办情况": 20, "传阅情况": 20, "办结情况": 20}  # mm of room, at least

TYPICAL = ProcessingSlip(
    organ_name="乌海市教育局",
    number="收〔2026〕15号",
    sender="内蒙古自治区教育厅办公室",
    sender_number="内教基字〔2026〕128号",
    received_on=date(2026, 12, 1),
    urgency="加急",
    classification="",
    title="关于做好2027年全区中小学寒假安全工作的通知",
    proposals=[SlipLine("建议由基础教育科牵头，会同安全稳定科研究落实。", "王主任", date(2026, 12, 2))],
    instructions=[
        SlipLine("同意。请基础教育科抓紧落实，12月10日前报送工作方案。", "张局长", date(2026, 12, 2)),
        SlipLine("请安全稳定科配合。", "李副局长", date(2026, 12, 3)),
    ],
    handling=[
        SlipLine("已转发各旗区教育局，督促制定寒假安全工作方案。", "基础教育科", date(2026, 12, 3), "2026年12月10日前")
    ],
    readings=[SlipLine("阅。", "刘副局长", date(2026, 12, 3)), SlipLine("", "赵副局长", date(2026, 12, 4))],
    closing=SlipLine("工作方案已报自治区教育厅，办结。", "基础教育科", date(2026, 12, 9)),
    note="原件存档室",
)
EMPTY = ProcessingSlip(
    organ_name="乌海市教育局",
    number="收〔2026〕16号",
    sender="乌海市人民政府办公室",
    sender_number="乌政办发〔2026〕9号",
    received_on=date(2026, 12, 1),
    title="关于开展冬季消防安全检查的通知",
)


def _handled(n: int) -> str:
    return f"已通知第{n}批学校。" + ("请各校完成资助信息核对。" if n % 2 else "")


LONG = ProcessingSlip(
    organ_name="乌海市教育局",
    number="收〔2026〕17号",
    sender="内蒙古自治区教育厅",
    sender_number="内教发〔2026〕30号",
    received_on=date(2026, 12, 1),
    title="关于做好学生资助工作的通知",
    proposals=[SlipLine("建议转各学校落实。", "王主任", date(2026, 12, 2))],
    # Entries of one line (the text, then who and when) and of two (a text too long to share its line).
    handling=[SlipLine(_handled(n), f"第{n}学校", date(2026, 12, 3)) for n in range(1, 21)],
    note="共二十所学校",
)
ODD_TITLE = f"关于转发《乌海市教育局〔2026〕5号》的通知 {MONGOLIAN} 🎓✅"
ODD = ProcessingSlip(
    organ_name="乌海市教育局",
    number="收〔2026〕18号",
    sender=MONGOLIAN,
    sender_number="内教发〔2026〕30号",
    received_on=date(2026, 12, 1),
    title=ODD_TITLE,
    readings=[SlipLine(f"阅 👍 《通知》〔2026〕 {MONGOLIAN}", "巴特尔", date(2026, 12, 5))],
)


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def _document(slip: ProcessingSlip):
    return Document(io.BytesIO(render_processing_slip(slip)))


def _table(document):
    (table,) = document.element.body.findall(qn("w:tbl"))
    return table


def _paragraph_text(paragraph) -> str:
    """Its text, a tab as "\\t" (a tab stop's own w:tab, in the paragraph's properties, is no text)."""
    return "".join(
        "\t" if node.tag == qn("w:tab") else node.text
        for run in paragraph.findall(qn("w:r"))
        for node in run
        if node.tag in (qn("w:t"), qn("w:tab"))
    )


def _cell_texts(tc) -> list[str]:
    return [_paragraph_text(p) for p in tc.findall(qn("w:p"))]


def _rows(document) -> list[list]:
    return [tr.findall(qn("w:tc")) for tr in _table(document).findall(qn("w:tr"))]


def _text(tc) -> str:
    return "\n".join(_cell_texts(tc))


def _rows_of(document, label: str) -> list[list]:
    """The rows of a label's cell: its own and those its cell goes on down (w:vMerge)."""
    rows, found = _rows(document), []
    for row in rows:
        if _text(row[0]) == label:
            found.append(row)
        elif found and _text(row[0]) == "" and row[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}") is not None:
            found.append(row)
        elif found:
            break
    assert found, label
    return found


def _style_of(document, paragraph):
    style_id = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))
    return next(style for style in document.styles if style.style_id == style_id)


def _run_property(document, paragraph, run, tag: str, attr: str) -> str | None:
    """A run's property as it prints: the run's own, else its paragraph style's."""
    for rpr in (run.find(qn("w:rPr")), _style_of(document, paragraph).element.find(qn("w:rPr"))):
        element = rpr.find(qn(tag)) if rpr is not None else None
        if element is not None:
            return element.get(qn(attr))
    return None


# The .docx


def test_the_title_is_the_organ_and_收文处理笺_in_2号小标宋_centred():
    document = _document(TYPICAL)
    title = document.element.body.findall(qn("w:p"))[0]
    assert "".join(t.text for t in title.iter(qn("w:t"))) == "乌海市教育局收文处理笺"
    runs = title.findall(qn("w:r"))
    assert runs
    for run in runs:
        assert _run_property(document, title, run, "w:rFonts", "w:eastAsia") == "方正小标宋简体"
        assert _run_property(document, title, run, "w:sz", "w:val") == "44"  # 22 pt, 2号
    style = _style_of(document, title)
    assert style.paragraph_format.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert title.getnext().tag == qn("w:tbl")  # the table right under it


def test_the_rows_and_their_labels_come_in_order_in_黑体_centred_on_white():
    document = _document(TYPICAL)
    rows = _rows(document)
    labels = []
    for row in rows:
        label_cells = row[0::2] if len(row) == 4 else row[:1]
        labels += [_text(tc) for tc in label_cells if _text(tc)]
        for tc in label_cells:
            assert tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is None  # white, no shading
            paragraph = tc.find(qn("w:p"))
            assert paragraph.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "center"
            for run in paragraph.findall(qn("w:r")):
                assert _run_property(document, paragraph, run, "w:rFonts", "w:eastAsia") == "黑体"
                assert _run_property(document, paragraph, run, "w:sz", "w:val") == "28"  # 14 pt, 4号
    assert labels == LABELS
    # Four cells a row for the particulars, then the label and one cell across the three value columns.
    assert [len(row) for row in rows[:3]] == [4, 4, 4]
    assert all(len(row) == 2 for row in rows[3:])
    for row in rows[3:]:
        assert row[1].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "3"


def test_the_values_stand_in_their_cells_in_仿宋_flush_left_who_and_when_right():
    document = _document(TYPICAL)
    rows = _rows(document)
    assert [_text(tc) for tc in rows[0]] == ["来文单位", "内蒙古自治区教育厅办公室", "收文编号", "收〔2026〕15号"]
    assert [_text(tc) for tc in rows[1]] == ["来文字号", "内教基字〔2026〕128号", "收文日期", "2026年12月1日"]
    assert [_text(tc) for tc in rows[2]] == ["紧急程度", "加急", "密级", ""]
    assert [_text(tc) for tc in rows[3]] == ["标题", "关于做好2027年全区中小学寒假安全工作的通知"]

    def entries(label):
        return [_cell_texts(row[1]) for row in _rows_of(document, label)]

    assert entries("拟办意见") == [["建议由基础教育科牵头，会同安全稳定科研究落实。", "— 王主任　2026年12月2日"]]
    # Who and when on the text's last line when it has room for them (a right tab stop between), else under it.
    assert entries("领导批示") == [
        ["同意。请基础教育科抓紧落实，12月10日前报送工作方案。", "— 张局长　2026年12月2日"],
        ["请安全稳定科配合。\t— 李副局长　2026年12月3日"],
    ]
    assert entries("承办情况") == [
        ["已转发各旗区教育局，督促制定寒假安全工作方案。", "办理时限：2026年12月10日前", "— 基础教育科　2026年12月3日"]
    ]
    assert entries("传阅情况") == [["阅。\t— 刘副局长　2026年12月3日"], ["— 赵副局长　2026年12月4日"]]
    assert entries("办结情况") == [["工作方案已报自治区教育厅，办结。", "— 基础教育科　2026年12月9日"]]
    assert entries("备注") == [["原件存档室"]]
    # Values in the base file's 仿宋 (as the notices' text), 4号; texts flush left, who and when right-aligned: on a
    # line of their own, or at a right tab stop on the cell's right edge (131 mm less the cell's 1.5 mm margins).
    for row in rows:
        for tc in row[1::2]:
            for paragraph in tc.findall(qn("w:p")):
                text = _paragraph_text(paragraph)
                alignment = paragraph.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val"))
                assert alignment == ("right" if text.startswith("— ") else "left"), text
                stops = paragraph.findall(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
                if "\t" in text:
                    ((kind, position),) = [(stop.get(qn("w:val")), int(stop.get(qn("w:pos")))) for stop in stops]
                    assert kind == "right" and abs(position - _twips(131 - 2 * 1.5)) <= 2
                else:
                    assert not stops
                for run in paragraph.findall(qn("w:r")):
                    assert _run_property(document, paragraph, run, "w:rFonts", "w:eastAsia") == L.FANGSONG
                    assert _run_property(document, paragraph, run, "w:sz", "w:val") == "28"


def test_every_cell_is_ruled_half_a_point_black_on_its_four_sides():
    document = _document(TYPICAL)
    borders = _table(document).find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = borders.find(qn(f"w:{side}"))
        assert (edge.get(qn("w:val")), edge.get(qn("w:sz")), edge.get(qn("w:color"))) == ("single", "4", "000000")
    cells = [tc for row in _rows(document) for tc in row]
    # The particulars' four a row; two a row for 标题, the entries (1 + 2 + 1 + 2 + 1) and 备注.
    assert len(cells) == 3 * 4 + 2 * (1 + 7 + 1)
    for tc in cells:
        edges = tc.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}")
        for side in ("top", "left", "bottom", "right"):
            edge = edges.find(qn(f"w:{side}"))
            assert (edge.get(qn("w:val")), edge.get(qn("w:sz")), edge.get(qn("w:color"))) == ("single", "4", "000000")


def _min_height(row) -> int | None:
    height = row[0].getparent().find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
    assert height.get(qn("w:hRule")) == "atLeast"
    return int(height.get(qn("w:val")))


def test_the_rows_written_on_leave_room_to_write_by_hand():
    empty = _document(EMPTY)
    for label, mm in WRITTEN_ON.items():
        (row,) = _rows_of(empty, label)  # one empty row
        assert _min_height(row) == _twips(mm), label
        assert _cell_texts(row[1]) == [""]
    # Filled: the room under the last entry; the entries above are as tall as their text.
    typical = _document(TYPICAL)
    first, last = _rows_of(typical, "领导批示")
    assert (_min_height(first), _min_height(last)) == (_twips(10), _twips(30))
    assert first[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) == "restart"
    assert last[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) is None  # goes on
    # No row breaks across pages.
    for tr in _table(typical).findall(qn("w:tr")):
        assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None


def test_the_page_is_a4_with_the_notices_margins_and_the_table_as_wide_as_the_text_block():
    document = _document(TYPICAL)
    section = document.element.body.find(qn("w:sectPr"))
    size, margins = section.find(qn("w:pgSz")), section.find(qn("w:pgMar"))
    assert (int(size.get(qn("w:w"))), int(size.get(qn("w:h")))) == (_twips(210), _twips(297))
    assert size.get(qn("w:orient")) in (None, "portrait")
    found = {side: int(margins.get(qn(f"w:{side}"))) for side in ("top", "bottom", "left", "right")}
    assert found == {"top": _twips(37), "bottom": _twips(35), "left": _twips(28), "right": _twips(26)}
    table = _table(document)
    width = int(table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}").get(qn("w:w")))
    columns = [int(col.get(qn("w:w"))) for col in table.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    assert width == sum(columns) == _twips(156)
    assert table.find(f"{qn('w:tblPr')}/{qn('w:jc')}").get(qn("w:val")) == "center"


def test_the_same_slip_gives_the_same_bytes():
    assert render_processing_slip(TYPICAL) == render_processing_slip(TYPICAL)
    other = ProcessingSlip(**{**TYPICAL.__dict__, "note": "原件存档室。"})
    assert render_processing_slip(other) != render_processing_slip(TYPICAL)


def test_odd_characters_are_kept_exactly():
    document = _document(ODD)
    rows = _rows(document)
    assert _text(rows[0][1]) == MONGOLIAN  # U+202F and U+180E, the FVS, as typed
    assert "\u202f" in MONGOLIAN and "\u180e" in MONGOLIAN
    assert _text(rows[3][1]) == ODD_TITLE
    (reading,) = _rows_of(document, "传阅情况")
    assert _cell_texts(reading[1])[0] == f"阅 👍 《通知》〔2026〕 {MONGOLIAN}"
    # The Mongolian set in the Mongolian font, the rest in 仿宋.
    cell = rows[0][1]
    paragraph = cell.find(qn("w:p"))
    fonts = {_run_property(document, paragraph, run, "w:rFonts", "w:cs") for run in paragraph.findall(qn("w:r"))}
    assert fonts == {L.MONGOLIAN}


# The PDF


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    require_libreoffice()
    from app.documents.pdf import docx_to_pdf

    slips = {"typical": TYPICAL, "empty": EMPTY, "long": LONG, "odd": ODD}
    return {name: docx_to_pdf(render_processing_slip(slip)) for name, slip in slips.items()}


def _label_line(pdf: bytes, page: int, label: str):
    """The line the label stands on, found by the label's first character in the label column."""
    for line in text_lines(pdf, page, max_size=15):
        text = "".join(
            c.c for c in line.chars if c.bbox[0] < LABEL_RIGHT or SECOND_LABELS[0] < c.bbox[0] < SECOND_LABELS[1]
        )
        if label in text:
            return line
    return None


def _right_of_the_labels(line) -> str:
    return "".join(c.c for c in line.chars if c.bbox[0] > LABEL_RIGHT)


def test_a_typical_slip_is_one_page_with_its_labels_in_order(pdfs):
    pdf = pdfs["typical"]
    assert page_count(pdf) == 1
    ys = [_label_line(pdf, 0, label).y for label in LABELS]
    # Two a row for the particulars, one a row after them, top to bottom.
    rows = [ys[0], ys[2], ys[4], *ys[6:]]
    assert ys[1] == ys[0] and ys[3] == ys[2] and ys[5] == ys[4]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)


def test_the_title_is_centred_on_the_text_block(pdfs):
    pdf = pdfs["typical"]
    (title,) = text_lines(pdf, 0, min_size=20)
    assert title.text == "乌海市教育局收文处理笺" and title.sizes == (22.0,)
    assert title.fonts[0].startswith("FandolSong")  # what fonts.conf gives 方正小标宋简体
    x0, _y0, x1, y1 = ink_bounds(pdf, 0, (0, title.y - 24, 210 * MM, title.y + 6))
    assert abs((x0 + x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM
    assert y1 < horizontal_rules(pdf, 0)[0].y  # above the table


def test_the_table_is_as_wide_as_the_text_block(pdfs):
    for name in ("typical", "empty"):
        pdf = pdfs[name]
        rules = horizontal_rules(pdf, 0)
        top, bottom = rules[0], rules[-1]
        for rule in (top, bottom):
            assert abs(rule.x0 - LEFT) <= HALF_MM and abs(rule.x1 - RIGHT) <= HALF_MM, (name, rule)
            assert rule.thickness == pytest.approx(0.5, abs=0.05)
        assert all(rule.x0 >= LEFT - HALF_MM and rule.x1 <= RIGHT + HALF_MM for rule in rules)
        # The ink of the side rules, as a ruler finds it: on the 版心's edges.
        x0, _y0, x1, _y1 = ink_bounds(pdf, 0, (10 * MM, top.y + 2, 200 * MM, bottom.y - 2))
        assert abs(x0 - LEFT) <= HALF_MM and abs(x1 - RIGHT) <= HALF_MM, name
        assert bottom.y <= BOTTOM


def test_values_stand_flush_left_and_who_and_when_flush_right_in_their_cells(pdfs):
    pdf = pdfs["typical"]
    lines = text_lines(pdf, 0, max_size=15)
    sender = next(c for line in lines for c in line.chars if c.c == "内")  # 内蒙古自治区教育厅办公室
    assert abs(sender.origin[0] - (LABEL_RIGHT + CELL_MARGIN)) <= HALF_MM
    for who in ("王主任", "刘副局长"):  # on a line of its own; after the text "阅。"
        signed = next(line for line in lines if who in line.text)
        assert abs(signed.x1 - (RIGHT - CELL_MARGIN)) <= HALF_MM, who
    read = next(line for line in lines if "刘副局长" in line.text)
    assert read.text.startswith("阅。") and abs(read.x0 - (LABEL_RIGHT + CELL_MARGIN)) <= HALF_MM


def test_the_empty_rows_are_as_tall_as_their_room_to_write(pdfs):
    pdf = pdfs["empty"]
    assert page_count(pdf) == 1
    rules = [rule.y for rule in horizontal_rules(pdf, 0)]
    for label, mm in WRITTEN_ON.items():
        y = _label_line(pdf, 0, label).y
        above = max(rule for rule in rules if rule < y)
        below = min(rule for rule in rules if rule > y)
        assert abs((below - above) - mm * MM) <= HALF_MM, (label, (below - above) / MM)


def test_a_long_slip_goes_on_on_a_second_page_between_two_rows(pdfs):
    pdf = pdfs["long"]
    assert page_count(pdf) == 2
    # The lines of the value cells (the label 承办情况 stands beside them, in the middle of its cell).
    pages = [
        [text for line in text_lines(pdf, page, max_size=15) if (text := _right_of_the_labels(line))]
        for page in range(2)
    ]
    # Every entry whole on one page (no row broken between pages), in order over the pages: its text, then who and
    # when, on the same line or the next.
    printed = []
    for page, lines in enumerate(pages):
        for index, line in enumerate(lines):
            if found := re.search(r"已通知第(\d+)批学校。", line):
                n = int(found.group(1))
                signed = re.compile(f"— 第{n}学校\u30002026年12月3日$")
                assert line.startswith(_handled(n)), (page, line)
                ends = line if n % 2 == 0 else lines[index + 1] if index + 1 < len(lines) else ""
                assert signed.search(ends), (page, n)
                printed.append(n)
    assert printed == list(range(1, 21))
    assert any("已通知第1批学校。" in line for line in pages[0])
    assert any("已通知第20批学校。" in line for line in pages[1])
    # The rows after the entries on the second page, in order.
    assert _label_line(pdf, 1, "传阅情况").y < _label_line(pdf, 1, "办结情况").y < _label_line(pdf, 1, "备注").y
    # The first page ends with a whole row, and as late as the next row allows: what is left under it is less than
    # the height of the row that opens the second page, whose top stands on the top of the text block.
    first, second = [rule.y for rule in horizontal_rules(pdf, 0)], [rule.y for rule in horizontal_rules(pdf, 1)]
    assert first[-1] <= BOTTOM
    assert abs(second[0] - TOP) <= HALF_MM
    assert BOTTOM - first[-1] < second[1] - second[0]
    for page in range(2):
        for char in chars(pdf, page):
            assert TOP - HALF_MM <= char.bbox[1] and char.bbox[3] <= BOTTOM + HALF_MM, (page, char)


def test_odd_characters_reach_the_page(pdfs):
    # docx_to_pdf checks that every letter (the Mongolian too) and digit is on the page; the marks as well:
    pdf = pdfs["odd"]
    printed = "".join(c.c for page in range(page_count(pdf)) for c in chars(pdf, page))
    for mark in "《》〔〕":
        assert mark in printed
    # The emoji that the server's fonts have (Noto Sans Symbols 2). ✅ (U+2705) is drawn by colour emoji fonts
    # alone, which the server lacks: LibreOffice leaves it out, and docx_to_pdf's check counts letters and digits
    # only, so nothing says so. It stays in the .docx (test_odd_characters_are_kept_exactly).
    assert "🎓" in printed and "👍" in printed
    mongolian = [c for c in chars(pdf, 0) if "\u1820" <= c.c <= "\u18af"]
    assert mongolian and all("Mongolian" in c.font for c in mongolian)
