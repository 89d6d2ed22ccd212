"""Engine set-up that SQLite needs to behave as a shared, concurrent store.

SQLite: WAL journal (readers never wait for the writer), foreign keys on, and a busy
timeout so that a second writer waits for the lock instead of failing. A transaction
that reads first and writes later cannot wait for the lock in WAL mode: SQLite
refuses the upgrade at once (SQLITE_BUSY). So a transaction that may write starts
with BEGIN IMMEDIATE, taking the write lock up front: requests with an unsafe method
do so automatically, other code says so with ``writing()``. PostgreSQL needs none of
this; there ``writing()`` changes nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30_000

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
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
