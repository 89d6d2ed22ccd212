"""Every issued notice of the demo as a PDF, measured with a ruler: 22 lines of 28 characters on full pages, the
header, the signature, the 版记 and the page numbers where GB/T 9704-2012 puts them, the text in 仿宋, titles broken
between words.

The demo issues five notices, each a case of its own: 75号 (the seed: a long distributed document with a roster
table), 76号 (抄送 and 附注), 80号 (an 87-character title and 39 addressees, which move to the 版记; three distributed
documents), 81号 (a body of headings and heading-led paragraphs), 〔2024〕3号 (Latin letters and digits in the text),
90号 (特急, and 份号's line kept blank on the copy frozen at issue: nothing under it moves).
The module makes each PDF once; the tests run over all of them.

Which pages are full (hold 22 lines)? Every page but
- the page the notice's own text ends on, and the pages up to its signature: the text stops there;
- the page before the signature's, when the text's last lines went on with the signature (Renderer.signature_tail);
- the page before a distributed document: the document starts on a new page, so the one before may be short;
- a page that holds the roster table (its rows are a table, not lines of text);
- the last page: the text ends there and the 版记 sits at its foot.
Page 1 counts too: its header takes the first 12 lines (layout.FIRST_PAGE_HEADER_LINES), the title and the lines
below it the other 10. On a page that opens a distributed document, the document's title lines and the blank line
under them take their places among the 22. A heading keeps with the text it heads (keepNext), so a full page may end
as many lines early as the next page begins with heading lines: a heading alone at the foot of a page is the worse
fault; no other line may be missing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property

import pytest
import rjieba
from sqlalchemy import select

from app.core.dates import cn_date
from app.documents import layout as L
from app.documents.formats import render_gongwen
from app.documents.gongwen import GongwenData, Renderer
from app.documents.pdf import docx_to_pdf
from app.documents.text import paragraphs
from app.extensions import db
from app.notices.documents import gongwen_data, render_notice_docx
from app.notices.models import Notice, NoticeStatus
from tests.helpers.databases import demo_app_for
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import Line, chars, horizontal_rules, ink_bounds, ink_rows, page_count, text_lines

MM = 72 / 25.4  # PDF points per millimetre
LEFT, RIGHT = L.MARGIN_LEFT_MM * MM, (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM) * MM  # the text block: 28 mm to 184 mm
TOP, BOTTOM = L.MARGIN_TOP_MM * MM, (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * MM  # 37 mm to 262 mm
PITCH = L.LINE_PITCH_TWIPS / 20  # 28.95 pt from baseline to baseline
CHAR = L.BODY_PT + L.CHAR_SPACING_TWIPS / 20  # 15.75 pt: a 3号 character and the spacing after it
CHAR_4 = L.SIZE_4  # a 4号 character (版记, page numbers)
HALF_MM = 0.5 * MM
CLOSING = "，。、；：！？”’）》〕〉"
OPENING = "“‘（《〔〈"

SEED = "乌教发〔2023〕75号"
NUMBERS = {
    SEED: "2023-75",
    "乌教发〔2023〕76号": "2023-76",
    "乌教发〔2023〕80号": "2023-80",
    "乌教发〔2023〕81号": "2023-81",
    "乌教发〔2023〕82号": "2023-82",
    "乌教发〔2024〕3号": "2024-3",
    "乌教发〔2023〕90号": "2023-90",
}
# The demo's specimens of the other formats and elements, whose pages follow other rules (a taller header, landscape
# pages, 附件 pages, the 信函 and 纪要 formats): measured in tests/documents/test_demo_formats.py.
MEASURED_ELSEWHERE = {
    "乌教发〔2023〕91号",
    "乌教发〔2023〕92号",
    "乌教发〔2023〕93号",
    "乌教函〔2023〕15号",
    "乌教纪〔2023〕5号",
    "海教发〔2023〕46号",  # the district's forwarding notices, 75号's pages as their 附件: measured in
    "乌达教发〔2023〕29号",  # test_demo_formats.py (海教发's; 乌达教发's is made by the same code)
}
# §7.3.3: too many addressees for the first page to show text, so they print in the 版记 as "主送：…".
ADDRESSEES_IN_THE_IMPRINT = {"乌教发〔2023〕80号"}
# The full pages (from 1) by the rule of the module's docstring, as a reader of the PDFs counts them: 75号 ends its
# covering notice on page 1 and has its roster on pages 8–9; 76号 ends on page 2; 80号's covering notice has two
# lines on page 1 and its last on page 2, with the signature, and each of its three documents is a page of its own;
# 81号 ends on page 3; 82号 and 3号 on 2.
FULL_PAGES = {
    SEED: [2, 3, 4, 5, 6, 7],
    "乌教发〔2023〕76号": [1],
    "乌教发〔2023〕80号": [],
    "乌教发〔2023〕81号": [1, 2],
    "乌教发〔2023〕82号": [1],
    "乌教发〔2024〕3号": [1],
    "乌教发〔2023〕90号": [1],
}


@dataclass(frozen=True)
class Page:
    index: int  # from 0
    body: list[Line]  # 3号 (16 pt); on page 1 only those under the title (not the document number)
    titles: list[Line]  # 2号 (22 pt)
    small: list[Line]  # 4号 (14 pt): the 版记 and the page number


@dataclass(frozen=True, eq=False)
class Specimen:
    number: str
    data: GongwenData = field(repr=False)  # what the notice prints
    pdf: bytes = field(repr=False)
    pages: list[Page] = field(repr=False)

    def _texts(self):
        return (self.data.body, *(text for _title, text in self.data.documents))

    @cached_property
    def headings(self) -> list[str]:
        """The texts set in a heading's font: headings on lines of their own, and those that paragraphs begin with."""
        leads = [p.heading_lead for body in self._texts() for p in paragraphs(body) if p.heading_lead]
        return self.standing_headings + leads

    @cached_property
    def standing_headings(self) -> list[str]:
        """Headings on lines of their own (一、总体要求), not the paragraphs that begin with one."""
        return [p.text for body in self._texts() for p in paragraphs(body) if p.is_heading]


