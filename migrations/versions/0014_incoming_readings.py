"""传阅: the readers a received document is sent round to, in parallel or in order, and what each wrote.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incoming_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("in_order", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["incoming_documents.id"],
            name="fk_incoming_readings_document_id_incoming_documents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reader_id"], ["users.id"], name="fk_incoming_readings_reader_id_users", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name="fk_incoming_readings_sent_by_id_users", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incoming_readings"),
        sa.UniqueConstraint("document_id", "reader_id", name="uq_incoming_readings_document_id_reader_id"),
    )
    op.create_index("ix_incoming_readings_document_id", "incoming_readings", ["document_id"])
    op.create_index("ix_incoming_readings_reader_id", "incoming_readings", ["reader_id"])


def downgrade():
    op.drop_index("ix_incoming_readings_reader_id", table_name="incoming_readings")
    op.drop_index("ix_incoming_readings_document_id", table_name="incoming_readings")
    op.drop_table("incoming_readings")
