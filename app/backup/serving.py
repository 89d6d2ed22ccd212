"""The lock that says the app is serving, so that `restore` never replaces the database underneath it.

Every process that serves requests (each gunicorn worker, `flask run`) takes a shared flock on SERVING_LOCK_FILE
(instance/serving.lock) at its first request and keeps it until it ends; `restore` takes it exclusively for as long
as it runs. So a restore refuses while any of them is up, and a server started during a restore answers 503 until
the restore is done. The lock is taken at the first request, not in create_app, because every command
(`flask --app wsgi restore` itself, `db upgrade`, `backup`) builds the app too and none of them serves.

The kernel drops a process's lock when the process ends, a crash or a kill -9 included: there is nothing to clean
up, and the file may be deleted while the app is stopped. It sees the processes of this machine only: with several
app servers on one PostgreSQL database, stop every one of them before a restore.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, request_started
from werkzeug.exceptions import ServiceUnavailable

_held: dict[str, int] = {}  # lock file -> the descriptor that holds it, for this process's lifetime
_taking = threading.Lock()


class ServingLockBusy(Exception):
    """The lock is held the other way: by a server (for a restore) or by a restore (for a server)."""


def _open(path: str) -> int:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def _hold_while_serving(app: Flask, **_extra) -> None:
    """At a request of a serving process: hold the shared lock from now on (a test app holds nothing)."""
    if app.testing:
        return
    path = app.config["SERVING_LOCK_FILE"]
    if path in _held:
        return
    with _taking:  # the threads of one worker take it once
        if path in _held:
            return
        descriptor = _open(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            # A restore is replacing the database: nothing this request would read or write is to be trusted.
            raise ServiceUnavailable("A backup is being restored; try again in a few minutes.") from None
        _held[path] = descriptor


@contextmanager
def no_server_running(path: str | Path, *, while_serving: bool = False):
    """Hold the lock exclusively for the duration, or raise ServingLockBusy if a serving process holds it.

    With while_serving, a lock that is held does not stop the caller (the operator has said the app may run).
    """
    descriptor = _open(str(path))
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not while_serving:
                raise ServingLockBusy(str(path)) from None
        yield
    finally:
        os.close(descriptor)  # and with it the lock


# Every app of this process: the signal comes with the app that starts a request.
request_started.connect(_hold_while_serving)