def _pages(pdf: bytes) -> list[Page]:
    pages = []
    for index in range(page_count(pdf)):
        titles = text_lines(pdf, index, min_size=21, max_size=23)
        body = [line for line in text_lines(pdf, index, min_size=15.5, max_size=16.5) if line.char_count]
        if index == 0:
            body = [line for line in body if titles and line.y > titles[0].y]
        small = [line for line in text_lines(pdf, index, min_size=13.5, max_size=14.5) if line.char_count]
        pages.append(Page(index, body, titles, small))
    return pages


@pytest.fixture(scope="module")
def specimens(templates, tmp_path_factory) -> dict[str, Specimen]:
    """The demo database, once for the module; every issued notice rendered and converted once."""
    require_libreoffice(server=True)

    app = demo_app_for(templates, tmp_path_factory.mktemp("gongwenpdf"))
    made = {}
    with app.app_context():
        for notice in db.session.scalars(select(Notice).where(Notice.status == NoticeStatus.issued.value)):
            if notice.number in MEASURED_ELSEWHERE:
                made[notice.number] = None
                continue
            pdf = docx_to_pdf(render_notice_docx(notice))
            made[notice.number] = Specimen(notice.number, gongwen_data(notice), pdf, _pages(pdf))
        db.engine.dispose()
    return made


@pytest.fixture(params=list(NUMBERS), ids=list(NUMBERS.values()))
def specimen(request, specimens) -> Specimen:
    if request.param not in specimens:
        pytest.fail(f"the demo no longer issues {request.param}")
    return specimens[request.param]


def test_every_issued_notice_is_measured(specimens):
    """A notice added to the demo is measured too: add it to NUMBERS, or to MEASURED_ELSEWHERE and that module."""
    assert set(specimens) == set(NUMBERS) | MEASURED_ELSEWHERE


# What is where in a notice's PDF


def _text(line: Line) -> str:
    return re.sub(r"\s", "", line.text)


def _mm(points: float) -> float:
    return round(points / MM, 2)


def _flow(s: Specimen) -> list[tuple[int, Line]]:
    """The 3号 lines in reading order, with their pages."""
    return [(page.index, line) for page in s.pages for line in page.body]


def _signature(s: Specimen) -> tuple[int, Line, Line]:
    """The page, the signing organ's line and the date's line under it."""
    flow = _flow(s)
    date_text = cn_date(s.data.signed_on)
    for position, (page, line) in enumerate(flow):
        if _text(line) == s.data.signature_organ and line.x0 > (LEFT + RIGHT) / 2 - 20 * MM:
            following_page, following = flow[position + 1]
            assert _text(following) == date_text and following_page == page, (s.number, page + 1, following.text)
            return page, line, following
    raise AssertionError(f"{s.number}: no signature {s.data.signature_organ!r} in the PDF")


def _text_end_page(s: Specimen) -> int:
    """The page of the last line of the notice's own text: the line before the signature."""
    flow = _flow(s)
    page, organ, _date = _signature(s)
    position = next(i for i, (p, line) in enumerate(flow) if p == page and line is organ)
    return flow[position - 1][0]


def _document_starts(s: Specimen) -> list[int]:
    """Pages (after the first) that open with a 2号 title: a distributed document."""
    return [page.index for page in s.pages[1:] if page.titles and (not page.body or page.titles[0].y < page.body[0].y)]


def _is_roster_line(s: Specimen, line: Line) -> bool:
    """A row of a roster table: "组长：董跃飞…" at the indent, or a name alone in the second column."""
    text = _text(line)
    for roster in s.data.rosters.values():
        for entry in roster:
            if text.startswith(f"{entry.role}：{entry.who[:3]}"):
                return True
            if text.startswith(entry.who[:3]) and line.x0 > LEFT + 4 * CHAR:
                return True
    return False


def _roster_pages(s: Specimen) -> set[int]:
    return {page.index for page in s.pages for line in page.body if _is_roster_line(s, line)}


def _is_heading_line(s: Specimen, line: Line) -> bool:
    text = _text(line)
    return bool(text) and any(text in heading for heading in s.standing_headings)


def _pages_not_full(s: Specimen) -> dict[int, str]:
    """Why a page is allowed to be short (see the module's docstring), by page index."""
    last = len(s.pages) - 1
    reasons = {}
    signature_page = _signature(s)[0]
    for index in range(_text_end_page(s), signature_page + 1):
        reasons[index] = "the notice's text ends here (its signature follows)"
    if _tail_moved(s):
        reasons[signature_page - 1] = "its text's last lines went on with the signature (§7.3.5)"
    for start in _document_starts(s):
        reasons.setdefault(start - 1, "the last page before a distributed document")
    for index in _roster_pages(s):
        reasons.setdefault(index, "holds the roster table")
    reasons.setdefault(last, "the last page, with the 版记")
    return reasons


def _tail_moved(s: Specimen) -> bool:
    """Whether the text's last lines (Renderer.signature_tail) went to the signature's page, all that page holds
    of the text."""
    tail_from = Renderer(s.data).signature_tail()
    if tail_from is None:
        return False
    page, organ, _date = _signature(s)
    above = [line for line in s.pages[page].body if line.y < organ.y]
    return "".join(_text(line) for line in above) == paragraphs(s.data.body)[-1].text[tail_from:]


def _grid_top(s: Specimen) -> float:
    """The baseline of the first of the 22 lines: where every page after the first begins."""
    return min((page.titles + page.body)[0].y for page in s.pages[1:] if page.titles or page.body)


def _slots(s: Specimen, page: Page) -> list[int]:
    """The lines of the 22 (from 0) that the page's text takes: its lines, the header's 12 on page 1, and the blank
    line under a title."""
    top = _grid_top(s)
    taken = [round((line.y - top) / PITCH) for line in page.titles + page.body]
    if page.index == 0:
        taken += list(range(L.FIRST_PAGE_HEADER_LINES))
    if page.titles:
        taken.append(round((page.titles[-1].y - top) / PITCH) + 1)
    return sorted(taken)


# 1. 22 lines on every full page


