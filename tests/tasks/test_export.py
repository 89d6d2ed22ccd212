"""The 任务分解表: .docx on landscape pages (GB/T 9704 §8), checked in the XML and in LibreOffice's PDF; .xlsx with
every task; the command-line export."""

import io
import re
import zipfile

import openpyxl
import pymupdf
import pytest
from lxml import etree
from sqlalchemy import select

from app.documents import tasks_table as T
from app.extensions import db
from app.tasks.models import Task
from tests.helpers.databases import demo_app_for
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, ink_bounds, page_count
from tests.helpers.tasks import notice_id, seed_notice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
MM = 72 / 25.4  # PDF points per millimetre
TWIPS_PER_MM = 1440 / 25.4


def _codes(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Task.code).where(Task.source_notice_id == seed_notice().id)))


def _part(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read(name))


@pytest.fixture
def docx(login, client, app):
    login("staff")
    response = client.get(f"/notices/{notice_id(app)}/tasks.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    return response.data


def test_the_docx_page_is_a4_landscape_with_the_text_block_turned(docx):
    body = _part(docx, "word/document.xml")
    (sect,) = body.findall(".//w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    width, height = int(size.get(W + "w")), int(size.get(W + "h"))
    assert size.get(W + "orient") == "landscape" and width > height
    assert (round(width / TWIPS_PER_MM), round(height / TWIPS_PER_MM)) == (297, 210)
    margins = {
        k: round(int(sect.find("w:pgMar", NS).get(W + k)) / TWIPS_PER_MM) for k in ("top", "bottom", "left", "right")
    }
    # The portrait margins turned with the sheet: 订口 28 at the top, 35 (the page numbers' side) on the left.
    assert margins == {"top": 28, "bottom": 26, "left": 35, "right": 37}
    assert 297 - margins["left"] - margins["right"] == 225 and 210 - margins["top"] - margins["bottom"] == 156


def test_the_docx_table_fills_the_text_block_repeats_its_head_and_holds_every_task(docx, app):
    body = _part(docx, "word/document.xml")
    (table,) = body.findall(".//w:tbl", NS)
    width = int(table.find("w:tblPr/w:tblW", NS).get(W + "w"))
    assert round(width / TWIPS_PER_MM) == 225
    assert sum(int(c.get(W + "w")) for c in table.findall("w:tblGrid/w:gridCol", NS)) == width
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    first_cells = ["".join(t.text for t in row.find("w:tc", NS).iter(W + "t")) for row in rows[1:]]
    assert sorted(first_cells) == sorted(_codes(app)) and len(first_cells) == 65


def test_the_docx_page_numbers_sit_in_the_left_margin_turned_odd_low_even_high(docx):
    settings = _part(docx, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    body = _part(docx, "word/document.xml")
    sect = body.find(".//w:sectPr", NS)
    rels = _part(docx, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    footers = {ref.get(W + "type"): targets[ref.get(r_id)] for ref in sect.findall("w:footerReference", NS)}
    assert set(footers) == {"default", "even"}
    for kind, align in (("default", "right"), ("even", "left")):
        footer = _part(docx, f"word/{footers[kind]}")
        (anchor,) = footer.findall(".//wp:anchor", NS)
        assert anchor.find("wp:positionH", NS).get("relativeFrom") == "page"
        x_mm = int(anchor.find("wp:positionH/wp:posOffset", NS).text) / 36000
        width_mm = int(anchor.find("wp:extent", NS).get("cx")) / 36000
        # The dashes 7 mm left of the text block (35 mm), as LibreOffice draws them 1.68 mm inside the box.
        assert x_mm + T.DASH_IN_THE_BOX_MM == pytest.approx(35 - 7, abs=0.05)
        assert width_mm == pytest.approx(T.L.PAGE_NUMBER_LINE_MM, abs=0.05)
        assert anchor.find(".//wps:bodyPr", NS).get("vert") == "vert"  # written top to bottom
        assert footer.find(".//wps:txbx//w:jc", NS).get(W + "val") == align
        assert " PAGE " in "".join(t.text for t in footer.iter(W + "instrText"))


def test_the_same_tasks_give_the_same_docx(login, client, app, docx):
    again = client.get(f"/notices/{notice_id(app)}/tasks.docx").data
    assert again == docx


def test_the_xlsx_holds_every_task(login, client, app):
    login("secretary")
    response = client.get(f"/notices/{notice_id(app)}/tasks.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(_codes(app))
    by_code = {r[0]: r for r in rows}
    assert by_code["5-3"][1] == "5" and by_code["5-3"][4] == "乌海市教育局教师工作科"
    assert by_code["8-结对1"][4] == "乌海市第一中学" and by_code["8-结对1"][5] == "乌海市第二中学"
    assert by_code["8"][6].date().isoformat() == "2024-12-31"
    assert by_code["A1"][4] in (None, "")


def test_the_command_writes_docx_and_xlsx(demo, tmp_path):
    runner = demo.test_cli_runner()
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"tasks.{fmt}"
        result = runner.invoke(args=["tasks", "export", "乌教发〔2023〕75号", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "65 tasks" in result.output and zipfile.is_zipfile(out)
    assert openpyxl.load_workbook(tmp_path / "tasks.xlsx").active.max_row == 2 + 65
    assert _part((tmp_path / "tasks.docx").read_bytes(), "word/document.xml").find(".//w:tbl", NS) is not None
    missing = runner.invoke(
        args=["tasks", "export", "乌教发〔2023〕99号", "--format", "docx", "-o", str(tmp_path / "x")]
    )
    assert missing.exit_code != 0 and "No notice" in missing.output


# In LibreOffice


@pytest.fixture(scope="module")
def tasks_pdf(templates, tmp_path_factory):
    require_libreoffice(server=True)
    from app.demo.pairings import assign_lead_units, tasks_from_pairings
    from app.documents.pdf import docx_to_pdf
    from app.tasks.export import tasks_docx

    app = demo_app_for(templates, tmp_path_factory.mktemp("taskspdf"))
    with app.app_context():
        notice = seed_notice()
        tasks_from_pairings(notice)
        assign_lead_units(notice)
        db.session.commit()
        result = docx_to_pdf(tasks_docx(notice))
        db.engine.dispose()
    return result


def _page_numbers(pdf: bytes) -> list[tuple[str, tuple, tuple]]:
    """(text, direction, bbox) of each page's "— n —"."""
    found = []
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        for page in document:
            lines = [
                ("".join(s["text"] for s in line["spans"]).strip(), line["dir"], line["bbox"])
                for block in page.get_text("dict")["blocks"]
                for line in block.get("lines", [])
                if re.fullmatch(r"—\s*\d+\s*—", "".join(s["text"] for s in line["spans"]).strip())
            ]
            assert len(lines) == 1, lines
            found.append(lines[0])
    return found


def test_every_pdf_page_is_landscape(tasks_pdf):
    assert page_count(tasks_pdf) >= 4
    with pymupdf.open(stream=tasks_pdf, filetype="pdf") as document:
        for page in document:
            assert page.rect.width > page.rect.height
            assert (round(page.rect.width / MM), round(page.rect.height / MM)) == (297, 210)


def test_pdf_page_numbers_read_down_the_left_margin_odd_pages_low_even_pages_high(tasks_pdf):
    numbers = _page_numbers(tasks_pdf)
    for index, (text, direction, (x0, y0, x1, y1)) in enumerate(numbers, start=1):
        assert text.replace(" ", "") == f"—{index}—"
        assert direction == pytest.approx((0.0, 1.0))  # turned a quarter clockwise, reading downwards
        assert 21 * MM < x0 < x1 < 32 * MM  # in the margin left of the text block (35 mm)
        if index % 2:
            assert y1 == pytest.approx((210 - 26 - 4.94) * MM, abs=1.5 * MM)  # one character in from its end
        else:
            assert y0 == pytest.approx((28 + 4.94) * MM, abs=1.5 * MM)


def test_pdf_page_number_dashes_stand_7_mm_from_the_text_block_as_on_portrait_pages(tasks_pdf):
    """§7.5 on a turned page (§8): "一字线上距版心下边缘7mm", the block's (portrait) bottom edge being its left edge."""
    for index in range(page_count(tasks_pdf)):
        dash = next(c for c in chars(tasks_pdf, index) if c.c == "—")
        ink = ink_bounds(tasks_pdf, index, dash.bbox)
        gap_mm = (35 * MM - (ink[0] + ink[2]) / 2) / MM
        assert abs(gap_mm - 7) <= 0.5, f"page {index + 1}: the dash is {gap_mm:.2f} mm from the block"


def test_the_pdf_table_lies_inside_the_text_block(tasks_pdf):
    left, right, top, bottom = 35 * MM, (297 - 37) * MM, 28 * MM, (210 - 26) * MM
    slack = 0.6 * MM  # half a rule
    with pymupdf.open(stream=tasks_pdf, filetype="pdf") as document:
        for page in document:
            rules = [d["rect"] for d in page.get_drawings()]
            assert rules, f"page {page.number + 1} has no table"
            assert min(r.x0 for r in rules) >= left - slack and max(r.x1 for r in rules) <= right + slack
            assert min(r.y0 for r in rules) >= top - slack and max(r.y1 for r in rules) <= bottom + slack
    for page in range(page_count(tasks_pdf)):
        upright = [c for c in chars(tasks_pdf, page) if c.upright and not c.c.isspace()]
        assert upright
        assert all(left - slack <= c.bbox[0] and c.bbox[2] <= right + slack for c in upright)
        assert all(top - slack <= c.bbox[1] and c.bbox[3] <= bottom + slack for c in upright)


def test_the_pdf_head_row_repeats_and_every_code_is_printed(tasks_pdf):
    with pymupdf.open(stream=tasks_pdf, filetype="pdf") as document:
        texts = [page.get_text() for page in document]
    assert all("牵头单位" in text and "配合单位" in text for text in texts)
    printed = "".join(texts)
    for code in ("A1", "A7", "5-6", "11", "8-结对1", "8-结对12"):
        assert code in printed, code
    assert "乌海市一体化推进全市义务教育扩优提质若干措施任务分解表" in texts[0].replace("\n", "")


def test_layout_constants_follow_the_portrait_page():
    assert (T.LANDSCAPE_TEXT_WIDTH_MM, T.LANDSCAPE_TEXT_HEIGHT_MM) == (225, 156)
    assert sum(T.COLUMNS_MM) == 225
