"""印发 with the documents made by a worker: how long the secretary's request takes, and how long until the PDF is
there.

    .venv/bin/python bench/bench_issue.py [--notices 16] [--pg postgresql://… [--redis redis://…]]

A fresh database (`db upgrade`, `demo load`) in a temporary directory, N signed notices ready for 印发, gunicorn
(gthread, 2 workers × 8 threads) on a free port, one `flask --app wsgi worker` and the warm LibreOffice converters
(`python -m app.documents.pdf --serve`), all as `make run` and production start them. Then the notices are issued,
five alone (each once the previous one's PDF is there), then N one after the other, then N all at once (a thread
each), each POST timed; and for each notice the time from its press to the moment its PDF is stored. Prints
p50/p99/max of both. On PostgreSQL (--pg) the queue is Redis (--redis, default redis://127.0.0.1:6379/14, a
database this script empties). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SECRET = "bench-issue-" + os.urandom(8).hex()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def signed_notices(env: dict, count: int) -> tuple[list[int], str, str]:
    """count signed notices to the districts and the direct schools; the secretary's session cookie and token."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "QUEUE_URL", "FILES_DIR")})
    from flask import g, session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.auth.sessions import log_in
    from app.extensions import db
    from app.notices.models import DocumentSeries, Notice
    from app.units.addressees import Addressees
    from app.units.models import UnitGroup

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "SECRET_KEY": SECRET})
    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.username == "secretary"))
        series = db.session.scalar(select(DocumentSeries).where(DocumentSeries.organ_code == "乌教发"))
        groups = db.session.scalars(
            select(UnitGroup.id).where(UnitGroup.name.in_(["各区教育局", "直属各学校（单位）"]))
        )
        addressees = Addressees.of(list(groups))
        notices = [
            Notice(
                series=series,
                title=f"乌海市教育局关于做好第{n + 1}批学校冬季安全检查工作的通知",
                body="一、检查范围\n全市各级各类学校。\n二、工作要求\n各单位要于12月20日前完成自查，并将自查情况报市教育局安全稳定科。",
                addressees=addressees,
                addressee_text="各区教育局、直属各学校（单位）：",
                signature_organ="乌海市教育局",
                signed_on=date(2026, 12, 1),
                author=secretary,
                status="signed",
            )
            for n in range(count)
        ]
        db.session.add_all(notices)
        db.session.commit()
        ids = [n.id for n in notices]
        with app.test_request_context("/"):
            g.pop("csrf_token", None)
            log_in(secretary)
            token = generate_csrf()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        db.engine.dispose()
    return ids, cookie, token


def pdf_ready(env: dict, ids: list[int]) -> dict[int, bool]:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    query = text("SELECT id, pdf_sha256 IS NOT NULL FROM notices WHERE id IN :ids")
    with engine.connect() as conn:
        rows = conn.execute(query.bindparams(bindparam("ids", expanding=True)), {"ids": ids}).all()
    engine.dispose()
    return dict(rows)