def test_full_pages_hold_22_lines(specimen):
    s = specimen
    assert len(_document_starts(s)) == len(s.data.documents), "each distributed document starts on a new page"
    not_full = _pages_not_full(s)
    full = [page for page in s.pages if page.index not in not_full]
    problems = []
    for page in full:
        taken = _slots(s, page)
        doubled = sorted({slot for slot in taken if taken.count(slot) > 1})
        missing = sorted(set(range(L.LINES_PER_PAGE)) - set(taken))
        beyond = sorted(slot for slot in taken if not 0 <= slot < L.LINES_PER_PAGE)
        # Headings kept with their text may leave the foot of the page empty, as many lines as they take.
        following = s.pages[page.index + 1].body if page.index + 1 < len(s.pages) else []
        kept = next((i for i, line in enumerate(following) if not _is_heading_line(s, line)), len(following))
        foot = list(range(L.LINES_PER_PAGE - len(missing), L.LINES_PER_PAGE))
        if doubled or beyond or (missing and (missing != foot or len(missing) > kept)):
            problems.append(
                f"page {page.index + 1}: {len(set(taken) & set(range(L.LINES_PER_PAGE)))} of 22 lines"
                + (f", empty lines {[m + 1 for m in missing]}" if missing else "")
                + (f", two lines on line {[d + 1 for d in doubled]}" if doubled else "")
                + (f", lines beyond the block {beyond}" if beyond else "")
            )
    assert not problems, (s.number, problems, {p + 1: why for p, why in sorted(not_full.items())})


def test_the_full_pages_are_the_ones_a_reader_counts(specimen):
    """Guards the rule above against excusing every page."""
    s = specimen
    not_full = _pages_not_full(s)
    assert [page.index + 1 for page in s.pages if page.index not in not_full] == FULL_PAGES[s.number], not_full


# 2. 28 characters on every full line


def _full_lines(s: Specimen) -> list[tuple[int, Line, Line]]:
    """Lines of text that a following line of the same paragraph continues: the next line starts at the left edge
    of the block (a new paragraph is indented two characters, the signature set right, a roster in its columns).
    Heading lines and titles are left out. With each, its page and the line that continues it."""
    _page, organ, date = _signature(s)
    flow = [(p, line) for p, line in _flow(s) if line is not organ and line is not date]
    found = []
    for (page, line), (_next_page, following) in zip(flow, flow[1:], strict=False):
        if abs(following.x0 - LEFT) > HALF_MM or _is_heading_line(s, line):
            continue
        if _is_roster_line(s, line):
            continue
        found.append((page, line, following))
    return found


def _hanging(line: Line) -> list:
    """Closing marks set past the right edge of the block (Word and LibreOffice let them hang by default)."""
    return [ch for ch in line.chars if ch.bbox[0] >= RIGHT - 1 and ch.c in CLOSING]


def test_full_lines_hold_28_characters(specimen):
    """A full line of 3号 Chinese holds 28 characters, counting a first line's two-character indent; a line with
    Latin letters or digits (narrower) must instead reach within one character of the block's right edge.

    Two exceptions of the line-breaking rules (禁则), which LibreOffice and Word both keep: a closing mark may hang
    past the right edge (28 + 1), and a line holds 27, spaced out to the edge, when the 28th would be an opening mark
    (“《（〔 cannot end a line) or a closing mark would start the next line."""
    s = specimen
    lines = _full_lines(s)
    assert lines, f"{s.number}: no full lines found"
    wrong = []
    for page, line, following in lines:
        hanging = _hanging(line)
        inside = [ch for ch in line.chars if not ch.c.isspace() and ch not in hanging]
        end = max(ch.bbox[2] for ch in inside)
        if all(ch.bbox[2] - ch.bbox[0] > 0.9 * CHAR for ch in line.chars):  # every character a full square
            count = round((line.x0 - LEFT) / CHAR) + len(inside)
            next_text = _text(following)
            pushed = bool(next_text) and (next_text[0] in OPENING or next_text[1:2] in CLOSING)
            if not (count == L.CHARS_PER_LINE or (count == L.CHARS_PER_LINE - 1 and pushed and end >= RIGHT - HALF_MM)):
                wrong.append((page + 1, count, line.text))
        elif not RIGHT - CHAR <= end <= RIGHT + HALF_MM:
            wrong.append((page + 1, f"ends at {_mm(end)} mm", line.text))
    assert not wrong, (s.number, wrong)


