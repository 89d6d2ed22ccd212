"""附件 printed as pages of the notice (GB/T 9704-2012 §7.3.7): "附件应当另面编排，并在版记之前…'附件'二字及附件顺序号
用3号黑体字顶格编排在版心左上角第一行。附件标题居中编排在版心第三行。…附件格式要求同正文。"

The notice names two attachments, both printed: 实施方案, a .docx written in 宋体 小四 with a title of its own,
headings, a table and a picture; 统计表, a two-page PDF, each page framed at its edges (so that the frame's ink shows
where the page's picture is). First the .docx's XML, without LibreOffice; then the PDF, converted once for the
module and measured with a ruler.
"""

from __future__ import annotations

import ctypes
import datetime
import io
import re
import zipfile

import docx
import pymupdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree
from PIL import Image, ImageDraw

from app.documents import layout as L
from app.documents.attachment_pages import AttachmentUnprintable
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, PrintedAttachment
from app.documents.pdf import docx_to_pdf
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import chars, horizontal_rules, ink_bounds, page_count, text_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU_PER_MM = 36000
MM = 72 / 25.4  # PDF points per millimetre
LEFT, RIGHT = L.MARGIN_LEFT_MM * MM, (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM) * MM
TOP, BOTTOM = L.MARGIN_TOP_MM * MM, (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * MM
PITCH = L.LINE_PITCH_TWIPS / 20
CHAR = L.BODY_PT + L.CHAR_SPACING_TWIPS / 20
HALF_MM = 0.5 * MM
CLOSING = "，。、；：！？”’）》〕〉"
OPENING = "“‘（《〔〈"

# The notice: a covering text of a page and a half (after 乌教发〔2023〕75号), naming both attachments.
BODY = "\n".join(
    [
        (
            "为深入贯彻落实《乌海市委办公室 市人民政府办公室印发〈关于加快全市教育高质量发展的意见〉的通知》（乌"
            "党办发〔2022〕16号）及教育高质量发展“1+N”政策体系配套文件，加快推动全市义务教育优质均衡创"
            "建工作，现将有关事项通知如下。"
        ),
        "一、总体要求",
        (
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，坚持立德树人根本任务，发展素质教育，"
            "持续扩大义务教育优质资源供给，加快构建学有优教的高质量义务教育体系，更好满足人民群众“上好学”的美好"
            "愿望。"
        ),
        "二、工作安排",
        "（一）自查阶段。各区教育局对照国家义务教育优质均衡发展督导评估标准，全面开展自查，形成自查报告。",
        "（二）整改阶段。针对自查发现的问题，制定整改方案，明确整改时限和责任人，逐项整改到位。",
        "三、工作要求",
        (
            "各区教育局要高度重视，加强组织领导，按照实施方案要求认真组织实施，并于每月5日前将统计表报送市教育局"
            "基础教育科。"
        ),
    ]
)

# 实施方案: (heading, text) in the order written; its own title first.
PLAN = [
    ("一、工作目标", None),
    (
        None,
        "到二〇二四年底，全市义务教育学校办学条件全面达标，优质教育资源覆盖面进一步扩大，各区均通过国家义务教育"
        "优质均衡督导评估验收，区际校际差距明显缩小，人民群众对教育的满意度明显提升。",
    ),
    ("二、主要任务", None),
    (
        None,
        "（一）优化资源配置。统筹城乡学校布局，新建改扩建一批中小学校，加快补齐办学条件短板，确保各项指标达到国家标准。",
    ),
    (
        None,
        "（二）加强教师队伍建设。深化县管校聘管理改革，推进校长教师交流轮岗，每年交流轮岗教师比例不低于符合交流"
        "条件教师总数的百分之十五，骨干教师不低于交流总数的百分之二十。",
    ),
    ("三、保障措施", None),
    (
        None,
        "各区教育局要成立工作专班，明确责任分工，细化工作任务，建立工作台账，定期调度工作进展，确保各项任务按时保质"
        "完成。市教育局将把创建工作纳入年度绩效考核，对工作推进不力的单位予以通报。",
    ),
]
TABLE = [("区", "学校数", "达标率"), ("海勃湾区", "32", "95%"), ("乌达区", "18", "90%")]
CLOSING_LINE = "本方案自印发之日起施行。"


def _song(run, size: float, bold: bool = False) -> None:
    """The author's own formatting: 宋体 at a size of their choosing, set on the run."""
    run.font.size = Pt(size)
    run.font.name = "宋体"
    run._r.get_or_add_rPr().find(qn("w:rFonts")).set(qn("w:eastAsia"), "宋体")
    run.bold = bold


def _png(width: int = 600, height: int = 300) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle((10, 10, width - 10, height - 10), outline=(30, 90, 200), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def plan_docx(*, lead: list[str] | None = None) -> bytes:
    """实施方案 as a secretary's colleague wrote it in Word: its title, headings in bold 四号, text in 小四, a
    heading that only its Word style marks (附则), a table in the "Table Grid" style, a picture wider than the 版心."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for text in [*(lead or []), "实施方案"]:
        title = document.add_paragraph()
        title.alignment = 1
        _song(title.add_run(text), 22, bold=True)
    for heading, text in PLAN:
        paragraph = document.add_paragraph()
        _song(paragraph.add_run(heading or text), 14 if heading else 12, bold=bool(heading))
    document.add_paragraph()  # a blank line, as authors leave them
    caption = document.add_paragraph()
    caption.alignment = 1
    _song(caption.add_run("各区创建进度表"), 12, bold=True)
    table = document.add_table(rows=len(TABLE), cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            _song(table.cell(r, c).paragraphs[0].add_run(value), 10.5, bold=r == 0)
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png()), width=Mm(200))
    _song(document.add_paragraph("附则", style="Heading 1").runs[0], 16)
    _song(document.add_paragraph().add_run(CLOSING_LINE), 12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def statistics_pdf(pages: int = 2) -> bytes:
    """统计表: A4 pages, each framed by a 6 pt black rule at its edges, with a red box and a line of text."""
    document = pdfium.PdfDocument.new()
    width, height = 595.28, 841.89
    for number in range(1, pages + 1):
        page = document.new_page(width, height)
        for x, y, w, h, rgb in ((3, 3, width - 6, height - 6, (0, 0, 0)), (72, 500, 450, 200, (200, 30, 30))):
            rect = pdfium_raw.FPDFPageObj_CreateNewRect(x, y, w, h)
            pdfium_raw.FPDFPageObj_SetStrokeColor(rect, *rgb, 255)
            pdfium_raw.FPDFPageObj_SetStrokeWidth(rect, 6)
            pdfium_raw.FPDFPath_SetDrawMode(rect, 0, True)
            pdfium_raw.FPDFPage_InsertObject(page.raw, rect)
        text = pdfium_raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 28)
        value = ctypes.create_string_buffer(f"Statistics, page {number}\0".encode("utf-16-le"))
        pdfium_raw.FPDFText_SetText(text, ctypes.cast(value, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)))
        pdfium_raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, 72, 760)
        pdfium_raw.FPDFPage_InsertObject(page.raw, text)
        page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _data(**changes) -> GongwenData:
    values = dict(
        mark="乌海市教育局文件",
        mark_mn="ᠦᠬᠠᠢ",
        header_order="zh_first",
        number="乌教发〔2023〕90号",
        title="乌海市教育局关于开展义务教育优质均衡创建工作的通知",
        addressee_text="各区教育局、直属各学校（单位）：",
        body=BODY,
        signature_organ="乌海市教育局",
        signed_on=datetime.date(2023, 9, 1),
        attachments=["实施方案", "统计表"],
        printed_attachments=[
            PrintedAttachment("实施方案", "docx", plan_docx()),
            PrintedAttachment("统计表", "pdf", statistics_pdf()),
        ],
        cc_text="市人民政府办公室",
        imprint_organ="乌海市教育局办公室",
        imprinted_on=datetime.date(2023, 9, 1),
    )
    values.update(changes)
    return GongwenData(**values)


@pytest.fixture(scope="module")
def notice_docx() -> bytes:
    return render_gongwen(_data())


def _body(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml")).find(f"{W}body")


def _style_ids() -> dict[str, str]:
    from app.documents.gongwen import base_file

    return base_file()[1]


def _style(p) -> str | None:
    found = p.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else None


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _label_paragraphs(body) -> list:
    label = _style_ids()[L.STYLE_ATTACHMENT_LABEL]
    return [p for p in body.iter(f"{W}p") if _style(p) == label]


def _attachment_part(body, number: int) -> list:
    """The body's blocks from attachment `number`'s label (1-based) to the next label or the 版记."""
    blocks = list(body)
    labels = _label_paragraphs(body)
    start = blocks.index(labels[number - 1])
    end = blocks.index(labels[number]) if number < len(labels) else len(blocks)
    part = blocks[start:end]
    imprint = next((i for i, b in enumerate(part) if b.find(f"{W}tblPr/{W}tblpPr") is not None), len(part))
    return part[:imprint]


# The .docx


def test_each_attachment_opens_a_page_with_its_label_and_its_title_on_the_third_line(notice_docx):
    body = _body(notice_docx)
    ids = _style_ids()
    labels = _label_paragraphs(body)
    assert [_text(p) for p in labels] == ["附件1", "附件2"]
    for label, title in zip(labels, ["实施方案", "统计表"], strict=True):
        assert label.find(f"{W}pPr/{W}pageBreakBefore") is not None, "an attachment starts on a new page"
        following = label.getnext()
        assert _style(following) == ids[L.STYLE_TITLE] and _text(following) == title
        # One blank line above it: the title on the third line; one under it before the content.
        assert following.find(f"{W}pPr/{W}spacing").get(f"{W}before") == str(L.LINE_PITCH_TWIPS)
        blank = following.getnext()
        assert _style(blank) == ids[L.STYLE_BODY] and _text(blank) == ""


def test_a_lone_attachment_is_labelled_without_a_number():
    made = render_gongwen(
        _data(attachments=["统计表"], printed_attachments=[PrintedAttachment("统计表", "pdf", statistics_pdf(1))])
    )
    assert [_text(p) for p in _label_paragraphs(_body(made))] == ["附件"]


def test_the_number_is_the_attachments_place_in_the_attachment_note():
    """Only the second of three is printed: it is 附件2, as the 附件说明 under the text calls it."""
    made = render_gongwen(
        _data(
            attachments=["实施方案", "统计表", "联系人名单"],
            printed_attachments=[PrintedAttachment("统计表", "pdf", statistics_pdf(1))],
        )
    )
    assert [_text(p) for p in _label_paragraphs(_body(made))] == ["附件2"]


def test_the_attachments_come_after_the_signature_and_before_the_imprint(notice_docx):
    body = _body(notice_docx)
    blocks = list(body)
    date = next(i for i, b in enumerate(blocks) if _text(b) == "2023年9月1日")
    labels = [blocks.index(p) for p in _label_paragraphs(body)]
    imprint = next(i for i, b in enumerate(blocks) if b.find(f"{W}tblPr/{W}tblpPr") is not None)
    assert date < labels[0] < labels[1] < imprint
    assert "本方案自印发之日起施行" in "".join(_text(b) for b in blocks[labels[0] : labels[1]])


def test_the_docx_attachment_is_set_as_the_notices_text(notice_docx):
    """附件格式要求同正文: its headings in the notice's heading styles, its text in the body style, none of its own
    fonts or sizes; a paragraph that opens with a heading sentence has it in the heading's font (楷体)."""
    ids = _style_ids()
    part = _attachment_part(_body(notice_docx), 1)
    paragraphs = [b for b in part[3:] if b.tag == f"{W}p" and _text(b)]
    by_text = {_text(p): p for p in paragraphs}
    for heading in ("一、工作目标", "二、主要任务", "三、保障措施", "附则"):  # 附则: by its Word style, Heading 1
        assert _style(by_text[heading]) == ids[L.STYLE_HEADING[1]], heading
    first_task = next(p for p in paragraphs if _text(p).startswith("（一）优化资源配置。"))
    assert _style(first_task) == ids[L.STYLE_BODY]
    lead_run = first_task.find(f"{W}r")
    assert _text(lead_run) == "（一）优化资源配置。"
    assert lead_run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == L.HEADING_FONTS[2]
    body_paragraph = next(p for p in paragraphs if _text(p).startswith("到二〇二四年底"))
    assert _style(body_paragraph) == ids[L.STYLE_BODY]
    assert _text(body_paragraph) == PLAN[1][1]
    caption = by_text["各区创建进度表"]
    assert caption.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert caption.find(f"{W}pPr/{W}keepNext") is not None, "the table's title keeps with the table"
    for element in part:
        assert element.find(f".//{W}sz") is None or element.find(f".//{W}drawing") is not None, _text(element)
        fonts = {value for f in element.iter(f"{W}rFonts") for value in f.attrib.values()}
        assert "宋体" not in fonts, _text(element)


def test_the_title_the_attachment_repeats_is_not_printed_twice(notice_docx):
    part = _attachment_part(_body(notice_docx), 1)
    assert [_text(b) for b in part if _text(b) == "实施方案"] == ["实施方案"]  # the page's own title only
    # Nor its own "附件1" line, where it opens with one.
    made = render_gongwen(_data(printed_attachments=[PrintedAttachment("实施方案", "docx", plan_docx(lead=["附件1"]))]))
    texts = [_text(b) for b in _attachment_part(_body(made), 1)]
    assert texts.count("附件1") == 1 and texts.count("实施方案") == 1, texts[:5]


def test_the_docx_attachments_table_keeps_its_borders_and_bold_and_fits_the_text_block(notice_docx):
    ids = _style_ids()
    (table,) = [b for b in _attachment_part(_body(notice_docx), 1) if b.tag == f"{W}tbl"]
    rows = table.findall(f"{W}tr")
    assert [[_text(tc) for tc in row.findall(f"{W}tc")] for row in rows] == [list(row) for row in TABLE]
    tblpr = table.find(f"{W}tblPr")
    assert tblpr.find(f"{W}tblStyle") is None, "the file's table style is not in the notice's base file"
    borders = tblpr.find(f"{W}tblBorders")  # Table Grid's borders, made the table's own
    assert {b.tag.split("}")[1]: b.get(f"{W}val") for b in borders} == {
        side: "single" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    }
    grid = sum(int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol"))
    assert grid <= L.TEXT_WIDTH_TWIPS
    for r, row in enumerate(rows):
        for tc in row.findall(f"{W}tc"):
            p = tc.find(f"{W}p")
            assert _style(p) == ids[L.STYLE_BODY]
            assert (p.find(f".//{W}rPr/{W}b") is not None) == (r == 0), "the header row stays bold, the rest not"


def _pictures(elements) -> list[tuple[object, int, int, bytes]]:
    """(paragraph, width, height in EMU, the image's bytes) of each picture among the elements."""
    return [
        (p, int(extent.get("cx")), int(extent.get("cy")), blip.get(f"{R}embed"))
        for element in elements
        for p in ([element] if element.tag == f"{W}p" else element.iter(f"{W}p"))
        for extent, blip in zip(p.iter(f"{WP}extent"), p.iter(f"{A}blip"), strict=True)
    ]


def test_each_page_of_the_pdf_attachment_is_a_picture_inside_the_text_block(notice_docx):
    part = _attachment_part(_body(notice_docx), 2)
    pictures = _pictures(part)
    assert len(pictures) == 2, "one picture a page"
    (first, width1, height1, rid1), (second, width2, height2, rid2) = pictures
    width, height = L.TEXT_WIDTH_MM * EMU_PER_MM, L.TEXT_HEIGHT_MM * EMU_PER_MM
    # The second page as wide as the 版心 (an A4 page fits its height then); the first under the label and title.
    assert width2 == width and height2 == round(width * 841.89 / 595.28) <= height
    under_the_title = height - 4 * L.LINE_PITCH_TWIPS * 635
    assert height1 <= under_the_title and width1 == round(height1 * 595.28 / 841.89)
    assert first.find(f"{W}pPr/{W}pageBreakBefore") is None and second.find(f"{W}pPr/{W}pageBreakBefore") is not None
    # The pictures' lines as tall as the pictures, not the grid's exact 28.95 pt.
    assert first.find(f"{W}pPr/{W}spacing").get(f"{W}lineRule") == "auto"
    images = _images(notice_docx, [rid1, rid2])
    assert all(image[:8] == b"\x89PNG\r\n\x1a\n" or image[:3] == b"\xff\xd8\xff" for image in images)
    # Drawn at 200 dpi of the printed size at least (156 mm across: 1229 pixels).
    for image, printed in zip(images, (width1, width2), strict=True):
        assert Image.open(io.BytesIO(image)).size[0] >= printed / EMU_PER_MM / 25.4 * 200


def _images(docx_bytes: bytes, rids: list[str]) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as package:
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        return [package.read("word/" + targets[rid]) for rid in rids]


def test_a_filled_in_pdf_form_prints_its_values():
    """PDFium draws a form's fields only once its forms are loaded: an empty box would print otherwise."""
    with pymupdf.open() as document:
        page = document.new_page(width=595.28, height=841.89)
        field = pymupdf.Widget()
        field.field_type, field.field_name, field.field_value = pymupdf.PDF_WIDGET_TYPE_TEXT, "学校数", "32"
        field.rect, field.text_fontsize = pymupdf.Rect(72, 72, 400, 120), 24
        page.add_widget(field)
        form = document.tobytes()
    made = render_gongwen(_data(attachments=["统计表"], printed_attachments=[PrintedAttachment("统计表", "pdf", form)]))
    ((_p, _width, _height, rid),) = _pictures(_attachment_part(_body(made), 1))
    (image,) = _images(made, [rid])
    picture = Image.open(io.BytesIO(image)).convert("L")
    scale = picture.size[0] / 595.28
    darkest, _lightest = picture.crop(tuple(round(v * scale) for v in (72, 72, 400, 120))).getextrema()
    assert darkest < 128, "the field's value is drawn"


def test_the_docx_attachments_picture_is_printed_no_wider_than_the_text_block(notice_docx):
    (picture,) = _pictures(_attachment_part(_body(notice_docx), 1))
    _paragraph, width, height, rid = picture
    assert width == L.TEXT_WIDTH_MM * EMU_PER_MM and height == round(width / 2)  # 200 mm wide in the file
    assert _images(notice_docx, [rid]) == [_png()]


def test_a_blank_line_follows_the_last_picture_so_that_the_imprint_does_not_hide_it(notice_docx):
    """LibreOffice hides a picture that the floating 版记 would overlap (measured); a line of text it moves."""
    part = _attachment_part(_body(notice_docx), 2)
    last_picture = _pictures(part)[-1][0]
    after = last_picture.getnext()
    assert _style(after) == _style_ids()[L.STYLE_BODY] and _text(after) == "" and after.find(f".//{W}drawing") is None
    assert after.getnext().find(f"{W}tblPr/{W}tblpPr") is not None  # then the 版记


def test_a_docx_attachment_that_ends_with_a_picture_gets_the_blank_line_too():
    document = docx.Document()
    document.add_paragraph("各区创建进度如下图。")
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png(600, 800)), width=Mm(150))
    buffer = io.BytesIO()
    document.save(buffer)
    made = render_gongwen(
        _data(attachments=["实施方案"], printed_attachments=[PrintedAttachment("实施方案", "docx", buffer.getvalue())])
    )
    last_picture = _pictures(_attachment_part(_body(made), 1))[-1][0]
    assert (
        _text(last_picture.getnext()) == "" and last_picture.getnext().getnext().find(f"{W}tblPr/{W}tblpPr") is not None
    )


def test_without_an_imprint_no_blank_line_makes_an_empty_last_page():
    made = render_gongwen(_data(cc_text="", imprint_organ="", imprinted_on=None))
    body = _body(made)
    paragraphs = body.findall(f"{W}p")
    assert paragraphs[-1].find(f".//{W}drawing") is not None, "the document ends with the PDF's last page"


def test_rendering_with_attachments_twice_gives_the_same_bytes(notice_docx):
    assert render_gongwen(_data()) == notice_docx


def _encrypted_pdf() -> bytes:
    with pymupdf.open(stream=statistics_pdf(1), filetype="pdf") as document:
        return document.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="secret")


