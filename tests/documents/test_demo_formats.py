"""The demo's specimens of every format and element beyond the plain 文件 (app/demo/specimens.json), as they come
out of the demo database: each notice's .docx made as issuing makes it, converted once, and measured with a ruler.

91号 is a 联合行文 of three organs, 92号 a 请示 (上行文) with 签发人, 93号 a notice with a table on a landscape
page and both its attachments printed as 附件 pages, 乌教函〔2023〕15号 a 信函 and 乌教纪〔2023〕5号 a 纪要;
海教发〔2023〕46号 a district bureau's 转发通知, the city's 75号 printed as its 附件. The
renderers' own modules measure each element on specimens made for them (test_gongwen_elements.py,
test_letter_minutes.py, test_body_tables.py, test_attachment_pages.py); here the same rules hold on the notices a
bureau has in its system.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.documents import layout as L
from app.documents.pdf import docx_to_pdf
from app.extensions import db
from app.notices.documents import render_notice_docx
from app.notices.models import Notice
from tests.helpers.databases import demo_app_for
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import ink_bounds, page_count, text_lines

MM = 72 / 25.4
HALF_MM = 0.5 * MM
TOP, LEFT, RIGHT = L.MARGIN_TOP_MM * MM, L.MARGIN_LEFT_MM * MM, (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM) * MM
CHAR = (L.BODY_PT + L.CHAR_SPACING_TWIPS / 20) * 1.0  # a 3号 character and its spacing, in points
NUMBERS = ["乌教发〔2023〕91号", "乌教发〔2023〕92号", "乌教发〔2023〕93号", "乌教函〔2023〕15号", "乌教纪〔2023〕5号"]
# 海勃湾区教育局's 转发通知 of 75号 (app/demo/forwards.py): its own header and number, 75号's PDF as its 附件 pages.
FORWARD = "海教发〔2023〕46号"
NUMBERS.append(FORWARD)


@pytest.fixture(scope="module")
def pdfs(templates, tmp_path_factory) -> dict[str, bytes]:
    require_libreoffice(server=True)

    app = demo_app_for(templates, tmp_path_factory.mktemp("demoformats"))
    made = {}
    with app.app_context():
        for notice in db.session.scalars(select(Notice).where(Notice.status == "issued")):
            if notice.number in NUMBERS:
                made[notice.number] = docx_to_pdf(render_notice_docx(notice))
        db.engine.dispose()
    assert sorted(made) == sorted(NUMBERS), "the demo no longer issues every specimen"
    return made


def _lines(pdf: bytes, page: int, **sizes):
    return [line for line in text_lines(pdf, page, **sizes) if line.text.strip()]


def _page_size_mm(pdf: bytes, page: int) -> tuple[int, int]:
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        rect = document[page].rect
    return round(rect.width / MM), round(rect.height / MM)


def test_a_joint_notice_stacks_the_organs_with_wenjian_beside_them_and_each_signs(pdfs):
    pdf = pdfs["乌教发〔2023〕91号"]
    marks = [line for line in _lines(pdf, 0, min_size=20) if line.y < 110 * MM]
    names = ["乌海市教育局", "乌海市人力资源和社会保障局", "乌海市财政局"]
    stacked = [next(line for line in marks if line.text.replace(" ", "").startswith(name)) for name in names]
    assert [s.y for s in stacked] == sorted(s.y for s in stacked)  # the lead organ first
    centres = [(s.x0 + s.x1) / 2 for s in stacked if "文件" not in s.text]
    assert max(centres) - min(centres) <= HALF_MM  # each centred in the names' column
    wenjian = [c for line in marks for c in line.chars if c.c in "文件"]
    assert len(wenjian) == 2 and wenjian[0].bbox[0] > max(s.x1 for s in stacked if "文件" not in s.text)
    middle = (wenjian[0].bbox[1] + wenjian[0].bbox[3]) / 2
    stack = (stacked[0].chars[0].bbox[1] + stacked[-1].chars[0].bbox[3]) / 2
    assert abs(middle - stack) <= HALF_MM  # 文件 centred on the stack's height
    assert LEFT - HALF_MM <= min(line.x0 for line in marks) and max(line.x1 for line in marks) <= RIGHT + HALF_MM
    # Each organ signs, inside the block, none on top of another.
    last = page_count(pdf) - 1
    signing = [line for line in _lines(pdf, last, min_size=15.5, max_size=16.5) if any(n in line.text for n in names)]
    signed = "".join(line.text.replace(" ", "") for line in signing)
    assert all(name in signed for name in names)
    for line in signing:
        assert LEFT - HALF_MM <= line.x0 and line.x1 <= RIGHT + HALF_MM
        gaps = [b.bbox[0] - a.bbox[2] for a, b in zip(line.chars, line.chars[1:], strict=False)]
        assert min(gaps) > -0.5, line.text  # no more than the text's own spacing (−0.25 pt): nothing overprinted
        if sum(name in line.text for name in names) > 1:
            assert max(gaps) >= CHAR, line.text  # two names on a line stand apart


def test_a_request_upward_prints_its_signer_on_the_number_line_under_a_mark_35_mm_down(pdfs):
    pdf = pdfs["乌教发〔2023〕92号"]
    mark = next(line for line in _lines(pdf, 0, min_size=30) if "乌海市教育局文件" in line.text.replace(" ", ""))
    ink = ink_bounds(pdf, 0, (LEFT, mark.y - 40, RIGHT, mark.y + 5))
    assert abs(ink[1] - (TOP + L.MARK_TOP_MM * MM)) <= HALF_MM, (ink[1] - TOP) / MM
    line = next(line for line in _lines(pdf, 0, min_size=15.5, max_size=16.5) if "签发人" in line.text)
    assert line.text.replace(" ", "").startswith("乌教发〔2023〕92号") and line.text.replace(" ", "").endswith("董跃飞")
    assert abs(line.x0 - (LEFT + CHAR)) <= HALF_MM  # the number one character in
    assert abs(line.x1 - (RIGHT - CHAR)) <= HALF_MM  # the signer one character in from the right
    signer = [c for c in line.chars if c.c in "董跃飞"]
    assert all(c.font.startswith("FandolKai") for c in signer), {c.font for c in signer}  # 楷体


def test_a_table_in_the_body_prints_on_a_landscape_page_and_the_attachments_as_pages(pdfs):
    pdf = pdfs["乌教发〔2023〕93号"]
    sizes = [_page_size_mm(pdf, page) for page in range(page_count(pdf))]
    assert sizes[0] == (210, 297) and (297, 210) in sizes
    turned = sizes.index((297, 210))
    assert sizes[turned + 1] == (210, 297)  # the text goes on in portrait
    head = _lines(pdf, turned)
    assert any("阶段" in line.text and "责任单位" in line.text for line in head)
    labels = {}
    for page in range(page_count(pdf)):
        for line in _lines(pdf, page, min_size=15.5, max_size=16.5)[:1]:
            if line.text.replace(" ", "") in ("附件1", "附件2"):
                labels[line.text.replace(" ", "")] = page
                assert abs(line.x0 - LEFT) <= HALF_MM and abs(line.y - (TOP + 8.19 * MM)) <= HALF_MM
    assert list(labels) == ["附件1", "附件2"] and labels["附件2"] == labels["附件1"] + 1
    # The page numbers run on over every page, the landscape and the 附件 ones included.
    numbers = []
    for page in range(page_count(pdf)):
        text = "".join(line.text for line in text_lines(pdf, page, min_size=13.5, max_size=14.5))
        numbers.append(next((n for n in range(1, 20) if f"— {n} —" in text or f"—{n}—" in text.replace(" ", "")), None))
    portrait = [n for n, size in zip(numbers, sizes, strict=True) if size == (210, 297)]
    assert portrait == sorted(portrait) and portrait[0] == 1 and None not in portrait


def test_a_letter_has_its_organs_name_30_mm_from_the_top_and_no_number_on_its_first_page(pdfs):
    pdf = pdfs["乌教函〔2023〕15号"]
    mark = next(line for line in _lines(pdf, 0, min_size=20) if line.text.replace(" ", "") == "乌海市教育局")
    ink = ink_bounds(pdf, 0, (0, mark.y - 40, 210 * MM, mark.y + 5))
    assert abs(ink[1] - 30 * MM) <= HALF_MM, ink[1] / MM
    number = next(line for line in _lines(pdf, 0) if "乌教函〔2023〕15号" in line.text.replace(" ", ""))
    assert abs(number.x1 - RIGHT) <= HALF_MM  # flush right under the double rule
    assert not any("—" in line.text for line in text_lines(pdf, 0, min_size=13.5, max_size=14.5))
    assert "印发" not in "".join(line.text for page in range(page_count(pdf)) for line in text_lines(pdf, page))


def test_minutes_have_their_mark_no_addressees_and_the_attendance_in_heiti(pdfs):
    pdf = pdfs["乌教纪〔2023〕5号"]
    everything = [line for page in range(page_count(pdf)) for line in _lines(pdf, page)]
    texts = [line.text.replace(" ", "") for line in everything]
    assert "乌海市教育局会议纪要" in texts
    assert not any(text.startswith("局机关各科室") for text in texts)  # no 主送
    present = next(line for line in everything if line.text.replace(" ", "").startswith("出席："))
    assert all(c.font.startswith("NotoSansCJK") for c in present.chars[:3])  # 黑体 label
    assert abs(present.x0 - (LEFT + 2 * CHAR)) <= HALF_MM  # 左空二字
    assert any(text.startswith("请假：郑永红") for text in texts) and any(text.startswith("列席：") for text in texts)


@pytest.fixture(scope="module")
def original_pdf(templates, tmp_path_factory) -> bytes:
    """75号's issued PDF as the demo stored it (the file the forwarding notice attaches)."""
    from app.core.files import read_bytes
    from tests.helpers.notices import seed_notice

    app = demo_app_for(templates, tmp_path_factory.mktemp("original"))
    with app.app_context():
        data = read_bytes(seed_notice().pdf_sha256)
        db.engine.dispose()
    return data


