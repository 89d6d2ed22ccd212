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

# Above the mark (§7.2.1–§7.2.3): 份号, 密级和保密期限 and 紧急程度, flush left one a line from the first line of the
# text block, in this order; 密级 and 紧急程度 in 3号黑体. The mark keeps its top edge where it is.
ELEMENTS_ABOVE_THE_MARK_FONT = HEITI  # 份号 is in the number's 仿宋 (its digits half width, as the number's)
SECRECY_STAR = "★"  # between 密级 and 保密期限: 秘密★1年
# 上行文 (§7.2.6): the mark stays MARK_TOP_MM down, as on every notice: GB/T 9704-2012 deleted the 1999 edition's
# "对于上报的公文…80mm" (one first page for every direction); only the number's line changes (签发人 beside it).
# "签发人" in 3号仿宋, a full-width colon, the names in 3号楷体, two a line, one full-width space between.
SIGNERS_LABEL = "签发人："
SIGNERS_FONT = KAITI
SIGNERS_PER_LINE = 2
# 联合行文 (§7.2.4): the organs' names stacked and 文件 beside them, in a line as high as the single mark's
# (GW Mark: 36 pt type in a 45 pt line); 文件 this many of its characters' widths right of the widest name.
MARK_LINE_RATIO = 1.25
JOINT_MARK_GAP_EMS = 0.5

# Signatures (§7.3.5.1): a sealed signature has two blank lines above the organ's name for its seal; a 联合行文's
# seals stand at most three a row (a name too wide for a third of the block makes it two, or one), each row with the
# same room, its date's line included.
SEAL_ROOM_LINES = 2
SEALS_PER_ROW = 3

# 公开属性: how each prints, in brackets: "（此件不予公开，" + the reason + "）" when one is given.
DISCLOSURE_TEXTS = {"主动公开": "此件主动公开", "依申请公开": "此件依申请公开", "不予公开": "此件不予公开"}

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

# 信函 (§10.1, app/documents/letter.py). Measured from the page's edges, not the text block's.
LETTER_MARK_PT = 26  # 一号: the organ's name, red 小标宋, shrunk to fit the text block's width when it is longer
LETTER_MARK_TOP_MM = 30  # the mark's top edge below the top of the page
# The mark sits in an exact line as high as its type: its ink begins this far below the line's top (小标宋, measured
# in the PDF), and ends 0.2 mm above its bottom.
LETTER_MARK_INK_BELOW_LINE_TOP_MM = 0.12
LETTER_RULE_BELOW_MARK_MM = 4  # the first red double rule (thick above thin), its top edge under the mark's ink
LETTER_RULE_LENGTH_MM = 170  # both rules, centred on the page: 20 mm in from each side
LETTER_RULE_ABOVE_PAGE_BOTTOM_MM = 20  # the second (thin above thick), its lower edge above the page's bottom edge
# The rules' strokes: LibreOffice draws a thickThinSmallGap border of w:sz="18" as 2.25 pt, a 0.75 pt gap and
# 0.75 pt (measured in the PDF); the second rule is drawn with the same strokes.
LETTER_RULE_EIGHTHS = 18
LETTER_RULE_THICK_PT, LETTER_RULE_GAP_PT, LETTER_RULE_THIN_PT = 2.25, 0.75, 0.75
# The border's space over the mark's line: the 4 mm less the 0.2 mm of the line under the ink, in whole points.
LETTER_RULE_SPACE_PT = round((LETTER_RULE_BELOW_MARK_MM - 0.2) / (25.4 / 72))  # 11 pt
# 份号 … and 发文字号 under the first rule: 7/8 of a 3号 character's height from its lower edge to their tops.
LETTER_ELEMENTS_BELOW_RULE_MM = SIZE_3 * 7 / 8 * 25.4 / 72  # 4.94 mm
# The first page's header (the mark and the rule) pushes the text down: LibreOffice starts the text's first exact 3号
# line so that its characters' tops are 3.64 mm under the rule's lower edge (measured in the PDF).
LETTER_TEXT_BELOW_HEADER_MM = 3.64
# From the 份号/发文字号 line to the foot of the text block, the first page holds 21 lines of 3号 (measured).
LETTER_FIRST_PAGE_LINES = 21
# Where the 份号's baseline falls, from the top of the page (measured in the PDF): a unit's copy of a letter has its
# number stamped there (app/documents/stamping.py; the 文件 format's is COPY_NUMBER_BASELINE_MM there).
LETTER_COPY_NUMBER_BASELINE_MM = 53.7

# 纪要 (§10.3, app/documents/minutes.py): the lists of who attended, was away and sat in, under the text.
MINUTES_LIST_INDENT_CHARS = 2  # 左空二字
MINUTES_LABEL_FONT = HEITI  # "出席：" in 3号黑体, the names in 3号仿宋
