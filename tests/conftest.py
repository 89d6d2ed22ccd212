"""Fixtures: app (a fresh database per test), client, runner, login(username), demo.

Every test that uses the app runs once on SQLite and, when TEST_DATABASE_URL names
a PostgreSQL database, once more on PostgreSQL. Under CI (the CI variable is set)
PostgreSQL is required: a missing database fails the run instead of skipping.
"""

import os
import re
import uuid
from contextlib import contextmanager

os.environ.setdefault("APP_ENV", "testing")

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
if PG_URL.startswith("postgresql://"):
    PG_URL = "postgresql+psycopg://" + PG_URL[len("postgresql://") :]

# Each test run works in a schema of its own, so two runs on one database (a developer's and CI's,
# or two developers') never drop each other's tables.
PG_SCHEMA = f"test_{os.getpid()}"
PG_RUN_URL = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}" if PG_URL else ""

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
DEMO_PASSWORD = "test-pass-123"


def pytest_report_header(config):
    if PG_URL:
        return f"databases: SQLite and PostgreSQL ({sa.engine.make_url(PG_URL).render_as_string(hide_password=True)})"
    note = "databases: SQLite only (set TEST_DATABASE_URL to a PostgreSQL database to run the suite on it too)"
    return note


def pytest_sessionstart(session):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI is set but TEST_DATABASE_URL is not: the suite must run on PostgreSQL too.")


def _reset_postgres(drop_only: bool = False) -> None:
    """Drop and recreate this run's schema: every test starts from nothing."""
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
        if not drop_only:
            conn.execute(sa.text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
    engine.dispose()


def pytest_sessionfinish(session, exitstatus):
    if PG_URL:
        _reset_postgres(drop_only=True)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    _reset_postgres()
    return PG_RUN_URL


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database without creating the schema."""
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FILES_DIR": str(tmp_path / "files"),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "PDF_ON_ISSUE": False,  # tests that want the PDF at issue turn it on
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        db.create_all()
    return app


class CSRFClient(FlaskClient):
    """A test client that sends the CSRF token in a header, as htmx does from <body hx-headers>."""

    def fetch_csrf_token(self) -> str:
        page = self.get("/login").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'"X-CSRFToken": "([^"]+)"', page
        )
        assert match, "no CSRF token on the login page"
        self.environ_base["HTTP_X_CSRFTOKEN"] = match.group(1)
        return match.group(1)


@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    client = app.test_client()
    client.fetch_csrf_token()
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The seed's demo data, loaded through the real command."""
    from app.demo.loader import load_demo

    with app.app_context():
        load_demo(DEMO_PASSWORD)
    return app


@pytest.fixture
def bureau(app):
    """The bureau before its first notice: units, groups, accounts and the 乌教发 series."""
    from app.demo.loader import load_bureau

    with app.app_context():
        load_bureau(DEMO_PASSWORD)
    return app


def _login_as(client):
    def do_login(username: str, password: str = DEMO_PASSWORD):
        client.post("/logout")
        client.fetch_csrf_token()
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303, f"login as {username} failed: {response.status_code}"
        return client

    return do_login


@pytest.fixture
def login(client, demo):
    """login("secretary") logs the test client in as that demo account (full demo data)."""
    return _login_as(client)


@pytest.fixture
def bureau_login(client, bureau):
    """Like login, on the bureau without the demo notice."""
    return _login_as(client)


def unique(prefix: str = "x") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives: (port, received messages)."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@contextmanager
def counting_queries(app):
    """The SQL statements the app's engine runs inside the block (a list that fills as they run)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
