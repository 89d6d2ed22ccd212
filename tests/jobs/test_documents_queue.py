"""An issued notice's PDFs are made by a worker (app/core/jobs.py, app/notices/jobs.py): issuing returns before they
exist and the page says they are being prepared; a failure is tried again, then shown with its reason, and the
office may try again; a worker killed in the middle of a job is replaced by one that finishes it; sixteen notices
issued at once get sixteen numbers and sixteen jobs, on SQLite and on PostgreSQL."""

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
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core.files import StoredFile
from app.core.jobs import Job, JobQueue, JobState
from app.documents import pdf
from app.extensions import db
from app.notices.models import DocumentSeries, Notice
from app.units.addressees import Addressees
from tests.helpers.accounts import sign_in
from tests.helpers.notices import draft_through_the_editor, group_ids, sign_through_the_pages, take_step
from tests.helpers.pdf import require_libreoffice, stop_converters_on

ROOT = Path(__file__).resolve().parents[2]
FAKE_PDF = b"%PDF-1.4\n% made by a test\n"
ONE_DATABASE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def queue(app, tmp_path, monkeypatch):
    """The app with a real queue (a SQLite file, as on one machine) and no worker: what is asked for waits."""
    app.config.update(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}", PDF_ON_ISSUE=True)
    real = JobQueue(app)
    monkeypatch.setitem(app.extensions, "jobs", real)
    return real


def _signed(client, app, login) -> int:
    login("secretary")
    notice_id = draft_through_the_editor(client, app)
    sign_through_the_pages(client, notice_id, login)
    return notice_id


def _jobs(app, notice_id: int) -> list[Job]:
    with app.app_context():
        rows = db.session.scalars(select(Job).where(Job.subject == f"notice:{notice_id}").order_by(Job.id)).all()
        db.session.expunge_all()
        return rows


def _notice(app, notice_id: int) -> Notice:
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.id == notice_id).options(joinedload(Notice.series)))
        db.session.expunge_all()
        return notice


def _zh(message: str) -> str:
    with force_locale("zh_Hans_CN"):
        return _(message)


@ONE_DATABASE
def test_issuing_returns_before_the_pdf_exists_and_the_page_says_it_is_being_prepared(
    login, client, app, queue, monkeypatch
):
    notice_id = _signed(client, app, login)
    converted = []
    monkeypatch.setattr(pdf, "docx_to_pdf", lambda docx, **_: converted.append(1) or FAKE_PDF)
    login("secretary")
    assert take_step(client, notice_id, "issued").status_code == 303
    # Issued, numbered and distributed; the .docx frozen; the PDF not made: a job waits for a worker.
    notice = _notice(app, notice_id)
    assert notice.number and notice.docx_sha256 and notice.pdf_sha256 is None and converted == []
    (waiting,) = _jobs(app, notice_id)
    assert waiting.state == JobState.queued and waiting.name == "notices.files"
    assert queue.huey.pending_count() == 1

    with app.test_request_context():
        preparing = _zh("PDF being prepared…")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert preparing in page and 'hx-trigger="every 2s"' in page
    assert "notice-files-ready from:body" in page  # the preview waits for the PDF instead of converting it
    polled = client.get(f"/notices/{notice_id}/documents", headers={"HX-Request": "true"})
    assert polled.get_data(as_text=True).lstrip().startswith('<section id="notice-documents"')
    assert "HX-Trigger" not in polled.headers

    # A worker takes the message and makes the PDF; the next poll shows it and tells the page.
    queue.huey.execute(queue.huey.dequeue())
    assert converted == [1] and _notice(app, notice_id).pdf_sha256
    assert [j.state for j in _jobs(app, notice_id)] == [JobState.done]
    polled = client.get(f"/notices/{notice_id}/documents", headers={"HX-Request": "true"})
    html = polled.get_data(as_text=True)
    assert polled.headers["HX-Trigger"] == "notice-files-ready" and preparing not in html
    assert f'href="/notices/{notice_id}/document.pdf"' in html and "every 2s" not in html
    assert client.get(f"/notices/{notice_id}/document.pdf").data == FAKE_PDF


@ONE_DATABASE
def test_a_message_delivered_twice_runs_the_job_once(login, client, app, queue, monkeypatch):
    notice_id = _signed(client, app, login)
    converted = []
    monkeypatch.setattr(pdf, "docx_to_pdf", lambda docx, **_: converted.append(1) or FAKE_PDF)
    login("secretary")
    take_step(client, notice_id, "issued")
    (job,) = _jobs(app, notice_id)
    queue.send(job.id)  # the sweep sent it again, say, while the first message was still on its way
    queue.huey.execute(queue.huey.dequeue())
    queue.huey.execute(queue.huey.dequeue())
    assert converted == [1]
    assert [(j.state, j.attempts) for j in _jobs(app, notice_id)] == [(JobState.done, 1)]


