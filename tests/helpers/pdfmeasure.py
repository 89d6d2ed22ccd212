"""Measure a PDF the way a reader's ruler would: where each character sits, in which font, at which size.

Built on PyMuPDF. Coordinates are PDF points (1/72 inch) with the origin at the top left of the page and y growing
downwards; pages count from 0. Font names are the embedded ones without the subset tag ("ABCDEF+"): LibreOffice
embeds Noto Serif CJK SC as "NotoSerifCJKjp-Regular-…" (the name of the CFF font that all the languages of the
collection share), so test the prefix, "NotoSerifCJK".

    page_count(pdf)                      pages
    chars(pdf, 0)                        every character: text, bbox, origin, font, size, direction
    text_lines(pdf, 0, min_size=15)      horizontal lines by baseline, top to bottom
    vertical_columns(pdf, 0)             vertical text as columns, left to right, each top to bottom
    horizontal_rules(pdf, 0)             drawn horizontal lines, top to bottom, with thickness and colour
    ink_rows(pdf, 0, clip)               the heights at which pixels inside clip carry ink
    ink_bounds(pdf, 0, clip)             the box around the ink inside clip: where the glyphs really are
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pymupdf


@dataclass(frozen=True)
class Char:
    c: str
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1
    origin: tuple[float, float]  # start of the glyph on its baseline
    font: str
    size: float
    upright: bool  # written left to right on a horizontal baseline (False: rotated, as vertical Mongolian is)


@dataclass(frozen=True)
class Line:
    y: float  # baseline
    x0: float
    x1: float
    text: str
    char_count: int  # characters that are not whitespace (U+3000 included as whitespace)
    fonts: tuple[str, ...]  # distinct, in order of appearance
    sizes: tuple[float, ...]  # distinct, in order of appearance
    chars: tuple[Char, ...]


@dataclass(frozen=True)
class Column:
    x: float  # centre
    text: str
    chars: tuple[Char, ...]  # top to bottom


def page_count(pdf: bytes) -> int:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        return document.page_count


def chars(pdf: bytes, page_no: int) -> list[Char]:
    """Every character of the page, in the order PyMuPDF reads them."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        page = document[page_no]
        # PyMuPDF cuts a span's font name to 31 characters with the subset tag; the page's font list has them whole.
        full_names = [_untagged(font[3]) for font in page.get_fonts(full=True)]
        found = []
        for block in page.get_text("rawdict")["blocks"]:
            for line in block.get("lines", []):
                upright = line["dir"] == (1.0, 0.0)
                for span in line["spans"]:
                    font = next((name for name in full_names if name.startswith(span["font"])), span["font"])
                    for char in span["chars"]:
                        found.append(
                            Char(
                                char["c"],
                                tuple(char["bbox"]),
                                tuple(char["origin"]),
                                font,
                                round(span["size"], 2),
                                upright,
                            )
                        )
        return found


def text_lines(pdf: bytes, page_no: int, *, min_size: float | None = None, max_size: float | None = None) -> list[Line]:
    """Upright characters grouped by baseline (within a fifth of their size), top to bottom, each line left to right.

    min_size/max_size keep only characters of those sizes: a title, the body, or the page numbers.
    """
    kept = [
        char
        for char in chars(pdf, page_no)
        if char.upright and (min_size is None or char.size >= min_size) and (max_size is None or char.size <= max_size)
    ]
    groups: list[list[Char]] = []
    for char in sorted(kept, key=lambda char: (char.origin[1], char.origin[0])):
        if groups and abs(char.origin[1] - groups[-1][0].origin[1]) <= char.size / 5:
            groups[-1].append(char)
        else:
            groups.append([char])
    lines = []
    for group in groups:
        group.sort(key=lambda char: char.origin[0])
        text = "".join(char.c for char in group)
        lines.append(
            Line(
                y=group[0].origin[1],
                x0=min(char.bbox[0] for char in group),
                x1=max(char.bbox[2] for char in group),
                text=text,
                char_count=sum(not c.isspace() for c in text),
                fonts=tuple(dict.fromkeys(char.font for char in group)),
                sizes=tuple(dict.fromkeys(char.size for char in group)),
                chars=tuple(group),
            )
        )
    return lines