def test_text_stays_inside_the_text_block(specimen):
    """Only a closing mark at the end of a line may hang past the right edge (as Word does by default)."""
    s = specimen
    for page in range(len(s.pages)):
        for ch in chars(s.pdf, page):
            if ch.size >= 15.5 and ch.c.strip():
                hang = 16 if ch.c in CLOSING else 0
                assert LEFT - 1 <= ch.bbox[0] and ch.bbox[2] <= RIGHT + 1 + hang, (s.number, page + 1, ch)
                assert TOP - 2 <= ch.bbox[1] and ch.bbox[3] <= BOTTOM + 2, (s.number, page + 1, ch)


# 3. The 版记 at the foot of the last page


def _imprint(s: Specimen):
    """The 版记's rules (black, on the last page) and its rows: the 4号 lines between each two rules."""
    last = s.pages[-1]
    rules = []
    for rule in horizontal_rules(s.pdf, last.index):
        if not _is_red(rule) and not (rules and abs(rule.y - rules[-1].y) < 0.2):  # drawn once as a line, once filled
            rules.append(rule)
    pairs = zip(rules, rules[1:], strict=False)
    rows = [[line for line in last.small if above.y < line.y < below.y] for above, below in pairs]
    return rules, rows


def _is_red(rule) -> bool:
    return bool(rule.color) and rule.color[0] > 0.9 and rule.color[1] < 0.2 and rule.color[2] < 0.2


def test_the_imprint_sits_at_the_foot_of_the_last_page_with_its_rules(specimen):
    s = specimen
    rules, rows = _imprint(s)
    expected = (
        (["主送："] if s.number in ADDRESSEES_IN_THE_IMPRINT else [])
        + (["抄送："] if s.data.cc_text else [])
        + [s.data.imprint_organ]
    )
    starts = [_text(row[0])[: len(label)] if row else "" for row, label in zip(rows, expected, strict=False)]
    assert starts == expected, (s.number, [[line.text for line in row] for row in rows])
    assert len(rules) == len(expected) + 1, (s.number, [(_mm(r.y), r.thickness) for r in rules])
    # §7.4.1: the last rule on the bottom edge of the block; all as wide as the block.
    assert abs(rules[-1].y - BOTTOM) <= HALF_MM, (s.number, _mm(rules[-1].y))
    for rule in rules:
        assert abs(rule.x0 - LEFT) <= HALF_MM and abs(rule.x1 - RIGHT) <= HALF_MM, (s.number, rule)
    # The first and the last thick (0.35 mm), the ones between thin (0.25 mm).
    thick = [rules[0], rules[-1]]
    assert all(0.30 <= r.thickness / MM <= 0.40 for r in thick), (s.number, [r.thickness / MM for r in thick])
    thin = rules[1:-1]
    assert all(0.20 <= r.thickness / MM <= 0.30 for r in thin), (s.number, [r.thickness / MM for r in thin])
    # Below the text of the page, never over it.
    last_text = max(line.y for line in s.pages[-1].body) if s.pages[-1].body else TOP
    assert rules[0].y > last_text, (s.number, _mm(rules[0].y), _mm(last_text))


def test_imprint_rows_wrap_under_the_first_name_and_stay_a_character_inside(specimen):
    """主送 and 抄送 (§7.4.2): one character in from the left, a wrapped line under the first name after the colon,
    a full stop after the last name; no line closer than one character to the right edge."""
    s = specimen
    _rules, rows = _imprint(s)
    names = {"主送：": s.data.addressee_text.rstrip("：:").replace("、", "，"), "抄送：": s.data.cc_text.rstrip("。")}
    for row in rows:
        label = _text(row[0])[:3]
        for line in row:
            assert max(ch.bbox[2] for ch in line.chars if ch.c.strip()) <= RIGHT - CHAR_4 + 0.2 * MM, (s.number, line)
        if label not in names:
            continue
        assert abs(row[0].x0 - (LEFT + CHAR_4)) <= HALF_MM, (s.number, _mm(row[0].x0))
        for line in row[1:]:
            assert abs(line.x0 - (LEFT + 4 * CHAR_4)) <= HALF_MM, (s.number, label, _mm(line.x0), line.text)
        assert "".join(_text(line) for line in row) == label + names[label] + "。"


