"""flask --app wsgi demo load | accounts | scale"""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth.models import User
from app.database import writing
from app.demo.loader import DEFAULT_PASSWORD, load_demo
from app.demo.scale import add_notices, add_units
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data from the bureau's notice 乌教发〔2023〕75号.")


@demo_cli.command("load")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="Password of every new demo account.")
def load_command(password: str):
    """Load the seed's units, groups, accounts, roster, measures and notice (idempotent)."""
    with writing():
        warnings = load_demo(password)
    for warning in warnings:
        click.echo(warning, err=True)
    click.echo("Demo data loaded. `flask --app wsgi demo accounts` lists the logins.")


@demo_cli.command("accounts")
def accounts_command():
    """One line per account: username, roles (comma-separated), unit name."""
    users = db.session.scalars(select(User).order_by(User.id))
    for user in users:
        roles = ",".join(sorted(r.value for r in user.roles))
        click.echo(f"{user.username}\t{roles}\t{user.unit.name}")


@demo_cli.command("scale")
@click.option(
    "--units", "unit_count", type=click.IntRange(min=0), default=0, help="Extra school units, one clerk each."
)
@click.option(
    "--notices",
    "notice_count",
    type=click.IntRange(min=0),
    default=0,
    help="Extra issued notices, distributed to the extra schools.",
)
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="Password of the new clerks.")
def scale_command(unit_count: int, notice_count: int, password: str):
    """Add schools with clerks and issued notices, for load tests."""
    with writing():
        add_units(unit_count, password)
        add_notices(notice_count)
        db.session.commit()
    click.echo(f"Added {unit_count} schools and {notice_count} notices.")
