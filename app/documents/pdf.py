"""The only place that turns .docx bytes into PDF bytes: LibreOffice, kept running between conversions.

On first use this starts a unoserver server (LibreOffice behind an XML-RPC port) under a Python that has Debian's
python3-uno, and every conversion after that goes to it through unoserver's client, bytes in and bytes out:
0.1–0.3 s instead of 1–2 s for a one-shot `soffice --convert-to`. Where to find things:

    UNO_PYTHON       Python with `uno` and `unoserver`; else <repo>/.venv-uno/bin/python, else /usr/bin/python3
                     if it has both
    SOFFICE          LibreOffice's soffice; else the one on PATH
    UNOSERVER_PORT   the server's XML-RPC port on 127.0.0.1 (2003)
    UNO_PORT         LibreOffice's own UNO port on 127.0.0.1 (2002)

A server that already answers on UNOSERVER_PORT (another gunicorn worker started it) is used as it is; start-up is
serialised by a lock file, so workers that start together make one server. The process that started the server
stops it when it exits. Without a uno Python, each conversion runs a one-shot soffice (slow but it works).

LibreOffice gets app/documents/fonts.conf through FONTCONFIG_FILE: it maps the official font names that the .docx
uses (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, Mongolian Baiti) to the open fonts installed on the server.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
import zipfile
from pathlib import Path

from lxml import etree
from unoserver.client import UnoClient

from app.documents.pdfpages import ShortParagraph, short_paragraph

__all__ = [
    "PdfConversionFailed",
    "PdfTextMissing",
    "PdfUnavailable",
    "docx_to_pdf",
    "pdf_available",
    "stop_started_servers",
]

APT_PACKAGES = (
    "libreoffice-writer-nogui python3-uno python3-venv poppler-utils fonts-noto-cjk fonts-noto-core fonts-arphic-ukai"
)
INSTALL_HINT = (
    "PDF needs LibreOffice and the open fonts, which are not installed on this server. As root: "
    f"apt-get update && apt-get install -y --no-install-recommends {APT_PACKAGES}, "
    "then scripts/install-pdf-fonts (the FangSong, Kai and bold Song faces); "
    "then, for fast conversions, in the app's folder: /usr/bin/python3 -m venv --system-site-packages .venv-uno "
    "&& .venv-uno/bin/pip install unoserver==3.7 (or set SOFFICE and UNO_PYTHON to their paths)."
)

REPO = Path(__file__).resolve().parents[2]
FONTS_CONF = Path(__file__).resolve().with_name("fonts.conf")
START_TIMEOUT = 60  # seconds for a new server to answer; LibreOffice 7.4 and unoserver 3.7 take about 6 s here
CONVERT_TIMEOUT = 120  # seconds for one conversion; past it unoserver ends LibreOffice and exits (next one restarts)

TB_LR = "tb-lr"  # ODF's name for com.sun.star.text.WritingMode2.TB_LR: columns top to bottom, left to right
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


class PdfUnavailable(RuntimeError):
    """LibreOffice cannot be found. The message says what to install; the PDF link shows it."""

    def __init__(self, message: str = INSTALL_HINT):
        super().__init__(message)


class PdfConversionFailed(RuntimeError):
    """LibreOffice is there but did not make the PDF (the server did not start, the document did not load, timeout)."""


class PdfTextMissing(PdfConversionFailed):
    """LibreOffice made a PDF that lacks text of the document: it must not be published."""

    def __init__(self, paragraph: ShortParagraph):
        self.paragraph = paragraph
        excerpt = paragraph.text if len(paragraph.text) <= 40 else paragraph.text[:40] + "…"
        super().__init__(
            f"The PDF lacks {paragraph.missing} of the characters of paragraph {paragraph.number} "
            f"(“{excerpt}”), so it was not kept; the .docx is complete."
        )


def pdf_available() -> bool:
    """Whether docx_to_pdf can work here: cheap enough to decide whether to show a PDF link."""
    return find_soffice() is not None


def docx_to_pdf(docx: bytes, *, vertical_mongolian: bool = False) -> bytes:
    """The PDF of a .docx, laid out by LibreOffice with the fonts of fonts.conf, as Word lays the .docx out.

    The document goes through ODF, LibreOffice's own format, where two things the .docx says but LibreOffice 7.4
    ignores on import are set on every paragraph style and page layout:

    - no extra space between Chinese and Latin letters or digits (`w:autoSpaceDE`/`w:autoSpaceDN` off in the .docx,
      `style:text-autospace="none"` in ODF): without it a line with digits is wider than Word makes it, and the
      signature stops being centred on its date;
    - vertical_mongolian: every page written in vertical columns, left to right, as traditional Mongolian is
      (`<w:textDirection w:val="tbLrV"/>`; `style:writing-mode="tb-lr"`, what the page style's WritingMode = TB_LR is
      over UNO; it gives the same glyph positions).

    Flat ODF (one XML file, .fodt), which LibreOffice writes in half the time of a zipped .odt (whose export draws a
    thumbnail of the first page), unless a header or footer holds a text box: after a flat round trip LibreOffice
    7.4 loses the page number of the tasks table's turned footer on its first page (measured), a zipped one keeps it.

    Every letter and digit of the document must be on the PDF's pages: a PDF that lacks any raises PdfTextMissing,
    naming the paragraph (a font without the glyphs, a layout LibreOffice drops text from).
    """
    flat = not _text_box_in_header_or_footer(docx)
    odf = _convert(docx, "fodt" if flat else "odt")
    made = _convert(_as_word_lays_out(odf, vertical=vertical_mongolian, flat=flat), "pdf")
    short = short_paragraph(docx, made)
    if short is not None:
        raise PdfTextMissing(short)
    return made


# Discovery: plain functions, so that a test can replace them.


def find_soffice() -> str | None:
    return shutil.which(os.environ.get("SOFFICE") or "soffice")


def find_uno_python() -> str | None:
    if os.environ.get("UNO_PYTHON"):
        return os.environ["UNO_PYTHON"]
    venv_python = REPO / ".venv-uno" / "bin" / "python"
    if venv_python.exists():
        return str(venv_python)
    system_python = "/usr/bin/python3"
    if os.access(system_python, os.X_OK):
        probe = subprocess.run([system_python, "-c", "import uno, unoserver"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return system_python
    return None


def _ports() -> tuple[int, int]:
    return int(os.environ.get("UNOSERVER_PORT", 2003)), int(os.environ.get("UNO_PORT", 2002))


def _libreoffice_env(tmp: Path) -> dict[str, str]:
    # TMPDIR: LibreOffice leaves its lu*.tmp folders behind when it is killed; inside ours, they go with it.
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "TMPDIR": str(tmp)}


def _convert(data: bytes, convert_to: str) -> bytes:
    """Through the running server; else start one; else a one-shot soffice."""
    port, uno_port = _ports()
    try:
        return _convert_on_server(data, convert_to, port)
    except ConnectionError:
        pass  # no server yet, or it has stopped
    except PdfConversionFailed:
        # What a conversion also gets when the server stops under it (the worker that started it exited, and
        # took it along): then convert again on a new server. The lock waits for a stop in progress to finish.
        with _start_lock_file():
            if _server_answers(port):
                raise
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable()
    uno_python = find_uno_python()
    if uno_python is None:
        return _convert_once(data, convert_to, soffice)
    _start_server(uno_python, soffice, port, uno_port)
    return _convert_on_server(data, convert_to, port)


# The server


class _LocalClient(UnoClient):
    """unoserver's client, failing at once when nothing listens: its own default retries for 40 s."""

    def _connect(self, proxy, retries=1, sleep=0):
        return super()._connect(proxy, retries=1, sleep=0)