def test_the_imprint_organ_and_date_stand_one_character_in(specimen):
    """§7.4.3: 印发机关左空一字，印发日期右空一字."""
    s = specimen
    _rules, rows = _imprint(s)
    (line,) = rows[-1]
    date_text = cn_date(s.data.imprinted_on) + "印发"
    assert _text(line) == s.data.imprint_organ + date_text
    assert abs(line.x0 - (LEFT + CHAR_4)) <= HALF_MM, (s.number, _mm(line.x0))
    assert abs(line.x1 - (RIGHT - CHAR_4)) <= HALF_MM, (
        f"{s.number}: 印发日期 ends at {_mm(line.x1)} mm, one character from the right edge is {_mm(RIGHT - CHAR_4)} mm"
    )


# 4. The first page shows text


def test_the_first_page_shows_text(specimen):
    """§7.3.3: page 1 shows at least two lines of 正文; addressees too many for that go to the 版记 instead."""
    s = specimen
    _page, organ, date = _signature(s)
    lines = [line for line in s.pages[0].body if line is not organ and line is not date]
    addressee = s.data.addressee_text
    if s.number in ADDRESSEES_IN_THE_IMPRINT:
        assert not any(_text(line).startswith(addressee[:5]) for line in lines), (s.number, lines[0].text)
        text = lines
    else:
        # The addressees flush left on the line after the blank under the title, then the text.
        taken, joined = 0, ""
        while joined != addressee and taken < len(lines):
            joined += _text(lines[taken])
            taken += 1
        assert joined == addressee and abs(lines[0].x0 - LEFT) <= HALF_MM, (s.number, [x.text for x in lines[:3]])
        text = lines[taken:]
    assert len(text) >= 2, (s.number, [line.text for line in s.pages[0].body])


# 5. Positions: the red rule, the page numbers, the signature, the mark


def _red_rule(s: Specimen):
    red = [rule for rule in horizontal_rules(s.pdf, 0) if _is_red(rule)]
    assert red, f"{s.number}: no red rule on the first page"
    return red[0]


def test_the_red_rule_is_4_mm_under_the_number_and_as_wide_as_the_block(specimen):
    s = specimen
    number = next(line for line in text_lines(s.pdf, 0, min_size=15.5, max_size=16.5) if _text(line) == s.number)
    rule = _red_rule(s)
    assert abs(rule.x0 - LEFT) <= HALF_MM and abs(rule.x1 - RIGHT) <= HALF_MM, (s.number, rule)
    # Measured on the ink: from the lowest point of the number's glyphs (〔〕 reach lowest) to the rule's middle.
    glyphs = ink_rows(s.pdf, 0, (number.x0, number.y - 16, number.x1, rule.y - rule.thickness / 2 - 0.5))
    rule_ink = ink_rows(s.pdf, 0, (LEFT + 10, rule.y - 3, RIGHT - 10, rule.y + 3))
    gap = (min(rule_ink) + max(rule_ink)) / 2 - max(glyphs)
    assert abs(gap - L.RULE_BELOW_NUMBER_MM * MM) <= HALF_MM, f"{s.number}: the rule is {_mm(gap)} mm under the number"


def test_the_header_mark_is_centred_and_35_mm_below_the_top_of_the_block(specimen):
    """§7.2.3: 发文机关标志居中排布，上边缘至版心上边缘为35mm."""
    s = specimen
    mark = [ch for ch in chars(s.pdf, 0) if ch.size > 30]
    assert "".join(ch.c for ch in mark) == s.data.mark
    clip = (LEFT, min(ch.bbox[1] for ch in mark) - 10, RIGHT, max(ch.bbox[3] for ch in mark) + 2)
    x0, y0, x1, _y1 = ink_bounds(s.pdf, 0, clip)
    assert abs((x0 + x1) / 2 - (LEFT + RIGHT) / 2) <= HALF_MM, (s.number, _mm(x0), _mm(x1))
    assert abs(y0 - TOP - L.MARK_TOP_MM * MM) <= HALF_MM, (
        f"{s.number}: the mark's top edge (ink) is {_mm(y0 - TOP)} mm below the top of the block"
    )


