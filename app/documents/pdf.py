"""The only place that turns .docx bytes into PDF bytes: a pool of LibreOffice servers on this host.

A conversion goes to a unoserver server (LibreOffice behind an XML-RPC port, run under a Python that has Debian's
python3-uno), bytes in and bytes out: 0.1–0.3 s instead of 1–2 s for a one-shot `soffice --convert-to`. LibreOffice
converts one document at a time, so the host keeps a pool of CONVERTERS servers and a conversion has one to itself.

The pool. Converter i (0 ≤ i < CONVERTERS) listens on 127.0.0.1, XML-RPC on UNOSERVER_PORT + 2i and LibreOffice's
UNO on UNO_PORT + 2i: by default 2003 and 2002, then 2005 and 2004, and so on. A conversion takes a free converter
by locking its file, $TMPDIR/unoserver-<uid>-<XML-RPC port>.lock (flock), so every process of this user on the host
draws on the one pool, and a process that dies frees its converter with it. It prefers a converter whose server is
up; when all are taken it waits, at most CONVERT_WAIT seconds, then fails as busy (PdfConversionFailed). Only the
holder of a converter starts, kills or restarts its server, so no two processes ever do it at once:

- nothing answers on the converter's port (never started, died, stopped with the process that started it): the
  conversion starts a server there, about 7 s (unoserver waits that long for LibreOffice), and converts;
- one LibreOffice call takes more than CONVERT_TIMEOUT seconds (LibreOffice hangs): the converter's processes are
  killed and a new server started, and the conversion fails, saying so (the caller, a job queue, retries);
- a server that answers but was started by another process, or by hand, is used as it is.

A process stops the servers it started when it exits (stop_started_servers), each once the conversion it is doing
is over. Each conversion is logged (logger "app.documents.pdf", INFO) with the port of the converter that made it
and how long it waited for one.

Warm start. start_pool() starts, in parallel, every converter of the pool that is not running, and returns once all
answer. `python -m app.documents.pdf --serve` calls it and stays in the foreground until SIGTERM or SIGINT, then
stops the servers it started: run beside the app (`make run`), it makes the first conversion fast. Without it, the
first conversion on each converter waits for its server to start. Either way, a converter that dies later is started
again by the next conversion that takes it, and is then that process's to stop.

Without a uno Python, each conversion runs a one-shot soffice (slow but it works), still holding a converter, so
still at most CONVERTERS at once. Settings, from the environment, read at each conversion:

    CONVERTERS       LibreOffice servers on this host (2)
    CONVERT_TIMEOUT  seconds one LibreOffice call may take before its server is killed (120); docx_to_pdf makes two
    CONVERT_WAIT     seconds a conversion waits for a free converter before it fails as busy (60)
    UNOSERVER_PORT   converter 0's XML-RPC port (2003); converter i's is UNOSERVER_PORT + 2i
    UNO_PORT         converter 0's LibreOffice UNO port (2002); converter i's is UNO_PORT + 2i
    UNO_PYTHON       Python with `uno` and `unoserver`; else <repo>/.venv-uno/bin/python, else /usr/bin/python3
                     if it has both
    SOFFICE          LibreOffice's soffice; else the one on PATH

LibreOffice gets app/documents/fonts.conf through FONTCONFIG_FILE: it maps the official font names that the .docx
uses (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, Mongolian Baiti) to the open fonts installed on the server.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import http.client
import io
import logging
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from app.documents.pdfpages import ShortParagraph, short_paragraph

__all__ = [
    "PdfConversionFailed",
    "PdfTextMissing",
    "PdfUnavailable",
    "docx_to_pdf",
    "pdf_available",
    "start_pool",
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
# The defaults of the settings above.
CONVERTERS = 2
CONVERT_TIMEOUT = 120
CONVERT_WAIT = 60
START_TIMEOUT = 60  # seconds for a new server to answer; LibreOffice 7.4 and unoserver 3.7 take about 7 s here
STOP_WAIT = 10  # seconds a stopping process lets a conversion on its server finish
UNOSERVER_MARGIN = 10  # unoserver's own conversion timeout is ours plus this: ours fires first and kills the server

TB_LR = "tb-lr"  # ODF's name for com.sun.star.text.WritingMode2.TB_LR: columns top to bottom, left to right
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

log = logging.getLogger("app.documents.pdf")  # by name: under `python -m` this module is __main__


class PdfUnavailable(RuntimeError):
    """LibreOffice cannot be found. The message says what to install; the PDF link shows it."""

    def __init__(self, message: str = INSTALL_HINT):
        super().__init__(message)


class PdfConversionFailed(RuntimeError):
    """LibreOffice is there but did not make the PDF (the server did not start, the document did not load, timeout,
    every converter busy)."""


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

    Both steps run on one converter of the pool, taken for the whole conversion (see the module's docstring).

    Every letter and digit of the document must be on the PDF's pages: a PDF that lacks any raises PdfTextMissing,
    naming the paragraph (a font without the glyphs, a layout LibreOffice drops text from).
    """
    flat = not _text_box_in_header_or_footer(docx)
    started = time.monotonic()
    with _converter_taken() as (converter, waited):
        odf = _convert(docx, "fodt" if flat else "odt", converter)
        made = _convert(_as_word_lays_out(odf, vertical=vertical_mongolian, flat=flat), "pdf", converter)
    log.info(
        "converted a .docx to PDF with converter %d (127.0.0.1:%d) in %.2f s, %.2f s of it waiting for it",
        converter.index,
        converter.port,
        time.monotonic() - started,
        waited,
        extra={"converter_port": converter.port, "converter_waited": waited},
    )
    short = short_paragraph(docx, made)
    if short is not None:
        raise PdfTextMissing(short)
    return made