def vertical_columns(pdf: bytes, page_no: int) -> list[Column]:
    """Characters grouped into columns by the centre of their boxes (within half their size), left to right,
    each column top to bottom. Whitespace is left out: its boxes can sit apart from the glyphs around it."""
    columns: list[list[Char]] = []
    for char in sorted(chars(pdf, page_no), key=_centre_x):
        if char.c.isspace():
            continue
        if columns and abs(_centre_x(char) - _centre_x(columns[-1][-1])) <= char.size / 2:
            columns[-1].append(char)
        else:
            columns.append([char])
    result = []
    for column in columns:
        column.sort(key=lambda char: char.bbox[1])
        centre = sum(_centre_x(char) for char in column) / len(column)
        result.append(Column(x=centre, text="".join(char.c for char in column), chars=tuple(column)))
    return result


def _centre_x(char: Char) -> float:
    return (char.bbox[0] + char.bbox[2]) / 2


def _untagged(name: str) -> str:
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isupper() else name


@dataclass(frozen=True)
class Rule:
    y: float  # its middle
    x0: float
    x1: float
    thickness: float
    color: tuple[float, ...] | None


def horizontal_rules(pdf: bytes, page_no: int) -> list[Rule]:
    """The page's horizontal lines (drawn as lines or as thin filled rectangles), top to bottom."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        rules = []
        for drawing in document[page_no].get_drawings():
            for item in drawing["items"]:
                if item[0] == "l" and abs(item[1].y - item[2].y) < 0.5:
                    x0, x1 = sorted((item[1].x, item[2].x))
                    rules.append(Rule(item[1].y, x0, x1, drawing.get("width") or 0.0, drawing.get("color")))
                elif item[0] == "re" and item[1].height < 2 and item[1].width > 20:
                    rect = item[1]
                    rules.append(Rule(rect.y0 + rect.height / 2, rect.x0, rect.x1, rect.height, drawing.get("fill")))
        return sorted(rules, key=lambda rule: rule.y)


def ink_rows(pdf: bytes, page_no: int, clip: tuple[float, float, float, float], *, zoom: float = 8) -> list[float]:
    """The heights (PDF points from the top of the page) of the pixel rows inside clip (x0, y0, x1, y1) that carry
    ink: where the glyphs really are drawn, not their font's ascent and descent."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        pixmap = document[page_no].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=pymupdf.Rect(*clip), alpha=False)
    width, samples, n = pixmap.width, pixmap.samples, pixmap.n
    rows = []
    for row in range(pixmap.height):
        line = samples[row * width * n : (row + 1) * width * n]
        if min(line) < 128:  # a dark or a saturated (red) pixel
            rows.append(clip[1] + (row + 0.5) / zoom)
    return rows


def ink_bounds(
    pdf: bytes, page_no: int, clip: tuple[float, float, float, float], *, zoom: float = 8
) -> tuple[float, float, float, float] | None:
    """The box (x0, y0, x1, y1, PDF points) around the dark or saturated pixels inside clip, or None for no ink: what a
    ruler laid on the paper measures, without the side bearings and the ascent and descent of the glyphs' boxes."""
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        pixmap = document[page_no].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=pymupdf.Rect(*clip), alpha=False)
    width, height, samples, n = pixmap.width, pixmap.height, pixmap.samples, pixmap.n
    rows, left, right = [], width, -1
    for row in range(height):
        line = samples[row * width * n : (row + 1) * width * n]
        first = _INK_BYTE.search(line)
        if first is None:
            continue
        rows.append(row)
        left = min(left, first.start() // n)
        right = max(right, (len(line) - 1 - _INK_BYTE.search(line[::-1]).start()) // n)
    if not rows:
        return None
    # The pixmap starts where PyMuPDF rounded the clip's corner to the pixel grid.
    x_origin, y_origin = pixmap.x / zoom, pixmap.y / zoom
    return (
        x_origin + left / zoom,
        y_origin + rows[0] / zoom,
        x_origin + (right + 1) / zoom,
        y_origin + (rows[-1] + 1) / zoom,
    )


_INK_BYTE = re.compile(rb"[\x00-\x7f]")  # a channel below 128: a dark or a saturated (red) pixel