def test_page_numbers_are_7_mm_below_the_block_outside_one_character_in(specimen):
    """§7.5: "— 1 —" in 4号, its dashes 7 mm below the block; odd pages right, even pages left, one character in."""
    s = specimen
    for page in s.pages:
        (number,) = [line for line in page.small if "—" in line.text and line.y > BOTTOM]
        assert _text(number) == f"—{page.index + 1}—", (s.number, number.text)
        dash = next(ch for ch in number.chars if ch.c == "—")
        rows = ink_rows(s.pdf, page.index, dash.bbox)
        below = (min(rows) + max(rows)) / 2 - BOTTOM
        assert abs(below - L.PAGE_NUMBER_GAP_MM * MM) <= HALF_MM, (s.number, page.index + 1, _mm(below))
        if page.index % 2 == 0:  # odd page
            assert abs(number.x1 - (RIGHT - CHAR_4)) <= HALF_MM, (s.number, page.index + 1, _mm(number.x1))
        else:
            assert abs(number.x0 - (LEFT + CHAR_4)) <= HALF_MM, (s.number, page.index + 1, _mm(number.x0))


def test_a_sealed_signature_is_centred_on_the_date_four_characters_from_the_right(specimen):
    """§7.3.5.1. Measured on the characters' boxes (their frames), as 右空四字 is: the ink of 日 and of 局 sits
    differently inside its frame."""
    s = specimen
    assert s.data.with_seal
    _page, organ, date = _signature(s)
    offset = (organ.x0 + organ.x1) / 2 - (date.x0 + date.x1) / 2
    assert abs(offset) <= HALF_MM, f"{s.number}: the organ's centre is {_mm(offset)} mm off the date's"
    assert abs(date.x1 - (RIGHT - 4 * CHAR)) <= HALF_MM, (s.number, _mm(date.x1))


def test_the_signature_shares_its_page_with_the_text(specimen):
    """§7.3.5.1: the seal's top stays within one line of the text, so the signature never stands on a page alone."""
    s = specimen
    page, organ, _date = _signature(s)
    above = [line for line in s.pages[page].body if line.y < organ.y]
    assert above, f"{s.number}: page {page + 1} holds the signature and its date and no text"
    if _tail_moved(s):  # the paragraph's last lines, on top of the page, flush left: the same paragraph going on
        assert abs(above[0].x0 - LEFT) <= HALF_MM, (s.number, _mm(above[0].x0))