def start_pool() -> list[int]:
    """Start, in parallel, every converter of this host's pool that is not running; return once all answer.

    The XML-RPC ports of the pool, in order. A converter that is converting now is left alone (it runs). The servers
    this starts are this process's: stopped at its exit. Raises PdfUnavailable without LibreOffice or without a uno
    Python (one-shot conversions have nothing to keep warm), PdfConversionFailed when a server does not start.
    """
    soffice, uno_python = find_soffice(), find_uno_python()
    if soffice is None or uno_python is None:
        raise PdfUnavailable()
    converters = pool()
    failures: list[PdfConversionFailed] = []

    def warm(converter: Converter) -> None:
        handle = _try_lock(converter.lock_path)
        if handle is None:
            return
        try:
            if not _server_answers(converter.port):
                _start_server(converter, uno_python, soffice)
        except PdfConversionFailed as exc:
            failures.append(exc)
        finally:
            os.close(handle)

    threads = [threading.Thread(target=warm, args=(converter,)) for converter in converters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [converter.port for converter in converters]


# Discovery and settings: plain functions, so that a test can replace them.


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


def _setting(name: str, default: float) -> float:
    value = os.environ.get(name) or default
    try:
        number = float(value)
    except ValueError:
        raise PdfConversionFailed(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise PdfConversionFailed(f"{name} must be more than 0, not {value!r}")
    return number


def _ports() -> tuple[int, int]:
    return int(os.environ.get("UNOSERVER_PORT", 2003)), int(os.environ.get("UNO_PORT", 2002))


def _libreoffice_env(tmp: Path) -> dict[str, str]:
    # TMPDIR: LibreOffice leaves its lu*.tmp folders behind when it is killed; inside ours, they go with it.
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "TMPDIR": str(tmp)}


# The pool


@dataclass(frozen=True)
class Converter:
    """One place in the pool: a server's two ports, and the lock its user holds."""

    index: int
    port: int  # unoserver's XML-RPC
    uno_port: int  # LibreOffice's, which unoserver talks to

    @property
    def lock_path(self) -> Path:
        return _lock_path(self.port)


def _lock_path(port: int) -> Path:
    return Path(tempfile.gettempdir()) / f"unoserver-{os.getuid()}-{port}.lock"


def pool() -> list[Converter]:
    """This host's converters, as the settings say."""
    count = _setting("CONVERTERS", CONVERTERS)
    if count != int(count):
        raise PdfConversionFailed(f"CONVERTERS must be a whole number, not {os.environ['CONVERTERS']!r}")
    port, uno_port = _ports()
    converters = [Converter(i, port + 2 * i, uno_port + 2 * i) for i in range(int(count))]
    taken = [number for converter in converters for number in (converter.port, converter.uno_port)]
    if len(set(taken)) != len(taken):
        raise PdfConversionFailed(
            f"UNOSERVER_PORT {port} and UNO_PORT {uno_port} give {int(count)} converters overlapping ports "
            f"(converter i uses UNOSERVER_PORT + 2i and UNO_PORT + 2i): make them differ by an odd number"
        )
    return converters


def _try_lock(path: Path) -> int | None:
    """The open, locked file; None when another holder has it. Closing it releases the lock."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle


def _lock_within(path: Path, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while (handle := _try_lock(path)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return handle


@contextlib.contextmanager
def _converter_taken() -> Iterator[tuple[Converter, float]]:
    """A converter of the pool to this caller alone, and how long it waited for it; PdfConversionFailed (busy) when
    none was free within CONVERT_WAIT."""
    converters, wait = pool(), _setting("CONVERT_WAIT", CONVERT_WAIT)
    started = time.monotonic()
    while (taken := _take_free(converters)) is None:
        if time.monotonic() - started >= wait:
            raise PdfConversionFailed(
                f"All {len(converters)} PDF converters of this server are busy: none was free within {wait:g} s "
                "(CONVERT_WAIT). Try again in a moment."
            )
        time.sleep(0.05)
    converter, handle = taken
    try:
        yield converter, time.monotonic() - started
    finally:
        os.close(handle)


def _take_free(converters: list[Converter]) -> tuple[Converter, int] | None:
    """A free converter, locked: one whose server is up if any (no start-up to wait for), else the first free one."""
    spare = None
    for converter in converters:
        handle = _try_lock(converter.lock_path)
        if handle is None:
            continue
        if _listening(converter.port):
            if spare is not None:
                os.close(spare[1])
            return converter, handle
        if spare is None:
            spare = (converter, handle)
        else:
            os.close(handle)
    return spare


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def _convert(data: bytes, convert_to: str, converter: Converter) -> bytes:
    """On the converter's server; else a new server there; else (no uno Python) a one-shot soffice."""
    try:
        return _convert_on_server(data, convert_to, converter)
    except ConnectionRefusedError:
        pass  # no server there yet, or it has died
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable()
    uno_python = find_uno_python()
    if uno_python is None:
        return _convert_once(data, convert_to, soffice)
    _start_server(converter, uno_python, soffice)
    return _convert_on_server(data, convert_to, converter)


# The servers


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _convert_on_server(data: bytes, convert_to: str, converter: Converter) -> bytes:
    """unoserver's convert (API 3), bytes in and bytes out. ConnectionRefusedError when nothing listens."""
    timeout = _setting("CONVERT_TIMEOUT", CONVERT_TIMEOUT)
    address = f"127.0.0.1:{converter.port}"
    proxy = xmlrpc.client.ServerProxy(f"http://{address}", allow_none=True, transport=_TimeoutTransport(timeout))
    try:
        # inpath, indata, outpath, convert_to, filtername, filter_options, update_index, infiltername, password
        result = proxy.convert(None, data, None, convert_to, None, [], True, None, None)
    except TimeoutError:
        _kill_server(converter)
        problem = f"LibreOffice took more than {timeout:g} s (CONVERT_TIMEOUT) to convert the document to {convert_to}"
        soffice, uno_python = find_soffice(), find_uno_python()
        if soffice is None or uno_python is None:
            raise PdfConversionFailed(f"{problem}; its server on {address} was stopped.") from None
        try:
            _start_server(converter, uno_python, soffice)  # the pool stays warm: the next conversion needs no start
        except PdfConversionFailed as exc:
            raise PdfConversionFailed(
                f"{problem}; its server on {address} was stopped, and did not start again: {exc}"
            ) from None
        raise PdfConversionFailed(f"{problem}; its server on {address} was stopped and started again.") from None
    except ConnectionRefusedError:
        raise
    except (ConnectionError, http.client.HTTPException) as exc:
        raise PdfConversionFailed(
            f"The LibreOffice server on {address} stopped during the conversion to {convert_to} ({exc!r}); "
            "the next conversion starts it again."
        ) from exc
    except xmlrpc.client.Fault as exc:
        raise PdfConversionFailed(f"LibreOffice could not convert to {convert_to}: {exc.faultString}") from exc
    except xmlrpc.client.ProtocolError as exc:
        raise PdfConversionFailed(f"Something other than unoserver answers on {address}: {exc}") from exc
    return result.data


def _server_answers(port: int, timeout: float = 2.0) -> bool:
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}", transport=_TimeoutTransport(timeout))
    try:
        return "api" in proxy.info()
    except (OSError, xmlrpc.client.Error, http.client.HTTPException):
        return False


