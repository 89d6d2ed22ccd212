"""300 units acknowledging at the same moment, through HTTP, against gunicorn with threads.

On SQLite with one server; on PostgreSQL the storm goes through two servers at once (tests/multihost). The clerks'
sessions are signed with the server's key instead of logging in 300 times: the subject here is the receipt, not scrypt.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import g, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.sessions import log_in
from app.core.audit import AuditEvent
from app.demo.loader import load_bureau
from app.demo.scale import add_notices, add_units
from app.extensions import db
from app.receipts.models import Distribution

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
UNITS = 300
SECRET = "storm-test-secret-key-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def storm_app(make_app, database_url, tmp_path):
    app = make_app(SECRET_KEY=SECRET)
    with app.app_context():
        db.create_all()
        load_bureau("storm-password")
        add_units(UNITS, "storm-password")
        add_notices(1)
        db.session.commit()
    return app


@pytest.fixture
def gunicorn(storm_app, database_url, tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY=SECRET,
        DATABASE_URL=database_url,
        SESSION_COOKIE_SECURE="0",
        FILES_DIR=str(tmp_path / "files"),
        PDF_ON_ISSUE="0",
    )
    log = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "32",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "1024",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("gunicorn did not answer /healthz: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
    yield port
    server.terminate()
    server.wait(timeout=30)
    log.close()


def _sessions(app) -> list[tuple[int, str, str]]:
    """(distribution id, session cookie, CSRF token) for each scale school's clerk."""
    serializer = app.session_interface.get_signing_serializer(app)
    out = []
    with app.app_context():
        rows = db.session.execute(
            select(Distribution.id, User)
            .join(User, User.unit_id == Distribution.unit_id)
            .where(User.username.like("clerk_scale_%"))
        ).all()
        for distribution_id, user in rows:
            with app.test_request_context("/"):
                g.pop("csrf_token", None)  # Flask-WTF caches the token on g, which this app context shares
                log_in(user)  # a session of the account, as the login view opens it
                token = generate_csrf()
                out.append((distribution_id, serializer.dumps(dict(session)), token))
    return out


def _storm(port: int, sessions) -> list[int]:
    barrier = threading.Barrier(len(sessions))
    statuses: list[int] = []
    lock = threading.Lock()

    def press(distribution_id, cookie, token):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait(timeout=60)
        try:
            connection.request(
                "POST",
                f"/inbox/{distribution_id}/receipt",
                body="",
                headers={
                    "Cookie": f"session={cookie}",
                    "X-CSRFToken": token,
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            status = connection.getresponse().status
        except OSError:
            status = -1
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=press, args=s) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return statuses


def test_300_units_acknowledging_at_once_are_each_recorded_exactly_once(storm_app, gunicorn):
    sessions = _sessions(storm_app)
    assert len(sessions) == UNITS
    statuses = _storm(gunicorn, sessions)
    assert statuses.count(200) == UNITS, sorted(set(statuses))
    with storm_app.app_context():
        acknowledged = db.session.scalar(
            select(func.count(Distribution.id)).where(Distribution.acknowledged_at.is_not(None))
        )
        events = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "receipt.acknowledge"))
    assert acknowledged == UNITS and events == UNITS
    # The same storm again: every press shows the existing receipt, nothing more is recorded.
    again = _storm(gunicorn, sessions)
    assert again.count(200) == UNITS
    with storm_app.app_context():
        assert (
            db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "receipt.acknowledge"))
            == UNITS
        )
