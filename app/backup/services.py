"""Back up the intranet to one .tar.gz and restore it: the database and every stored file.

The archive holds, in this order:

    manifest.json                         what the archive holds; first, so that a restore can refuse early
    database.sqlite3 or database.pgdump   an SQLite file, or a pg_dump archive (custom format) of one schema
    files/ab/cd/abcd…                     every stored file, at the same place as under FILES_DIR

One file, because an operator copies one file off the machine, and a half-copied .tar.gz fails to unpack
instead of restoring half a bureau. It is written under a temporary name and renamed, so PATH is either absent
or complete. The database is copied before the files are collected: a file is written before the row that
names it is committed, and no file is ever deleted, so every file the copied database names is on disk by then.

A restore reads the whole archive and checks every SHA-256 (against the manifest and against the file's own
name) before it changes anything, and refuses a database that already holds rows unless told to replace them.

The manifest is signed (HMAC-SHA256), and a restore refuses an archive whose signature does not match: a SHA-256
anyone can recompute, so without a signature an archive with an account and a trigger slipped into its database, and
its manifest's SHA-256 redone, would be restored as the bureau's own. Since the manifest names the SHA-256 of the
database and of every file, the signature covers all of it. The key is never in the archive: it is BACKUP_KEY when
that is set, else SECRET_KEY (each through HMAC with a label of its own, so the signing key is used for nothing
else). A dedicated BACKUP_KEY is better: SECRET_KEY is what one rotates after a leak (it ends every session), and
development generates it into instance/, which a disaster takes with the database; a BACKUP_KEY kept off the
machine, apart from the backups, still restores them. When the key has changed since a backup was made, the restore
says so and is refused: run it with BACKUP_KEY set to the key the backup was made with (that instance's BACKUP_KEY,
or its SECRET_KEY if it had none). There is no option to restore an archive that fails the check: nobody can tell
such an archive from a forged one, and an option to accept it is all a forger would need to ask for.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from app.backup.serving import ServingLockBusy, no_server_running
from app.database import BUSY_TIMEOUT_MS
from app.extensions import db

ARCHIVE_FORMAT = "bureau-intranet-backup"
# 2: the manifest is signed. An archive of format 1 carries no signature and is refused (_check_signature).
FORMAT_VERSION = 2
SIGNATURE_ALGORITHM = "HMAC-SHA256"
# Derives the signing key from the configured secret: the same secret signs sessions, never with this label.
_KEY_LABEL = b"bureau-intranet backup manifest signing key"
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPGRADE_COMMAND = "flask --app wsgi db upgrade"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_FILE_MEMBER = re.compile(r"files/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
# A line of `pg_restore --list` for the schema itself or its comment: the target's schema already exists.
_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )")
_CHUNK = 1024 * 1024
_ROOT = Path(__file__).resolve().parent.parent.parent
_NOTHING_CHANGED = "Nothing was changed."


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message tells the operator what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict
    source: str  # the database, as the operator configured it (password hidden)
    key_setting: str  # BACKUP_KEY or SECRET_KEY: what signed the manifest
    damaged: list[str]  # stored files whose bytes no longer match their name: left out of the archive
    missing: list[str]  # files the database names that are not under FILES_DIR


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    target: str
    files_dir: Path
    files_written: int
    files_present: int
    advice: str | None  # what the operator must do before starting the app, if anything


# Backup


def create_backup(path: Path, *, force: bool = False) -> BackupResult:
    """Write the configured database and every stored file to the archive PATH."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a directory; give the archive's file name, e.g. {path / 'intranet.tar.gz'}.")
    if path.exists() and not force:
        raise BackupError(f"{path} already exists. Choose another name, or add --force to replace it.")
    if not path.parent.is_dir():
        raise BackupError(f"The directory {path.parent} does not exist.")
    kind, url = _configured_database()
    files_dir = Path(current_app.config["FILES_DIR"])

    # The work directory sits beside the archive: the space the archive needs is there, and the copy of the
    # database (password hashes included) does not pass through a shared /tmp.
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".intranet-backup-") as work:
        dump = Path(work) / DATABASE_MEMBERS[kind]
        schema = None
        if kind == "sqlite":
            _copy_sqlite(_sqlite_file(url), dump)
        else:
            schema = _dump_postgresql(url, dump)
        revision, named_files = _database_facts()
        files, damaged = _collect_files(files_dir)
        missing = sorted(named_files - {sha for sha, _, _ in files} - set(damaged))

        created_at = datetime.now(UTC).replace(microsecond=0)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "alembic_revision": revision,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "database": {
                "kind": kind,
                "member": DATABASE_MEMBERS[kind],
                "schema": schema,
                "size": dump.stat().st_size,
                "sha256": _sha256_of(dump),
            },
            "file_count": len(files),
            "files": [{"sha256": sha, "size": size} for sha, _, size in files],
        }
        manifest = sign_manifest(manifest)
        _write_archive(path, manifest, dump, files, mtime=int(created_at.timestamp()), force=force)
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        manifest=manifest,
        source=_describe(url, schema),
        key_setting=manifest["signature"]["key"],
        damaged=damaged,
        missing=missing,
    )


