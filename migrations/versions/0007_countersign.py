"""会签, each series' chain of steps, returned drafts, and the fields a reply asks for.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_count", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("countersign", sa.String(length=16), server_default="optional", nullable=False))
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_fields", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("is_returned", sa.Boolean(), server_default=sa.false(), nullable=False))
    # A draft whose last step was 退回 or a sign-off declined is a returned draft.
    op.execute(
        "UPDATE notices SET is_returned = true WHERE status = 'draft' AND "
        "(SELECT e.action FROM notice_events e WHERE e.notice_id = notices.id "
        "AND e.action NOT IN ('edited') ORDER BY e.id DESC LIMIT 1) IN ('returned', 'declined')"
    )
    op.create_table(
        "countersigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_agreed", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_countersigns_assignee_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_countersigns_notice_id_notices"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_countersigns_requested_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_countersigns_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_countersigns")),
        sa.UniqueConstraint("notice_id", "unit_id", name=op.f("uq_countersigns_notice_id_unit_id")),
    )
    with op.batch_alter_table("countersigns", schema=None) as batch_op:
        batch_op.create_index("ix_countersigns_assignee_open", ["assignee_id", "answered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_countersigns_notice_id"), ["notice_id"], unique=False)


def downgrade():
    op.drop_table("countersigns")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_column("is_returned")
        batch_op.drop_column("reply_fields")
    with op.batch_alter_table("document_series", schema=None) as batch_op:
        batch_op.drop_column("countersign")
        batch_op.drop_column("review_count")
