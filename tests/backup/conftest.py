"""Fixtures of the backup tests: a source app with the demo data and a stored file, and an empty target.

Both sign and check backups with one BACKUP_KEY, as two instances of one bureau do, and keep their serving lock in the
test's own folder: a server that another test (or a developer's `make run`) starts holds instance/serving.lock.
"""

import os

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from app.core.files import PNG, store_bytes
from app.extensions import db
from tests.helpers.databases import PG_SCHEMA, PG_URL, schema_url

BACKUP_KEY = "the bureau's backup key, kept off the machine"


@pytest.fixture
def serving_lock(tmp_path) -> str:
    return str(tmp_path / "serving.lock")


@pytest.fixture
def uploaded(demo) -> str:
    """A file stored as an upload would be (besides the demo notice's .docx); its SHA-256."""
    with demo.app_context():
        stored = store_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048), PNG)
        db.session.commit()
        return stored.sha256


@pytest.fixture
def source(demo, uploaded, serving_lock):
    """The demo data, the uploaded file, and the migration revision `flask db upgrade` would have left."""
    demo.config.update(BACKUP_KEY=BACKUP_KEY, SERVING_LOCK_FILE=serving_lock)  # the app fixture puts them back
    with demo.app_context():
        stamp()
    return demo


@pytest.fixture
def restore_database_url(database_url, tmp_path):
    """A second, empty database of the same kind: another SQLite file, or the schema <run schema>_restore."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    schema = f"{PG_SCHEMA}_restore"
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield schema_url(schema)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def target(restore_database_url, make_app, tmp_path, serving_lock):
    """An app on the empty second database, with a FILES_DIR of its own (no tables: restore makes them)."""
    app = make_app(
        SQLALCHEMY_DATABASE_URI=restore_database_url,
        FILES_DIR=str(tmp_path / "restored-files"),
        BACKUP_KEY=BACKUP_KEY,
        SERVING_LOCK_FILE=serving_lock,
    )
    yield app
    # Before restore_database_url drops the schema: no connection of ours may be left in it.
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def archive(source, tmp_path):
    """A backup of the source, made by the command."""
    path = tmp_path / "intranet.tar.gz"
    result = source.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path
