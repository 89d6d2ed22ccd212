"""flask backup PATH and flask restore PATH, end to end, on SQLite and on PostgreSQL.

A backup of the demo data is restored into a second, empty database and compared row by row and byte by byte.
"""

import gzip
import hashlib
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import stamp

from app.backup.services import read_manifest, sign_manifest
from app.extensions import db

# The signature's key and the serving lock are the archive's and the machine's, not the database's: these run on
# SQLite; a forged database is refused on both.
ONE_DATABASE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, each table ordered by its primary key."""
    with app.app_context():
        with db.engine.connect() as conn:
            rows = {
                table.name: [tuple(row) for row in conn.execute(sa.select(table).order_by(*table.primary_key))]
                for table in db.metadata.sorted_tables
            }
            rows["alembic_version"] = [tuple(row) for row in conn.execute(sa.text("SELECT * FROM alembic_version"))]
            if db.engine.dialect.name == "postgresql":
                # The next id each table hands out: a restore that forgot them would collide on the first insert.
                rows["sequences"] = [
                    tuple(row)
                    for row in conn.execute(
                        sa.text(
                            "SELECT sequencename, last_value FROM pg_sequences "
                            "WHERE schemaname = current_schema() ORDER BY sequencename"
                        )
                    )
                ]
        db.session.remove()
    return rows


def stored_files(app) -> dict[str, bytes]:
    """Every file under FILES_DIR, by its path there."""
    root = Path(app.config["FILES_DIR"])
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def table_names(app) -> list[str]:
    with app.app_context():
        names = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    return names


def assert_untouched(target):
    """The target is as it was made: no table, no stored file."""
    assert table_names(target) == []
    assert stored_files(target) == {}


def rewrite_archive(archive: Path, out: Path, change) -> Path:
    """Copy the archive, passing each member's (name, bytes) through change(name, data) -> data."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar]
    with tarfile.open(out, "w:gz") as tar:
        for member, data in members:
            data = change(member.name, data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return out


def restore(app, *args):
    return app.test_cli_runner().invoke(args=["restore", *map(str, args)])


def backup(app, path: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def member_bytes(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile(name).read()


def intruders(app) -> list[tuple]:
    """Accounts named intruder, with their roles, and triggers, in the app's database."""
    with app.app_context():
        with db.engine.connect() as conn:
            found = list(
                conn.execute(
                    sa.text(
                        "SELECT users.username, user_roles.role FROM users JOIN user_roles "
                        "ON user_roles.user_id = users.id WHERE users.username = 'intruder'"
                    )
                )
            )
            if db.engine.dialect.name == "sqlite":
                found += conn.execute(sa.text("SELECT 'trigger', name FROM sqlite_master WHERE type = 'trigger'"))
            else:
                found += conn.execute(
                    sa.text(
                        "SELECT 'trigger', trigger_name FROM information_schema.triggers "
                        "WHERE trigger_schema = current_schema()"
                    )
                )
        db.engine.dispose()
    return [tuple(row) for row in found]


@contextmanager
def an_admin_and_a_trigger_added(app):
    """The app's database with what a forger adds: an admin account, and a trigger that deletes the audit log's
    record of whatever it then does. Taken out again afterwards (on PostgreSQL the next test's copy would keep the
    trigger)."""
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    add = [
        "INSERT INTO users (username, display_name, password_hash, unit_id, is_active, failed_logins, created_at) "
        "SELECT 'intruder', '系统维护', password_hash, unit_id, is_active, 0, created_at FROM users "
        "WHERE username = 'admin'",
        "INSERT INTO user_roles (user_id, role) SELECT id, 'admin' FROM users WHERE username = 'intruder'",
    ]
    if sqlite:
        add.append(
            "CREATE TRIGGER hide_tracks AFTER INSERT ON audit_events BEGIN DELETE FROM audit_events "
            "WHERE id = NEW.id; END"
        )
        remove = ["DROP TRIGGER hide_tracks"]
    else:
        add += [
            "CREATE FUNCTION hide_tracks() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN DELETE FROM audit_events WHERE id = NEW.id; RETURN NULL; END $$",
            "CREATE TRIGGER hide_tracks AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION hide_tracks()",
        ]
        remove = ["DROP TRIGGER hide_tracks ON audit_events", "DROP FUNCTION hide_tracks()"]
    remove += [
        "DELETE FROM user_roles WHERE user_id IN (SELECT id FROM users WHERE username = 'intruder')",
        "DELETE FROM users WHERE username = 'intruder'",
    ]
    with app.app_context():
        with db.engine.begin() as conn:
            for statement in add:
                conn.execute(sa.text(statement))
        db.engine.dispose()
    try:
        yield
    finally:
        with app.app_context():
            with db.engine.begin() as conn:
                for statement in remove:
                    conn.execute(sa.text(statement))
            db.engine.dispose()


def forge(source, archive: Path, tmp_path: Path) -> Path:
    """The archive, its database swapped for one with an admin account and a trigger added, and the manifest's
    SHA-256 and size of the database made to match: everything a forger can do without the key."""
    with an_admin_and_a_trigger_added(source):
        side = backup(source, tmp_path / "forger-made.tar.gz")
    member = read_manifest(archive)["database"]["member"]
    forged_database = member_bytes(side, member)

    def swap_the_database(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"]["sha256"] = hashlib.sha256(forged_database).hexdigest()
            manifest["database"]["size"] = len(forged_database)
            return json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        return forged_database if name == member else data

    return rewrite_archive(archive, tmp_path / "forged.tar.gz", swap_the_database)


def test_a_restore_into_an_empty_database_gives_back_every_row_and_every_file(source, uploaded, target, archive):
    manifest = read_manifest(archive)
    kind = "postgresql" if source.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    assert manifest["database"]["kind"] == kind
    assert manifest["alembic_revision"] == HEAD
    assert manifest["app_version"] == "0.1.0"
    assert manifest["created_at"].endswith("Z")
    assert manifest["signature"]["algorithm"] == "HMAC-SHA256" and manifest["signature"]["key"] == "BACKUP_KEY"
    source_files = stored_files(source)
    assert manifest["file_count"] == len(source_files) >= 2  # the demo notice's .docx and the upload
    assert uploaded in {entry["sha256"] for entry in manifest["files"]}

    result = restore(target, archive)

    assert result.exit_code == 0, result.output
    assert f"Restored {archive}" in result.output
    assert f"{len(source_files)} written" in result.output
    assert "Next:" not in result.output
    source_rows = table_rows(source)
    assert len(source_rows["units"]) > 30 and len(source_rows["notices"]) == 16 and source_rows["stored_files"]
    assert table_rows(target) == source_rows
    assert stored_files(target) == source_files


def test_a_database_emptied_by_a_disaster_is_restored_in_place(source, archive):
    rows, files = table_rows(source), stored_files(source)
    with source.app_context():
        if db.engine.dialect.name == "sqlite":  # the file is lost
            db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(db.engine.url.database + suffix).unlink(missing_ok=True)
        else:  # the schema's tables are dropped
            db.drop_all()
            db.session.execute(sa.text("DROP TABLE alembic_version"))
            db.session.commit()
            db.engine.dispose()
    shutil.rmtree(source.config["FILES_DIR"])
    assert table_names(source) == []

    result = restore(source, archive)  # into the schema (PostgreSQL) the dump was made from, under its own name

    assert result.exit_code == 0, result.output
    assert table_rows(source) == rows
    assert stored_files(source) == files


def test_a_second_restore_into_the_now_full_database_is_refused_unless_forced(source, target, archive):
    assert restore(target, archive).exit_code == 0
    with target.app_context():
        db.session.execute(sa.text("UPDATE units SET name = 'changed after the restore'"))
        db.session.execute(sa.text("DELETE FROM user_roles"))
        db.session.commit()
    changed = table_rows(target)

    refused = restore(target, archive)

    assert refused.exit_code != 0
    assert "is not empty" in refused.output and "--force" in refused.output
    assert table_rows(target) == changed

    forced = restore(target, archive, "--force")

    assert forced.exit_code == 0, forced.output
    assert "0 written" in forced.output  # the files were there already
    assert table_rows(target) == table_rows(source)
    assert stored_files(target) == stored_files(source)


def test_a_restore_refuses_an_archive_whose_stored_file_was_changed(source, uploaded, target, archive, tmp_path):
    def change_one_byte(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.endswith(uploaded) else data

    tampered = rewrite_archive(archive, tmp_path / "tampered.tar.gz", change_one_byte)

    result = restore(target, tampered)

    assert result.exit_code != 0
    assert uploaded in result.output and "differ from the manifest" in result.output
    assert "Nothing was changed" in result.output
    assert_untouched(target)


def test_a_restore_refuses_a_missing_truncated_or_foreign_archive(source, target, archive, tmp_path):
    data = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("not an archive")
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("README")
        tar.addfile(info, io.BytesIO(b""))

    for path, message in [
        (tmp_path / "absent.tar.gz", "There is no archive at"),
        (truncated, "cannot be read to the end"),
        (not_gzip, "is damaged or is not an intranet backup"),
        (foreign, "is not an intranet backup"),
    ]:
        result = restore(target, path)
        assert result.exit_code != 0, path
        assert message in result.output, result.output
        assert_untouched(target)


def test_a_restore_refuses_a_database_of_the_other_kind(source, target, archive, tmp_path):
    def other_kind(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        other = "sqlite" if manifest["database"]["kind"] == "postgresql" else "postgresql"
        manifest["database"].update(kind=other, member=f"database.{'sqlite3' if other == 'sqlite' else 'pgdump'}")
        manifest["database"]["schema"] = "elsewhere"
        with target.app_context():  # as the other kind of instance, with the same key, would have signed it
            return json.dumps(sign_manifest(manifest)).encode()

    result = restore(target, rewrite_archive(archive, tmp_path / "other.tar.gz", other_kind))

    assert result.exit_code != 0
    assert "database, but this app uses" in result.output
    assert_untouched(target)


def test_a_restore_refuses_a_migration_this_code_does_not_know(source, target, tmp_path):
    with source.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff0000ffff'"))
        db.session.commit()
    archive = tmp_path / "from-a-newer-version.tar.gz"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0

    result = restore(target, archive)

    assert result.exit_code != 0
    assert "ffff0000ffff" in result.output and "does not know" in result.output
    assert_untouched(target)


def test_a_restore_from_an_older_migration_restores_and_says_to_upgrade(source, target, tmp_path):
    with source.app_context():
        stamp(revision="0001")
    archive = tmp_path / "from-an-older-version.tar.gz"
    assert source.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0

    result = restore(target, archive)

    assert result.exit_code == 0, result.output
    assert "Next: The restored database is at migration 0001" in result.output
    assert "Run `flask --app wsgi db upgrade` before starting the app." in result.output
    assert table_rows(target) == table_rows(source)


def test_a_backup_never_overwrites_an_existing_file_unless_forced(source, tmp_path):
    path = tmp_path / "intranet.tar.gz"
    path.write_bytes(b"yesterday's backup")
    runner = source.test_cli_runner()

    refused = runner.invoke(args=["backup", str(path)])

    assert refused.exit_code != 0
    assert "already exists" in refused.output and "--force" in refused.output
    assert path.read_bytes() == b"yesterday's backup"

    forced = runner.invoke(args=["backup", str(path), "--force"])

    assert forced.exit_code == 0, forced.output
    assert f"Wrote {path}" in forced.output
    assert read_manifest(path)["file_count"] == len(stored_files(source))
    assert path.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's only
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no work files left


def test_a_backup_leaves_out_a_damaged_stored_file_and_fails(source, uploaded, tmp_path):
    damaged = Path(source.config["FILES_DIR"]) / uploaded[:2] / uploaded[2:4] / uploaded
    damaged.write_bytes(b"rotten")
    path = tmp_path / "intranet.tar.gz"

    result = source.test_cli_runner().invoke(args=["backup", str(path)])

    assert result.exit_code == 1
    assert "no longer match their SHA-256" in result.output and uploaded in result.output
    manifest = read_manifest(path)
    assert uploaded not in {entry["sha256"] for entry in manifest["files"]}
    assert manifest["file_count"] == len(stored_files(source)) - 1


def test_a_backup_is_a_gzipped_tar_with_the_manifest_first(archive):
    with gzip.open(archive) as unzipped, tarfile.open(fileobj=unzipped, mode="r|") as tar:
        names = [member.name for member in tar]
    assert names[0] == "manifest.json"
    assert names[1] in {"database.sqlite3", "database.pgdump"}
    assert all(name.startswith("files/") for name in names[2:]) and len(names) > 2


# Forged archives


def test_a_restore_refuses_an_archive_whose_database_was_forged_and_its_sha256_recomputed(
    source, target, archive, tmp_path
):
    archived_rows = table_rows(source)
    forged = forge(source, archive, tmp_path)
    manifest = read_manifest(forged)
    assert manifest["database"]["sha256"] != read_manifest(archive)["database"]["sha256"]
    assert (
        manifest["database"]["sha256"]
        == hashlib.sha256(member_bytes(forged, manifest["database"]["member"])).hexdigest()
    )

    result = restore(target, forged)

    assert result.exit_code != 0
    assert "has been altered since it was made" in result.output and "signature" in result.output
    assert "Nothing was changed" in result.output
    assert_untouched(target)

    untouched = restore(target, archive)  # the real one, beside it, still restores

    assert untouched.exit_code == 0, untouched.output
    assert intruders(target) == []
    assert table_rows(target) == archived_rows


@ONE_DATABASE
def test_an_archive_signed_with_another_key_is_refused_until_the_restore_is_given_that_key(source, target, tmp_path):
    """A forger's own instance signs with its own key; so does this bureau's after its key changed. The refusal
    cannot tell the two apart and says how to restore when it is the second."""
    source.config["BACKUP_KEY"] = "a key of another instance, or the one before it was changed"
    with an_admin_and_a_trigger_added(source):
        other = backup(source, tmp_path / "signed-elsewhere.tar.gz")

    result = restore(target, other)

    assert result.exit_code != 0
    assert "does not match this instance's backup key (BACKUP_KEY)" in result.output
    assert "run the restore with BACKUP_KEY set to the key it was made with" in result.output
    assert_untouched(target)

    target.config["BACKUP_KEY"] = source.config["BACKUP_KEY"]
    restored = restore(target, other)

    assert restored.exit_code == 0, restored.output
    assert ("intruder", "admin") in intruders(target) and ("trigger", "hide_tracks") in intruders(target)


@ONE_DATABASE
def test_with_no_backup_key_the_secret_key_signs_and_a_new_secret_key_is_refused(source, target, tmp_path):
    source.config.update(BACKUP_KEY="", SECRET_KEY="the secret key of the day of the backup")
    result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "intranet.tar.gz")])
    assert result.exit_code == 0, result.output
    assert "signed with SECRET_KEY" in result.output
    target.config.update(BACKUP_KEY="", SECRET_KEY="a secret key made after a leak")

    refused = restore(target, tmp_path / "intranet.tar.gz")

    assert refused.exit_code != 0
    assert "(SECRET_KEY, as BACKUP_KEY is not set)" in refused.output
    assert_untouched(target)

    target.config["BACKUP_KEY"] = "the secret key of the day of the backup"  # the old SECRET_KEY, as BACKUP_KEY
    assert restore(target, tmp_path / "intranet.tar.gz").exit_code == 0


@ONE_DATABASE
def test_a_restore_refuses_a_manifest_changed_after_signing_or_an_unsigned_archive(source, target, archive, tmp_path):
    def older_revision(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0001"
        return json.dumps(manifest).encode()

    def unsigned(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["signature"]
        manifest["format_version"] = 1  # as backups were before they were signed
        return json.dumps(manifest).encode()

    for change, message in [(older_revision, "has been altered since it was made"), (unsigned, "is not signed")]:
        result = restore(target, rewrite_archive(archive, tmp_path / f"{change.__name__}.tar.gz", change))
        assert result.exit_code != 0
        assert message in result.output, result.output
        assert_untouched(target)


# The app serving


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app, tmp_path):
    """gunicorn serving the app's database, as in production, until the block ends; it has answered a request."""
    port = _free_port()
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY="a-secret-key-for-the-server-under-test",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SESSION_COOKIE_SECURE="0",
        FILES_DIR=app.config["FILES_DIR"],
        SERVING_LOCK_FILE=app.config["SERVING_LOCK_FILE"],
        PDF_ON_ISSUE="0",
    )
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/healthz")
                    if connection.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not answer /healthz: " + log_path.read_text()[-2000:])
                time.sleep(0.2)
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.mark.slow
@ONE_DATABASE
def test_a_restore_refuses_while_the_app_is_serving_unless_told_to(source, target, archive, tmp_path):
    with serving(target, tmp_path):
        refused = restore(target, archive)

        assert refused.exit_code != 0
        assert "The app is serving on this machine" in refused.output and "--while-serving" in refused.output
        assert "Nothing was changed" in refused.output
        assert_untouched(target)

        told = restore(target, archive, "--while-serving")

        assert told.exit_code == 0, told.output
        assert table_rows(target) == table_rows(source)

    # The server stopped: its lock went with it.
    again = restore(target, archive, "--force")

    assert again.exit_code == 0, again.output
