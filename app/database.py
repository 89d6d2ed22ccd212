"""Engine set-up that SQLite needs to behave as a shared, concurrent store.

SQLite: WAL journal (readers never wait for the writer), foreign keys on, a busy
timeout so that a second writer waits for the lock instead of failing, and a small
page cache per connection (CACHE_KIB). A transaction that reads first and writes
later cannot wait for the lock in WAL mode: SQLite refuses the upgrade at once
(SQLITE_BUSY). So a transaction that may write starts with BEGIN IMMEDIATE, taking
the write lock up front: requests with an unsafe method do so automatically, other
code says so with ``writing()``. PostgreSQL needs none of this; there ``writing()``
changes nothing.

Holding the lock for a whole request serialises every such request. A view that many
people call at the same moment (签收) is marked ``@writes_briefly`` instead: its request
reads without the lock, and its one short write runs in ``write_transaction()``.
"""

import fcntl
import os
import threading
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db

BUSY_TIMEOUT_MS = 30_000
# SQLite's page cache of each connection, in KiB (its default is 2 000). A worker holds a pool of connections, and
# their caches filled one after the other over thousands of requests: 2 MiB each, in malloc blocks freed and taken again
# by different threads, they were most of what a worker's memory grew by after start-up (bench/bench_memory.py). The
# cache saves little: in WAL mode each connection empties it whenever another has committed, and the operating system
# keeps the file's pages in memory for every connection and process at once.
CACHE_KIB = 512

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def set_write_intent(value: bool):
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


@contextmanager
def writing():
    """Transactions begun inside this block take SQLite's write lock at once."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def writes_briefly(view):
    """Mark a view whose writes all run in ``write_transaction()``: its POST reads without SQLite's write lock."""
    view.writes_briefly = True
    return view


def request_may_write(method: str, view) -> bool:
    """Whether a request's transactions take the write lock from their start (see the module's docstring)."""
    return method not in ("GET", "HEAD", "OPTIONS") and not getattr(view, "writes_briefly", False)


@contextmanager
def write_transaction():
    """A short write of its own in a request that has been reading: the block runs in a new transaction that
    holds the write lock from its start, and is committed at its end (rolled back if it raises).

    On SQLite the reading transaction ends first (SQLite cannot turn it into a write once another connection has
    written). PostgreSQL writes in the transaction that has been reading (each statement sees what others have
    committed): ending it would cost a COMMIT and another checkout of a pooled connection for nothing. No commit
    expires what the session has loaded: objects keep the values they were read with, and the caller sets what it
    wrote (``set_committed_value``) or refreshes what it must read again.
    """
    session = db.session()
    url = session.get_bind().url
    sqlite = url.get_backend_name() == "sqlite"
    queue = _writers.turn(url.database) if sqlite else nullcontext()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        if sqlite:
            session.commit()
        with queue, writing():
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        session.expire_on_commit = expire_on_commit


class _WriterQueue:
    """SQLite writers of every worker process take turns here, not in SQLite's busy handler.

    The busy handler retries after sleeps that grow to 100 ms, so under a burst the lock stands idle between writers
    while the waiting ones sleep, and one process's threads can keep it from the other's. Here a thread waits on a
    lock that wakes it the moment the writer before it is done: a thread lock within the process, and an flock on a
    file beside the database between processes.
    """

    def __init__(self):
        self._thread_lock = threading.Lock()
        self._files: dict[tuple[int, str], int] = {}  # (pid, path): descriptor; never shared with a forked child

    @contextmanager
    def turn(self, database: str | None):
        with self._thread_lock:
            if not database or database == ":memory:":
                yield
                return
            descriptor = self._descriptor(database)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _descriptor(self, database: str) -> int:
        key = (os.getpid(), database)
        if key not in self._files:
            self._files[key] = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        return self._files[key]


_writers = _WriterQueue()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # negative: KiB, not pages
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def insert_ignoring_conflict(table, values: dict):
    """INSERT … ON CONFLICT DO NOTHING in the session's database's own words: a counter row made if missing, by
    whichever of two transactions comes first (document numbers, 收文编号)."""
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).values(**values).on_conflict_do_nothing()
