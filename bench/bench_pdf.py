"""How long a .docx takes to become a PDF: a one-shot soffice, a new server's first conversion, a warm server, and
4 conversions at once on a pool of 1 converter and of 2 (CONVERTERS).

    .venv/bin/python bench/bench_pdf.py [--runs 10]

The document is two pages of Chinese in the official fonts (方正小标宋简体 title, 黑体 heading, 仿宋_GB2312 body at
16 pt). The servers are started on a block of free ports of their own, so a server already running is neither used
nor disturbed, and are stopped at the end. Not a test: nothing here asserts a time.
"""

import argparse
import io
import os
import re
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

from docx import Document  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt  # noqa: E402

from app.documents import pdf  # noqa: E402

BODY = (
    "为深入贯彻落实全国教育大会精神，进一步加强和改进中小学校党的建设工作，推动学校党建与教育教学深度融合，"
    "结合我市实际，现就有关事项通知如下。"
)


def two_page_notice() -> bytes:
    document = Document()

    def paragraph(text: str, font: str, size: float) -> None:
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(size)
        fonts = OxmlElement("w:rFonts")
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), font)
        run._r.get_or_add_rPr().insert(0, fonts)

    paragraph("关于进一步加强中小学校党的建设工作的通知", "方正小标宋简体", 22)
    for section in range(3):
        paragraph(f"{'一二三'[section]}、工作要求", "黑体", 16)
        for _ in range(3):
            paragraph(BODY, "仿宋_GB2312", 16)
    return _saved(document)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def free_port_block(size: int) -> int:
    """The first of `size` consecutive free ports (converter i takes UNO_PORT + 2i and UNOSERVER_PORT + 2i), below
    Linux's ephemeral ports, which outgoing connections take."""
    for base in range(21000, 32000, 2):
        probes = [socket.socket() for _ in range(size)]
        try:
            for offset, probe in enumerate(probes):
                probe.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    sys.exit("no block of free ports")


def seconds(convert) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = convert()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="warm conversions to take the median of")
    runs = parser.parse_args().runs
    if not pdf.pdf_available():
        sys.exit(pdf.INSTALL_HINT)
    docx = two_page_notice()
    base = free_port_block(2 * POOL_SIZES[-1])
    os.environ["UNO_PORT"], os.environ["UNOSERVER_PORT"], os.environ["CONVERTERS"] = str(base), str(base + 1), "1"

    uno_python = pdf.find_uno_python()
    find_uno_python = pdf.find_uno_python
    pdf.find_uno_python = lambda: None  # nothing listens on the new port: a one-shot soffice
    once, result = seconds(lambda: pdf.docx_to_pdf(docx))
    pdf.find_uno_python = find_uno_python
    print(f"document: {len(docx)} bytes of .docx, {_pages(result)} pages of PDF")
    print(f"one-shot soffice (cold)           {once:6.2f} s")
    if uno_python is None:
        print("no Python with uno and unoserver (.venv-uno): no server to measure")
        return

    first, _ = seconds(lambda: pdf.docx_to_pdf(docx))
    warm = [seconds(lambda: pdf.docx_to_pdf(docx))[0] for _ in range(runs)]
    vertical = [seconds(lambda: pdf.docx_to_pdf(docx, vertical_mongolian=True))[0] for _ in range(max(3, runs // 3))]
    print(f"server start-up + first (cold)    {first:6.2f} s   ({uno_python})")
    print(
        f"server, warm: median of {runs:<3}      {statistics.median(warm):6.2f} s   "
        f"(min {min(warm):.2f}, max {max(warm):.2f})"
    )
    print(f"server, warm, vertical_mongolian  {statistics.median(vertical):6.2f} s   (through ODF: two conversions)")

    print(f"{AT_ONCE} conversions at once, wall time, median of {max(3, runs // 3)} (cores: {os.cpu_count()}):")
    for converters in POOL_SIZES:
        os.environ["CONVERTERS"] = str(converters)
        pdf.start_pool()  # every converter warm first: the figure is conversions, not start-ups
        walls = [seconds(lambda: at_once(docx, AT_ONCE))[0] for _ in range(max(3, runs // 3))]
        print(
            f"  CONVERTERS={converters}                    {statistics.median(walls):6.2f} s   "
            f"(min {min(walls):.2f}, max {max(walls):.2f})"
        )
    pdf.stop_started_servers()


AT_ONCE = 4
POOL_SIZES = (1, 2)


def at_once(docx: bytes, count: int) -> None:
    """`count` conversions started together, as that many requests or jobs would; returns once all are done."""
    errors = []

    def convert() -> None:
        try:
            pdf.docx_to_pdf(docx)
        except pdf.PdfConversionFailed as exc:
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit(f"a conversion failed: {errors[0]}")


def _pages(result: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", result))


if __name__ == "__main__":
    main()
