"""收文: each organ's and unit's register of what it receives, numbered 收〔year〕N号 per year.

The notices a unit acknowledged before this revision enter its register, numbered in the order they were
acknowledged, each year from 1, as they would have at their 签收.

Revision ID: 0012
Revises: 0011
"""

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CHINA = timezone(timedelta(hours=8))


def upgrade():
    op.create_table(
        "incoming_counters",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["units.id"], name="fk_incoming_counters_holder_id_units", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("holder_id", "year", name="pk_incoming_counters"),
    )
    op.create_table(
        "incoming_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("sender_number", sa.String(length=100), server_default="", nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("urgency", sa.String(length=8), server_default="", nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["units.id"], name="fk_incoming_documents_holder_id_units", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name="fk_incoming_documents_notice_id_notices", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["users.id"], name="fk_incoming_documents_registered_by_id_users", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incoming_documents"),
        sa.UniqueConstraint("holder_id", "year", "serial", name="uq_incoming_documents_holder_id_year_serial"),
        sa.UniqueConstraint("holder_id", "notice_id", name="uq_incoming_documents_holder_id_notice_id"),
    )
    op.create_index("ix_incoming_documents_holder_id", "incoming_documents", ["holder_id"])
    op.create_index("ix_incoming_documents_notice_id", "incoming_documents", ["notice_id"])
    op.create_table(
        "incoming_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["incoming_documents.id"],
            name="fk_incoming_files_document_id_incoming_documents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["stored_files.sha256"],
            name="fk_incoming_files_file_sha256_stored_files",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incoming_files"),
    )
    op.create_index("ix_incoming_files_document_id", "incoming_files", ["document_id"])
    _register_past_receipts()


def _register_past_receipts():
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT d.unit_id, d.acknowledged_at, d.acknowledged_by_id, n.id, n.title, n.urgency, n.year, n.serial,"
            " s.organ_code, u.name, n.signature_organ"
            " FROM distributions d JOIN notices n ON n.id = d.notice_id"
            " LEFT JOIN document_series s ON s.id = n.series_id LEFT JOIN units u ON u.id = n.organ_id"
            " WHERE d.acknowledged_at IS NOT NULL AND d.acknowledged_by_id IS NOT NULL"
            " ORDER BY d.unit_id, d.acknowledged_at, d.id"
        )
    ).all()
    documents = sa.table(
        "incoming_documents",
        *(
            sa.column(name)
            for name in (
                "holder_id",
                "year",
                "serial",
                "source",
                "notice_id",
                "sender",
                "sender_number",
                "title",
                "received_on",
                "urgency",
                "registered_by_id",
                "registered_at",
            )
        ),
    )
    sqlite = connection.dialect.name == "sqlite"
    counters: dict[tuple[int, int], int] = {}
    values = []
    for unit_id, at, by, notice_id, title, urgency, year, serial, code, organ, signature in rows:
        if isinstance(at, str):  # SQLite hands back the stored text
            at = datetime.fromisoformat(at)
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        received_on = at.astimezone(CHINA).date()
        key = (unit_id, received_on.year)
        counters[key] = counters.get(key, 0) + 1
        number = f"{code}\u3014{year}\u3015{serial}号" if None not in (code, year, serial) else ""
        values.append(
            {
                "holder_id": unit_id,
                "year": received_on.year,
                "serial": counters[key],
                "source": "system",
                "notice_id": notice_id,
                "sender": organ or signature or "",
                "sender_number": number,
                "title": title,
                "received_on": received_on,
                "urgency": urgency or "",
                "registered_by_id": by,
                # As the app's UTCDateTime stores it: SQLite keeps naive UTC text.
                "registered_at": at.astimezone(timezone.utc).replace(tzinfo=None) if sqlite else at,
            }
        )
    if values:
        op.bulk_insert(documents, values)
        op.bulk_insert(
            sa.table("incoming_counters", sa.column("holder_id"), sa.column("year"), sa.column("next_serial")),
            [{"holder_id": h, "year": y, "next_serial": n + 1} for (h, y), n in counters.items()],
        )


def downgrade():
    op.drop_index("ix_incoming_files_document_id", table_name="incoming_files")
    op.drop_table("incoming_files")
    op.drop_index("ix_incoming_documents_notice_id", table_name="incoming_documents")
    op.drop_index("ix_incoming_documents_holder_id", table_name="incoming_documents")
    op.drop_table("incoming_documents")
    op.drop_table("incoming_counters")