def test_a_forwarding_notice_has_its_organs_header_and_the_original_as_its_attachment_pages(pdfs, original_pdf):
    """The district's red mark and number where the city's stand on its own notices; one 附件 (so "附件" alone) on a
    page of its own, at the 版心's top left, its title on the third line; then each page of 75号 as a picture inside
    the 版心, as many pages as 75号's PDF has; the 版记 at the foot of the page after; the page numbers running on.
    (The 附件说明 and the signature go to page 2 with each other: a three-line title leaves them no room on page 1.)"""
    pdf = pdfs[FORWARD]
    first = _lines(pdf, 0)
    mark = next(line for line in first if line.text.replace(" ", "") == "海勃湾区教育局文件")
    assert abs((mark.x0 + mark.x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM  # centred in the 版心
    number = next(line for line in first if FORWARD in line.text.replace(" ", ""))
    assert number.y > mark.y
    title = "".join(line.text for line in _lines(pdf, 0, min_size=21.5, max_size=22.5)).replace(" ", "")
    assert title.startswith("海勃湾区教育局关于转发《乌海市教育局关于印发〈乌海市一体化推进") and title.endswith(
        "》的通知"
    )
    pages = page_count(pdf)
    label_page = next(
        page
        for page in range(pages)
        if any(line.text.replace(" ", "") == "附件" for line in _lines(pdf, page, min_size=15.5, max_size=16.5)[:1])
    )
    label = _lines(pdf, label_page, min_size=15.5, max_size=16.5)[0]
    assert abs(label.x0 - LEFT) <= HALF_MM and abs(label.y - (TOP + 8.19 * MM)) <= HALF_MM
    # One picture a page, the first under the label and title; the 版记 after the last full page, on its own.
    assert pages - label_page - 1 == page_count(original_pdf)
    assert "印发" in "".join(line.text for line in _lines(pdf, pages - 1))
    for page in range(label_page, pages - 1):
        box = ink_bounds(pdf, page, (0, TOP - 2 * MM, 210 * MM, 297 * MM - 20 * MM))
        assert box is not None and box[0] >= LEFT - HALF_MM and box[2] <= RIGHT + HALF_MM, (page, box)
    numbers = []
    for page in range(pages):
        text = "".join(line.text for line in text_lines(pdf, page, min_size=13.5, max_size=14.5)).replace(" ", "")
        numbers.append(next((n for n in range(1, 40) if f"—{n}—" in text), None))
    assert numbers == list(range(1, pages + 1))
