"""flask backup PATH and flask restore PATH, end to end, on SQLite and on PostgreSQL.

A backup of the demo data is restored into a second, empty database and compared row by row and byte by byte.
"""

import gzip
import io
import json
import shutil
import tarfile
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import stamp

from app.backup.services import read_manifest
from app.extensions import db

HEAD = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations")).get_current_head()


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


def test_a_restore_into_an_empty_database_gives_back_every_row_and_every_file(source, uploaded, target, archive):
    manifest = read_manifest(archive)
    kind = "postgresql" if source.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    assert manifest["database"]["kind"] == kind
    assert manifest["alembic_revision"] == HEAD
    assert manifest["app_version"] == "0.1.0"
    assert manifest["created_at"].endswith("Z")
    source_files = stored_files(source)
    assert manifest["file_count"] == len(source_files) >= 2  # the demo notice's .docx and the upload
    assert uploaded in {entry["sha256"] for entry in manifest["files"]}

    result = restore(target, archive)

    assert result.exit_code == 0, result.output
    assert f"Restored {archive}" in result.output
    assert f"{len(source_files)} written" in result.output
    assert "Next:" not in result.output
    source_rows = table_rows(source)
    assert len(source_rows["units"]) > 30 and len(source_rows["notices"]) == 5 and source_rows["stored_files"]
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
        return json.dumps(manifest).encode()

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
