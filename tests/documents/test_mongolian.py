"""The Mongolian version of a notice: entered by a translator, kept exactly, printed in vertical columns."""

import io
import zipfile
from datetime import date
from typing import NamedTuple

import docx
import pymupdf
import pytest
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents import pdfpages
from app.documents.mongolian import ATTACHMENT_LABEL, CC_LABEL, IMPRINTED, MongolianData, render_mongolian
from app.documents.pdf import docx_to_pdf
from app.documents.pdfpages import docx_paragraphs as docx_text_of
from app.extensions import db
from app.notices.documents import render_mongolian_docx
from app.notices.models import Notice, NoticeTranslation
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import vertical_columns

# Case suffixes after U+202F, the vowel separator U+180E, free variation selectors U+180B–U+180D.
TITLE = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ ᠶᠢᠨ ᠮᠡᠳᠡᠭᠳᠡᠯ"
BODY = "ᠭ\u180bᠠ ᠨ\u180cᠡ ᠠ\u180dᠯ ᠪᠢᠴᠢᠭ 乌党办发〔2022〕16号 ᠳᠤ 1+N ᠪᠠᠢᠨ᠎ᠠ\n" + "ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠠᠵᠢᠯ " * 30


def _newest_translation() -> NoticeTranslation | None:
    """The newest version of 75号's Mongolian translation (issued: every save is a new version)."""
    query = db.select(NoticeTranslation).where(NoticeTranslation.notice_id == 1)
    return db.session.scalar(query.order_by(NoticeTranslation.version.desc()).limit(1))


def _save(client, **changes):
    data = {
        "title": TITLE,
        "addressee_text": "ᠬᠣᠷᠢᠶ᠎ᠠ ᠪᠦᠷᠢ:",
        "body": BODY,
        "signature_organ": "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ",
        "needs_review": "y",
    }
    data.update(changes)
    return client.post("/notices/1/translation", data=data)


def test_mongolian_text_survives_form_database_and_docx_unchanged(login, client, app):
    login("translator")
    assert _save(client).status_code == 303
    with app.app_context():
        translation = _newest_translation()
        assert translation.title == TITLE and translation.body == BODY
        assert translation.needs_review is True
    data = client.get("/notices/1/mongolian.docx").data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    for char in ("\u202f", "\u180b", "\u180c", "\u180d", "\u180e"):
        assert char in xml, f"U+{ord(char):04X} lost"
    text = "".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert TITLE in text and "ᠭ\u180bᠠ ᠨ\u180cᠡ ᠠ\u180dᠯ" in text