class _StartedServer:
    """A server this process started: stopped at exit, by this process only (not by a forked child)."""

    def __init__(self, process: subprocess.Popen, workdir: Path):
        self.process, self.workdir, self.owner_pid = process, workdir, os.getpid()

    def stop(self) -> None:
        if os.getpid() != self.owner_pid:
            return
        # The whole process group: unoserver and the soffice it started. unoserver 3.7 does not always exit on
        # SIGTERM once LibreOffice has gone, hence the SIGKILL after a short wait. A group already killed (by a
        # conversion that timed out) still has its unreaped leader, so these signals cannot reach another one.
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


_started_lock = threading.Lock()
_started: dict[int, _StartedServer] = {}  # by XML-RPC port


@atexit.register
def stop_started_servers() -> None:
    """Stop the servers this process started (at exit; tests call it too), each once the conversion it is doing is
    over (STOP_WAIT at most). Servers of other processes stay."""
    with _started_lock:
        servers = [(port, server) for port, server in _started.items() if server.owner_pid == os.getpid()]
        # (not a forked child's copy of its parent's servers)

    def stop(port: int, server: _StartedServer) -> None:
        handle = _lock_within(_lock_path(port), STOP_WAIT)
        try:
            server.stop()
            with _started_lock:
                if _started.get(port) is server:
                    del _started[port]
        finally:
            if handle is not None:
                os.close(handle)

    # In parallel: each can take seconds (its conversion, then LibreOffice's exit).
    threads = [threading.Thread(target=stop, args=item) for item in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _forget_started(port: int) -> None:
    with _started_lock:
        server = _started.pop(port, None)
    if server is not None:
        server.stop()


def _server_processes(converter: Converter) -> list[int]:
    """The processes of whatever server runs on the converter's ports, whoever started it: unoserver (by its --port)
    and LibreOffice (by the UNO port in its --accept)."""
    accept = f",port={converter.uno_port},".encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        unoserver = b"unoserver.server" in args and any(
            flag == b"--port" and value == str(converter.port).encode()
            for flag, value in zip(args, args[1:], strict=False)
        )
        libreoffice = any(arg.startswith(b"--accept=") and accept in arg for arg in args)
        if unoserver or libreoffice:
            found.append(int(cmdline.parent.name))
    return found


def _kill_server(converter: Converter) -> None:
    """SIGKILL the converter's server, hung or half dead, and wait until its ports are free to listen on again."""
    for pid in _server_processes(converter):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:  # a group leader: unoserver started by us, with its LibreOffice
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
    _forget_started(converter.port)  # reaps it when it was ours
    deadline = time.monotonic() + 5
    while _server_processes(converter) and time.monotonic() < deadline:
        time.sleep(0.05)  # a killed process of another parent lingers until that parent reaps it (cmdline empty)
    log.warning("killed the LibreOffice server on 127.0.0.1:%d", converter.port)


def _start_server(converter: Converter, uno_python: str, soffice: str) -> None:
    """A new server on the converter (whose lock the caller holds), in place of anything left on its ports."""
    port = converter.port
    if _server_processes(converter):
        _kill_server(converter)  # what is left of one that died or hung
    else:
        _forget_started(port)  # ours, but gone: reaped
    workdir = Path(tempfile.mkdtemp(prefix=f"unoserver-{port}-"))
    (workdir / "tmp").mkdir()
    log_path = workdir / "server.log"
    timeout = _setting("CONVERT_TIMEOUT", CONVERT_TIMEOUT)
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
        str(converter.uno_port),
        "--executable",
        soffice,
        "--user-installation",
        str(workdir / "profile"),
        "--temp-dir",
        str(workdir / "tmp"),  # where unoserver puts the bytes it converts
        "--conversion-timeout",
        str(math.ceil(timeout) + UNOSERVER_MARGIN),
    ]
    started = time.monotonic()
    try:
        with open(log_path, "wb") as server_log:
            process = subprocess.Popen(
                command,
                env=_libreoffice_env(workdir / "tmp"),
                stdin=subprocess.DEVNULL,
                stdout=server_log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                start_new_session=True,
            )
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PdfConversionFailed(f"Cannot run {uno_python} (UNO_PYTHON) to start unoserver: {exc}") from exc
    server = _StartedServer(process, workdir)
    while not _server_answers(port):
        problem = None
        if process.poll() is not None:
            problem = f"unoserver exited with status {process.returncode}"
        elif time.monotonic() - started > START_TIMEOUT:
            problem = f"unoserver did not answer on 127.0.0.1:{port} within {START_TIMEOUT} s"
        if problem:
            log_tail = log_path.read_text(errors="replace")[-2000:]
            server.stop()
            raise PdfConversionFailed(f"{problem} ({' '.join(command)}). Its log ends with:\n{log_tail}")
        time.sleep(0.2)
    with _started_lock:
        _started[port] = server
    log.info(
        "started converter %d on 127.0.0.1:%d (process %d) in %.1f s",
        converter.index,
        port,
        process.pid,
        time.monotonic() - started,
        extra={"converter_port": port, "converter_pid": process.pid},
    )


