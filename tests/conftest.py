"""Fixtures: app, client, runner, login(username), bureau, demo; make_app and database_url for tests that build their
own databases.

Every test that uses the database runs once on SQLite and, when TEST_DATABASE_URL names a PostgreSQL database, once
more on PostgreSQL. Under CI (the CI variable is set) PostgreSQL is required: a missing database fails the run
instead of skipping.

A test starts from a copy of the data its fixtures name (tests/helpers/databases.py): `demo` (what `demo load`
makes), `bureau` (the bureau before its first notice), `app` alone (the tables, no rows), or, for a test that asks
only for `make_app` or `database_url`, a database with nothing in it.
"""

import os

os.environ.setdefault("APP_ENV", "testing")

import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from app.extensions import db  # noqa: E402
from tests.helpers.accounts import sign_in  # noqa: E402
from tests.helpers.databases import (  # noqa: E402
    BACKENDS,
    CHEAP_PASSWORD_HASH,
    IN_CI,
    PG_URL,
    REAL_PASSWORD_HASH,
    Template,
    Templates,
    base_config,
)


def pytest_report_header(config):
    if PG_URL:
        return f"databases: SQLite and PostgreSQL ({sa.engine.make_url(PG_URL).render_as_string(hide_password=True)})"
    return "databases: SQLite only (set TEST_DATABASE_URL to a PostgreSQL database to run the suite on it too)"


# Tests that share something slow to start run in one test process: the browser tests' server, the conversion server
# of tests/documents/test_pdf.py, the PDFs made once for a module. Every other test goes to whichever process is free.
SHARED_SETUP = (
    "tests/browser/",
    "tests/documents/test_pdf.py",
    "tests/documents/test_pdf_pool.py",  # one pool of converters, started once for the module's tests
    "tests/documents/test_gongwen_pdf.py",
    "tests/documents/test_gongwen_elements.py",
    "tests/documents/test_letter_minutes.py",
    "tests/documents/test_attachment_pages.py",
    "tests/documents/test_body_tables.py",
    "tests/documents/test_demo_formats.py",
    "tests/documents/test_stamping.py",
    "tests/tasks/test_export.py",
)


def pytest_xdist_make_scheduler(config, log):
    """With `--dist load` (make test): one test a work unit, but the tests of each SHARED_SETUP entry in one unit.

    (xdist's own loadgroup mode would do this with markers, but with pytest 9 it sends them anywhere.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = _shared_setup(nodeid)
            return nodeid if group is None else SHARED_SETUP[group]

    return SharedSetupScheduling(config, log)


def _shared_setup(nodeid: str) -> int | None:
    return next((n for n, prefix in enumerate(SHARED_SETUP) if nodeid.startswith(prefix)), None)


def pytest_collection_modifyitems(config, items):
    """The long units first (the SHARED_SETUP groups in their order, the browser tests' first, then tests marked
    slow), so the run does not end with one process finishing a long group while the other waits: the run takes
    about as long as its longest process. The order within a module is kept."""

    def weight(item) -> tuple[int, int]:
        group = _shared_setup(item.nodeid)
        if group is not None:
            return (0, group)
        return (1, 0) if item.get_closest_marker("slow") else (2, 0)

    items.sort(key=weight)


def pytest_sessionstart(session):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI is set but TEST_DATABASE_URL is not: the suite must run on PostgreSQL too.")


@pytest.fixture(scope="session")
def templates():
    """The datasets this test process has built, to copy for each test."""
    built = Templates()
    yield built
    built.drop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """sqlite or postgresql; `@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)` keeps a test to one."""
    return request.param


def _password_hash(request) -> str:
    return REAL_PASSWORD_HASH if request.node.get_closest_marker("real_password_hashing") else CHEAP_PASSWORD_HASH


def _dataset(request) -> str | None:
    """The data the test's fixtures ask for: the fullest one wins; None when it asks for no app of ours."""
    names = request.fixturenames
    for dataset, fixture in (("demo", "demo"), ("bureau", "bureau"), ("empty", "app")):
        if fixture in names:
            return dataset
    return None


@dataclass(frozen=True)
class TestDatabase:
    url: str
    files_dir: Path


@pytest.fixture
def test_database(request, backend, templates, tmp_path) -> TestDatabase:
    """The test's database and stored files: a copy of the data its fixtures name, or nothing at all."""
    dataset = _dataset(request)
    if dataset is None:
        url = f"sqlite:///{tmp_path / 'test.db'}" if backend == "sqlite" else templates.pg_blank()
        return TestDatabase(url, tmp_path / "files")
    template = Template(dataset, _password_hash(request))
    folder = templates.work_folder(backend)
    url = templates.sqlite_copy(template, folder) if backend == "sqlite" else templates.pg_copy(template, folder)
    return TestDatabase(url, folder / "files")


@pytest.fixture
def database_url(test_database) -> str:
    return test_database.url


@pytest.fixture
def make_app(request, test_database):
    """Build an app on the test's database (or, with SQLALCHEMY_DATABASE_URI, another); its engine is closed after."""
    apps = []

    def factory(**overrides):
        from app import create_app

        config = base_config(test_database.url, test_database.files_dir, _password_hash(request))
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def cached_apps():
    """One app per database kind and password hashing, for the whole test process: Flask compiles every URL rule of
    an app it creates (40 ms); the tests' data is what changes, not the app."""
    apps: dict[tuple, tuple] = {}
    yield apps
    for app, _config in apps.values():
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(request, backend, test_database, cached_apps):
    """The app on the test's data. Whatever a test changes in its config is put back after it."""
    from app import create_app

    key = (backend, _password_hash(request))
    if key not in cached_apps:
        built = create_app(base_config(test_database.url, test_database.files_dir, key[1]))
        cached_apps[key] = (built, dict(built.config))
    app, config = cached_apps[key]
    yield app
    app.config.clear()
    app.config.update(config)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the next test's copy replaces the database under it


@pytest.fixture
def conversions_remembered(monkeypatch):
    """Each distinct .docx converted to PDF once for the test process (tests/helpers/pdf.py)."""
    from tests.helpers.pdf import remember_conversions

    remember_conversions(monkeypatch)


@pytest.fixture
def demo(app):
    """The app, on the seed's demo data (`demo load`)."""
    return app


@pytest.fixture
def bureau(app):
    """The app, on the bureau before its first notice: units, groups, accounts and the 乌教发 series."""
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
def login(client, demo):
    """login("secretary") signs the test client in as that demo account (the demo data)."""
    return partial(sign_in, client)


@pytest.fixture
def bureau_login(client, bureau):
    """Like login, on the bureau without the demo notice."""
    return partial(sign_in, client)


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