def _text_box_docx() -> bytes:
    document = docx.Document(io.BytesIO(plan_docx()))
    run = document.add_paragraph().add_run()
    run._r.append(
        etree.fromstring(
            f'<w:pict xmlns:w="{W[1:-1]}" xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox>'
            f"<w:txbxContent><w:p><w:r><w:t>框里的字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("attachment", "reason"),
    [
        (PrintedAttachment("实施方案", "docx", b"PK\x03\x04 not really a zip"), "damaged"),
        (PrintedAttachment("实施方案", "docx", plan_docx()[:2000]), "damaged"),
        (
            PrintedAttachment(
                "实施方案",
                "docx",
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64) + "EncryptionInfo".encode("utf-16-le"),
            ),
            "password-protected",
        ),
        (PrintedAttachment("实施方案", "docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)), "old Word (.doc)"),
        (PrintedAttachment("实施方案", "docx", _text_box_docx()), "text boxes"),
        (PrintedAttachment("统计表", "pdf", b"%PDF-1.4 nothing"), "damaged"),
        (PrintedAttachment("统计表", "pdf", _encrypted_pdf()), "password-protected"),
        (PrintedAttachment("统计表", "xlsx", b"PK"), "only .docx and PDF"),
        (PrintedAttachment("联系人名单", "pdf", statistics_pdf(1)), "does not name it"),
    ],
    ids=[
        "not-a-zip",
        "truncated",
        "encrypted-docx",
        "doc",
        "text-box",
        "not-a-pdf",
        "encrypted-pdf",
        "xlsx",
        "unnamed",
    ],
)
def test_a_file_that_cannot_be_printed_says_why_in_chinese_and_english(attachment, reason):
    with pytest.raises(AttachmentUnprintable) as raised:
        render_gongwen(_data(printed_attachments=[attachment]))
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert message.startswith(f"附件“{attachment.title}”无法打印：")
    assert f"Attachment “{attachment.title}” cannot be printed: " in message and reason in message
    assert raised.value.title == attachment.title and reason in raised.value.reason


# The PDF


@pytest.fixture(scope="module")
def notice_pdf(notice_docx) -> bytes:
    require_libreoffice(server=True)
    return docx_to_pdf(notice_docx)


def _lines(pdf: bytes, page: int, size: float):
    return [line for line in text_lines(pdf, page, min_size=size - 0.5, max_size=size + 0.5) if line.char_count]


def _plain(line) -> str:
    return re.sub(r"\s", "", line.text)


def _page_of(pdf: bytes, label: str) -> int:
    pages = [p for p in range(page_count(pdf)) if any(_plain(x) == label for x in _lines(pdf, p, 16))]
    assert len(pages) == 1, (label, pages)
    return pages[0]


def _notice_line(pdf: bytes, start: str):
    """The first 3号 line of the notice's own pages (before the attachments) that starts with `start`."""
    pages = range(_page_of(pdf, "附件1"))
    return next(line for page in pages for line in _lines(pdf, page, 16) if _plain(line).startswith(start))


def _grid_top(pdf: bytes) -> float:
    """Where the first of the 22 lines has its baseline: the notice's own second page begins there."""
    return _lines(pdf, 1, 16)[0].y


def test_the_label_stands_flush_left_on_the_first_line_in_heiti(notice_pdf):
    pdf = notice_pdf
    heading_font = _notice_line(pdf, "一、总体要求").fonts  # the notice's own 黑体
    for label in ("附件1", "附件2"):
        page = _page_of(pdf, label)
        line = next(x for x in _lines(pdf, page, 16) if _plain(x) == label)
        assert abs(line.x0 - LEFT) <= HALF_MM, (label, line.x0 / MM)
        assert abs(line.y - _grid_top(pdf)) <= HALF_MM, (label, line.y / MM, _grid_top(pdf) / MM)
        assert line.fonts == heading_font and line.sizes == (16.0,)
        assert line == _lines(pdf, page, 16)[0], "nothing above the label"


def test_the_title_is_centred_on_the_third_line_in_the_notices_title_font(notice_pdf):
    pdf = notice_pdf
    title_font = next(x for x in _lines(pdf, 0, 22) if _plain(x).startswith("乌海市教育局关于")).fonts
    for label, title in (("附件1", "实施方案"), ("附件2", "统计表")):
        page = _page_of(pdf, label)
        (line,) = _lines(pdf, page, 22)
        assert _plain(line) == title and line.fonts == title_font
        assert abs(line.y - (_grid_top(pdf) + 2 * PITCH)) <= HALF_MM, (title, line.y / MM)
        assert abs((line.x0 + line.x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM, (title, line.x0 / MM, line.x1 / MM)


def _docx_attachment_pages(pdf: bytes) -> range:
    return range(_page_of(pdf, "附件1"), _page_of(pdf, "附件2"))


def test_the_docx_attachment_reads_in_the_notices_body_font_and_size(notice_pdf):
    """Its 小四 宋体 is gone: every character but the title and the page number is 3号, in the notice's fonts: 仿宋
    for the text, the heading fonts for the headings."""
    pdf = notice_pdf
    body_font, heading_font = _notice_line(pdf, "以习近平").fonts, _notice_line(pdf, "一、总体要求").fonts
    seen = []
    for page in _docx_attachment_pages(pdf):
        for ch in chars(pdf, page):
            if ch.c.strip() and ch.bbox[3] < BOTTOM:  # above the page number
                assert ch.size in (16.0, 22.0), (page + 1, ch)
        for line in _lines(pdf, page, 16):
            text = _plain(line)
            seen.append(text)
            if text in ("附件1", "一、工作目标", "二、主要任务", "三、保障措施", "附则"):
                assert line.fonts == heading_font, (text, line.fonts)
            elif not text.startswith(("（一）", "（二）")):
                assert line.fonts == body_font, (text, line.fonts)
    assert CLOSING_LINE in seen and "海勃湾区3295%" in seen, seen


def test_a_full_line_of_the_docx_attachment_holds_28_characters(notice_pdf):
    """As in the notice's text: 28 characters, counting a first line's two-character indent; 27 where 禁则 pushes
    a mark to the next line; a closing mark may hang past the edge."""
    pdf = notice_pdf
    flow = [line for page in _docx_attachment_pages(pdf) for line in _lines(pdf, page, 16)]
    checked = []
    for line, following in zip(flow, flow[1:], strict=False):
        if abs(following.x0 - LEFT) > HALF_MM:  # not continued: the paragraph ends here
            continue
        hanging = [ch for ch in line.chars if ch.bbox[0] >= RIGHT - 1 and ch.c in CLOSING]
        inside = [ch for ch in line.chars if ch.c.strip() and ch not in hanging]
        count = round((line.x0 - LEFT) / CHAR) + len(inside)
        text = _plain(following)
        pushed = text[0] in OPENING or text[1:2] in CLOSING
        end = max(ch.bbox[2] for ch in inside)
        assert count == L.CHARS_PER_LINE or (count == 27 and pushed and end >= RIGHT - HALF_MM), (count, line.text)
        checked.append(line.text)
    assert len(checked) >= 6, checked


def test_page_numbers_go_on_over_the_attachments(notice_pdf):
    pdf = notice_pdf
    signature_page = next(
        p for p in range(page_count(pdf)) if any(_plain(x) == "2023年9月1日" for x in _lines(pdf, p, 16))
    )
    assert _page_of(pdf, "附件1") == signature_page + 1, "the first attachment follows the notice's last page"
    for page in range(page_count(pdf)):
        numbers = [_plain(x) for x in _lines(pdf, page, 14) if x.y > BOTTOM]
        assert numbers == [f"—{page + 1}—"], (page + 1, numbers)


def _image_boxes(pdf: bytes, page: int) -> list[tuple[float, float, float, float]]:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return [tuple(info["bbox"]) for info in document[page].get_image_info()]


def test_the_pdf_attachments_pages_print_inside_the_text_block(notice_pdf):
    """Its first page under the title, the second a page of its own as wide as the 版心; each page's frame drawn
    where its picture is (the picture shows the page, not a blank)."""
    pdf = notice_pdf
    first_page = _page_of(pdf, "附件2")
    title = _lines(pdf, first_page, 22)[0]
    (first,) = _image_boxes(pdf, first_page)
    (second,) = _image_boxes(pdf, first_page + 1)
    for box in (first, second):
        assert LEFT - HALF_MM <= box[0] and box[2] <= RIGHT + HALF_MM, [x / MM for x in box]
        assert TOP - HALF_MM <= box[1] and box[3] <= BOTTOM + HALF_MM, [x / MM for x in box]
    assert first[1] > title.y + PITCH / 2, "below the title and the blank line under it"
    assert abs(second[0] - LEFT) <= HALF_MM and abs(second[2] - RIGHT) <= HALF_MM
    assert abs(second[1] - TOP) <= HALF_MM
    for page, box in ((first_page, first), (first_page + 1, second)):
        ink = ink_bounds(pdf, page, box)
        assert ink is not None and all(abs(a - b) <= 1.5 * MM for a, b in zip(ink, box, strict=True)), (ink, box)


def _imprint_rules(pdf: bytes, page: int):
    rules = []
    for rule in horizontal_rules(pdf, page):
        red = bool(rule.color) and rule.color[0] > 0.9 and rule.color[1] < 0.2
        if rule.x1 - rule.x0 > 150 * MM and not red and not (rules and abs(rule.y - rules[-1].y) < 0.2):
            rules.append(rule)
    return rules


def test_the_imprint_is_at_the_foot_of_the_last_page_clear_of_the_attachments(notice_pdf):
    """The PDF's last page fills its page: the 版记 goes to a page of its own, every picture still printed."""
    pdf = notice_pdf
    last = page_count(pdf) - 1
    rules = _imprint_rules(pdf, last)
    assert len(rules) == 3 and abs(rules[-1].y - BOTTOM) <= HALF_MM, [r.y / MM for r in rules]
    rows = [_plain(x) for x in _lines(pdf, last, 14) if x.y < BOTTOM]
    assert rows == ["抄送：市人民政府办公室。", "乌海市教育局办公室2023年9月1日印发"]
    above = [x for x in _lines(pdf, last, 16) + _lines(pdf, last, 22)]
    assert not above and not _image_boxes(pdf, last), "the 版记's page holds nothing else"
    every_picture = [box for page in range(page_count(pdf)) for box in _image_boxes(pdf, page)]
    assert len(every_picture) == 3, "the .docx's picture and the PDF's two pages, none hidden"
    assert _image_boxes(pdf, last - 1), "the PDF's last page on the page before"