def _copy_sqlite(source: Path, dump: Path) -> None:
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(dump)
            try:
                # In one step, so the copy is one consistent snapshot; in WAL mode the app's readers and
                # writers carry on meanwhile.
                src.backup(dst)
                # One self-contained file, with no -wal beside it.
                dst.execute("PRAGMA journal_mode=DELETE")
                check = dst.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        raise BackupError(f"Copying the database {source} failed: {error}") from error
    if check != "ok":
        raise BackupError(f"The database {source} is damaged (SQLite quick_check: {check}); no backup was written.")


def _dump_postgresql(url: sa.URL, dump: Path) -> str:
    """pg_dump the schema the app works in; return its name."""
    pg_dump = find_tool("pg_dump")
    schema = _current_schema()
    uri, env = _libpq(url)
    _run(
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={_exact_pattern(schema)}",
            f"--file={dump}",
            f"--dbname={uri}",
        ],
        env,
    )
    return schema


def _collect_files(files_dir: Path) -> tuple[list[tuple[str, Path, int]], list[str]]:
    """Every stored file whose bytes still match its name, and the names of those that do not."""
    files, damaged = [], []
    for sha, path in _stored_files(files_dir):
        if _sha256_of(path) == sha:
            files.append((sha, path, path.stat().st_size))
        else:
            damaged.append(sha)
    return files, damaged


