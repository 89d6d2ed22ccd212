"""Two app servers and one worker on one PostgreSQL, one Redis and one files directory, as several hosts run the app:
twenty notices issued at once through both servers get twenty distinct, gap-free numbers and each its PDF made
once by the worker; then 300 clerks acknowledge at once across both servers: 300 receipts, no error.

The servers are gunicorn processes on two ports of this machine; what they share is only what several hosts would
share (the database, the queue, the files directory), so nothing may rest on one process's memory. Needs PostgreSQL
(TEST_DATABASE_URL), Redis (TEST_REDIS_URL, else 127.0.0.1:6379) and LibreOffice; under CI none may be missing.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from flask import g, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.sessions import log_in
from app.core.audit import AuditEvent
from app.core.files import StoredFile
from app.core.jobs import Job, JobState
from app.demo.loader import load_bureau
from app.demo.scale import SCALE_GROUP, add_units
from app.extensions import db
from app.notices.models import DocumentSeries, Notice
from app.receipts.models import Distribution
from app.units.addressees import Addressees
from app.units.models import UnitGroup
from tests.helpers.databases import IN_CI
from tests.helpers.pdf import require_libreoffice, stop_converters_on

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "two-servers-secret-key-0123456789abcdef"
UNITS, NOTICES = 300, 20
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis does not answer at {REDIS_URL} (TEST_REDIS_URL): {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()  # a database of the tests' own (15 by default): yesterday's queue is not today's
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def city(make_app, database_url, redis_url, tmp_path):
    """The bureau with 300 more schools (a clerk each) and 20 signed notices to them, waiting for 印发."""
    require_libreoffice(server=True)
    app = make_app(SECRET_KEY=SECRET, QUEUE_URL=redis_url, FILES_DIR=str(tmp_path / "files"))
    with app.app_context():
        db.create_all()
        load_bureau("two-servers-password")
        add_units(UNITS, "two-servers-password")
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        schools = db.session.scalar(select(UnitGroup.id).where(UnitGroup.name == SCALE_GROUP))
        notices = [
            Notice(
                series=series,
                title=f"乌海市教育局关于做好第{n + 1}批学校安全检查工作的通知",
                body="各学校要于本周内完成安全检查，并将检查情况报市教育局安全稳定科。",
                addressees=Addressees.of([schools]),
                addressee_text=f"{SCALE_GROUP}：",
                signature_organ="乌海市教育局",
                signed_on=date(2026, 12, 1),
                author=secretary,
                status="signed",
            )
            for n in range(NOTICES)
        ]
        db.session.add_all(notices)
        db.session.commit()
    return app


class Processes:
    """The servers and the worker, each with its log, stopped at the end whatever happens."""

    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.running = tmp_path, env, []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((name, process, log))
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n" + (self.tmp_path / f"{name}.log").read_text(errors="replace")[-1500:]
            for name, _p, _l in self.running
        )

    def stop(self) -> None:
        """SIGINT (gunicorn's quick shutdown; the worker's, which finishes its job), then SIGKILL after 10 s: each
        stops in 1–4 s; once in a full run one did not within 30 s, which the test then waited out."""
        for _name, process, _log in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for _name, process, log in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


@pytest.fixture
def servers(city, database_url, redis_url, tmp_path):
    """Two gunicorn servers on two ports and one worker, on the same database, queue and files directory."""
    converter_port = _free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "QUEUE_URL": redis_url,
        "FILES_DIR": city.config["FILES_DIR"],
        "SESSION_COOKIE_SECURE": "0",
        "PDF_ON_ISSUE": "1",
        "UNOSERVER_PORT": str(converter_port),
        "UNO_PORT": str(_free_port()),
        "CONVERTERS": "1",  # one server on the two free ports picked (a second would take the ports two above)
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes(tmp_path, env)
    ports = [_free_port(), _free_port()]
    try:
        for n, port in enumerate(ports):
            gunicorn = ["-m", "gunicorn", "--workers", "1", "--worker-class", "gthread", "--threads", "32"]
            processes.start(
                f"server-{n}",
                *gunicorn,
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "1024",
                "--timeout",
                "120",
                "wsgi:app",
            )
        processes.start("worker", "-m", "flask", "--app", "wsgi", "worker", "--threads", "2")
        for port in ports:
            _wait_healthy(port, processes)
        yield ports, processes
    finally:
        processes.stop()
        stop_converters_on(converter_port)


def _wait_healthy(port: int, processes: Processes) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on {port} did not answer /healthz:\n{processes.logs()}")


def _session(app, user: User) -> tuple[str, str]:
    """The account's session cookie and CSRF token, signed with the servers' key (no 300 logins through scrypt)."""
    serializer = app.session_interface.get_signing_serializer(app)
    with app.test_request_context("/"):
        g.pop("csrf_token", None)
        log_in(user)
        token = generate_csrf()
        return serializer.dumps(dict(session)), token


def _post_all(requests: list[tuple[int, str, str, str]]) -> list[int]:
    """POST each (port, path, cookie, token) from a thread of its own, all released at the same moment."""
    barrier = threading.Barrier(len(requests))
    statuses, lock = [], threading.Lock()

    def press(port, path, cookie, token):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait(timeout=60)
        try:
            connection.request(
                "POST",
                path,
                body="comment=",
                headers={
                    "Cookie": f"session={cookie}",
                    "X-CSRFToken": token,
                    "Content-Type": "application/x-www-form-urlencoded",
                    **({"HX-Request": "true"} if path.endswith("/receipt") else {}),
                },
            )
            status = connection.getresponse().status
        except OSError:
            status = -1
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=press, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return statuses


def test_two_servers_and_a_worker_issue_twenty_notices_and_take_300_receipts(city, servers):
    (first, second), processes = servers
    with city.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        cookie, token = _session(city, secretary)
        ids = db.session.scalars(select(Notice.id).where(Notice.status == "signed").order_by(Notice.id)).all()
    assert len(ids) == NOTICES

    # 印发, twenty at once, half through each server.
    issues = [((first, second)[n % 2], f"/notices/{i}/steps/issued", cookie, token) for n, i in enumerate(ids)]
    statuses = _post_all(issues)
    assert statuses == [303] * NOTICES, (sorted(set(statuses)), processes.logs())
    with city.app_context():
        serials = sorted(db.session.scalars(select(Notice.serial).where(Notice.id.in_(ids))))
    assert len(set(serials)) == NOTICES and serials == list(range(serials[0], serials[0] + NOTICES))

    # The worker makes every PDF, each once.
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        with city.app_context():
            states = db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
        if dict(states).get(JobState.done.value) == NOTICES or JobState.failed.value in dict(states):
            break
        time.sleep(0.5)
    with city.app_context():
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [(j.state, j.attempts) for j in jobs] == [(JobState.done, 1)] * NOTICES, processes.logs()
        pdfs = db.session.scalars(select(Notice.pdf_sha256).where(Notice.id.in_(ids))).all()
        stored_pdfs = db.session.scalar(
            select(func.count()).select_from(StoredFile).where(StoredFile.content_type == "application/pdf")
        )
    assert None not in pdfs and len(set(pdfs)) == NOTICES and stored_pdfs == NOTICES
    files_dir = Path(city.config["FILES_DIR"])
    assert all(any(files_dir.rglob(f"{sha}*")) for sha in pdfs)  # each on the disk both servers read

    # 300 clerks acknowledge the first notice at once, across both servers.
    with city.app_context():
        rows = db.session.execute(
            select(Distribution.id, User)
            .join(User, User.unit_id == Distribution.unit_id)
            .where(Distribution.notice_id == ids[0], User.username.like("clerk_scale_%"))
        ).all()
        receipts = []
        for n, (distribution_id, clerk) in enumerate(rows):
            clerk_cookie, clerk_token = _session(city, clerk)
            receipts.append(((first, second)[n % 2], f"/inbox/{distribution_id}/receipt", clerk_cookie, clerk_token))
    assert len(receipts) == UNITS
    statuses = _post_all(receipts)
    assert statuses.count(200) == UNITS, (sorted(set(statuses)), processes.logs())
    with city.app_context():
        acknowledged = db.session.scalar(
            select(func.count(Distribution.id)).where(
                Distribution.notice_id == ids[0], Distribution.acknowledged_at.is_not(None)
            )
        )
        events = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "receipt.acknowledge"))
    assert acknowledged == UNITS and events == UNITS