def test_a_text_that_fills_its_last_page_takes_two_lines_to_the_signature_page():
    """Not a demo notice: a two-page text whose last paragraph (four lines) ends on the last line of page 2, so the
    signature (unsealed: a blank line, the organ, the date) does not fit under it. Page 2 keeps 20 lines, its last
    one full (the paragraph goes on), and page 3 holds the paragraph's last two lines with the signature."""
    require_libreoffice(server=True)
    words = "教育质量提升学校管理规范教师队伍建设课程改革深化"  # no marks: the lines break every 28 characters

    def text(count: int) -> str:
        return (words * (count // len(words) + 1))[:count]

    # Page 1: 12 lines of header, the title, a blank line, the addressees, then 7 lines of text; page 2: 22.
    first, last = text(25 * 28 - 2), text(4 * 28 - 3) + "。"
    data = GongwenData(
        mark="乌海市教育局文件",
        mark_mn="ᠦᠬᠠᠢ",
        header_order="zh_first",
        number="乌教发〔2024〕9号",
        title="关于做好教育质量提升工作的通知",
        addressee_text="各区教育局：",
        body=first + "\n" + last,
        signature_organ="乌海市教育局",
        signed_on=datetime.date(2024, 3, 1),
        with_seal=False,
    )
    made = docx_to_pdf(render_gongwen(data))
    pages = _pages(made)
    assert len(pages) == 3
    second, third = pages[1].body, pages[2].body
    assert len(second) == 20 and _text(second[-1]) == last[: 2 * 28 - 2][-28:], [x.text for x in second[-2:]]
    assert [_text(line) for line in third[:2]] == [last[54:82], last[82:]]
    assert abs(third[0].x0 - LEFT) <= HALF_MM  # going on, not indented
    assert [_text(line) for line in third[2:]] == ["乌海市教育局", "2024年3月1日"]


# 6. The text in 仿宋


def test_the_text_is_set_in_fangsong(specimen):
    """Every 3号 character is FandolFang (what fonts.conf gives for 仿宋_GB2312), but the headings' (黑体, 楷体) and
    紧急程度's and 密级's (黑体, §7.2.2–§7.2.3); the 版记 in 4号 仿宋 too."""
    s = specimen
    headings = [*s.headings, *filter(None, (s.data.urgency, s.data.classification))]
    wrong = []
    for page in s.pages:
        for line in text_lines(s.pdf, page.index, min_size=15.5, max_size=16.5):
            other = "".join(ch.c for ch in line.chars if ch.c.strip() and not ch.font.startswith("FandolFang"))
            if other and not any(other in heading for heading in headings):
                wrong.append((page.index + 1, line.text, line.fonts))
    _rules, rows = _imprint(s)
    for row in rows:
        for line in row:
            if any(not font.startswith("FandolFang") for font in line.fonts):
                wrong.append((len(s.pages), line.text, line.fonts))
    assert not wrong, (s.number, wrong)


# 7. Titles break between words


def _titles(s: Specimen) -> list[tuple[str, list[str]]]:
    """Each title the notice prints (its own, then its documents') with the lines it is printed in."""
    found = [(s.data.title, [_text(line) for line in s.pages[0].titles])]
    for (title, _body), start in zip(s.data.documents, _document_starts(s), strict=True):
        found.append((title, [_text(line) for line in s.pages[start].titles]))
    return found


def _ems(text: str) -> float:
    return sum(0.56 if ord(ch) < 0x2E80 else 1 for ch in text)


def _fewest_lines(title: str, breaks: set[int], per_line: float) -> int:
    """The fewest lines the title takes when it may break only at these places: each line as long as fits (which is
    the fewest; the rules against a line starting with a closing mark can only add lines)."""
    at, count = 0, 0
    while at < len(title):
        fitting = [b for b in breaks if b > at and _ems(title[at:b]) <= per_line]
        at, count = max(fitting, default=len(title)), count + 1
    return count


def test_titles_break_between_words(specimen):
    """§7.3.1 标题回行时，要做到词意完整: every break falls between two words, a document's name 《…》 that fits on a
    line is split only where keeping it whole would take another line (80号's third name: whole, it leaves 的通知
    alone on a sixth line, the inverted shape §7.3.1 forbids), a longer one has to be, and nothing is lost."""
    s = specimen
    per_line = L.TEXT_WIDTH_MM * MM / L.SIZE_2  # ems of 2号 type on a line: 20.09
    for title, lines in _titles(s):
        assert "".join(lines) == title, (s.number, lines)
        boundaries, at = set(), 0
        for word in rjieba.cut(title):
            at += len(word)
            boundaries.add(at)
        breaks = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines) - 1)]
        assert all(b in boundaries for b in breaks), (s.number, lines, list(rjieba.cut(title)))
        for upper, lower in zip(lines, lines[1:], strict=False):
            assert not (upper.endswith("办") and lower.startswith("法")), (s.number, upper, lower)
        # A name wider than a line (80号's first two, the seed's) has to break; one that fits only to save a line.
        split = []
        for found in re.finditer(r"《[^》]*》", title):
            name, start, end = found.group(), found.start(), found.end()
            if _ems(name) > per_line or any(name in x for x in lines):
                continue
            whole = {b for b in boundaries if not start < b < end}
            if _fewest_lines(title, whole, per_line) <= len(lines):
                split.append(name)
        assert not split, f"{s.number}: {split} split across the lines {lines}, though it fits whole in as many"
