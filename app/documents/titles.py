"""Breaking a long title into lines (GB/T 9704-2012 §7.3.1): "标题回行时，要做到词意完整，排列对称，长短适宜，间距恰当，
标题排列应当使用梯形或菱形".

- Lines break between words, never inside one: the words come from rjieba (the jieba segmenter, with its own
  dictionary), joined into units that must stay whole: a quoted term (“县管校聘”), a bracketed note (（试行）), a
  number with its unit (2023年). A break inside a document's name 《…》 is allowed only when nothing better fits.
- Lines are measured, not counted: a Chinese character is one em, a Latin letter or a digit a little over half.
- Their lengths make a trapezoid (each line no shorter than the one above) or a diamond (longest in the middle),
  never the inverted trapezoid or the sandglass; among those, the most even lengths and the fewest lines win.
"""

from __future__ import annotations

from functools import lru_cache

import rjieba

from app.documents import layout as L

# What fits on a line of 2号 type across the 156 mm text block: 20.09 ems.
TITLE_EMS_PER_LINE = L.TEXT_WIDTH_MM / (L.SIZE_2 * 25.4 / 72)

_CLOSING = "，。、；：！？》）〕”’」』"
_OPENING = "《（〔“‘「『"
# A line may end after these (and the next begin before "《"): the seams of a title.
_SEAMS_AFTER = ("关于", "印发", "转发", "批转", "》", "、", "，", "和", "及", "与")
# …and begin with these: where what the title is about starts.
_SEAMS_BEFORE = (
    "《",
    "全市",
    "全区",
    "全旗",
    "全县",
    "全盟",
    "全省",
    "全国",
    "进一步",
    "加快",
    "推进",
    "实施",
    "开展",
    "做好",
    "加强",
    "若干",
)
_DOCUMENT_KINDS = ("通知", "通报", "意见", "决定", "报告", "请示", "批复", "函", "纪要", "规定", "办法", "方案")
_UNIT_AFTER_NUMBER = tuple("年月日号届期次项个所名万亿%")
# Lines whose lengths differ by less than this count as equal (an em: one character).
_EVEN = 1.0


def em_width(text: str) -> float:
    """Width in ems of the title's type: ASCII letters and digits a little over half an em (the fonts' 0.55)."""
    return sum(0.56 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str, per_line: float = TITLE_EMS_PER_LINE) -> list[str]:
    """The title's lines, each at most per_line ems wide."""
    return list(_title_lines(title, per_line))


@lru_cache(maxsize=256)
def _title_lines(title: str, per_line: float) -> tuple[str, ...]:
    """Remembered: a rendering asks for a title's lines several times (the title, the page-1 count), the segmenter
    and the search over layouts take a few milliseconds."""
    if em_width(title) <= per_line:
        return (title,)
    units = _units(title)
    widths = [em_width(u) for u in units]
    fewest = -(-sum(widths) // per_line)
    best: tuple[float, list[int]] | None = None
    # Ends of lines are unit indexes; try the fewest lines first and one more.
    for count in (int(fewest), int(fewest) + 1):
        for ends in _layouts(widths, count, per_line):
            cost = _cost(units, widths, ends, count - fewest)
            if best is None or cost < best[0]:
                best = (cost, ends)
    if best is None:  # no unit boundaries fit (one enormous unit): cut by width, as a last resort
        return tuple(_by_width(title, per_line))
    lines, start = [], 0
    for end in best[1]:
        lines.append("".join(units[start:end]))
        start = end
    return tuple(lines)


def _units(title: str) -> list[str]:
    """rjieba's words, joined where a line must not break."""
    words = [w for w in rjieba.cut(title) if w]
    units: list[str] = []
    depth_quote = depth_paren = 0
    for word in words:
        joined = bool(units) and (
            depth_quote
            or depth_paren
            or word[0] in _CLOSING
            or units[-1][-1] in _OPENING
            or (units[-1][-1].isdigit() and word.startswith(_UNIT_AFTER_NUMBER))
            or (units[-1][-1].isascii() and units[-1][-1].isalnum() and word[0].isascii() and word[0].isalnum())
        )
        if joined:
            units[-1] += word
        else:
            units.append(word)
        depth_quote += word.count("“") - word.count("”")
        depth_paren += word.count("（") + word.count("(") - word.count("）") - word.count(")")
        depth_quote, depth_paren = max(depth_quote, 0), max(depth_paren, 0)
    return units


def _layouts(widths: list[float], count: int, per_line: float):
    """Every way of putting the units on `count` lines of at most per_line ems: the lines' end indexes."""
    n = len(widths)
    prefix = [0.0]
    for width in widths:
        prefix.append(prefix[-1] + width)

    def place(start: int, left: int):
        if left == 1:
            if prefix[n] - prefix[start] <= per_line:
                yield [n]
            return
        for end in range(start + 1, n - left + 2):
            if prefix[end] - prefix[start] > per_line:
                break
            # What is left must fit on the lines left.
            if prefix[n] - prefix[end] > per_line * (left - 1):
                continue
            for rest in place(end, left - 1):
                yield [end, *rest]

    yield from place(0, count)


def _cost(units: list[str], widths: list[float], ends: list[int], extra_lines: float) -> float:
    lines, start = [], 0
    for end in ends:
        lines.append(sum(widths[start:end]))
        start = end
    cost = 25.0 * extra_lines + _shape_cost(lines)
    depth = 0
    for index, unit in enumerate(units[:-1], start=1):
        depth += unit.count("《") - unit.count("》")
        if index in ends:
            cost += _break_cost(unit, units[index], depth)
    return cost


def _break_cost(before: str, after: str, depth: int) -> float:
    """0 at a seam of the title, 3 between two words, more inside a document's name."""
    if after.startswith(_CLOSING) or before.endswith(tuple(_OPENING)):
        return 100.0
    if before.endswith(_SEAMS_AFTER) or after.startswith(_SEAMS_BEFORE) or _starts_kind(after):
        cost = 0.0
    else:
        cost = 3.0
    return cost + 6.0 * depth


def _starts_kind(text: str) -> bool:
    """The last words of a title: 的通知, 的实施意见 …"""
    rest = text[1:] if text.startswith("的") else text
    return text.startswith("的") and rest.startswith(_DOCUMENT_KINDS)


def _shape_cost(lines: list[float]) -> float:
    """A trapezoid (no line shorter than the one above) or a diamond (up, then down) costs only its unevenness."""
    if len(lines) == 1:
        return 0.0
    peak = max(range(len(lines)), key=lambda i: (lines[i], -i))
    bad = 0.0
    for i in range(len(lines) - 1):
        step = lines[i + 1] - lines[i]
        if i < peak and step < -_EVEN:  # shorter on the way up
            bad += -step
        if i >= peak and step > _EVEN:  # longer on the way down: a sandglass
            bad += step
    if peak == 0 and lines[1] < lines[0] - _EVEN:  # the widest line on top: an inverted trapezoid
        bad += lines[0] - lines[1]
    # A diamond's last line is no longer than its first (else it is a trapezoid with a bulge).
    return 8.0 * bad + 0.3 * (max(lines) - min(lines))


def _by_width(title: str, per_line: float) -> list[str]:
    lines, line = [], ""
    for ch in title:
        if em_width(line + ch) > per_line:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines
