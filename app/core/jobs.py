"""Background jobs: work that must not run inside a request (a PDF conversion takes seconds, and on SQLite a request
that waits for it would hold the write lock meanwhile).

A feature declares a job with `@job("notices.files")` and asks for it with `enqueue(name, subject, *args)` inside its
own transaction. What a job is and how it stands lives in the database (the `jobs` table: queued, running, done or
failed, with its attempts and the last error), so that the page of the thing it works on can say "being prepared"
or why it failed, on every app server. The queue only carries the job's id to a worker: huey, a small and kept
library, whose SQLite storage is the embedded default on one machine (QUEUE_URL unset: instance/queue.sqlite3) and
whose Redis storage serves several hosts with the same code (QUEUE_URL=redis://host:6379/0). QUEUE_URL=immediate
runs each job at once in the process that asks for it (the tests).

Nothing is lost:
- the message goes to the queue only once the asking transaction has committed, so a worker never looks for a row
  that is not there yet, and a rolled-back request asks for nothing;
- a worker claims a job with a conditional UPDATE (queued → running), so a message delivered twice runs it once;
- a running job's worker writes a heartbeat; a job whose heartbeat has stopped (its worker was killed mid-way) and a
  queued job whose message was lost are sent again by the sweep, which every worker runs when it starts and every
  minute after;
- a job that raises is tried again later (JOB_ATTEMPTS in all, waiting longer each time), then marked failed with
  the reason, for a person to see and try again.
A job's work must therefore be idempotent: doing it twice gives what doing it once gives (files made once).
"""

from __future__ import annotations

import enum
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import JSON, Index, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.time import utcnow
from app.core.types import UTCDateTime
from app.extensions import db

log = logging.getLogger(__name__)