def _convert_on_server(data: bytes, convert_to: str, port: int) -> bytes:
    try:
        return _LocalClient("127.0.0.1", str(port)).convert(indata=data, convert_to=convert_to)
    except xmlrpc.client.Fault as exc:
        raise PdfConversionFailed(f"LibreOffice could not convert to {convert_to}: {exc.faultString}") from exc
    except xmlrpc.client.ProtocolError as exc:
        raise PdfConversionFailed(f"Something other than unoserver answers on 127.0.0.1:{port}: {exc}") from exc


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _server_answers(port: int, timeout: float = 2.0) -> bool:
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}", transport=_TimeoutTransport(timeout))
    try:
        return "api" in proxy.info()
    except (OSError, xmlrpc.client.Error):
        return False


class _StartedServer:
    """A server this process started: stopped at exit, by this process only (not by a forked child)."""

    def __init__(self, process: subprocess.Popen, workdir: Path):
        self.process, self.workdir, self.owner_pid = process, workdir, os.getpid()

    def stop(self) -> None:
        if os.getpid() != self.owner_pid:
            return
        # The whole process group: unoserver and the soffice it started. unoserver 3.7 does not always exit on
        # SIGTERM once LibreOffice has gone, hence the SIGKILL after a short wait.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)


_start_lock = threading.Lock()
_started: dict[int, _StartedServer] = {}  # by XML-RPC port


@atexit.register
def stop_started_servers() -> None:
    """Stop the servers this process started (at exit; tests call it too). Servers of other processes stay."""
    if not _started:
        return
    with _start_lock_file():  # other workers restart it only once it is gone and its ports are free
        for server in _started.values():
            server.stop()
        _started.clear()


