"""The seed notice's .docx, against raw python-docx writing the same paragraphs, in one process.

    .venv/bin/python bench/bench_docx.py

Target: our rendering at most 1.5 times the raw python-docx time. Prints both and the ratio.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

import docx  # noqa: E402

from app import create_app  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from app.documents.formats import render_gongwen  # noqa: E402
from app.documents.text import paragraphs  # noqa: E402
from app.extensions import db  # noqa: E402
from app.notices.documents import gongwen_data  # noqa: E402
from app.notices.models import Notice  # noqa: E402


def raw_python_docx(data) -> bytes:
    """The same paragraphs, plain: what python-docx costs with no formatting at all."""
    document = docx.Document()
    document.add_paragraph(data.mark)
    document.add_paragraph(data.mark_mn)
    document.add_paragraph(data.number)
    document.add_paragraph(data.title)
    document.add_paragraph(data.addressee_text)
    for p in paragraphs(data.body):
        document.add_paragraph(p.text)
    document.add_paragraph(data.signature_organ)
    for title, body in data.documents:
        document.add_paragraph(title)
        for p in paragraphs(body):
            document.add_paragraph(p.text)
    for lines in data.rosters.values():
        for line in lines:
            document.add_paragraph(f"{line.role} {line.who} {line.title}")
    document.add_paragraph(data.imprint_organ)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed(function, rounds: int) -> list[float]:
    function()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "FILES_DIR": f"{tmp}/files"})
        with app.app_context():
            db.create_all()
            load_demo("bench-password")
            data = gongwen_data(db.session.scalar(db.select(Notice)))
            rounds = 30
            ours = timed(lambda: render_gongwen(data), rounds)
            raw = timed(lambda: raw_python_docx(data), rounds)
    ours_ms, raw_ms = statistics.median(ours), statistics.median(raw)
    print(f"seed notice .docx (GB/T 9704 layout): median {ours_ms:7.1f} ms over {rounds} runs")
    print(f"raw python-docx, same paragraphs:     median {raw_ms:7.1f} ms")
    print(f"ratio: {ours_ms / raw_ms:.2f}x (target at most 1.5x)")


if __name__ == "__main__":
    main()