@ONE_DATABASE
def test_a_failed_conversion_is_tried_again_then_shows_its_reason_and_the_office_may_try_again(
    login, client, app, monkeypatch
):
    app.config.update(PDF_ON_ISSUE=True, JOB_ATTEMPTS=3)  # the tests' queue runs each job at once
    notice_id = _signed(client, app, login)
    tries = []

    def failing(docx, **_):
        tries.append(1)
        raise pdf.PdfConversionFailed("LibreOffice could not convert to pdf: the document did not load")

    monkeypatch.setattr(pdf, "docx_to_pdf", failing)
    login("secretary")
    assert take_step(client, notice_id, "issued").status_code == 303
    assert len(tries) == 3  # tried three times in all
    (job,) = _jobs(app, notice_id)
    assert job.state == JobState.failed and job.attempts == 3 and "did not load" in job.error
    with app.test_request_context():
        failed = _zh("The PDF could not be made:")
        again = _zh("Try again")
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert failed in page and "the document did not load" in page and again in page

    login("reviewer")  # sees why, but trying again is the office's
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert failed in page and again not in page
    assert client.post(f"/notices/{notice_id}/documents/retry").status_code == 403

    monkeypatch.setattr(pdf, "docx_to_pdf", lambda docx, **_: FAKE_PDF)  # LibreOffice is back
    login("secretary")
    response = client.post(f"/notices/{notice_id}/documents/retry", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="notice-documents"')
    assert failed not in html and f'href="/notices/{notice_id}/document.pdf"' in html
    assert [(j.state, j.attempts) for j in _jobs(app, notice_id)] == [(JobState.done, 1)]
    assert _notice(app, notice_id).pdf_sha256


def _signed_notices(app, count: int) -> list[int]:
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        series = db.session.scalar(select(DocumentSeries))
        (districts,) = group_ids(app, ["各区教育局"])
        notices = [
            Notice(
                series=series,
                title=f"关于做好第{n + 1}项工作的通知",
                body="请按要求办理。",
                addressees=Addressees.of([districts]),
                addressee_text="各区教育局：",
                signature_organ="乌海市教育局",
                signed_on=date(2026, 12, 1),
                author=secretary,
                status="signed",
            )
            for n in range(count)
        ]
        db.session.add_all(notices)
        db.session.commit()
        return [n.id for n in notices]


def test_sixteen_notices_issued_at_once_get_sixteen_numbers_and_sixteen_jobs(demo, app, queue):
    ids = _signed_notices(app, 16)
    start = threading.Barrier(len(ids), timeout=30)
    answers, errors = [], []

    def press(notice_id):
        own = app.test_client()
        own.fetch_csrf_token()
        sign_in(own, "secretary")
        start.wait()
        try:
            answers.append(own.post(f"/notices/{notice_id}/steps/issued", data={"comment": ""}).status_code)
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=press, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and answers == [303] * 16
    with app.app_context():
        serials = db.session.scalars(select(Notice.serial).where(Notice.id.in_(ids))).all()
        jobs = db.session.scalars(select(Job).where(Job.subject.in_([f"notice:{i}" for i in ids]))).all()
    assert None not in serials and sorted(serials) == list(range(min(serials), min(serials) + 16))
    assert len(jobs) == 16 and {j.state for j in jobs} == {JobState.queued}
    assert queue.huey.pending_count() == 16


# A real worker, killed in the middle of a job


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_worker(app, env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--threads", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait(what, timeout: float, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s; the worker's log:\n{log.read_text(errors='replace')[-3000:]}")


@ONE_DATABASE
def test_a_worker_killed_in_the_middle_of_a_job_is_replaced_by_one_that_finishes_it(
    login, client, app, queue, database_url, tmp_path
):
    require_libreoffice(server=True)
    notice_id = _signed(client, app, login)
    login("secretary")
    take_step(client, notice_id, "issued")
    (job,) = _jobs(app, notice_id)
    port = _free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "worker-test-" + os.urandom(8).hex(),
        "DATABASE_URL": database_url,
        "FILES_DIR": app.config["FILES_DIR"],
        "QUEUE_URL": app.config["QUEUE_URL"],
        "LOCKS_DIR": str(tmp_path / "locks"),
        # A LibreOffice of its own, so that the worker starts one (slow: the job is still running when killed).
        "UNOSERVER_PORT": str(port),
        "UNO_PORT": str(_free_port()),
        "CONVERTERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "worker.log"

    def state():
        with app.app_context():
            return db.session.get(Job, job.id).state if db.session.get(Job, job.id) else None

    first = _start_worker(app, env, log)
    try:
        _wait(lambda: state() == JobState.running, 60, log)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert state() == JobState.running and _notice(app, notice_id).pdf_sha256 is None

        second = _start_worker(app, env, log)
        try:
            _wait(lambda: state() == JobState.done, 120, log)
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        # The LibreOffice servers the workers started (sessions of their own) go with the test.
        stop_converters_on(port)
    (done,) = _jobs(app, notice_id)
    assert done.attempts == 2 and done.error == ""
    notice = _notice(app, notice_id)
    assert notice.pdf_sha256
    with app.app_context():
        stored = db.session.get(StoredFile, notice.pdf_sha256)
        assert stored is not None and stored.content_type == "application/pdf"
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.state != JobState.done)) == 0
