"""A notice's .docx in its format (GB/T 9704 §10): 文件 (app/documents/gongwen.py), 信函 (letter.py), 纪要
(minutes.py). The format renderers build on the 文件 one, so the choice among them is made here, above all three."""

from __future__ import annotations

from app.documents.gongwen import GongwenData, Renderer
from app.documents.letter import LetterRenderer
from app.documents.minutes import MinutesRenderer

RENDERERS = {"文件": Renderer, "信函": LetterRenderer, "纪要": MinutesRenderer}


def render_gongwen(data: GongwenData) -> bytes:
    """The notice's .docx in the format its kind names."""
    return RENDERERS[data.kind](data).render()