# The one-shot fallback


def _convert_once(data: bytes, convert_to: str, soffice: str) -> bytes:
    """`soffice --convert-to` in a temporary folder with a profile of its own (~1.2 s on top of the work)."""
    timeout = _setting("CONVERT_TIMEOUT", CONVERT_TIMEOUT)
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
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionFailed(
                f"soffice took more than {timeout:g} s (CONVERT_TIMEOUT) to convert the document"
            ) from None
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


# The warm pool, in the foreground


def serve() -> int:
    """Start the pool, warm, and keep it until SIGTERM or SIGINT; then stop the servers this started."""
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        ports = start_pool()
    except (PdfUnavailable, PdfConversionFailed) as exc:
        log.error("the PDF converters did not start: %s", exc)
        stop_started_servers()
        return 1
    print(
        f"{len(ports)} PDF converters ready on 127.0.0.1, XML-RPC ports {', '.join(map(str, ports))}; "
        "SIGTERM or Ctrl-C stops them",
        flush=True,
    )
    while not stopping.wait(1):
        pass
    stop_started_servers()
    print("PDF converters stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.documents.pdf",
        description="This host's pool of LibreOffice converters (CONVERTERS, UNOSERVER_PORT, UNO_PORT, …: see the "
        "docstring of app/documents/pdf.py).",
    )
    parser.add_argument(
        "--serve", action="store_true", help="start the pool warm and stay in the foreground until SIGTERM or SIGINT"
    )
    if not parser.parse_args(argv).serve:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    return serve()


if __name__ == "__main__":
    sys.exit(main())
