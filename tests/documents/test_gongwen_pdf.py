"""The seed notice's PDF, measured: 22 lines of 28 characters on full pages, the header in red at the top."""

import pytest

from app.documents.pdf import docx_to_pdf
from app.extensions import db
from app.notices.documents import render_notice_docx
from tests.helpers.notices import seed_notice
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, page_count, text_lines

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    require_libreoffice(server=True)
    from app import create_app
    from app.demo.loader import load_demo
    from tests.helpers.accounts import DEMO_PASSWORD

    tmp = tmp_path_factory.mktemp("seedpdf")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/db.sqlite", "FILES_DIR": str(tmp / "files")}
    )
    with app.app_context():
        db.create_all()
        load_demo(DEMO_PASSWORD)
        docx = render_notice_docx(seed_notice())
        pdf = docx_to_pdf(docx)
        db.engine.dispose()
    return pdf


def _body_lines(pdf, page):
    """Lines of 3号 text (16 pt) on a page, leaving out the footer's page number (14 pt)."""
    return [line for line in text_lines(pdf, page, min_size=15.5, max_size=16.5) if line.char_count]


def test_full_pages_hold_22_lines(seed_pdf):
    """A page of running text whose text reaches the foot of the block holds exactly 22 lines of 3号."""
    bottom = (297 - 35) * MM
    full = []
    for page in range(1, page_count(seed_pdf)):
        lines = _body_lines(seed_pdf, page)
        if lines and lines[-1].y > bottom - 28.95 and lines[0].y < 37 * MM + 28.95:
            full.append((page + 1, len(lines)))
    assert len(full) >= 5, full
    assert all(count == 22 for _page, count in full), full


def test_full_lines_hold_28_characters(seed_pdf):
    widths = []
    for page in range(1, page_count(seed_pdf) - 1):
        for line in _body_lines(seed_pdf, page):
            # A full line of running text spans the text block; count those that do.
            if line.x1 - line.x0 > 150 * MM and all(ord(ch.c) > 0x2E80 for ch in line.chars):
                widths.append(line.char_count)
    assert widths, "no full lines of Chinese text found"
    assert max(widths) == 28 and sum(1 for w in widths if w == 28) / len(widths) > 0.9, sorted(set(widths))


def test_text_stays_inside_the_text_block(seed_pdf):
    """Only a closing mark at the end of a line may hang past the right edge (as Word does by default)."""
    left, right = 28 * MM, (210 - 26) * MM
    top, bottom = 37 * MM, (297 - 35) * MM
    for page in range(page_count(seed_pdf)):
        for ch in chars(seed_pdf, page):
            if ch.size >= 15.5 and ch.c.strip():
                hang = 16 if ch.c in "，。、；：！？”’）》" else 0
                assert left - 1 <= ch.bbox[0] and ch.bbox[2] <= right + 1 + hang, (page, ch)
                assert top - 2 <= ch.bbox[1] and ch.bbox[3] <= bottom + 2, (page, ch)


def test_first_page_has_the_red_header_mark_and_page_numbers_sit_below_the_block(seed_pdf):
    first = chars(seed_pdf, 0)
    mark = [ch for ch in first if ch.c in "乌海市教育局文件" and ch.size > 30]
    assert len(mark) == 8
    # Its top edge about 35 mm below the top of the text block.
    assert abs(min(ch.bbox[1] for ch in mark) - (37 + 35) * MM) < 6 * MM
    numbers = [line for line in text_lines(seed_pdf, 1, min_size=13.5, max_size=14.5) if "—" in line.text]
    assert numbers and numbers[0].text.replace(" ", "") == "—2—"
    # Even page: on the left, one character in; 7 mm below the text block.
    assert abs(numbers[0].x0 - (28 * MM + 14)) < 3
    assert (297 - 35 + 5) * MM < numbers[0].y < (297 - 35 + 14) * MM
    odd = [line for line in text_lines(seed_pdf, 2, min_size=13.5, max_size=14.5) if "—" in line.text]
    assert abs(odd[0].x1 - ((210 - 26) * MM - 14)) < 3


def test_the_red_rule_spans_the_block_and_the_imprint_rules_end_on_its_bottom_edge(seed_pdf):
    import pymupdf

    document = pymupdf.open(stream=seed_pdf, filetype="pdf")

    def horizontal_rules(page):
        rules = []
        for drawing in document[page].get_drawings():
            for item in drawing["items"]:
                if item[0] == "l" and abs(item[1].y - item[2].y) < 0.5:
                    rules.append(
                        (item[1].y, min(item[1].x, item[2].x), max(item[1].x, item[2].x), drawing.get("color"))
                    )
                elif item[0] == "re" and item[1].height < 2:
                    rect = item[1]
                    rules.append((rect.y0 + rect.height / 2, rect.x0, rect.x1, drawing.get("fill")))
        return rules

    red = [r for r in horizontal_rules(0) if r[3] and r[3][0] > 0.9 and r[3][1] < 0.2]
    assert red, "no red rule on the first page"
    y, x0, x1, _color = red[0]
    assert abs(x0 - 28 * MM) < 1.5 and abs(x1 - (210 - 26) * MM) < 1.5  # as wide as the text block
    last = horizontal_rules(page_count(seed_pdf) - 1)
    assert len(last) >= 2
    lowest = max(r[0] for r in last)
    assert abs(lowest - (297 - 35) * MM) < 1.5 * MM, (lowest / MM, last)