def _write_archive(path: Path, manifest: dict, dump: Path, files, *, mtime: int, force: bool) -> None:
    manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    # mkstemp makes the file readable by its owner only: the archive holds every account's password hash.
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_member(tar, MANIFEST, BytesIO(manifest_bytes), len(manifest_bytes), mtime)
                with dump.open("rb") as data:
                    _add_member(tar, manifest["database"]["member"], data, dump.stat().st_size, mtime)
                for sha, file_path, size in files:
                    with file_path.open("rb") as data:
                        _add_member(tar, _file_member(sha), data, size, mtime)
            raw.flush()
            os.fsync(raw.fileno())
        if path.exists() and not force:
            raise BackupError(f"{path} appeared while the backup was being written; it was left as it is.")
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _add_member(tar: tarfile.TarFile, name: str, data: IO[bytes], size: int, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    tar.addfile(info, data)


# Restore


def read_manifest(path: Path) -> dict:
    """The archive's manifest, checked for shape; BackupError if the archive is missing or unreadable."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no archive at {path}. {_NOTHING_CHANGED}")
    try:
        with tarfile.open(path, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isreg():
                raise BackupError(f"{path} is not an intranet backup: it does not begin with {MANIFEST}.")
            manifest = json.loads(tar.extractfile(first).read())
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as error:
        raise BackupError(f"{path} is damaged or is not an intranet backup ({error}). {_NOTHING_CHANGED}") from error
    _check_manifest(manifest, path)
    return manifest


def restore_backup(path: Path, *, force: bool = False, while_serving: bool = False) -> RestoreResult:
    """Restore the archive PATH into the configured database and FILES_DIR.

    Everything that can refuse does so before anything changes: a missing or damaged archive, a manifest whose
    signature does not match (altered, or made with another key), a manifest that does not match the archive's
    contents, another kind of database, a migration this code does not know, the app serving on this machine
    (unless while_serving), or (without force) a database that holds rows.
    """
    path = Path(path)
    manifest = read_manifest(path)
    _check_signature(manifest, path)
    kind, url = _configured_database()
    archived_kind = manifest["database"]["kind"]
    if archived_kind != kind:
        raise BackupError(
            f"{path} holds a {archived_kind} database, but this app uses {kind} ({_describe(url)}). "
            f"Restore it into a {archived_kind} database. {_NOTHING_CHANGED}"
        )
    migrations = _migrations()
    _refuse_unknown_revision(manifest, migrations)
    lock_file = current_app.config["SERVING_LOCK_FILE"]
    try:
        # Held to the end: a server started meanwhile answers 503 instead of working on a half-replaced database.
        with no_server_running(lock_file, while_serving=while_serving):
            return _restore(path, manifest, kind, url, migrations, force=force)
    except ServingLockBusy:
        raise BackupError(
            f"The app is serving on this machine: a process holds {lock_file}, as every gunicorn worker and "
            "`flask run` do from their first request. Stop the app, every worker of it, and restore then; add "
            "--while-serving only if you are sure no request will use the database meanwhile (the lock is "
            f"held by something else, say). {_NOTHING_CHANGED}"
        ) from None


def _restore(path: Path, manifest: dict, kind: str, url: sa.URL, migrations, *, force: bool) -> RestoreResult:
    if not force:
        _refuse_unless_empty(url)

    files_dir = Path(current_app.config["FILES_DIR"])
    schema = None
    with tempfile.TemporaryDirectory(dir=_work_parent(files_dir), prefix=".intranet-restore-") as work:
        database, files = _unpack(path, manifest, Path(work))
        # Files first: a stored file that no row names is harmless, a row whose file is missing is not.
        written, present = _install_files(files, files_dir)
        # Nothing of ours may hold the database while its contents are replaced.
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(database, _sqlite_file(url))
        else:
            schema = _restore_postgresql(database, manifest["database"]["schema"], url)
    db.engine.dispose()
    revision, _ = _database_facts()
    return RestoreResult(
        manifest=manifest,
        target=_describe(url, schema),
        files_dir=files_dir,
        files_written=written,
        files_present=present,
        advice=_migration_advice(revision, migrations),
    )


def _check_manifest(manifest, path: Path) -> None:
    def malformed(what: str) -> BackupError:
        return BackupError(f"The manifest of {path} is malformed ({what}). {_NOTHING_CHANGED}")

    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is not an intranet backup (its manifest names no {ARCHIVE_FORMAT}).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format {version}; this version of the code reads format {FORMAT_VERSION} "
            f"and older. Restore it with the version that made it ({manifest.get('app_version')}). {_NOTHING_CHANGED}"
        )
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("kind") not in DATABASE_MEMBERS:
        raise malformed("database kind")
    if database.get("member") != DATABASE_MEMBERS[database["kind"]]:
        raise malformed("database member")
    if not isinstance(database.get("sha256"), str) or not _SHA256.fullmatch(database["sha256"]):
        raise malformed("database SHA-256")
    if database["kind"] == "postgresql" and not isinstance(database.get("schema"), str):
        raise malformed("database schema")
    revision = manifest.get("alembic_revision")
    if revision is not None and not isinstance(revision, str):
        raise malformed("alembic_revision")
    files = manifest.get("files")
    if not isinstance(files, list) or manifest.get("file_count") != len(files):
        raise malformed("file list and file_count")
    names = [entry.get("sha256") if isinstance(entry, dict) else None for entry in files]
    if not all(isinstance(name, str) and _SHA256.fullmatch(name) for name in names) or len(set(names)) != len(names):
        raise malformed("file SHA-256s")


def _signing_key() -> tuple[bytes, str]:
    """The key that signs and checks manifests, and the setting it comes from (BACKUP_KEY, else SECRET_KEY)."""
    setting = "BACKUP_KEY" if current_app.config.get("BACKUP_KEY") else "SECRET_KEY"
    secret = current_app.config.get(setting)
    if not secret:
        raise BackupError("Neither BACKUP_KEY nor SECRET_KEY is set: there is no key to sign or check backups with.")
    secret = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest(), setting


def _key_id(key: bytes) -> str:
    """A name for the key that gives nothing of it away: tells "another key" from "altered" in a refusal."""
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:16]


def _signed_bytes(manifest: dict) -> bytes:
    """What the signature covers: the manifest as parsed, without its signature, in one canonical spelling.

    The parsed manifest, not the member's bytes, is what a restore acts on, so that is what is checked."""
    unsigned = {name: value for name, value in manifest.items() if name != "signature"}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign_manifest(manifest: dict) -> dict:
    """The manifest with its signature, made with this instance's key (what `backup` writes)."""
    key, setting = _signing_key()
    value = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    # key and key_id are not signed: they only help a refusal say what went wrong.
    signature = {"algorithm": SIGNATURE_ALGORITHM, "key": setting, "key_id": _key_id(key), "value": value}
    return {name: value for name, value in manifest.items() if name != "signature"} | {"signature": signature}


def _check_signature(manifest: dict, path: Path) -> None:
    """Refuse an archive whose manifest was not signed, as it stands, with this instance's key."""
    signature = manifest.get("signature")
    if manifest["format_version"] < 2 or not isinstance(signature, dict):
        raise BackupError(
            f"{path} is not signed: it was made before backups were signed (format {manifest['format_version']}), "
            "and an unsigned archive cannot be told from a forged one. If you made it yourself and kept it where "
            f"no one else could change it, restore it with the version that made it ({manifest.get('app_version')})"
            f", then upgrade. {_NOTHING_CHANGED}"
        )
    if signature.get("algorithm") != SIGNATURE_ALGORITHM or not isinstance(signature.get("value"), str):
        raise BackupError(f"The manifest of {path} is malformed (signature). {_NOTHING_CHANGED}")
    key, setting = _signing_key()
    expected = hmac.new(key, _signed_bytes(manifest), hashlib.sha256).hexdigest()
    if hmac.compare_digest(expected, signature["value"]):
        return
    if signature.get("key_id") == _key_id(key):
        raise BackupError(
            f"{path} has been altered since it was made: its manifest no longer matches its signature. "
            f"Do not restore it; use another backup. {_NOTHING_CHANGED}"
        )
    raise BackupError(
        f"The signature of {path} does not match this instance's backup key ({setting}"
        + (", as BACKUP_KEY is not set" if setting == "SECRET_KEY" else "")
        + "). Either the archive was altered or made elsewhere, or the key has changed since it was made. If "
        "the key changed, run the restore with BACKUP_KEY set to the key it was made with (the BACKUP_KEY of the "
        f"instance that made it, or its SECRET_KEY if it had none). {_NOTHING_CHANGED}"
    )


def _refuse_unknown_revision(manifest: dict, migrations: ScriptDirectory) -> None:
    revision = manifest["alembic_revision"]
    if revision is None:
        return
    known = {script.revision for script in migrations.walk_revisions()}
    unknown = sorted(set(revision.split(",")) - known)
    if unknown:
        raise BackupError(
            f"The archive's database is at migration {revision}, which this version of the code does not know: "
            f"a newer version made it (app version {manifest.get('app_version')}). Install that version, "
            f"or a later one, and restore with it. {_NOTHING_CHANGED}"
        )


def _refuse_unless_empty(url: sa.URL) -> None:
    with _connection() as conn:
        full = [
            name
            for name in sorted(sa.inspect(conn).get_table_names())
            if name != "alembic_version"
            and conn.scalar(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)) is not None
        ]
    if full:
        shown = ", ".join(full[:5]) + (", …" if len(full) > 5 else "")
        raise BackupError(
            f"The database {_describe(url)} is not empty: {len(full)} tables hold rows ({shown}). "
            f"Restore into an empty database, or add --force to replace its contents. {_NOTHING_CHANGED}"
        )


