"""The test databases: each kind of starting data is built once per test process, then copied for every test.

Building the schema and loading the demo data takes about half a second; copying it takes a few milliseconds. So a
test process builds a template of each dataset it needs, the first time a test asks for it:

    empty    the tables, no rows
    bureau   the bureau before its first notice (units, groups, accounts, the 乌教发 series)
    demo     everything `demo load` makes, the notice 乌教发〔2023〕75号 included

and every test starts from a copy, in the same place each time (so that the process can keep one app per database
kind, conftest.py): on SQLite the template's file is copied over the process's test.db; on PostgreSQL the tables of
the process's schema (test_<pid>) are emptied and refilled from the template's schema (test_<pid>_<dataset>) in one
round trip. The files the data refers to (the demo notice's frozen .docx) are copied along with it.

A template's accounts get a cheap password hash unless the test asks for real scrypt (the tests of logging in).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.helpers.accounts import DEMO_PASSWORD

IN_CI = bool(os.environ.get("CI"))
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
if PG_URL.startswith("postgresql://"):
    PG_URL = "postgresql+psycopg://" + PG_URL[len("postgresql://") :]
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Each test process works in schemas of its own, so two runs on one database (a developer's and CI's, or the two
# processes of one run) never touch each other's tables.
PG_SCHEMA = f"test_{os.getpid()}"

# One iteration of PBKDF2: the suite logs in thousands of times and is not about password hashing. The tests of
# logging in ask for scrypt (the real_password_hashing marker).
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
REAL_PASSWORD_HASH = "scrypt"

DATASETS = ("empty", "bureau", "demo")


def schema_url(schema: str) -> str:
    """The PostgreSQL URL whose connections work in this schema."""
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"


def base_config(database_url: str, files_dir: Path, password_hash: str = CHEAP_PASSWORD_HASH) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FILES_DIR": str(files_dir),
        "PREVIEW_DIR": str(files_dir / "previews"),
        "LOCKS_DIR": str(files_dir / "locks"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "PDF_ON_ISSUE": False,  # tests that want the PDF at issue turn it on
        "QUEUE_URL": "immediate",  # a job runs where it is asked for; tests of the worker start one
        "PASSWORD_HASH_METHOD": password_hash,
    }


def _load(dataset: str, password: str) -> None:
    from app.demo.loader import load_bureau, load_demo

    db.create_all()
    if dataset == "bureau":
        load_bureau(password)
    elif dataset == "demo":
        load_demo(password)


def _build(database_url: str, files_dir: Path, dataset: str, password_hash: str) -> None:
    from tests.helpers.pdf import conversions_shared

    app = create_app(base_config(database_url, files_dir, password_hash))
    with app.app_context(), conversions_shared():
        _load(dataset, DEMO_PASSWORD)
        db.session.remove()
        db.engine.dispose()  # SQLite folds its write-ahead log into the file when the last connection closes


@dataclass(frozen=True)
class Template:
    dataset: str
    password_hash: str

    @property
    def name(self) -> str:
        return self.dataset + ("_scrypt" if self.password_hash == REAL_PASSWORD_HASH else "")


class Templates:
    """The templates of one test process, made on first use."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix=f"templates-{os.getpid()}-"))
        self._built: set[tuple[str, str]] = set()
        self._pg_engine: sa.Engine | None = None
        self._pg_tables_ready = False

    def files_of(self, template: Template, backend: str) -> Path:
        return self.root / backend / template.name / "files"

    def _ensure(self, template: Template, backend: str) -> None:
        if (backend, template.name) in self._built:
            return
        files = self.files_of(template, backend)
        files.mkdir(parents=True)
        if backend == "sqlite":
            url = f"sqlite:///{self.root / backend / template.name / 'test.db'}"
        else:
            schema = f"{PG_SCHEMA}_{template.name}"
            self._pg_execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
            url = schema_url(schema)
        _build(url, files, template.dataset, template.password_hash)
        self._built.add((backend, template.name))

    # SQLite

    def work_folder(self, backend: str) -> Path:
        """Where this process's tests of the backend keep their database (SQLite) and stored files."""
        folder = self.root / "work" / backend
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _copy_files(self, template: Template, backend: str, folder: Path) -> None:
        shutil.rmtree(folder / "files", ignore_errors=True)
        shutil.copytree(self.files_of(template, backend), folder / "files")

    def sqlite_copy(self, template: Template, folder: Path) -> str:
        """A copy of the template in the folder (test.db and files/, replacing what was there); its URL.

        No connection may be open on the folder's database (the cached app's engine is disposed after each test).
        """
        self._ensure(template, "sqlite")
        for suffix in ("-wal", "-shm"):
            (folder / f"test.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.root / "sqlite" / template.name / "test.db", folder / "test.db")
        self._copy_files(template, "sqlite", folder)
        return f"sqlite:///{folder / 'test.db'}"

    # PostgreSQL

    @property
    def pg_engine(self) -> sa.Engine:
        if self._pg_engine is None:
            self._pg_engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        return self._pg_engine

    @functools.cached_property
    def _pg_superuser(self) -> bool:
        with self.pg_engine.connect() as conn:
            return conn.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on"

    def _pg_execute(self, script: str) -> None:
        with self.pg_engine.connect() as conn:
            conn.exec_driver_sql(script)

    def pg_blank(self) -> str:
        """The process's schema with nothing in it (for tests that build their own, migrations among them)."""
        self._pg_execute(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE; CREATE SCHEMA "{PG_SCHEMA}"')
        self._pg_tables_ready = False
        return schema_url(PG_SCHEMA)

    def pg_copy(self, template: Template, folder: Path) -> str:
        """The process's schema holding exactly the template's rows; its URL. The files go to folder/files."""
        self._ensure(template, "postgresql")
        if not self._pg_tables_ready:
            self._pg_tables()
        try:
            self._pg_execute(self._refill_script(template))
        except sa.exc.DBAPIError:
            # A test changed the tables themselves (a restore after dropping them): build them again.
            self._pg_tables()
            self._pg_execute(self._refill_script(template))
        self._copy_files(template, "postgresql", folder)
        return schema_url(PG_SCHEMA)

    def _pg_tables(self) -> None:
        self.pg_blank()
        engine = sa.create_engine(schema_url(PG_SCHEMA), poolclass=sa.pool.NullPool)
        db.metadata.create_all(engine)
        engine.dispose()
        self._pg_tables_ready = True

    def _refill_script(self, template: Template) -> str:
        """Empty the tables, copy the template's rows in, and move each id sequence past the highest id.

        DELETE, not TRUNCATE: TRUNCATE gives every table and index a new file, four times slower on tables this small.
        The script runs as one transaction that need not wait for its commit to reach the disk. A superuser (the
        test database's usual user) copies with the foreign-key triggers off, in half the time (30 ms for the
        demo's rows instead of 60): the rows come from a template that satisfied them.
        """
        source = f"{PG_SCHEMA}_{template.name}"
        tables = db.metadata.sorted_tables
        statements = [
            "SET lock_timeout = '10s'",
            "SET synchronous_commit = off",
            *(["SET session_replication_role = replica"] if self._pg_superuser else []),
            # What `flask db stamp` or a restore left: not a table of the models, and not the next test's.
            f'DROP TABLE IF EXISTS "{PG_SCHEMA}".alembic_version',
        ]
        statements += [f'DELETE FROM "{PG_SCHEMA}"."{table.name}"' for table in reversed(tables)]
        for table in tables:
            statements.append(f'INSERT INTO "{PG_SCHEMA}"."{table.name}" SELECT * FROM "{source}"."{table.name}"')
            if table.autoincrement_column is not None:
                column = table.autoincrement_column.name
                qualified = f'"{PG_SCHEMA}"."{table.name}"'
                statements.append(
                    f"SELECT setval(pg_get_serial_sequence('{qualified}', '{column}'), "
                    f"COALESCE((SELECT max({column}) FROM {qualified}), 0) + 1, false)"
                )
        return ";\n".join(statements)

    def drop(self) -> None:
        """At the end of the process: its schemas and its template files."""
        if PG_URL:
            schemas = [PG_SCHEMA] + [f"{PG_SCHEMA}_{name}" for backend, name in self._built if backend != "sqlite"]
            self._pg_execute("; ".join(f'DROP SCHEMA IF EXISTS "{s}" CASCADE' for s in schemas))
            self.pg_engine.dispose()
        shutil.rmtree(self.root, ignore_errors=True)


def demo_app_for(templates: Templates, folder: Path):
    """An app of its own on a copy of the demo data in `folder`, for a module-scoped fixture (the PDFs made once for a
    module's tests): the process's demo template is copied, not loaded again, and nothing is converted to PDF until
    the fixture asks. Dispose of its engine when done."""
    url = templates.sqlite_copy(Template("demo", CHEAP_PASSWORD_HASH), folder)
    return create_app(base_config(url, folder / "files"))
