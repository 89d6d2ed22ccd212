"""Browser tests: the real app under gunicorn, driven by Playwright in Debian's Chromium.

One server for these tests (package scope: it stops when they are done, before the rest of the suite runs), on a
fresh SQLite database with the demo data, loaded through the operators' own commands (`db upgrade`, `demo load`).
Each person in a test gets a browser context of their own, as if at their own desk. Screenshots of every step land
in test-artifacts/browser/.

Playwright cannot download its own browser here: it drives /usr/bin/chromium (Debian's package `chromium`). When
Playwright or Chromium is missing the tests skip, except under CI (the CI variable set), where they fail.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.browser import (
    ACTION_TIMEOUT_MS,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    REFRESH_SECONDS,
    REPO,
    sync_playwright,
)
from tests.helpers.databases import IN_CI


def _missing_browser() -> str | None:
    if sync_playwright is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install --no-install-recommends chromium)"
    return None


@pytest.fixture(scope="package", autouse=True)
def _browser_required():
    """Checked before the server starts, so that a machine without a browser skips at once."""
    missing = _missing_browser()
    if missing:
        if IN_CI:
            pytest.fail(f"browser tests cannot run under CI: {missing}", pytrace=False)
        pytest.skip(f"browser tests skipped: {missing}")


def _flask(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_until_healthy(server: subprocess.Popen, url: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /healthz within {timeout} s:\n{log.read_text()}", pytrace=False)


@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    """Base URL of the app under gunicorn, as in production but on plain HTTP and loopback."""
    workdir = tmp_path_factory.mktemp("browser-server")
    env = {
        **os.environ,
        # The other tests' conftest sets APP_ENV=testing in this process; the server runs as deployed.
        "APP_ENV": "production",
        "SECRET_KEY": "browser-tests-" + os.urandom(16).hex(),
        "DATABASE_URL": f"sqlite:///{workdir / 'intranet.db'}",
        "SESSION_COOKIE_SECURE": "0",
        "FILES_DIR": str(workdir / "files"),
        # These tests look at pages; the PDFs have tests of their own. No LibreOffice, so that no page embeds a PDF
        # preview that would start a conversion in the middle of a timed wait.
        "PDF_ON_ISSUE": "0",
        "SOFFICE": str(workdir / "no-soffice"),
        "MAIL_SERVER": "",
        # The open receipt view asks for the counts every second (5 s deployed): the tests wait for its answers.
        "RECEIPTS_REFRESH_SECONDS": str(REFRESH_SECONDS),
        "PYTHONUNBUFFERED": "1",
    }
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "load", "--password", PASSWORD)

    # The socket is bound here and handed to gunicorn, so no other program can take the port in between.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = workdir / "gunicorn.log"
    with listener, log.open("w") as log_file:
        server = subprocess.Popen(
            # Threads, so that a page polling every 5 s never holds up the clicks of the others.
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    _wait_until_healthy(server, url, log)
    try:
        yield url
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="package")
def browser():
    with sync_playwright() as playwright:
        # launch() gives Chromium a fresh, empty user-data directory of its own and removes it afterwards.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """test-artifacts/browser/, emptied at the start of a run so that every picture there is from this run."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def shot(request, artifacts):
    """shot(page, "what") saves test-artifacts/browser/<test>-NN-what.png, a whole-page picture."""
    prefix = request.node.name.removeprefix("test_")
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = artifacts / f"{prefix}-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def open_as(request, browser, live_server, artifacts):
    """open_as("secretary") → a logged-in page in a browser context of its own (its own cookies).

    Keyword arguments go to browser.new_context (locale, viewport, extra_http_headers). When the test fails,
    every page it had open is photographed as <test>-FAILED-<username>.png before the contexts close.
    """
    opened = []

    def login(username: str, **context_options):
        options = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN", **context_options}
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        opened.append((username, context, page))
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield login
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    prefix = request.node.name.removeprefix("test_")
    for username, context, page in opened:
        if failed and not page.is_closed():
            try:
                page.screenshot(path=str(artifacts / f"{prefix}-FAILED-{username}.png"), full_page=True)
            except Exception:  # a picture must never hide the real failure
                pass
        context.close()
