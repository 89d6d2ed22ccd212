"""Bounds on slow work done for a request (a PDF conversion takes a second or more): a few at once on the host, one
at a time per person, and an immediate "busy" answer beyond that instead of a queue of waiting requests.

One at a time per person, on every host of the app: on PostgreSQL, a session advisory lock (pg_try_advisory_lock)
on a key made from the schema, the work and the person, held on a connection of its own while the work runs, so
every host on that database sees it, and a process that dies frees it with its connection. On SQLite (one host), a
file lock in LOCKS_DIR.

A few at once on this host: file locks (flock) in LOCKS_DIR (instance/locks), CONVERSION_SLOTS of them, else as many
as the host has LibreOffice converters (CONVERTERS, app/documents/pdf.py), so that a request's conversion finds a
converter free. Every process of the app on this host shares them, and a process that dies frees its slots with it.
Each host bounds its own.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

# Conversions at once on this host when neither CONVERSION_SLOTS nor CONVERTERS says: the converters' own default.
OVERALL_SLOTS = 2

# The advisory lock's 64-bit key, computed by PostgreSQL. The schema keeps apart apps that share a database in
# schemas of their own (the test processes); hosts of one app share its schema, hence its locks.
_ADVISORY_KEY = "hashtextextended(coalesce(current_schema(), '') || '/' || :name, 0)"


class Busy(Exception):
    """The work is not started: the host or this person has as much under way as is allowed."""

    def __init__(self, *, mine: bool):
        super().__init__("busy")
        self.mine = mine  # this person's own earlier request is still being served


def _folder() -> Path:
    folder = Path(current_app.config.get("LOCKS_DIR") or Path(current_app.instance_path) / "locks")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _host_slots() -> int:
    return int(current_app.config.get("CONVERSION_SLOTS") or os.environ.get("CONVERTERS") or OVERALL_SLOTS)


def _try_lock(stack: ExitStack, path: Path) -> bool:
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return False
    stack.callback(os.close, handle)  # closing releases the lock
    return True


def _try_advisory_lock(stack: ExitStack, name: str) -> bool:
    connection = db.engine.connect()
    try:
        held = connection.scalar(text(f"SELECT pg_try_advisory_lock({_ADVISORY_KEY})"), {"name": name})
        connection.commit()  # a session lock outlives the transaction; the connection does not sit idle in one
    except BaseException:
        connection.invalidate()
        connection.close()
        raise
    if not held:
        connection.close()
        return False
    stack.callback(_release_advisory_lock, connection, name)
    return True


def _release_advisory_lock(connection: Connection, name: str) -> None:
    try:
        connection.execute(text(f"SELECT pg_advisory_unlock({_ADVISORY_KEY})"), {"name": name})
        connection.commit()
    except SQLAlchemyError:
        connection.invalidate()  # closed rather than pooled: PostgreSQL frees the lock with the session
    finally:
        connection.close()


def _hold_for_person(stack: ExitStack, work: str, person: int | str) -> bool:
    name = f"{work}-person-{person}"
    if db.engine.dialect.name == "postgresql":
        return _try_advisory_lock(stack, name)
    return _try_lock(stack, _folder() / f"{name}.lock")


@contextmanager
def bounded(work: str, *, person: int | str | None):
    """Run the block if a slot for `work` is free on this host and `person` has none of it under way (on any host,
    on PostgreSQL); else raise Busy at once."""
    with ExitStack() as stack:
        if person is not None and not _hold_for_person(stack, work, person):
            raise Busy(mine=True)
        folder = _folder()
        if not any(_try_lock(stack, folder / f"{work}-{slot}.lock") for slot in range(_host_slots())):
            raise Busy(mine=False)
        yield