def _unpack(path: Path, manifest: dict, work: Path) -> tuple[Path, dict[str, Path]]:
    """Read the whole archive into work/, checking every member against the manifest."""
    database_member = manifest["database"]["member"]
    listed = {entry["sha256"] for entry in manifest["files"]}
    database: Path | None = None
    files: dict[str, Path] = {}
    seen: set[str] = set()
    (work / "files").mkdir()

    def altered(what: str) -> BackupError:
        return BackupError(f"{path} has been damaged or altered: {what}. {_NOTHING_CHANGED}")

    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                name = member.name
                if name in seen:
                    raise altered(f"it holds {name} twice")
                seen.add(name)
                if not member.isreg():
                    raise altered(f"{name} is not a plain file")
                if name == MANIFEST:
                    continue
                if name == database_member:
                    database = work / name
                    digest = _copy_hashing(tar.extractfile(member), database)
                    if digest != manifest["database"]["sha256"]:
                        raise altered(f"the database's SHA-256 is {digest}, its manifest says otherwise")
                    continue
                match = _FILE_MEMBER.fullmatch(name)
                if match is None or name != _file_member(match[3]):
                    raise altered(f"it holds {name!r}, which is no part of a backup")
                sha = match[3]
                if sha not in listed:
                    raise altered(f"the stored file {sha} is not in its manifest")
                files[sha] = work / "files" / sha
                digest = _copy_hashing(tar.extractfile(member), files[sha])
                if digest != sha:
                    raise altered(f"the stored file {sha} has SHA-256 {digest}; its bytes differ from the manifest")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{path} cannot be read to the end ({error}). {_NOTHING_CHANGED}") from error
    if database is None:
        raise altered(f"it holds no {database_member}")
    absent = listed - files.keys()
    if absent:
        raise altered(f"{len(absent)} stored files of its manifest are not in it, e.g. {min(absent)}")
    return database, files


