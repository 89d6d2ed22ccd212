"""flask --app wsgi notices export NUMBER --format docx|pdf [--language zh|mn] -o PATH"""

import re
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.documents.pdf import PdfConversionFailed, PdfUnavailable
from app.extensions import db
from app.notices.documents import mongolian_pdf, mongolian_version, notice_docx, notice_pdf, render_mongolian_docx
from app.notices.models import DocumentSeries, Notice

notices_cli = AppGroup("notices", help="Official notices.")

_NUMBER = re.compile(r"^(?P<organ>.+?)[〔\[(（](?P<year>\d{4})[〕\])）]第?0*(?P<serial>\d+)号$")


def find_by_number(number: str) -> Notice | None:
    """乌教发〔2023〕75号 (also typed with [] or () brackets, as people do in a shell)."""
    match = _NUMBER.match(number.strip())
    if match is None:
        return None
    return db.session.scalar(
        select(Notice)
        .join(DocumentSeries, Notice.series_id == DocumentSeries.id)
        .where(
            DocumentSeries.organ_code == match["organ"],
            Notice.year == int(match["year"]),
            Notice.serial == int(match["serial"]),
        )
    )


@notices_cli.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), required=True, help="File format.")
@click.option(
    "--language",
    type=click.Choice(["zh", "mn"]),
    default="zh",
    show_default=True,
    help="zh: the notice; mn: its Mongolian version.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write the file."
)
def export_command(number: str, fmt: str, language: str, output: Path):
    """Write an issued notice as .docx or PDF (the bytes frozen at issue)."""
    notice = find_by_number(number)
    if notice is None:
        raise click.ClickException(f"No notice numbered {number}.")
    if language == "mn" and mongolian_version(notice) is None:
        raise click.ClickException(f"{number} has no Mongolian version yet.")
    try:
        if language == "mn":
            data = render_mongolian_docx(notice) if fmt == "docx" else mongolian_pdf(notice)
        else:
            data = notice_docx(notice) if fmt == "docx" else notice_pdf(notice)
    except (PdfUnavailable, PdfConversionFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes written to {output}")
