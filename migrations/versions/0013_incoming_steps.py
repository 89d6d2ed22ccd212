"""收文办理: the steps of handling a received document (拟办, 批办, 承办 and its reports, 办结).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incoming_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("answers_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["incoming_documents.id"],
            name="fk_incoming_steps_document_id_incoming_documents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_incoming_steps_actor_id_users", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_incoming_steps_unit_id_units", ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["incoming_steps.id"],
            name="fk_incoming_steps_answers_id_incoming_steps",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incoming_steps"),
    )
    op.create_index("ix_incoming_steps_document_id", "incoming_steps", ["document_id"])


def downgrade():
    op.drop_index("ix_incoming_steps_document_id", table_name="incoming_steps")
    op.drop_table("incoming_steps")