def _install_files(files: dict[str, Path], files_dir: Path) -> tuple[int, int]:
    """Put each file in place, atomically and checked by its SHA-256; return (written, already present)."""
    written = present = 0
    for sha, source in sorted(files.items()):
        destination = files_dir / sha[:2] / sha[2:4] / sha
        if destination.is_file() and _sha256_of(destination) == sha:
            present += 1
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=destination.parent)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as data:
                digest = _copy_hashing(data, out)
                out.flush()
                os.fsync(out.fileno())
            if digest != sha:
                raise BackupError(f"Writing the stored file {sha} into {files_dir} gave other bytes ({digest}).")
            os.replace(partial, destination)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        written += 1
    return written, present


def _restore_sqlite(database: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(database)
        try:
            dst = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                # The backup API replaces every page of the target in one transaction, -wal included.
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        raise BackupError(f"Restoring into {target} failed: {error}") from error


def _restore_postgresql(dump: Path, source_schema: str, url: sa.URL) -> str:
    """pg_restore the dump into the schema the app works in, in one transaction; return the schema's name.

    pg_restore writes the SQL and psql runs it with --single-transaction, so a failure leaves the
    database as it was. The schema itself is not restored: the target's exists already (its tables are what
    --clean --if-exists drops). pg_dump names every object with its schema; when the target's schema has
    another name (a second schema on the same server), those names are rewritten in the SQL, never in the data.
    """
    pg_restore = find_tool("pg_restore")
    psql = find_tool("psql")
    target_schema = _current_schema()
    work = dump.parent
    listing = _run([pg_restore, "--list", str(dump)], dict(os.environ))
    (work / "restore.list").write_text(
        "".join(line + "\n" for line in listing.splitlines() if not _SCHEMA_ENTRY.match(line))
    )
    script = work / "restore.sql"
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            f"--use-list={work / 'restore.list'}",
            f"--file={script}",
            str(dump),
        ],
        dict(os.environ),
    )
    if target_schema != source_schema:
        moved = work / "restore-moved.sql"
        move_schema(script, moved, source_schema, target_schema)
        script = moved
    uri, env = _libpq(url)
    try:
        _run(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", f"--file={script}", uri],
            env,
        )
    except BackupError as error:
        raise BackupError(f"{error}\nThe restore ran in one transaction: the database was left as it was.") from None
    return target_schema


def move_schema(script: Path, out: Path, source: str, target: str) -> None:
    """Copy a pg_restore SQL script, naming the schema target where it names source.

    Only statements change: comment lines and the rows between `COPY … FROM stdin;` and `\\.` are data
    and are copied as they are. The target's name is always written quoted, which is valid everywhere a
    schema name appears, also inside 'schema.sequence'::regclass strings.
    """
    forms = [re.escape(_quote_ident(source))]
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", source):
        forms.append(re.escape(source))
    qualified = re.compile(rf'(?<![\w$"])(?:{"|".join(forms)})\.')
    replacement = _quote_ident(target) + "."
    in_data = False
    with script.open(encoding="utf-8", newline="") as lines, out.open("w", encoding="utf-8", newline="") as sink:
        for line in lines:
            if in_data:
                in_data = line.rstrip("\r\n") != "\\."
            elif not line.startswith("--"):
                line = qualified.sub(lambda _: replacement, line)
                in_data = line.startswith("COPY ") and line.rstrip("\r\n").endswith(" FROM stdin;")
            sink.write(line)


