"""The numbers of GB/T 9704-2012 as this app lays a 公文 out. One place, read by the base-file
builder, the renderer and the tests.
"""

from app.documents.ooxml import mm_to_twips

# A4, with the text block (版心) 156 × 225 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 37, 35
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225

# 22 lines of 28 characters of 3号 (16 pt) type. 28 × 16 pt is wider than 156 mm, so each character
# gives back a quarter point (−5 twips); 22 lines of 28.95 pt fill 225 mm.
BODY_PT = 16
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_TWIPS = 579  # 28.95 pt
CHAR_SPACING_TWIPS = -5

# Font sizes by their Chinese numbers.
SIZE_2 = 22  # 2号: titles
SIZE_3 = 16  # 3号: body, document number
SIZE_4 = 14  # 4号: 版记, page numbers

# The official fonts. Readers' machines have them; the PDF server maps them to open fonts
# (app/documents/fonts.conf).
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
MONGOLIAN = "Mongolian Baiti"
# §7.3.3: the first level of headings in 黑体, the second in 楷体, the third and fourth in 仿宋.
HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}

RED = "FF0000"
BLACK = "000000"

# Header (版头)
MARK_PT = 36  # 发文机关标志, red 小标宋
MARK_TOP_MM = 35  # its top edge below the top of the text block
# The mark's ink begins this far below the top of its 36 pt line (小标宋, measured in the PDF): its paragraph starts
# that much higher, and the number that much lower, so that everything under the number stays where it was.
MARK_INK_BELOW_LINE_TOP_MM = 2.8
RULE_BELOW_NUMBER_MM = 4  # the red rule, this far below the document number's glyphs (§7.2.4)
RULE_EIGHTHS = 12  # 1.5 pt
# The rule is the number paragraph's bottom border; Word and LibreOffice measure a border's space from the bottom of
# the line (an exact 3号 line, 28.95 pt), which lies 1.1 mm below the glyphs of the number and its 〔〕 (measured in
# the PDF). So the border's space is the 4 mm less that.
RULE_SPACE_PT = round((RULE_BELOW_NUMBER_MM - 1.1) / (25.4 / 72))  # 8 pt

# On the first page the header (the mark, the Mongolian line, the number and the red rule, the two lines before the
# title) takes the first twelve lines of the text block: the title begins on the 13th (measured in the PDF).
FIRST_PAGE_HEADER_LINES = 12

# 版记 rules: first and last 0.35 mm, the ones between 0.25 mm (in eighths of a point).
IMPRINT_RULE_OUTER_EIGHTHS = 8  # 1 pt ≈ 0.35 mm
IMPRINT_RULE_INNER_EIGHTHS = 6  # 0.75 pt ≈ 0.26 mm

# Page number "— 1 —": 4号 宋体, one character in from the edge, its dashes 7 mm below the text block (§7.5).
PAGE_NUMBER_GAP_MM = 7
PAGE_NUMBER_LINE_MM = SIZE_4 * 25.4 / 72
# Where the dash is drawn: 2.3 mm above the bottom of its 14 pt line (measured in the PDF). The footer's distance
# from the page's bottom edge puts that 7 mm below the block.
PAGE_NUMBER_DASH_ABOVE_LINE_BOTTOM_MM = 2.3
FOOTER_DISTANCE_MM = MARGIN_BOTTOM_MM - PAGE_NUMBER_GAP_MM - PAGE_NUMBER_DASH_ABOVE_LINE_BOTTOM_MM

LINE_TWIPS = LINE_PITCH_TWIPS


def lines(n: float) -> int:
    """n body lines, in twips (for space before/after)."""
    return round(n * LINE_PITCH_TWIPS)


TEXT_WIDTH_TWIPS = mm_to_twips(TEXT_WIDTH_MM)

# Paragraph styles of docx_templates/gongwen.docx, by name.
STYLE_MARK = "GW Mark"
STYLE_MARK_MN = "GW Mark Mongolian"
STYLE_NUMBER = "GW Number"
STYLE_TITLE = "GW Title"
STYLE_ADDRESSEE = "GW Addressee"
STYLE_BODY = "GW Body"
# The last lines of the text's last paragraph, when they keep with the signature (§7.3.5): the same paragraph going
# on, flush left. The .docx import joins it to the paragraph before.
STYLE_BODY_END = "GW Body End"
STYLE_HEADING = {1: "GW Heading 1", 2: "GW Heading 2", 3: "GW Heading 3", 4: "GW Heading 4"}
STYLE_ROSTER = "GW Roster"
STYLE_ATTACHMENT_NOTE = "GW Attachment Note"
STYLE_SIGNATURE = "GW Signature"
STYLE_DATE = "GW Date"
STYLE_NOTE = "GW Note"
STYLE_ATTACHMENT_LABEL = "GW Attachment Label"
STYLE_IMPRINT = "GW Imprint"
STYLE_PAGE_NUMBER = "GW Page Number"

# The Mongolian version: vertical columns, left to right.
STYLE_MN_BODY = "GW MN Body"
STYLE_MN_TITLE = "GW MN Title"
STYLE_MN_ADDRESSEE = "GW MN Addressee"
STYLE_MN_SIGNATURE = "GW MN Signature"
MN_BODY_PT = 16
MN_TITLE_PT = 22

ALL_STYLES = [
    STYLE_MARK,
    STYLE_MARK_MN,
    STYLE_NUMBER,
    STYLE_TITLE,
    STYLE_ADDRESSEE,
    STYLE_BODY,
    STYLE_BODY_END,
    *STYLE_HEADING.values(),
    STYLE_ROSTER,
    STYLE_ATTACHMENT_NOTE,
    STYLE_SIGNATURE,
    STYLE_DATE,
    STYLE_NOTE,
    STYLE_ATTACHMENT_LABEL,
    STYLE_IMPRINT,
    STYLE_PAGE_NUMBER,
]
