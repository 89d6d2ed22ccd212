""".docx → PDF through LibreOffice (app/documents/pdf.py): fonts, vertical Mongolian, the server, the fallback.

Tests that need LibreOffice skip, saying so, where it is not installed; under CI (CI set) they fail instead. The
server starts once for the session, on free ports of its own, so a server a developer has running is not disturbed.
"""

import io
import os
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from app.documents import pdf, pdfpages
from app.documents.mongolian import MongolianData, render_mongolian
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import page_count, text_lines, vertical_columns

FANGSONG_TEXT = "各旗区教育局，各直属学校：现将有关事项通知如下。"
HEITI_TEXT = "一、总体要求"
KAITI_TEXT = "（一）工作目标"
TITLE_TEXT = "关于开展教育督导工作的通知"
# 乌海市教育局 in Mongolian script, with U+202F before the case suffixes and U+180E in ᠲᠣᠪᠴᠢᠶ᠎ᠠ
MONGOLIAN_TEXT = "ᠦᠬᠠᠢ ᠬᠣᠲᠠ\u202fᠶᠢᠨ ᠰᠤᠷᠭᠠᠨ ᠬᠦᠮᠦᠵᠢᠯ\u202fᠦᠨ ᠲᠣᠪᠴᠢᠶ᠎ᠠ"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_run(paragraph, text: str, font: str, *, mongolian: bool = False, size: float = 16):
    """A run in one font for all four slots, as the notes require (LibreOffice shapes Mongolian by w:cs)."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    properties = run._r.get_or_add_rPr()
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    properties.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    if mongolian:
        lang.set(qn("w:bidi"), "mn-Mong-CN")
    properties.append(lang)
    return run


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chinese_docx(pages: int = 1) -> bytes:
    document = Document()
    for page in range(pages):
        add_run(document.add_paragraph(), TITLE_TEXT, "方正小标宋简体", size=22)
        add_run(document.add_paragraph(), HEITI_TEXT, "黑体")
        add_run(document.add_paragraph(), KAITI_TEXT, "楷体_GB2312")
        for _ in range(8):
            add_run(document.add_paragraph(), FANGSONG_TEXT * 2, "仿宋_GB2312")
        if page < pages - 1:
            document.add_page_break()
    return docx_bytes(document)


def vertical_mongolian_docx(paragraphs: list[str]) -> bytes:
    """Paragraphs in Mongolian Baiti on a page whose section says tbLrV, as the Mongolian version of a notice."""
    document = Document()
    text_direction = OxmlElement("w:textDirection")
    text_direction.set(qn("w:val"), "tbLrV")
    document.sections[0]._sectPr.find(qn("w:docGrid")).addprevious(text_direction)  # schema order: before docGrid
    for text in paragraphs:
        add_run(document.add_paragraph(), text, "Mongolian Baiti", mongolian=True)
    return docx_bytes(document)


def mongolian_letters(text: str) -> str:
    """The letters only: spaces, U+202F and U+180E do not all survive text extraction from a PDF."""
    return "".join(c for c in text if "\u1820" <= c <= "\u18af")


def unoserver_processes(port: int) -> list[int]:
    """Process ids of unoserver servers on this XML-RPC port, as `ps` would show them."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"unoserver.server" in args and str(port).encode() in args and b"--port" in args:
            found.append(int(cmdline.parent.name))
    return found


