"""Counting the SQL statements a request runs."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db


@contextmanager
def counting_queries(app):
    """The SQL statements the app's engine runs inside the block (a list that fills as they run)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
