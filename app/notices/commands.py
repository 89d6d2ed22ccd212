"""flask --app wsgi notices export | list | load"""

import json
import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User, UserRole
from app.core.access import Role
from app.database import writing
from app.documents.pdf import PdfConversionFailed, PdfUnavailable
from app.extensions import db
from app.notices.documents import (
    mongolian_version,
    mongolian_version_docx,
    mongolian_version_pdf,
    notice_docx,
    notice_pdf,
)
from app.notices.loading import LoadError, load_notices
from app.notices.models import DocumentSeries, Notice, NoticeStatus
from app.units.models import Organ, Unit
from app.units.organs import list_organs

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
            data = mongolian_version_docx(notice) if fmt == "docx" else mongolian_version_pdf(notice)
        else:
            data = notice_docx(notice) if fmt == "docx" else notice_pdf(notice)
    except (PdfUnavailable, PdfConversionFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(data)
    click.echo(f"{number}: {len(data)} bytes written to {output}")


@notices_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in NoticeStatus]), help="Only notices in this state.")
@click.option(
    "--organ", "organ_name", help="Only this organ's notices (its name: 海南区教育局); every organ's by default."
)
def list_command(status: str | None, organ_name: str | None):
    """One line per notice, newest first: id, number (or -), status, kind, title; every organ's notices."""
    query = select(Notice).options(joinedload(Notice.series)).order_by(Notice.id.desc())
    if status:
        query = query.where(Notice.status == status)
    if organ_name:
        organ = db.session.scalar(select(Organ).join(Organ.unit).where(Unit.name == organ_name))
        if organ is None:
            names = "、".join(o.name for o in list_organs())
            raise click.ClickException(f"No organ named {organ_name} (the organs: {names}).")
        query = query.where(Notice.organ_id == organ.unit_id)
    for notice in db.session.scalars(query):
        title = " ".join(notice.title.split())  # one line, whatever the title's breaks
        click.echo(f"{notice.id}\t{notice.number or '-'}\t{notice.status}\t{notice.kind}\t{title}")


@notices_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as", "username", help="Whose drafts the entries without a number become (default: the first secretary)."
)
def load_command(file: Path, username: str | None):
    """Load notices from a JSON file (README: the notices load format): all of them, or none."""
    actor = _loading_user(username)
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{file} is not a JSON file in UTF-8: {exc}") from None
    try:
        with writing():
            loaded = load_notices(
                entries, actor=actor, base_dir=file.parent, max_bytes=current_app.config["MAX_UPLOAD_BYTES"]
            )
            db.session.commit()
    except LoadError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}. Nothing was loaded.") from None
    for item in loaded:
        click.echo(item.line)


def _loading_user(username: str | None) -> User:
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"No account named {username}.")
        return user
    user = db.session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.secretary)
        .order_by(User.id)
    )
    if user is None:
        raise click.ClickException("No secretary account to load the drafts as: name one with --as USERNAME.")
    return user
