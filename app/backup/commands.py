"""flask --app wsgi backup PATH | restore PATH"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.backup.services import BackupError, create_backup, restore_backup


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Write the database and every stored file to one archive, PATH (a .tar.gz).

    Safe while the app runs: SQLite is copied with its online backup API, PostgreSQL with pg_dump (Debian
    package postgresql-client). The archive holds every account's password hash; it is written readable by
    its owner only: keep it so. Its manifest is signed with BACKUP_KEY (else SECRET_KEY): only an instance
    with that key restores it.
    """
    try:
        result = create_backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = result.manifest
    click.echo(f"Wrote {result.path} ({_size(result.size)}), readable by its owner only:")
    click.echo(f"  database: {result.source}, migration {manifest['alembic_revision'] or 'none'}")
    click.echo(f"  stored files: {manifest['file_count']}, from {current_app.config['FILES_DIR']}")
    click.echo(f"  signed with {result.key_setting}: a restore needs the same key")
    if result.missing:
        click.echo(
            f"Warning: {len(result.missing)} files that the database names are not in FILES_DIR, "
            f"so not in the archive either: {', '.join(result.missing)}",
            err=True,
        )
    if result.damaged:
        click.echo(
            f"Error: {len(result.damaged)} stored files no longer match their SHA-256 (damaged on disk) and were "
            f"left out of the archive: {', '.join(result.damaged)}",
            err=True,
        )
        raise click.exceptions.Exit(1)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a database that is not empty.")
@click.option(
    "--while-serving",
    is_flag=True,
    help="Restore even though a process on this machine holds the serving lock (the app seems to be running).",
)
@with_appcontext
def restore_command(path: Path, force: bool, while_serving: bool):
    """Restore the archive PATH (made by `backup`) into the configured database and FILES_DIR.

    Stop the app first, every worker of it: the database's contents are replaced underneath it. A restore
    refuses while a process on this machine serves the app (each holds SERVING_LOCK_FILE), unless
    --while-serving.

    The whole archive is checked (its manifest's signature, every SHA-256) before anything changes. Refused,
    with nothing changed: a missing, damaged or altered archive, one signed with another key (run the restore
    with BACKUP_KEY set to the key it was made with), another kind of database (SQLite/PostgreSQL), a migration
    this code does not know, and a database that holds rows, unless --force. SQLite: the configured database
    file is replaced. PostgreSQL: pg_restore and psql (postgresql-client) replace the tables of the configured
    schema in one transaction. Stored files are added to FILES_DIR; files already there are kept.
    """
    try:
        result = restore_backup(path, force=force, while_serving=while_serving)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = result.manifest
    click.echo(f"Restored {path} (made {manifest['created_at']} by version {manifest['app_version']}):")
    click.echo(f"  database: {result.target}")
    click.echo(
        f"  stored files: {result.files_written} written, {result.files_present} already there, in {result.files_dir}"
    )
    if result.advice:
        click.echo(f"Next: {result.advice}")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"
