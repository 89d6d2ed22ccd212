"""Alembic environment: the app's engine and metadata, batch mode for SQLite."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Not disabling the loggers that exist already: an upgrade run inside the app (tests, `db upgrade` before serving)
# would otherwise silence the app's own (app.documents.pdf, app.core.jobs) for the rest of the process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with no change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)

    with target_db.engine.connect() as connection:
        # SQLite: batch mode copies a table, drops the old one and renames the copy. With foreign keys on, dropping
        # it would delete (or refuse to delete) the rows of every table that references it, so they are off while
        # migrations run, and checked after. The pragma has no effect inside a transaction: it goes first.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: SQLAlchemy would begin a transaction first (app/database.py _begin)
            connection.connection.cursor().execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            cursor = connection.connection.cursor()
            broken = cursor.execute("PRAGMA foreign_key_check").fetchall()
            cursor.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migrations left rows whose references are broken: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
