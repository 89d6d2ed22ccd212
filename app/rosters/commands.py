"""flask --app wsgi rosters export "GROUP NAME" --format docx|xlsx -o PATH"""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.time import today_in_china
from app.rosters.services import find_group, roster_docx, roster_xlsx

rosters_cli = AppGroup("rosters", help="Leading-group rosters.")


@rosters_cli.command("export")
@click.argument("group_name")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx"]), required=True, help="File format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(group_name: str, fmt: str, output: Path):
    """Write the roster as it stands today."""
    group = find_group(group_name)
    if group is None:
        raise click.ClickException(f"No leading group named {group_name}.")
    today = today_in_china()
    data = roster_docx(group, today) if fmt == "docx" else roster_xlsx(group, today)
    output.write_bytes(data)
    click.echo(f"{group_name}: {len(data)} bytes written to {output}")
