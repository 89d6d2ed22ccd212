"""The pool of LibreOffice converters (app/documents/pdf.py) and the per-person bound of app/core/limits.py.

The pool is started as `make run` starts it, by `python -m app.documents.pdf --serve` in a process of its own, on a
block of free ports (so a server a developer has running is not disturbed), and stopped at the end of the module.
Tests that need LibreOffice skip, saying so, where it is not installed; under CI (CI set) they fail instead.
"""

import io
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document

from app.core.limits import Busy, bounded
from app.documents import pdf
from app.extensions import db
from tests.helpers.databases import PG_URL
from tests.helpers.pdf import require_libreoffice
from tests.helpers.pdfmeasure import page_count

REPO = Path(__file__).resolve().parents[2]
CONVERTERS = 2


def one_page_docx() -> bytes:
    document = Document()
    for _ in range(5):
        document.add_paragraph("各旗区教育局，各直属学校：现将2024年有关事项通知如下。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def free_port_block(size: int) -> int:
    """The first of `size` consecutive ports that nothing listens on, starting at an even number. Below Linux's
    ephemeral ports (32768 and up), which any outgoing connection may take between this check and the servers' start."""
    for _attempt in range(100):
        base = random.randrange(20000, 32000, 2)
        probes = []
        try:
            for port in range(base, base + size):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return base
    raise RuntimeError("no block of free ports")


def process_args(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")  # empty for a zombie
    except OSError:
        return []


def server_pid(port: int) -> int | None:
    """The unoserver server listening on this XML-RPC port, as `ps` shows it."""
    for entry in Path("/proc").glob("[0-9]*"):
        args = process_args(int(entry.name))
        if b"unoserver.server" in args and b"--port" in args and args[args.index(b"--port") + 1] == str(port).encode():
            return int(entry.name)
    return None


def libreoffice_pid(server: int) -> int:
    """soffice.bin, which the server started in its process group."""
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            continue
        if group == server and any(arg.endswith(b"soffice.bin") for arg in process_args(pid)[:1]):
            return pid
    raise AssertionError(f"no soffice.bin in the process group of {server}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def converted_on(records) -> list[tuple[int, float]]:
    """(port, seconds waited for a converter) of each conversion, from the log."""
    return [(r.converter_port, r.converter_waited) for r in records if hasattr(r, "converter_waited")]


def started_servers(records) -> list[int]:
    return [r.converter_port for r in records if hasattr(r, "converter_pid")]


@pytest.fixture(scope="module")
def served_pool():
    """CONVERTERS servers started by `--serve` in a process of its own, as `make run` starts them."""
    require_libreoffice(server=True)
    base = free_port_block(2 * CONVERTERS)
    ports = [base + 1 + 2 * i for i in range(CONVERTERS)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UNO_PORT", str(base))
        patch.setenv("UNOSERVER_PORT", str(base + 1))
        patch.setenv("CONVERTERS", str(CONVERTERS))
        for name in ("CONVERT_TIMEOUT", "CONVERT_WAIT"):
            patch.delenv(name, raising=False)
        serving = subprocess.Popen(
            [sys.executable, "-m", "app.documents.pdf", "--serve"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output: list[str] = []
        ready = threading.Event()

        def read_output():  # in a thread, so that the wait for "ready" below has a deadline
            for line in serving.stdout:
                output.append(line)
                if "ready" in line:
                    ready.set()

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + pdf.START_TIMEOUT + 30  # past it, --serve says what went wrong
            while not ready.wait(0.2):
                assert serving.poll() is None, f"--serve exited with {serving.returncode}: {''.join(output)}"
                assert time.monotonic() < deadline, f"--serve not ready: {''.join(output)}"
            yield {"ports": ports, "output": output}
        finally:
            serving.send_signal(signal.SIGTERM)
            pdf.stop_started_servers()  # meanwhile, the servers the tests restarted in this process
            serving.wait(timeout=30)
            reader.join(timeout=5)
            leftovers = [port for port in ports if server_pid(port)]
            for port in leftovers:
                os.killpg(server_pid(port), signal.SIGKILL)
    assert serving.returncode == 0, "".join(output)
    assert "PDF converters stopped" in output[-1]
    assert leftovers == []


@pytest.fixture
def slow_layout(monkeypatch):
    """Each conversion holds its converter half a second longer (between its two LibreOffice calls), so that
    conversions started together are under way together."""
    lay_out = pdf._as_word_lays_out

    def slowly(odf: bytes, *, vertical: bool, flat: bool) -> bytes:
        time.sleep(0.5)
        return lay_out(odf, vertical=vertical, flat=flat)

    monkeypatch.setattr(pdf, "_as_word_lays_out", slowly)


def convert_together(count: int) -> tuple[list[bytes], list[Exception]]:
    docx, results, errors = one_page_docx(), [], []

    def convert():
        try:
            results.append(pdf.docx_to_pdf(docx))
        except Exception as exc:  # reported by the test, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_serve_starts_the_pool_warm_and_two_conversions_at_once_use_two_servers(served_pool, slow_layout, caplog):
    caplog.set_level("INFO", logger="app.documents.pdf")
    assert f"{CONVERTERS} PDF converters ready" in "".join(served_pool["output"])
    results, errors = convert_together(2)
    assert not errors, errors
    assert [page_count(result) for result in results] == [1, 1]
    assert sorted(port for port, _waited in converted_on(caplog.records)) == served_pool["ports"]
    assert started_servers(caplog.records) == []  # warm: this process started no server


def test_with_one_converter_a_second_conversion_waits_for_the_first(served_pool, slow_layout, caplog, monkeypatch):
    caplog.set_level("INFO", logger="app.documents.pdf")
    monkeypatch.setenv("CONVERTERS", "1")
    results, errors = convert_together(2)
    assert not errors, errors
    assert [page_count(result) for result in results] == [1, 1]
    served = converted_on(caplog.records)
    assert [port for port, _waited in served] == [served_pool["ports"][0]] * 2
    assert max(waited for _port, waited in served) >= 0.4  # the second waited for the first's half second and more


def test_when_no_converter_frees_up_within_convert_wait_the_conversion_fails_as_busy(
    served_pool, slow_layout, monkeypatch
):
    monkeypatch.setenv("CONVERTERS", "1")
    monkeypatch.setenv("CONVERT_WAIT", "0.2")
    results, errors = convert_together(2)
    assert len(results) == 1 and page_count(results[0]) == 1
    (error,) = errors
    assert isinstance(error, pdf.PdfConversionFailed)
    assert "All 1 PDF converters of this server are busy: none was free within 0.2 s (CONVERT_WAIT)" in str(error)


def test_a_killed_server_is_started_again_by_the_next_conversion(served_pool, caplog, monkeypatch):
    caplog.set_level("INFO", logger="app.documents.pdf")
    monkeypatch.setenv("CONVERTERS", "1")
    port = served_pool["ports"][0]
    killed = server_pid(port)
    os.killpg(killed, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while server_pid(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server_pid(port) is None
    assert page_count(pdf.docx_to_pdf(one_page_docx())) == 1
    assert started_servers(caplog.records) == [port]
    assert server_pid(port) not in (None, killed)


def test_a_hung_conversion_fails_saying_so_and_its_server_is_replaced(served_pool, caplog, monkeypatch):
    caplog.set_level("INFO", logger="app.documents.pdf")
    monkeypatch.setenv("CONVERTERS", "1")
    monkeypatch.setenv("CONVERT_TIMEOUT", "1")
    port = served_pool["ports"][0]
    hung_server = server_pid(port)
    hung_libreoffice = libreoffice_pid(hung_server)
    os.kill(hung_libreoffice, signal.SIGSTOP)
    with pytest.raises(pdf.PdfConversionFailed) as raised:
        pdf.docx_to_pdf(one_page_docx())
    assert str(raised.value).startswith(
        f"LibreOffice took more than 1 s (CONVERT_TIMEOUT) to convert the document to fodt; its server on "
        f"127.0.0.1:{port} was stopped and started again."
    )
    assert not alive(hung_server) and not alive(hung_libreoffice)
    monkeypatch.delenv("CONVERT_TIMEOUT")
    caplog.clear()
    assert page_count(pdf.docx_to_pdf(one_page_docx())) == 1
    assert started_servers(caplog.records) == []  # the new server was up already
    assert server_pid(port) not in (None, hung_server)


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL (required under CI)")
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_person_busy_on_one_host_is_busy_on_another_on_postgresql(make_app, tmp_path):
    """Two app hosts on one database: file locks of their own, the person's lock in PostgreSQL."""
    host_a = make_app(LOCKS_DIR=str(tmp_path / "host-a"))
    host_b = make_app(LOCKS_DIR=str(tmp_path / "host-b"))
    with host_a.app_context(), bounded("pdf", person=7):
        with host_b.app_context():
            with pytest.raises(Busy) as raised, bounded("pdf", person=7):
                pass
            assert raised.value.mine
            with bounded("pdf", person=8):  # someone else: host b has slots of its own free
                pass
    with host_b.app_context(), bounded("pdf", person=7):  # free again once host a is done
        pass
    for host in (host_a, host_b):
        with host.app_context():
            assert db.engine.pool.checkedout() == 0  # every lock's connection went back


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_host_slots_default_to_the_converters(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("CONVERTERS", "3")
    app = make_app(CONVERSION_SLOTS=0, LOCKS_DIR=str(tmp_path / "locks"))
    with app.app_context(), bounded("pdf", person=1), bounded("pdf", person=2), bounded("pdf", person=3):
        with pytest.raises(Busy) as raised, bounded("pdf", person=4):
            pass
        assert not raised.value.mine