def _migration_advice(revision: str | None, migrations: ScriptDirectory) -> str | None:
    heads = set(migrations.get_heads())
    if revision is None:
        return (
            "The restored database carries no migration revision (it was not built by "
            f"`{UPGRADE_COMMAND}`). If its tables match this version of the code, record that with "
            "`flask --app wsgi db stamp head` before starting the app."
        )
    if set(revision.split(",")) != heads:
        return (
            f"The restored database is at migration {revision}; this version of the code needs "
            f"{','.join(sorted(heads))}. Run `{UPGRADE_COMMAND}` before starting the app."
        )
    return None


# Shared


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a BackupError that says how to install it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. It comes with the PostgreSQL client programs: on Debian, "
            "`apt-get install postgresql-client` (its major version must be at least the server's)."
        )
    return found


def _run(argv: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}")[-2000:]
        raise BackupError(f"{Path(argv[0]).name} failed: {detail}")
    return result.stdout


def _configured_database() -> tuple[str, sa.URL]:
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    kind = url.get_backend_name()
    if kind not in DATABASE_MEMBERS:
        raise BackupError(f"Backups know SQLite and PostgreSQL databases, not {kind}.")
    return kind, url


def _sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("The database is in memory: there is nothing on disk to back up or restore into.")
    return Path(url.database)


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A connection URI for pg_dump and psql, and their environment.

    The password travels in PGPASSWORD, not on a command line that anyone on the machine can read with `ps`.
    The URL's other parameters (host, sslmode, options=-csearch_path=…) are libpq's own and pass through.
    """
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False), env


@contextmanager
def _connection():
    """A connection to the app's database; BackupError, not a traceback, when it cannot be reached."""
    try:
        with db.engine.connect() as conn:
            yield conn
    except sa.exc.OperationalError as error:
        raise BackupError(f"Cannot reach the database {_describe(db.engine.url)}: {error.orig}") from error
    finally:
        db.session.remove()


def _current_schema() -> str:
    """The schema the app's tables live in: the first existing one on the connection's search_path."""
    with _connection() as conn:
        schema = conn.scalar(sa.text("SELECT current_schema()"))
    if schema is None:
        raise BackupError("No schema on the database's search_path exists. Create it first (CREATE SCHEMA …).")
    return schema


def _exact_pattern(name: str) -> str:
    """A pg_dump --schema pattern that matches this one name only (no wildcards, case kept)."""
    return _quote_ident(name)


def _quote_ident(name: str) -> str:
    """The name as a quoted SQL identifier, valid whatever its letters."""
    return '"' + name.replace('"', '""') + '"'


def _describe(url: sa.URL, schema: str | None = None) -> str:
    shown = url._replace(drivername=url.get_backend_name()).render_as_string(hide_password=True)
    return f"{shown} (schema {schema})" if schema else shown


def _database_facts() -> tuple[str | None, set[str]]:
    """The database's migration revision and the SHA-256 of every file its rows name."""
    with _connection() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            versions = conn.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
            revision = ",".join(sorted(versions)) or None
        named = set(conn.scalars(sa.text("SELECT sha256 FROM stored_files"))) if "stored_files" in tables else set()
    return revision, named


def _migrations() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _app_version() -> str:
    try:
        with (_ROOT / "pyproject.toml").open("rb") as project:
            return tomllib.load(project)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _stored_files(files_dir: Path) -> list[tuple[str, Path]]:
    """Every file in the store's layout (ab/cd/abcd…); a temporary file of an interrupted write is not one."""
    if not files_dir.is_dir():
        return []
    return sorted(
        (path.name, path)
        for path in files_dir.glob("??/??/*")
        if _SHA256.fullmatch(path.name)
        and path.parent.name == path.name[2:4]
        and path.parent.parent.name == path.name[:2]
        and path.is_file()
    )


def _file_member(sha: str) -> str:
    return f"files/{sha[:2]}/{sha[2:4]}/{sha}"


def _work_parent(files_dir: Path) -> Path | None:
    """Where a restore unpacks: beside FILES_DIR (the space for the files is there), else the temp directory."""
    return files_dir.parent if files_dir.parent.is_dir() else None


def _sha256_of(path: Path) -> str:
    with path.open("rb") as data:
        return hashlib.file_digest(data, "sha256").hexdigest()


def _copy_hashing(data: IO[bytes], destination: Path | IO[bytes]) -> str:
    digest = hashlib.sha256()
    if isinstance(destination, Path):
        with destination.open("wb") as out:
            return _copy_hashing(data, out)
    while chunk := data.read(_CHUNK):
        digest.update(chunk)
        destination.write(chunk)
    return digest.hexdigest()
