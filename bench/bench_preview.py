"""How long the preview of a three-page draft takes once the converter is warm: what a reviewer waits for.

    .venv/bin/python bench/bench_preview.py [--runs 10]

A draft of three pages (the demo bureau's header, title, addressees, headings-led text, signature, 版记) is changed
by one word before each run, so that no run finds a cached preview, and previewed as the notice page does it:
render the .docx, convert it (through flat ODF, with the text check), then draw each page as the browser asks for
it. Reported: the panel (render + convert + check), the first page's image, and all three images; the target is the
panel with the first page under 0.5 s. A cached preview (the same content opened again) is timed too. The server is
started on free ports of its own and stopped at the end. Not a test: nothing here asserts a time.
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

from app import create_app  # noqa: E402
from app.documents import pdf  # noqa: E402
from app.extensions import db  # noqa: E402

TEXT = (
    "各地各校要把校园安全工作摆在突出位置，落实校长第一责任人责任，健全安全管理制度，"
    "定期开展隐患排查，确保师生生命安全。"
)
HEADINGS = ("一、加强组织领导", "二、压实安全责任", "三、开展隐患排查", "四、强化应急处置")
BODY = "\n".join(heading + "\n" + "\n".join(f"（{sub}）{TEXT * 2}" for sub in "一二") for heading in HEADINGS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def median_ms(values: list[float]) -> str:
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"median {middle * 1000:.0f} ms (min {low * 1000:.0f}, max {high * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    if not pdf.pdf_available():
        sys.exit(pdf.INSTALL_HINT)
    os.environ["UNOSERVER_PORT"], os.environ["UNO_PORT"] = str(free_port()), str(free_port())
    tmp = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/db.sqlite",
            "FILES_DIR": str(tmp / "files"),
            "PREVIEW_DIR": str(tmp / "previews"),
        }
    )
    from app.demo.loader import Loader
    from app.notices.documents import render_notice_docx
    from app.notices.models import Notice
    from app.notices.preview import page_png, preview_docx

    with app.app_context():
        db.create_all()
        Loader("bench").load_units()
        notice = Notice(
            title="乌海市教育局关于加强中小学校安全工作的通知",
            addressee_text="各区教育局、直属各学校（单位）、局机关各科室：",
            body=BODY,
            signature_organ="乌海市教育局",
            with_seal=True,
            imprint_organ="乌海市教育局办公室",
            status="draft",
            author_id=None,
        )
        notice.created_at = datetime(2024, 3, 1)
        preview_docx(render_notice_docx(notice))  # starts the server, warms LibreOffice
        panel, first, whole, pages = [], [], [], 0
        for run in range(runs + 1):
            notice.body = BODY.replace("确保", "确保" + "全体" * (run + 1), 1)  # new content: nothing cached
            started = time.perf_counter()
            shown = preview_docx(render_notice_docx(notice))
            made = time.perf_counter()
            page_png(shown.key, 1)
            drawn = time.perf_counter()
            for page in range(2, shown.pages + 1):
                page_png(shown.key, page)
            done = time.perf_counter()
            if run:  # the first after warming is still slower
                panel.append(made - started)
                first.append(drawn - started)
                whole.append(done - started)
            pages = shown.pages
        started = time.perf_counter()
        again = preview_docx(render_notice_docx(notice))
        page_png(again.key, 1)
        cached = time.perf_counter() - started
    pdf.stop_started_servers()
    print(f"draft of {pages} pages, warm converter, {runs} runs of new content")
    print(f"  panel (render .docx, convert, check text): {median_ms(panel)}")
    print(f"  panel and first page's image:             {median_ms(first)}")
    print(f"  panel and all {pages} images:                  {median_ms(whole)}")
    print(f"  the same content again (cached):           {cached * 1000:.0f} ms")
    first_page, every_page = statistics.median(first), statistics.median(whole)
    print(f"PREVIEW warm {first_page:.3f} s first page, {every_page:.3f} s all, {pages} pages")


if __name__ == "__main__":
    main()