class JobState(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


OPEN_STATES = (JobState.queued.value, JobState.running.value)


class Job(db.Model):
    """One piece of background work about one subject ("notice:12"), as every app server and worker sees it."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_subject_name", "subject", "name"),
        Index("ix_jobs_state_run_after", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    args: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=JobState.queued.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    worker: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # not tried again before
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.name} {self.subject} {self.state}>"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_failed(self) -> bool:
        return self.state == JobState.failed.value


# What jobs there are


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[..., None]


_KINDS: dict[str, JobKind] = {}


def job(name: str):
    """Declare a job: the function runs in a worker, inside an app context, with the arguments given to enqueue."""

    def declare(function):
        _KINDS[name] = JobKind(name, function)
        return function

    return declare


# Asking for a job


def enqueue(name: str, subject: str, *args) -> Job:
    """Ask for the job in the current transaction; it is sent to a worker when the transaction commits. A job of the
    same name and subject that is still queued or running stands for this one (asking twice makes one job)."""
    if name not in _KINDS:
        raise LookupError(f"no job named {name!r}")
    waiting = db.session.scalar(
        select(Job).where(Job.name == name, Job.subject == subject, Job.state.in_(OPEN_STATES)).limit(1)
    )
    if waiting is not None:
        return waiting
    made = Job(name=name, subject=subject, args=list(args), state=JobState.queued.value, run_after=utcnow())
    db.session.add(made)
    db.session.flush()
    db.session.info.setdefault(_TO_SEND, []).append(made.id)
    return made


def latest(name: str, subject: str) -> Job | None:
    """The newest job of that name about that subject (what its page shows)."""
    return db.session.scalar(
        select(Job).where(Job.name == name, Job.subject == subject).order_by(Job.id.desc()).limit(1)
    )


def retry(failed: Job) -> Job:
    """A failed job asked for again by a person: queued afresh, its attempts counted anew; sent at commit."""
    failed.state, failed.attempts, failed.run_after = JobState.queued.value, 0, utcnow()
    db.session.info.setdefault(_TO_SEND, []).append(failed.id)
    return failed


_TO_SEND = "jobs_to_send"


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    ids = session.info.pop(_TO_SEND, None)
    if ids:
        queue = current_app.extensions["jobs"]
        for job_id in ids:
            queue.send(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_TO_SEND, None)


# The queue


class JobQueue:
    """The app's queue (app.extensions["jobs"]): huey on the storage QUEUE_URL names, with one task that runs a job
    by its id, and the sweep as a periodic task."""

    def __init__(self, app: Flask):
        from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

        self.app = app
        url = app.config.get("QUEUE_URL") or ""
        if url == "immediate":
            self.huey = MemoryHuey("jobs", immediate=True, results=False)
        elif url.startswith(("redis://", "rediss://", "unix://")):
            self.huey = RedisHuey("jobs", url=url, results=False)
        else:
            path = Path(url.removeprefix("sqlite:///")) if url else Path(app.instance_path) / "queue.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey("jobs", filename=str(path), results=False)
        self._run = self.huey.task(name="run_job")(self._run_job)
        self.huey.periodic_task(crontab(minute="*"), name="sweep_jobs")(self.sweep)

    def send(self, job_id: int, delay: float | None = None) -> None:
        if delay and not self.huey.immediate:
            self._run.schedule(args=(job_id,), delay=delay)
        else:
            self._run(job_id)

    # In the worker

    def _run_job(self, job_id: int) -> None:
        # A job asked for inside a request (immediate mode) runs in an app context of its own: its own session.
        with self.app.app_context():
            run_job(job_id)

    def sweep(self) -> int:
        with self.app.app_context():
            return sweep()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_job(job_id: int) -> None:
    """Claim the job, run it with a heartbeat, record how it ended; a failure is tried again later, then kept."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.queued.value)
        .values(
            state=JobState.running.value,
            attempts=Job.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            worker=_worker_name(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return  # done, running elsewhere, failed, or not there: a message delivered twice
    row = db.session.get(Job, job_id)
    kind = _KINDS.get(row.name)
    heartbeat = _Heartbeat(current_app._get_current_object(), job_id)
    heartbeat.start()
    try:
        if kind is None:
            raise LookupError(f"no job named {row.name!r} in this worker")
        kind.run(*row.args)
    except Exception as exc:  # noqa: BLE001 - any failure of the work is recorded on the job, for a person to see
        db.session.rollback()
        heartbeat.stop()
        _failed(job_id, exc)
        return
    heartbeat.stop()
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(state=JobState.done.value, finished_at=utcnow(), error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _failed(job_id: int, exc: Exception) -> None:
    row = db.session.get(Job, job_id)
    attempts_allowed = current_app.config["JOB_ATTEMPTS"]
    reason = str(exc) or type(exc).__name__
    if row.attempts < attempts_allowed:
        delay = current_app.config["JOB_RETRY_SECONDS"] * row.attempts
        row.state, row.error, row.run_after = JobState.queued.value, reason, utcnow() + timedelta(seconds=delay)
        log.warning("job %s (%s %s) failed, tried again in %s s: %s", job_id, row.name, row.subject, delay, reason)
        db.session.commit()
        current_app.extensions["jobs"].send(job_id, delay=delay)
    else:
        row.state, row.error, row.finished_at = JobState.failed.value, reason, utcnow()
        log.error("job %s (%s %s) failed %s times, given up: %s", job_id, row.name, row.subject, row.attempts, reason)
        db.session.commit()


class _Heartbeat:
    """While a job runs, its row says so every few seconds: a row whose heartbeat stops has lost its worker."""

    def __init__(self, app: Flask, job_id: int):
        self.app, self.job_id = app, job_id
        self.every = max(app.config["JOB_STALE_SECONDS"] / 3, 0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stopping.wait(self.every):
                db.session.execute(
                    update(Job)
                    .where(Job.id == self.job_id, Job.state == JobState.running.value)
                    .values(heartbeat_at=utcnow())
                    .execution_options(synchronize_session=False)
                )
                db.session.commit()
            db.session.remove()


def _dead_here(worker: str) -> bool:
    """Whether the worker named (host:pid:thread) was a process of this host that is no longer running."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # running, as another user
    return False


def sweep() -> int:
    """Send again what has lost its message or its worker: running jobs whose worker process on this host has gone,
    or whose heartbeat stopped JOB_STALE_SECONDS ago (another host's), back to queued; and queued jobs due for a
    while with no worker on them. Returns how many were sent."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    running = db.session.execute(
        select(Job.id, Job.worker, Job.heartbeat_at).where(Job.state == JobState.running.value)
    )
    lost = [job_id for job_id, worker, beat in running if _dead_here(worker) or beat is None or beat < stale]
    if lost:
        db.session.execute(
            update(Job)
            .where(Job.id.in_(lost), Job.state == JobState.running.value)
            .values(state=JobState.queued.value, run_after=now, error="its worker stopped while running it")
            .execution_options(synchronize_session=False)
        )
        log.warning("jobs %s lost their worker: sent again", lost)
    overdue = now - timedelta(seconds=current_app.config["JOB_RESEND_SECONDS"])
    waiting = list(
        db.session.scalars(
            select(Job.id).where(Job.state == JobState.queued.value, or_(Job.run_after < overdue, Job.id.in_(lost)))
        )
    )
    db.session.commit()
    queue = current_app.extensions["jobs"]
    for job_id in waiting:
        queue.send(job_id)
    return len(waiting)


# Wiring


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = JobQueue(app)
    app.cli.add_command(worker_command)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="jobs run at once by this worker")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run the background worker: it makes the documents (PDFs, the Mongolian files) the queue asks for."""
    queue: JobQueue = current_app.extensions["jobs"]
    if queue.huey.immediate:
        raise click.ClickException("QUEUE_URL=immediate runs jobs where they are asked for: there is no worker to run")
    sent = sweep()
    click.echo(f"Worker on {current_app.config.get('QUEUE_URL') or 'the embedded queue'}; {sent} job(s) sent again")
    from huey.consumer import Consumer

    # An idle worker asks the embedded queue at most every half second (huey's default backs off to 10 s: a PDF
    # would wait that long after a quiet spell); Redis answers at once whatever this says.
    Consumer(
        queue.huey, workers=threads, worker_type="thread", periodic=True, check_worker_health=True, max_delay=0.5
    ).run()