@pytest.fixture(scope="session")
def pdf_server():
    """A unoserver server for the session, started the way gunicorn workers would: three conversions at once.

    A pool of one converter: the ports are two unrelated free ones, and a second converter would take the ports two
    above each (the pool's own tests, on ports of their own: test_pdf_pool.py)."""
    require_libreoffice(server=True)
    port, uno_port = free_port(), free_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UNOSERVER_PORT", str(port))
        patch.setenv("UNO_PORT", str(uno_port))
        patch.setenv("CONVERTERS", "1")
        docx = chinese_docx()
        results, errors = [], []

        def convert():
            try:
                results.append(pdf.docx_to_pdf(docx))
            except Exception as exc:  # reported below, in the main thread
                errors.append(exc)

        started = time.perf_counter()
        threads = [threading.Thread(target=convert) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first_seconds = time.perf_counter() - started
        assert not errors, errors
        assert [page_count(result) for result in results] == [1, 1, 1]
        assert len(unoserver_processes(port)) == 1
        yield {"port": port, "first_seconds": first_seconds}
        pdf.stop_started_servers()
    assert unoserver_processes(port) == []


@pytest.fixture
def soffice_only(monkeypatch):
    """No uno Python and no server on the port: every conversion is a one-shot soffice."""
    require_libreoffice()
    monkeypatch.setattr(pdf, "find_uno_python", lambda: None)
    monkeypatch.setenv("UNOSERVER_PORT", str(free_port()))


def test_font_aliases_resolve_to_the_open_fonts():
    require_libreoffice()
    if shutil.which("fc-match") is None:
        pytest.fail("fc-match missing: install fontconfig")
    expected = {
        "FandolFang Regular": ["仿宋_GB2312", "仿宋", "FangSong", "方正仿宋_GBK"],
        "FandolSong Bold": ["方正小标宋简体", "方正小标宋_GBK", "小标宋"],
        "Noto Serif CJK SC Regular": ["宋体", "SimSun"],
        "Noto Sans CJK SC Regular": ["黑体", "SimHei", "方正黑体_GBK"],
        "FandolKai Regular": ["楷体_GB2312", "楷体", "KaiTi", "方正楷体_GBK"],
        "Noto Sans Mongolian Regular": ["Mongolian Baiti"],
    }

    def family(name: str, config: Path | None) -> str:
        env = {**os.environ, "FONTCONFIG_FILE": str(config)} if config else os.environ
        return subprocess.run(
            ["fc-match", "-f", "%{family[0]} %{style[0]}", name], env=env, capture_output=True, text=True, check=True
        ).stdout

    for target, names in expected.items():
        for name in names:
            found = family(name, pdf.FONTS_CONF)
            assert found == target, f"{name} maps to {found}, not {target} (fonts installed? scripts/install-pdf-fonts)"
    # The aliases must not leak into other requests (serif lists SimSun: Times New Roman stays what it was).
    assert family("Times New Roman", pdf.FONTS_CONF) == family("Times New Roman", None)


def test_official_chinese_fonts_come_out_in_the_mapped_open_fonts(pdf_server):
    lines = text_lines(pdf.docx_to_pdf(chinese_docx()), 0)

    def fonts_of(text: str) -> tuple[str, ...]:
        return next(line.fonts for line in lines if line.text.startswith(text[:6]))

    # Without fonts.conf, 仿宋_GB2312 and 黑体 come out in a fallback font (AR PL UKai here, a sans elsewhere).
    assert fonts_of(FANGSONG_TEXT)[0].startswith("FandolFang")
    assert fonts_of(TITLE_TEXT)[0].startswith("FandolSong-Bold")
    assert fonts_of(HEITI_TEXT)[0].startswith("NotoSansCJK")
    assert fonts_of(KAITI_TEXT)[0].startswith("FandolKai")
    assert {size for line in lines for size in line.sizes} == {16.0, 22.0}


def test_mongolian_baiti_comes_out_in_noto_sans_mongolian(pdf_server):
    document = Document()
    add_run(document.add_paragraph(), MONGOLIAN_TEXT, "Mongolian Baiti", mongolian=True)
    lines = text_lines(pdf.docx_to_pdf(docx_bytes(document)), 0)
    line = next(line for line in lines if mongolian_letters(line.text))
    assert line.fonts == ("NotoSansMongolian-Regular",)
    assert mongolian_letters(line.text) == mongolian_letters(MONGOLIAN_TEXT)


def test_warm_conversions_are_faster_than_a_cold_soffice(pdf_server, soffice_only, capsys):
    docx = chinese_docx(pages=2)
    started = time.perf_counter()
    cold = pdf.docx_to_pdf(docx)  # one-shot soffice: soffice_only hides the server
    cold_seconds = time.perf_counter() - started
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UNOSERVER_PORT", str(pdf_server["port"]))
        warm = []
        for _ in range(2):
            started = time.perf_counter()
            warm.append((pdf.docx_to_pdf(docx), time.perf_counter() - started))
    with capsys.disabled():
        print(
            f"\n  server start-up and 3 first conversions {pdf_server['first_seconds']:.2f} s; cold soffice "
            f"{cold_seconds:.2f} s; server {warm[0][1]:.2f} s then {warm[1][1]:.2f} s"
        )
    # Same fonts.conf on both paths, so the same layout.
    assert page_count(cold) == 2
    for result, _seconds in warm:
        for page in (0, 1):
            assert [(line.text, line.fonts) for line in text_lines(result, page)] == [
                (line.text, line.fonts) for line in text_lines(cold, page)
            ]


@pytest.mark.parametrize("path", ["server", "soffice"])
def test_vertical_mongolian_runs_down_the_columns_and_columns_left_to_right(path, request):
    request.getfixturevalue("pdf_server" if path == "server" else "soffice_only")
    paragraphs = [MONGOLIAN_TEXT, "ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠠᠵᠢᠯ", "ᠮᠡᠳᠡᠭᠳᠡᠯ"]
    result = pdf.docx_to_pdf(vertical_mongolian_docx(paragraphs), vertical_mongolian=True)
    columns = [column for column in vertical_columns(result, 0) if mongolian_letters(column.text)]
    # One paragraph a column; LibreOffice 7.4 without the fix lays them out as horizontal lines instead, and
    # grouping those by x gives many columns of one or two letters.
    assert [mongolian_letters(column.text) for column in columns] == [mongolian_letters(p) for p in paragraphs]
    first = columns[0].chars
    assert first[-1].bbox[1] - first[0].bbox[1] > 100  # down the page, in points
    assert max(char.bbox[0] for char in first) - min(char.bbox[0] for char in first) < 2  # in one column
    assert columns[0].x < columns[1].x < columns[2].x


def test_without_the_flag_the_layout_is_horizontal(pdf_server):
    """Why the flag exists: LibreOffice 7.4 ignores tbLrV. If this fails, LibreOffice imports it natively (25.2
    does), and vertical_mongolian could become a no-op."""
    result = pdf.docx_to_pdf(vertical_mongolian_docx([MONGOLIAN_TEXT]))
    lines = [line for line in text_lines(result, 0) if mongolian_letters(line.text)]
    assert [mongolian_letters(line.text) for line in lines] == [mongolian_letters(MONGOLIAN_TEXT)]


def test_a_pdf_that_lost_a_paragraph_is_refused_naming_the_paragraph(pdf_server, monkeypatch):
    """LibreOffice dropping text (as it once did with Mongolian that starts with Latin) never reaches a reader."""
    lost = "三是健全督导问责机制，定期通报2023年工作进展。"
    document = Document()
    for text in (TITLE_TEXT, FANGSONG_TEXT, lost, KAITI_TEXT):
        add_run(document.add_paragraph(), text, "仿宋_GB2312")
    docx = docx_bytes(document)
    assert pdf.docx_to_pdf(docx)  # complete: kept

    laid_out = pdf._as_word_lays_out

    def dropping_the_third_paragraph(odf: bytes, *, vertical: bool, flat: bool) -> bytes:
        assert flat  # a document without text boxes in its footers goes through flat ODF
        return laid_out(odf, vertical=vertical, flat=flat).replace(lost.encode(), b"")

    monkeypatch.setattr(pdf, "_as_word_lays_out", dropping_the_third_paragraph)
    with pytest.raises(pdf.PdfTextMissing) as raised:
        pdf.docx_to_pdf(docx)
    assert raised.value.paragraph.number == 3
    # counted against the whole PDF: "工作" is also in the fourth paragraph, which the PDF still has
    assert 0 < raised.value.paragraph.missing <= len([c for c in lost if c.isalnum()])
    assert "paragraph 3" in str(raised.value) and lost[:10] in str(raised.value)


def test_the_mongolian_pdf_keeps_every_character_of_a_paragraph_that_starts_with_latin(pdf_server):
    """The Mongolian version as the renderer makes it: Latin and digits in their own runs, drawn in place."""
    paragraphs = [
        "GB/T 9704-2012 ᠤ ᠱᠠᠭᠠᠷᠳᠠᠯᠭ᠎ᠠ ᠶᠢᠨ ᠳᠠᠭᠠᠭ᠎ᠠ 95.5% ᠡᠴᠡ ᠳᠡᠭᠡᠭᠰᠢ",
        "2024 ᠣᠨ\u202fᠤ ᠡᠴᠦᠰ www.wuhai.gov.cn/edu ᠲᠠᠪᠴᠠᠩ 0473-3987655",
        MONGOLIAN_TEXT,
    ]
    docx = render_mongolian(
        MongolianData(
            mark="乌海市教育局文件",
            mark_mn=MONGOLIAN_TEXT,
            header_order="zh_first",
            number="乌教发〔2024〕3号",
            title=MONGOLIAN_TEXT,
            addressee_text="",
            body="\n".join(paragraphs),
            signature_organ=MONGOLIAN_TEXT,
            signed_on=None,
        )
    )
    result = pdf.docx_to_pdf(docx, vertical_mongolian=True)  # the guard passes: nothing is missing
    text = pdfpages.pdf_text(result)
    assert pdfpages.counted(text) >= pdfpages.counted("".join(paragraphs))
    for word in ("GB/T 9704-2012", "95.5%", "www.wuhai.gov.cn/edu", "0473-3987655"):
        assert word in text  # in place: text extraction follows the glyphs down the column


def test_a_broken_docx_fails_clearly_and_the_server_keeps_working(pdf_server):
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(pdf.PdfConversionFailed, match="could not convert"):
        pdf.docx_to_pdf(broken.getvalue())
    assert page_count(pdf.docx_to_pdf(chinese_docx())) == 1


def test_without_libreoffice_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    monkeypatch.setattr(pdf, "find_uno_python", lambda: None)
    monkeypatch.setenv("UNOSERVER_PORT", str(free_port()))
    assert pdf.pdf_available() is False
    with pytest.raises(pdf.PdfUnavailable) as raised:
        pdf.docx_to_pdf(chinese_docx())
    message = str(raised.value)
    assert "apt-get install -y --no-install-recommends libreoffice-writer-nogui python3-uno" in message
    assert "fonts-noto-cjk fonts-noto-core fonts-arphic-ukai" in message
    assert "unoserver==3.7" in message


def test_uno_python_is_found_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("UNO_PYTHON", "/opt/uno/bin/python")
    assert pdf.find_uno_python() == "/opt/uno/bin/python"
    monkeypatch.delenv("UNO_PYTHON")
    monkeypatch.setattr(pdf, "REPO", tmp_path)
    venv_python = tmp_path / ".venv-uno" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.touch()
    assert pdf.find_uno_python() == str(venv_python)
