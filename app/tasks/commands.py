"""flask --app wsgi tasks export NUMBER --format docx|xlsx -o PATH"""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.notices.commands import find_by_number
from app.tasks.export import tasks_docx, tasks_xlsx
from app.tasks.models import Task
from app.tasks.queries import of_notice

tasks_cli = AppGroup("tasks", help="Tasks made from notices (任务分解).")


@tasks_cli.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx"]), required=True, help="File format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the file."
)
def export_command(number: str, fmt: str, output: Path):
    """Write the 任务分解表 of the tasks made from a notice (NUMBER like 乌教发〔2023〕75号)."""
    notice = find_by_number(number)
    if notice is None:
        raise click.ClickException(f"No notice numbered {number}.")
    count = db.session.scalar(select(func.count(Task.id)).where(of_notice(notice)))
    if not count:
        raise click.ClickException(f"{number} has no tasks yet.")
    data = tasks_docx(notice) if fmt == "docx" else tasks_xlsx(notice)
    output.write_bytes(data)
    click.echo(f"{number}: {count} tasks, {len(data)} bytes written to {output}")
