"""The Mongolian version of a notice: entered by a translator, kept exactly, printed in vertical columns."""

import io
import zipfile

import docx
from docx.oxml.ns import qn

from app.documents import layout as L
from app.documents.pdf import docx_to_pdf
from app.extensions import db
from app.notices.documents import render_mongolian_docx
from app.notices.models import Notice, NoticeTranslation
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import vertical_columns

# Case suffixes after U+202F, the vowel separator U+180E, free variation selectors U+180B–U+180D.
TITLE = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ\u180eᠠ ᠶᠢᠨ ᠮᠡᠳᠡᠭᠳᠡᠯ"
BODY = "ᠭ\u180bᠠ ᠨ\u180cᠡ ᠠ\u180dᠯ ᠪᠢᠴᠢᠭ 乌党办发〔2022〕16号 ᠳᠤ 1+N ᠪᠠᠢᠨ᠎ᠠ\n" + "ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠠᠵᠢᠯ " * 30


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
        translation = db.session.scalar(db.select(NoticeTranslation).where(NoticeTranslation.notice_id == 1))
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
    paragraphs = document.paragraphs
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
    login("clerk_no3_middle")
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
