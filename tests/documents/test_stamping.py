"""A unit's numbered copy (份号) is the notice's frozen PDF with the number stamped where the .docx prints it.

The copy frozen at issue keeps 份号's line blank (app/notices/documents.py UNNUMBERED_COPY); a unit's PDF is that
file with its six digits put on the line. Held against the PDF LibreOffice makes of the unit's own .docx: the digits
in the same place within 0.5 mm, and nothing else on any page changed.
"""

from datetime import date

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData
from app.documents.pdf import docx_to_pdf
from app.documents.stamping import stamp_copy_number
from app.notices.documents import UNNUMBERED_COPY
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, page_count, text_lines

MM = 72 / 25.4
BODY = "\n".join(
    [
        "为深入贯彻落实全市教育工作会议精神，进一步做好校园安全工作，现将有关事项通知如下。",
        "一、高度重视校园安全工作",
        "各地各校要切实提高政治站位，把校园安全工作摆在突出位置，层层压实责任，确保各项措施落到实处。" * 4,
        "二、认真开展安全隐患排查",
        "各校要对校舍、消防、食品、交通等方面开展全面排查，建立问题台账，限期整改到位。" * 5,
    ]
)


def _data(copy_number: str) -> GongwenData:
    return GongwenData(
        mark="乌海市教育局文件",
        mark_mn="ᠦᠬᠠᠢ ᠬᠣᠲᠠ",
        header_order="zh_first",
        number="乌教发〔2023〕90号",
        title="乌海市教育局关于进一步做好校园安全工作的通知",
        addressee_text="各区教育局，直属各学校（单位）：",
        body=BODY,
        signature_organ="乌海市教育局",
        signed_on=date(2023, 5, 8),
        copy_number=copy_number,
        urgency="特急",
    )


@pytest.fixture(scope="module")
def copies():
    require_libreoffice(server=True)
    unit_copy = docx_to_pdf(render_gongwen(_data("000002")))
    record = docx_to_pdf(render_gongwen(_data(UNNUMBERED_COPY)))
    return unit_copy, record, stamp_copy_number(record, "000002")


def _digits(pdf: bytes) -> list:
    return [c for c in chars(pdf, 0) if c.c.isdigit() and c.origin[1] < 60 * MM]


def test_the_stamped_number_stands_where_the_unit_copy_prints_it(copies):
    unit_copy, _record, stamped = copies
    rendered, put = _digits(unit_copy), _digits(stamped)
    assert "".join(c.c for c in rendered) == "".join(c.c for c in put) == "000002"
    for a, b in zip(rendered, put, strict=True):
        assert abs(a.origin[0] - b.origin[0]) < 0.5 * MM, (a, b)
        assert abs(a.origin[1] - b.origin[1]) < 0.5 * MM, (a, b)
    assert put[0].size == pytest.approx(16, abs=0.1)  # 3号


def test_the_record_copy_keeps_the_line_and_stamping_changes_nothing_else(copies):
    unit_copy, record, stamped = copies
    assert not _digits(record)  # the bureau's copy has no unit's number
    # 特急 on the second line on every copy: the blank 份号 line holds its place.
    urgent = [line for line in text_lines(record, 0) if line.text.replace(" ", "") == "特急"]
    numbered = [line for line in text_lines(unit_copy, 0) if line.text.replace(" ", "") == "特急"]
    assert urgent and numbered and abs(urgent[0].y - numbered[0].y) < 0.5 * MM
    assert page_count(stamped) == page_count(record) >= 2
    first = _digits(stamped)
    box = (first[0].bbox[0] - 2, first[0].bbox[1] - 2, first[-1].bbox[2] + 2, first[-1].bbox[3] + 2)
    before, after = pdfium.PdfDocument(record), pdfium.PdfDocument(stamped)
    for index in range(len(before)):
        difference = ImageChops.difference(
            before[index].render(scale=2).to_pil().convert("RGB"), after[index].render(scale=2).to_pil().convert("RGB")
        ).getbbox()
        if index:
            assert difference is None, f"page {index + 1} changed"
        else:
            x0, y0, x1, y1 = (v / 2 for v in difference)  # rendered at 2 pixels a point
            assert box[0] <= x0 and x1 <= box[2] and box[1] <= y0 and y1 <= box[3], (difference, box)


def test_a_copy_number_is_digits():
    with pytest.raises(ValueError):
        stamp_copy_number(b"%PDF-1.4", "00 12")
