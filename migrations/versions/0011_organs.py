"""Organs: the city bureau and the district bureaus each issue their own notices under their own header and series,
keep their own groups, rosters and tasks; a notice may forward (转发) a received one.

The bureau's single set of header settings (the Mongolian name, its confirmation, the header's order) becomes the
city bureau's organ; every existing notice, group, roster and task becomes the city bureau's (a notice of another
series, its series' organ's). Plain ADD COLUMN, as 0010 explains; the new references are nullable because SQLite
cannot add a NOT NULL reference in place, and the code always sets them.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OWNED_TABLES = ("unit_groups", "leading_groups", "tasks")
HEADER_SETTINGS = ("organ_name_mn", "organ_name_mn_confirmed", "header_order")


def upgrade():
    op.create_table(
        "organs",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("superior_id", sa.Integer(), nullable=True),
        sa.Column("name_mn", sa.Text(), server_default="", nullable=False),
        sa.Column("name_mn_confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("header_order", sa.String(length=16), server_default="zh_first", nullable=False),
        sa.Column("signature_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("imprint_name", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_organs_unit_id_units", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["superior_id"], ["organs.unit_id"], name="fk_organs_superior_id_organs", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("unit_id", name="pk_organs"),
    )
    for table in ("notices", *OWNED_TABLES):
        _add_reference(table, "organ_id", "organs", "unit_id", "CASCADE" if table == "unit_groups" else "RESTRICT")
        op.create_index(f"ix_{table}_organ_id", table, ["organ_id"])
    _add_reference("notices", "forwards_id", "notices", "id", "RESTRICT")
    op.create_index("ix_notices_forwards_id", "notices", ["forwards_id"])
    _make_city_organ()


def _add_reference(table: str, column: str, target: str, target_column: str, ondelete: str) -> None:
    """A nullable column referencing another table. SQLite adds it with its REFERENCES clause in the ALTER TABLE
    itself (Alembic would add the constraint apart, which SQLite cannot); PostgreSQL with a named constraint."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT fk_{table}_{column}_{target}"
            f" REFERENCES {target} ({target_column}) ON DELETE {ondelete}"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(f"fk_{table}_{column}_{target}", table, target, [column], [target_column], ondelete=ondelete)


def _make_city_organ():
    connection = op.get_bind()
    bureau = connection.scalar(sa.text("SELECT id FROM units WHERE kind = 'bureau' ORDER BY sort_order, id LIMIT 1"))
    series_units = connection.scalars(sa.text("SELECT DISTINCT unit_id FROM document_series")).all()
    if bureau is None and not series_units:
        return  # an empty database: `demo load` or the admin makes the organs
    settings = dict(
        connection.execute(
            sa.text("SELECT key, value FROM settings WHERE key IN :keys").bindparams(
                sa.bindparam("keys", expanding=True)
            ),
            {"keys": list(HEADER_SETTINGS)},
        ).all()
    )
    top = bureau if bureau is not None else series_units[0]
    insert = sa.text(
        "INSERT INTO organs (unit_id, superior_id, name_mn, name_mn_confirmed, header_order, signature_name,"
        " imprint_name) VALUES (:unit_id, :superior_id, :name_mn, :confirmed, :header_order, '', '')"
    )
    connection.execute(
        insert,
        {
            "unit_id": top,
            "superior_id": None,
            "name_mn": settings.get("organ_name_mn", ""),
            "confirmed": settings.get("organ_name_mn_confirmed") == "1",
            "header_order": settings.get("header_order", "zh_first"),
        },
    )
    for unit_id in series_units:
        if unit_id != top:
            connection.execute(
                insert,
                {"unit_id": unit_id, "superior_id": top, "name_mn": "", "confirmed": False, "header_order": "zh_first"},
            )
    connection.execute(
        sa.text(
            "UPDATE notices SET organ_id = COALESCE("
            "(SELECT unit_id FROM document_series WHERE document_series.id = notices.series_id), :top)"
        ),
        {"top": top},
    )
    for table in OWNED_TABLES:
        connection.execute(sa.text(f"UPDATE {table} SET organ_id = :top"), {"top": top})  # noqa: S608 (a constant)
    connection.execute(
        sa.text("DELETE FROM settings WHERE key IN :keys").bindparams(sa.bindparam("keys", expanding=True)),
        {"keys": list(HEADER_SETTINGS)},
    )


def downgrade():
    connection = op.get_bind()
    top = connection.execute(
        sa.text("SELECT name_mn, name_mn_confirmed, header_order FROM organs WHERE superior_id IS NULL LIMIT 1")
    ).first()
    if top is not None:
        for key, value in zip(
            HEADER_SETTINGS, (top.name_mn, "1" if top.name_mn_confirmed else "0", top.header_order), strict=True
        ):
            connection.execute(
                sa.text("INSERT INTO settings (key, value, updated_at) VALUES (:key, :value, CURRENT_TIMESTAMP)"),
                {"key": key, "value": value},
            )
    op.drop_index("ix_notices_forwards_id", table_name="notices")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("forwards_id")
    for table in reversed(("notices", *OWNED_TABLES)):
        op.drop_index(f"ix_{table}_organ_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("organ_id")
    op.drop_table("organs")