@contextlib.contextmanager
def _start_lock_file():
    """One start-up at a time across the processes of this user (gunicorn workers)."""
    with open(Path(tempfile.gettempdir()) / f"unoserver-start-{os.getuid()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _start_server(uno_python: str, soffice: str, port: int, uno_port: int) -> None:
    with _start_lock, _start_lock_file():
        if _server_answers(port):
            return  # another thread or worker started it meanwhile
        if port in _started:  # ours, but it no longer answers
            _started.pop(port).stop()
        workdir = Path(tempfile.mkdtemp(prefix=f"unoserver-{port}-"))
        (workdir / "tmp").mkdir()
        log_path = workdir / "server.log"
        command = [
            uno_python,
            "-m",
            "unoserver.server",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--uno-interface",
            "127.0.0.1",
            "--uno-port",
            str(uno_port),
            "--executable",
            soffice,
            "--user-installation",
            str(workdir / "profile"),
            "--temp-dir",
            str(workdir / "tmp"),  # where unoserver puts the bytes it converts
            "--conversion-timeout",
            str(CONVERT_TIMEOUT),
        ]
        try:
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    command,
                    env=_libreoffice_env(workdir / "tmp"),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=workdir,
                    start_new_session=True,
                )
        except OSError as exc:
            shutil.rmtree(workdir, ignore_errors=True)
            raise PdfConversionFailed(f"Cannot run {uno_python} (UNO_PYTHON) to start unoserver: {exc}") from exc
        server = _StartedServer(process, workdir)
        deadline = time.monotonic() + START_TIMEOUT
        while not _server_answers(port):
            problem = None
            if process.poll() is not None:
                problem = f"unoserver exited with status {process.returncode}"
            elif time.monotonic() > deadline:
                problem = f"unoserver did not answer on 127.0.0.1:{port} within {START_TIMEOUT} s"
            if problem:
                log_tail = log_path.read_text(errors="replace")[-2000:]
                server.stop()
                raise PdfConversionFailed(f"{problem} ({' '.join(command)}). Its log ends with:\n{log_tail}")
            time.sleep(0.2)
        _started[port] = server


# The one-shot fallback


def _convert_once(data: bytes, convert_to: str, soffice: str) -> bytes:
    """`soffice --convert-to` in a temporary folder with a profile of its own (~1.2 s on top of the work)."""
    with tempfile.TemporaryDirectory(prefix="soffice-") as tmp:
        source = Path(tmp, "document")
        source.write_bytes(data)
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--convert-to",
            convert_to,
            "--outdir",
            str(Path(tmp, "out")),
            str(source),
        ]
        process = subprocess.Popen(
            command,
            env=_libreoffice_env(Path(tmp)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionFailed(f"soffice took more than {CONVERT_TIMEOUT} s to convert the document") from None
        result = Path(tmp, "out", f"document.{convert_to}")
        if not result.exists():
            message = output.decode(errors="replace").strip()
            raise PdfConversionFailed(f"soffice did not convert the document (status {process.returncode}): {message}")
        return result.read_bytes()


# Vertical pages


def _text_box_in_header_or_footer(docx: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return any(
            b"txbxContent" in package.read(name)
            for name in package.namelist()
            if name.startswith(("word/header", "word/footer"))
        )


def _as_word_lays_out(odf: bytes, *, vertical: bool, flat: bool) -> bytes:
    """The same ODF document (flat, or zipped) with no autospace between scripts, and (vertical) every page in
    columns, left to right."""
    if flat:
        return _set_styles(odf, vertical=vertical)
    source, output = zipfile.ZipFile(io.BytesIO(odf)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in ("styles.xml", "content.xml"):  # named and automatic styles; the page layouts
                content = _set_styles(content, vertical=vertical)
            target.writestr(item, content)  # keeps "mimetype" first and stored, as ODF requires
    return output.getvalue()


def _set_styles(xml: bytes, *, vertical: bool) -> bytes:
    root = etree.fromstring(xml, etree.XMLParser(huge_tree=True))
    for properties in root.iter(f"{{{STYLE_NS}}}paragraph-properties"):
        properties.set(f"{{{STYLE_NS}}}text-autospace", "none")
    for default in root.iter(f"{{{STYLE_NS}}}default-style"):
        if default.get(f"{{{STYLE_NS}}}family") == "paragraph":
            properties = default.find(f"{{{STYLE_NS}}}paragraph-properties")
            if properties is None:
                properties = etree.SubElement(default, f"{{{STYLE_NS}}}paragraph-properties")
            properties.set(f"{{{STYLE_NS}}}text-autospace", "none")
    if vertical:
        for properties in root.iter(f"{{{STYLE_NS}}}page-layout-properties"):
            properties.set(f"{{{STYLE_NS}}}writing-mode", TB_LR)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
