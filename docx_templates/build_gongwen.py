"""Build docx_templates/gongwen.docx, the base file with the official styles (GB/T 9704-2012).

    .venv/bin/python docx_templates/build_gongwen.py

The renderer (app/documents/) opens this file and picks the styles by name; the numbers come from
app/documents/layout.py. Rebuild after changing them, and commit the result.
"""

import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm  # noqa: E402

from app.documents import layout as L  # noqa: E402
from app.documents.ooxml import (  # noqa: E402
    child,
    pt_to_twips,
    set_attrs,
    set_bold,
    set_char_spacing,
    set_color,
    set_fonts,
    set_lang,
    set_size,
)

OUT = ROOT / "docx_templates" / "gongwen.docx"

# The font table names each font the styles use, with what Word should take when it is missing: stock Windows has
# 仿宋 and 楷体 but not their _GB2312 versions, which only older systems and bureaus' own machines carry. charset 86
# is GB 2312; panose and pitch are those of the Windows fonts, so that Word's own matching lands on the same face.
FONTS = (
    # name, altName, charset, family, pitch, panose
    (L.FANGSONG, "仿宋", "86", "modern", "fixed", "02010609030101010101"),
    (L.KAITI, "楷体", "86", "modern", "fixed", "02010609030101010101"),
    (L.XIAOBIAOSONG, "宋体", "86", "script", "fixed", "02000000000000000000"),
    (L.HEITI, "SimHei", "86", "modern", "fixed", "02010609060101010101"),
    (L.SONGTI, "SimSun", "86", "auto", "variable", "02010600030101010101"),
    (L.MONGOLIAN, None, "00", "script", "variable", "03000500000000000000"),
    ("Times New Roman", None, "00", "roman", "variable", "02020603050405020304"),
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def font_table() -> bytes:
    entries = []
    for name, alt_name, charset, family, pitch, panose in FONTS:
        alt = f'<w:altName w:val="{alt_name}"/>' if alt_name else ""
        entries.append(
            f'<w:font w:name="{name}">{alt}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    declaration = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    return f'{declaration}<w:fonts xmlns:w="{W_NS}">{"".join(entries)}</w:fonts>'.encode()


def paragraph_style(
    document,
    name,
    *,
    font,
    size,
    color=L.BLACK,
    align=None,
    first_line_chars=0,
    line_twips=L.LINE_PITCH_TWIPS,
    char_spacing=0,
    bold=False,
    keep_next=False,
):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = None
    style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    set_attrs(child(ppr, "w:spacing"), before=0, after=0, line=line_twips, lineRule="exact")
    if first_line_chars:
        set_attrs(
            child(ppr, "w:ind"),
            firstLineChars=first_line_chars * 100,
            firstLine=pt_to_twips(first_line_chars * (size + char_spacing / 20)),
        )
    if align:
        set_attrs(child(ppr, "w:jc"), val=align)
    if keep_next:
        child(ppr, "w:keepNext")
    # No widow or orphan control: it would end pages a line short (§5.2.4 wants 22 lines on every full page).
    set_attrs(child(ppr, "w:widowControl"), val=0)
    # No extra space between Chinese and Latin letters or digits: every line holds the same 28 characters.
    set_attrs(child(ppr, "w:autoSpaceDE"), val=0)
    set_attrs(child(ppr, "w:autoSpaceDN"), val=0)
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, font)
    set_size(rpr, size)
    set_color(rpr, color)
    if char_spacing:
        set_char_spacing(rpr, char_spacing)
    if bold:
        set_bold(rpr)
    set_lang(rpr, val="zh-CN", east_asia="zh-CN")
    return style


def build() -> bytes:
    document = Document()
    # Language and fonts of everything that names no style: Chinese, 仿宋.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, L.FANGSONG)
    set_lang(rpr, val="zh-CN", east_asia="zh-CN", bidi="ar-SA")
    set_size(rpr, L.BODY_PT)

    body_spacing = L.CHAR_SPACING_TWIPS
    paragraph_style(
        document,
        L.STYLE_BODY,
        font=L.FANGSONG,
        size=L.SIZE_3,
        align="both",
        first_line_chars=2,
        char_spacing=body_spacing,
    )
    paragraph_style(
        document,
        L.STYLE_BODY_END,
        font=L.FANGSONG,
        size=L.SIZE_3,
        align="both",
        char_spacing=body_spacing,
        keep_next=True,
    )
    # A heading keeps with the first line of the paragraph after it: it moves to the next page only when it would
    # otherwise end a page. (Widow and orphan control stay off: every full page holds 22 lines, §5.2.4.)
    for level, style_name in L.STYLE_HEADING.items():
        paragraph_style(
            document,
            style_name,
            font=L.HEADING_FONTS[level],
            size=L.SIZE_3,
            align="both",
            first_line_chars=2,
            char_spacing=body_spacing,
            keep_next=True,
        )
    paragraph_style(document, L.STYLE_ROSTER, font=L.FANGSONG, size=L.SIZE_3, align="left", char_spacing=body_spacing)
    paragraph_style(
        document, L.STYLE_ADDRESSEE, font=L.FANGSONG, size=L.SIZE_3, align="both", char_spacing=body_spacing
    )
    paragraph_style(
        document, L.STYLE_ATTACHMENT_NOTE, font=L.FANGSONG, size=L.SIZE_3, align="left", char_spacing=body_spacing
    )
    paragraph_style(
        document, L.STYLE_SIGNATURE, font=L.FANGSONG, size=L.SIZE_3, align="right", char_spacing=body_spacing
    )
    paragraph_style(document, L.STYLE_DATE, font=L.FANGSONG, size=L.SIZE_3, align="right", char_spacing=body_spacing)
    paragraph_style(
        document,
        L.STYLE_NOTE,
        font=L.FANGSONG,
        size=L.SIZE_3,
        align="left",
        first_line_chars=2,
        char_spacing=body_spacing,
    )
    paragraph_style(
        document, L.STYLE_ATTACHMENT_LABEL, font=L.HEITI, size=L.SIZE_3, align="left", char_spacing=body_spacing
    )
    paragraph_style(document, L.STYLE_TITLE, font=L.XIAOBIAOSONG, size=L.SIZE_2, align="center", keep_next=True)
    paragraph_style(document, L.STYLE_NUMBER, font=L.FANGSONG, size=L.SIZE_3, align="center")
    paragraph_style(
        document,
        L.STYLE_MARK,
        font=L.XIAOBIAOSONG,
        size=L.MARK_PT,
        color=L.RED,
        align="center",
        line_twips=pt_to_twips(L.MARK_PT * 1.25),
    )
    mark_mn = paragraph_style(
        document,
        L.STYLE_MARK_MN,
        font=L.MONGOLIAN,
        size=L.SIZE_3,
        color=L.RED,
        align="center",
        line_twips=pt_to_twips(L.MARK_PT * 1.25),
    )
    set_lang(mark_mn.element.get_or_add_rPr(), val="mn-Mong-CN", east_asia="zh-CN", bidi="mn-Mong-CN")
    set_fonts(mark_mn.element.get_or_add_rPr(), L.MONGOLIAN, hint=None)
    paragraph_style(
        document, L.STYLE_IMPRINT, font=L.FANGSONG, size=L.SIZE_4, align="left", line_twips=pt_to_twips(L.SIZE_4 * 1.75)
    )
    paragraph_style(document, L.STYLE_PAGE_NUMBER, font=L.SONGTI, size=L.SIZE_4, line_twips=pt_to_twips(L.SIZE_4))
    # The Mongolian version is set in vertical columns; its styles name the Mongolian font in every slot and
    # declare the language, so LibreOffice shapes it as Mongolian (a complex script).
    for name, size, align, indent in (
        (L.STYLE_MN_BODY, L.MN_BODY_PT, "both", 2),
        (L.STYLE_MN_TITLE, L.MN_TITLE_PT, "center", 0),
        (L.STYLE_MN_ADDRESSEE, L.MN_BODY_PT, "left", 0),
        (L.STYLE_MN_SIGNATURE, L.MN_BODY_PT, "right", 0),
    ):
        style = paragraph_style(document, name, font=L.MONGOLIAN, size=size, align=align, first_line_chars=indent)
        rpr = style.element.get_or_add_rPr()
        set_fonts(rpr, L.MONGOLIAN, hint=None)
        set_lang(rpr, val="mn-Mong-CN", east_asia="zh-CN", bidi="mn-Mong-CN")

    section = document.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(L.FOOTER_DISTANCE_MM)
    # No snapping to a text grid: LibreOffice gives a line of larger type (titles, the mark) two grid rows.
    # Every style sets an exact line height instead.
    grid = section._sectPr.find(qn("w:docGrid"))
    set_attrs(grid, linePitch=L.LINE_PITCH_TWIPS)

    # Odd and even pages carry their page numbers on opposite sides.
    settings = document.settings.element
    child(settings, "w:evenAndOddHeaders")

    props = document.core_properties
    props.author = props.last_modified_by = "bureau-intranet"
    props.title = props.subject = props.keywords = props.comments = ""
    props.revision = 1
    from datetime import datetime

    props.created = props.modified = datetime(2023, 1, 1)

    # The default template's lone empty paragraph goes; the renderer adds the content.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)

    # python-docx's default template carries a thumbnail of itself, Word 2010's copy of every style,
    # web settings, a numbering part and custom XML: none of it is ours, and it makes every notice
    # slower to write. Keep only the styles a notice uses.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rel_id)
    unused = ("/stylesWithEffects", "/webSettings", "/numbering", "/customXml")
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(unused):
            document.part.rels.pop(rel_id)
    keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
    styles_element = document.styles.element
    for style in list(styles_element.iterchildren(qn("w:style"))):
        if style.get(qn("w:styleId")) not in keep and not style.get(qn("w:styleId")).startswith("GW"):
            styles_element.remove(style)
    latent = styles_element.find(qn("w:latentStyles"))
    if latent is not None:
        styles_element.remove(latent)

    document.part.part_related_by(RT.FONT_TABLE)._blob = font_table()

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fixed_zip(data: bytes) -> bytes:
    """The same bytes every time: fixed entry dates, one compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    OUT.write_bytes(fixed_zip(build()))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