def test_the_docx_is_vertical_with_runs_split_by_script_and_the_bilingual_header(login, client, app):
    login("translator")
    _save(client)
    document = docx.Document(io.BytesIO(client.get("/notices/1/mongolian.docx").data))
    assert document.sections[0]._sectPr.find(qn("w:textDirection")).get(qn("w:val")) == "tbLrV"
    paragraphs = [p for p in document.paragraphs if p.text]  # spaces are empty columns
    assert paragraphs[0].text == "乌海市教育局文件" and paragraphs[1].style.name == L.STYLE_MARK_MN
    assert paragraphs[2].text == "乌教发〔2023〕75号"
    body = next(p for p in paragraphs if "乌党办发" in p.text)
    fonts = [(r.text, r._r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:cs"))) for r in body.runs]
    for text, font in fonts:
        if any("\u1820" <= ch <= "\u18af" for ch in text):
            assert font == L.MONGOLIAN, text
        else:
            assert font == L.FANGSONG, text  # Chinese, digits and Latin name a font that has them
    assert any(t.strip() == "乌党办发〔2022〕16号" for t, _f in fonts)


def test_translating_is_for_translators_and_secretaries(login, client):
    login("clerk_no1_middle")
    assert client.get("/notices/1/translation").status_code == 403
    assert client.get("/notices/1/mongolian.docx").status_code == 200  # the notice was sent to their unit
    login("clerk_no5_middle")  # a 海南区 school: its bureau has not forwarded it
    assert client.get("/notices/1/mongolian.docx").status_code == 404  # it was not sent to this one
    login("reviewer")
    assert client.post("/notices/1/translation", data={"title": TITLE}).status_code == 403


def test_a_form_error_keeps_the_mongolian_text(login, client, app):
    login("translator")
    response = _save(client, title="", body="ᠰᠤᠷᠭᠠᠭᠤᠯᠢ\u202fᠶᠢᠨ")
    assert response.status_code == 422
    assert "ᠰᠤᠷᠭᠠᠭᠤᠯᠢ\u202fᠶᠢᠨ" in response.get_data(as_text=True)


def test_export_command_writes_the_mongolian_version(login, client, demo, tmp_path):
    login("translator")
    _save(client)
    out = tmp_path / "mn.docx"
    runner = demo.test_cli_runner()
    result = runner.invoke(
        args=["notices", "export", "乌教发〔2023〕75号", "--format", "docx", "--language", "mn", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).sections[0]._sectPr.find(qn("w:textDirection")) is not None


def test_the_pdf_runs_in_vertical_columns_left_to_right(login, client, app):
    require_libreoffice(server=True)
    login("translator")
    _save(client)
    with app.app_context():
        notice = db.session.get(Notice, 1)
        pdf = docx_to_pdf(render_mongolian_docx(notice), vertical_mongolian=True)
    columns = [c for c in vertical_columns(pdf, 0) if sum("\u1820" <= ch.c <= "\u18af" for ch in c.chars) >= 5]
    assert len(columns) >= 4, [c.text[:20] for c in columns]
    xs = [c.x for c in columns]
    assert xs == sorted(xs), "columns must follow each other left to right"
    for column in columns:
        mongolian = [ch for ch in column.chars if "\u1820" <= ch.c <= "\u18af"]
        tops = [ch.bbox[1] for ch in mongolian]
        assert tops == sorted(tops), "within a column, characters move down the page"


def test_the_demo_notices_mongolian_version_exports_in_vertical_columns(demo, tmp_path):
    require_libreoffice(server=True)
    runner = demo.test_cli_runner()
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"mn.{fmt}"
        result = runner.invoke(
            args=["notices", "export", "乌教发〔2023〕75号", "--format", fmt, "--language", "mn", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
    columns = [
        c
        for c in vertical_columns((tmp_path / "mn.pdf").read_bytes(), 0)
        if sum("\u1820" <= ch.c <= "\u18af" for ch in c.chars) >= 5
    ]
    assert len(columns) >= 3
    assert [c.x for c in columns] == sorted(c.x for c in columns)
    for column in columns:
        tops = [ch.bbox[1] for ch in column.chars if "\u1820" <= ch.c <= "\u18af"]
        assert tops == sorted(tops)


# The Mongolian version's layout, measured in its PDF: every element of the Chinese one, in columns.

MM = 72 / 25.4
ORGAN = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ"
ELEMENTS = MongolianData(
    mark="乌海市教育局文件",
    mark_mn=ORGAN,
    header_order="zh_first",
    number="乌教发〔2024〕3号",
    title=TITLE,
    addressee_text="ᠬᠣᠷᠢᠶ᠎ᠠ ᠪᠦᠷᠢ᠄",
    body="GB/T 9704-2012 ᠤ ᠱᠠᠭᠠᠷᠳᠠᠯᠭ᠎ᠠ 95.5% ᠡᠴᠡ ᠳᠡᠭᠡᠭᠰᠢ\nᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠪᠦᠷᠢ www.wuhai.gov.cn/edu ᠲᠠᠪᠴᠠᠩ",
    signature_organ=ORGAN,
    signed_on=date(2024, 1, 15),
    with_seal=True,
    note="ᠬᠠᠷᠢᠯᠴᠠᠬᠤ ᠬᠥᠮᠦᠨ᠄ ᠯᠢ ᠮᠢᠩ᠂ ᠤᠲᠠᠰᠤ᠄ 0473-3987655",
    attachments=["ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠨᠡᠷᠡᠰ", "ᠬᠦᠰᠦᠨᠦᠭ"],
    cc_text="ᠬᠣᠲᠠ ᠶᠢᠨ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ",
    imprint_organ=ORGAN + " ᠤᠨ ᠠᠯᠪᠠᠨ ᠭᠡᠷ",
    imprinted_on=date(2024, 1, 15),
)


@pytest.fixture(scope="module")
def elements_pdf():
    require_libreoffice(server=True)
    return docx_to_pdf(render_mongolian(ELEMENTS), vertical_mongolian=True)


class TextColumn(NamedTuple):
    left: float  # mm
    top: float
    bottom: float
    text: str
    right: float


def _columns(pdf: bytes, page: int) -> list[TextColumn]:
    """The text columns (PyMuPDF's lines) of the page, in mm, left to right."""
    with pymupdf.open(stream=pdf) as document:
        lines = [line for block in document[page].get_text("dict")["blocks"] for line in block.get("lines", [])]
    found = [
        TextColumn(
            *(v / MM for v in (line["bbox"][0], line["bbox"][1], line["bbox"][3])),
            "".join(s["text"] for s in line["spans"]),
            line["bbox"][2] / MM,
        )
        for line in lines
    ]
    return sorted(found)


def _vertical_rules(pdf: bytes, page: int) -> list[tuple[float, float, float, float, tuple]]:
    """(x, top, bottom, width in pt, colour) of the page's vertical rules, each once, left to right."""
    with pymupdf.open(stream=pdf) as document:
        drawings = document[page].get_drawings()
    rules = {
        (round(d["rect"].x0 / MM, 1), round(d["rect"].y0 / MM, 1), round(d["rect"].y1 / MM, 1), d["width"], d["color"])
        for d in drawings
        if d["rect"].width < 1 and d["rect"].height > 50 * MM
    }
    return sorted(rules)


def test_the_mongolian_pdf_has_page_numbers_the_attachment_note_the_note_and_the_imprint(elements_pdf):
    text = pdfpages.pdf_text(elements_pdf)
    assert pdfpages.counted(text) >= pdfpages.counted("".join(docx_text_of(render_mongolian(ELEMENTS))))
    with pymupdf.open(stream=elements_pdf) as document:
        pages = len(document)
        footers = [
            page.get_text("text", clip=pymupdf.Rect(0, 262 * MM, page.rect.width, page.rect.height))
            for page in document
        ]
    for number, footer in enumerate(footers, start=1):
        assert f"— {number} —" in footer  # every page, under the text block
    for element in (
        ATTACHMENT_LABEL,
        "1. ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠨᠡᠷᠡᠰ",
        "2. ᠬᠦᠰᠦᠨᠦᠭ",
        "ᠠᠷᠢᠯᠴᠠᠬᠤ ᠬᠥᠮᠦᠨ",  # (extracted after its first letter: the bracket is drawn beside it)
        "0473-3987655",
        CC_LABEL,
        IMPRINTED,
    ):
        assert element.replace("\u202f", "") in text.replace("\u202f", ""), element
    # the 版记 on the last page: thick, thin between its two rows, thick; each as long as the text block is high
    rules = [r for r in _vertical_rules(elements_pdf, pages - 1) if r[4] == (0.0, 0.0, 0.0)]
    assert [r[3] for r in rules] == [1.0, 0.75, 1.0]
    for _x, top, bottom, _width, _colour in rules:
        assert abs(top - L.MARGIN_TOP_MM) <= 0.5 and abs(bottom - (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM)) <= 0.5
    rows = [c for c in _columns(elements_pdf, pages - 1) if rules[0][0] < c[0] < rules[-1][0]]
    assert any(CC_LABEL in c[3] for c in rows) and any(IMPRINTED in c[3] for c in rows)


def test_the_mongolian_header_rule_and_spacing_are_whole_columns_on_the_right_side(elements_pdf):
    columns = _columns(elements_pdf, 0)
    pitch = L.LINE_PITCH_TWIPS / 20 / MM  # a column, 10.2 mm
    marks = [c for c in columns if "乌" in c[3] and c[1] < 120]
    chinese_mark = min(c[0] for c in columns if c[3] in "乌海市教育局文件")
    mongolian_mark = next(c for c in columns if c[3].startswith("ᠦᠬᠠᠢ") and c[0] > chinese_mark)
    assert chinese_mark - L.MARGIN_LEFT_MM < 3  # the first column of the block, no 35 mm "top" gap
    assert mongolian_mark[0] - chinese_mark < 2 * pitch  # right after the Chinese mark
    assert marks
    red = [r for r in _vertical_rules(elements_pdf, 0) if r[4] == (1.0, 0.0, 0.0)]
    assert red, "no red rule"
    x, top, bottom, _width, _colour = red[0]
    assert abs(top - L.MARGIN_TOP_MM) <= 0.5 and abs(bottom - (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM)) <= 0.5
    number = [c for c in columns if "号" in c[3] or "〔" in c[3]]
    number_right = max(c.right for c in number)  # the glyphs' far side: 16 pt type is 5.6 mm across
    assert 3.5 <= x - number_right <= 4.5, (x, number_right)  # 4 mm, as under the Chinese number


def test_the_mongolian_signature_follows_the_text_by_two_columns_and_the_date_follows_it(elements_pdf):
    with pymupdf.open(stream=elements_pdf) as document:
        pages = len(document)
    pitch = L.LINE_PITCH_TWIPS / 20 / MM
    for page in range(pages):
        columns = [c for c in _columns(elements_pdf, page) if c.top < 262]  # not the page number
        dates = [c for c in columns if c[3].startswith("2024") and "15" in c[3] and IMPRINTED not in c[3]]
        if not dates:
            continue
        date_column = dates[0]
        before = [c for c in columns if c[0] < date_column[0] - 1]
        organ, text = before[-1], before[-2]
        assert organ[3].startswith("ᠦᠬᠠᠢ")
        assert abs((date_column[0] - organ[0]) - pitch) < 1.0  # the next column
        # sealed: two empty columns between the text and the organ
        assert abs((organ[0] - text[0]) - 3 * pitch) < 1.5, (organ, text)
        return
    pytest.fail("no date column found")


# Every element of the 公文 in the translation's words, through the form.
NOTE_MN = "ᠡᠨᠡ ᠪᠢᠴᠢᠭ\u202fᠢ ᠨᠡᠢᠲᠡ ᠳᠦ ᠨᠡᠢᠲᠡᠯᠡᠨ᠎ᠡ"
CC_MN = "ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠠᠵᠢᠯ\u202fᠤᠨ ᠠᠯᠪᠠ"
IMPRINT_MN = "ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ\u202fᠶᠢᠨ ᠠᠯᠪᠠᠨ ᠭᠡᠷ"
DOCUMENT_TITLE_MN = "ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠢ ᠳᠡᠭᠡᠭᠰᠢᠯᠡᠭᠦᠯᠬᠦ ᠠᠷᠭ᠎ᠠ ᠬᠡᠮᠵᠢᠶ᠎ᠡ"
DOCUMENT_BODY_MN = "ᠨᠢᠭᠡ᠂ ᠶᠡᠷᠦᠩᠬᠡᠢ ᠱᠠᠭᠠᠷᠳᠯᠠᠭ᠎ᠠ\nᠠ\u180bᠵᠢᠯ ᠪᠦᠷᠢ 2025 ᠣᠨ ᠳᠤ"


def _save_elements(client, app, **changes):
    with app.app_context():
        notice = db.session.get(Notice, 1)
        assert len(notice.documents) == 1
        names = [a.title for a in notice.attachments]
    values = {
        "note": NOTE_MN,
        "cc_text": CC_MN,
        "imprint_organ": IMPRINT_MN,
        "documents-0-title": DOCUMENT_TITLE_MN,
        "documents-0-body": DOCUMENT_BODY_MN,
        "attachment_titles": "\n".join(f"ᠬᠠᠪᠰᠤᠷᠭ᠎ᠠ {i}" for i, _ in enumerate(names, start=1)),
    }
    values.update(changes)
    return _save(client, **values), names


def test_the_translation_form_takes_every_element_and_the_document_prints_them(login, client, app):
    login("translator")
    response, names = _save_elements(client, app)
    assert response.status_code == 303
    with app.app_context():
        translation = _newest_translation()
        assert (translation.note, translation.cc_text, translation.imprint_organ) == (NOTE_MN, CC_MN, IMPRINT_MN)
        assert translation.documents == [{"title": DOCUMENT_TITLE_MN, "body": DOCUMENT_BODY_MN}]
        assert translation.attachment_titles == [f"ᠬᠠᠪᠰᠤᠷᠭ᠎ᠠ {i}" for i in range(1, len(names) + 1)]
    # The form shows what was saved, exactly.
    page = client.get("/notices/1/translation").get_data(as_text=True)
    for text in (NOTE_MN, CC_MN, IMPRINT_MN, DOCUMENT_TITLE_MN):
        assert text in page
    # …and the document prints it, every character kept, in place of the Chinese.
    text = "\n".join(docx_text_of(client.get("/notices/1/mongolian.docx").data))
    for expected in (NOTE_MN, CC_MN, IMPRINT_MN, DOCUMENT_TITLE_MN, "ᠠ\u180bᠵᠢᠯ ᠪᠦᠷᠢ 2025 ᠣᠨ ᠳᠤ"):
        assert expected in text, expected
    assert "乌海市教育局办公室" not in text  # the Chinese imprint organ, replaced


def test_a_translation_form_error_keeps_the_distributed_document(login, client, app):
    login("translator")
    response, _names = _save_elements(client, app, title="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert DOCUMENT_TITLE_MN in page and NOTE_MN in page
    with app.app_context():  # the demo's Mongolian version, as it was
        saved = _newest_translation()
        assert saved is None or (
            saved.title
            and saved.note != NOTE_MN
            and saved.documents != [{"title": DOCUMENT_TITLE_MN, "body": DOCUMENT_BODY_MN}]
        )
