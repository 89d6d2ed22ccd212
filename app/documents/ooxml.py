"""Small helpers over python-docx's XML for what it has no API for (four font slots, borders, grids)."""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Units: Word measures in twentieths of a point (twips) and eighths of a point (border widths); drawings in EMU.
TWIPS_PER_PT = 20
MM_PER_PT = 25.4 / 72
EMU_PER_MM = 36000


def mm_to_twips(mm: float) -> int:
    return round(mm / MM_PER_PT * TWIPS_PER_PT)


def pt_to_twips(pt: float) -> int:
    return round(pt * TWIPS_PER_PT)


# Word refuses a file whose property elements are out of the schema's order.
_ORDER = {
    "w:rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath".split(),
    "w:pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split(),
    "w:pBdr": "top left bottom right between bar".split(),
    "w:tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription".split(),
    "w:tblBorders": "top left start bottom right end insideH insideV".split(),
    "w:tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
    "hideMark".split(),
    "w:tcBorders": "top start left bottom end right insideH insideV tl2br tr2bl".split(),
}


def child(parent, tag: str, **_ignored):
    """The first child with this tag, created if missing, in the place the schema wants it."""
    element = parent.find(qn(tag))
    if element is not None:
        return element
    element = OxmlElement(tag)
    order = _ORDER.get(parent.tag.replace("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}", "w:"))
    if order is None:
        parent.append(element)
        return element
    name = tag.split(":", 1)[1]
    later = set(order[order.index(name) + 1 :]) if name in order else set()
    for index, existing in enumerate(parent):
        local = existing.tag.rsplit("}", 1)[-1]
        if local in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element


def set_attrs(element, **attrs) -> None:
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))


def set_fonts(rpr, font: str, *, cs: str | None = None, hint: str | None = "eastAsia") -> None:
    """Name the font in all four slots, so no character falls back to an unnamed font.

    python-docx's font.name sets only ascii/hAnsi; LibreOffice shapes Mongolian as a
    complex script, so w:cs decides its font; w:hint="eastAsia" keeps curly quotes and
    other ambiguous-width characters in the CJK font.
    """
    fonts = child(rpr, "w:rFonts")
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    set_attrs(fonts, ascii=font, hAnsi=font, eastAsia=font, cs=cs or font)
    if hint:
        set_attrs(fonts, hint=hint)


def set_lang(rpr, *, val: str, east_asia: str, bidi: str | None = None) -> None:
    lang = child(rpr, "w:lang")
    set_attrs(lang, val=val, eastAsia=east_asia)
    if bidi:
        set_attrs(lang, bidi=bidi)


def set_size(rpr, pt: float) -> None:
    half_points = str(round(pt * 2))
    set_attrs(child(rpr, "w:sz"), val=half_points)
    set_attrs(child(rpr, "w:szCs"), val=half_points)


def set_color(rpr, hex_rgb: str) -> None:
    set_attrs(child(rpr, "w:color"), val=hex_rgb)


def set_char_spacing(rpr, twips: int) -> None:
    set_attrs(child(rpr, "w:spacing"), val=twips)


def set_bold(rpr, on: bool = True) -> None:
    for tag in ("w:b", "w:bCs"):
        element = child(rpr, tag)
        if not on:
            set_attrs(element, val=0)


def set_border(ppr, side: str, *, size_eighths: int, color: str, space_pt: int = 0) -> None:
    borders = child(ppr, "w:pBdr")
    edge = child(borders, f"w:{side}")
    set_attrs(edge, val="single", sz=size_eighths, space=space_pt, color=color)


def set_cell_border(tcpr, side: str, *, size_eighths: int = 0, color: str = "000000") -> None:
    """One edge of a table cell: a single line of that width, or none (size 0), over the table's own borders."""
    edge = child(child(tcpr, "w:tcBorders"), f"w:{side}")
    for attr in list(edge.attrib):
        del edge.attrib[attr]
    if size_eighths:
        set_attrs(edge, val="single", sz=size_eighths, space=0, color=color)
    else:
        set_attrs(edge, val="nil")


def page_anchored_shape(shape_id: int, name: str, *, x: int, y: int, cx: int, cy: int, shape: str) -> str:
    """The XML of a run holding a drawing shape (wps:wsp) anchored to the page, not to the text: its top left x, y EMU
    from the page's, cx × cy EMU large, in front of the text, which it does not push aside. shape: what goes inside
    wps:wsp (its properties, its text box). shape_id: its drawing's id, unique among the document's drawings."""
    return f"""<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{shape_id}" behindDoc="0" locked="1"
 layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{shape_id}" name="{name}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
{shape}</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""
