"""The short write a busy view makes in the middle of its request, and how SQLite writers take turns."""

import multiprocessing
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from app.database import _WriterQueue, request_may_write, write_transaction
from app.extensions import db
from app.units.models import Unit
from tests.helpers.databases import BACKENDS
from tests.helpers.queries import counting_queries


def _unit_names(app) -> dict[int, str]:
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # another connection: what is committed
    with engine.connect() as conn:
        names = dict(conn.execute(sa.text("SELECT id, name FROM units")).all())
    engine.dispose()
    return names


def test_a_brief_write_commits_and_keeps_what_was_loaded(bureau):
    app = bureau
    with app.app_context():
        unit = db.session.scalar(select(Unit).order_by(Unit.id).limit(1))
        name, unit_id = unit.name, unit.id
        with write_transaction():
            rename = update(Unit).where(Unit.id == unit_id).values(name="乌海市第三中学（新）")
            db.session.execute(rename.execution_options(synchronize_session=False))  # as the services write
        with counting_queries(app) as statements:
            assert unit.name == name  # read before the write, not read again
        assert statements == []
        assert _unit_names(app)[unit_id] == "乌海市第三中学（新）"


def test_a_brief_write_that_fails_leaves_the_database_as_it_was(bureau):
    app = bureau
    before = _unit_names(app)
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).order_by(Unit.id).limit(1))
        with pytest.raises(RuntimeError), write_transaction():
            db.session.execute(update(Unit).where(Unit.id == unit_id).values(name="half-saved"))
            raise RuntimeError("the caller failed after the UPDATE")
        assert db.session.scalar(select(Unit.name).where(Unit.id == unit_id)) == before[unit_id]
    assert _unit_names(app) == before


def test_only_the_receipt_reads_without_the_write_lock(app):
    views = app.view_functions
    assert not request_may_write("POST", views["receipts.receipt"])
    assert request_may_write("POST", views["notices.create"])
    assert request_may_write("POST", views["auth.login"])
    assert not request_may_write("GET", views["receipts.inbox"])


def _hold_the_turn(database: str, holding, release) -> None:
    with _WriterQueue().turn(database):
        holding.set()
        release.wait(30)


def test_sqlite_writers_of_two_processes_take_turns(tmp_path):
    database = str(tmp_path / "intranet.db")
    context = multiprocessing.get_context("spawn")
    holding, release = context.Event(), context.Event()
    other = context.Process(target=_hold_the_turn, args=(database, holding, release))
    other.start()
    try:
        assert holding.wait(30), "the other process never took its turn"
        mine = threading.Event()

        def take_turn():
            with _WriterQueue().turn(database):
                mine.set()

        waiter = threading.Thread(target=take_turn)
        waiter.start()
        assert not mine.wait(0.5), "a writer got in while another process held the turn"
        release.set()
        assert mine.wait(30), "the turn never came after the other process finished"
        waiter.join(30)
    finally:
        release.set()
        other.join(30)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgresql"], indirect=True)  # none: no PG
def test_a_busy_server_keeps_its_postgresql_connections_open(app):
    """Sixteen threads serving in bursts, all at once then none, open sixteen connections and no more: a pool smaller
    than the threads closes what comes back beyond its size, and every request then starts a PostgreSQL backend
    (in the receipt storm that was more of PostgreSQL's CPU than the queries)."""
    with app.app_context():
        engine = db.engine
    opened = []
    sa.event.listen(engine, "connect", lambda *args: opened.append(1))
    together = threading.Barrier(16)

    def serve():
        for _ in range(20):  # twenty bursts: all sixteen threads at once, then all of them idle
            together.wait(30)
            with app.app_context():
                db.session.execute(sa.text("SELECT pg_sleep(0.002)"))
                db.session.remove()  # what the end of a request does

    threads = [threading.Thread(target=serve) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert 0 < len(opened) <= 16, f"{len(opened)} connections opened for 320 requests on 16 threads"