def press(port: int, notice_id: int, cookie: str, token: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request(
        "POST",
        f"/notices/{notice_id}/steps/issued",
        body="comment=",
        headers={
            "Cookie": f"session={cookie}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = connection.getresponse().status
    return status, time.perf_counter() - started


def wait_for_pdfs(env: dict, pressed_at: dict[int, float], timeout: float = 300) -> dict[int, float]:
    ready: dict[int, float] = {}
    deadline = time.monotonic() + timeout
    while len(ready) < len(pressed_at) and time.monotonic() < deadline:
        now = time.perf_counter()
        for notice_id, done in pdf_ready(env, list(pressed_at)).items():
            if done and notice_id not in ready:
                ready[notice_id] = now - pressed_at[notice_id]
        time.sleep(0.05)
    return ready


def report(label: str, latencies: list[float], to_pdf: dict[int, float], statuses: list[int], count: int) -> None:
    ms = [x * 1000 for x in latencies]
    pdf = list(to_pdf.values())
    print(
        f"ISSUE {label}: request p50 {percentile(ms, 50):.0f} ms p99 {percentile(ms, 99):.0f} ms "
        f"max {max(ms):.0f} ms; errors {sum(s != 303 for s in statuses)}"
    )
    if pdf:
        print(
            f"      until the PDF is stored: p50 {percentile(pdf, 50):.2f} s p99 {percentile(pdf, 99):.2f} s "
            f"max {max(pdf):.2f} s ({len(pdf)} of {count} made; median {statistics.median(pdf):.2f} s)"
        )
    else:
        print("      no PDF was made (is LibreOffice installed?)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=16)
    parser.add_argument("--pg", default="")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-issue-"))
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": SECRET,
        "SESSION_COOKIE_SECURE": "0",
        "FILES_DIR": str(work / "files"),
        "LOCKS_DIR": str(work / "locks"),
        "PDF_ON_ISSUE": "1",
        "UNOSERVER_PORT": str(free_port()),
        "UNO_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
    }
    if args.pg:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        env.update(DATABASE_URL=args.pg, QUEUE_URL=args.redis)
        from sqlalchemy import create_engine, text

        engine = create_engine(args.pg.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        env.update(DATABASE_URL=f"sqlite:///{work / 'intranet.db'}", QUEUE_URL=f"sqlite:///{work / 'queue.sqlite3'}")
    label = "PostgreSQL + Redis" if args.pg else "SQLite"
    processes: list[subprocess.Popen] = []
    try:
        flask(env, "db", "upgrade")
        flask(env, "demo", "load", "--password", "bench-password")
        ids, cookie, token = signed_notices(env, 2 * args.notices + 5)
        port = free_port()
        logs = work / "logs"
        logs.mkdir()

        def start(name, *command):
            out = open(logs / f"{name}.log", "wb")
            processes.append(
                subprocess.Popen(
                    [PYTHON, *command], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

        start("converters", "-m", "app.documents.pdf", "--serve")
        start(
            "gunicorn",
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        )
        start("worker", "-m", "flask", "--app", "wsgi", "worker", "--threads", "2")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # The converters' cold start (about 6 s here) is over, as some seconds after `make run`.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", int(env["UNOSERVER_PORT"]))) == 0:
                    break
            time.sleep(0.2)
        time.sleep(2)
        print(f"bench_issue on {label}, {args.notices} notices each way, load average {os.getloadavg()[0]:.2f}")

        alone, ids = ids[:5], ids[5:]
        one_by_one, concurrent = ids[: args.notices], ids[args.notices :]
        # One notice at a time, each issued once the previous one's PDF is there: what a secretary sees on a
        # normal day.
        latencies, statuses, to_pdf = [], [], {}
        for notice_id in alone:
            pressed = {notice_id: time.perf_counter()}
            status, took = press(port, notice_id, cookie, token)
            statuses.append(status)
            latencies.append(took)
            to_pdf.update(wait_for_pdfs(env, pressed))
        report("alone (5, one after the other's PDF)", latencies, to_pdf, statuses, len(alone))

        pressed_at, latencies, statuses = {}, [], []
        for notice_id in one_by_one:
            pressed_at[notice_id] = time.perf_counter()
            status, took = press(port, notice_id, cookie, token)
            statuses.append(status)
            latencies.append(took)
        made = wait_for_pdfs(env, pressed_at)
        report(f"{len(one_by_one)} one after the other", latencies, made, statuses, len(one_by_one))

        pressed_at, latencies, statuses, lock = {}, [], [], threading.Lock()
        barrier = threading.Barrier(len(concurrent))

        def issue(notice_id):
            barrier.wait()
            pressed_at[notice_id] = time.perf_counter()
            status, took = press(port, notice_id, cookie, token)
            with lock:
                statuses.append(status)
                latencies.append(took)

        threads = [threading.Thread(target=issue, args=(i,)) for i in concurrent]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report(f"{len(concurrent)} at once", latencies, wait_for_pdfs(env, pressed_at), statuses, len(concurrent))
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
