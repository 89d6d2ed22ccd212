"""Indexes for the inbox and the notice lists.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("distributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_distributions_unit_state", ["unit_id", "acknowledged_at", "first_opened_at", "notice_id"], unique=False
        )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_status_issued", ["status", "issued_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_status_issued")
    with op.batch_alter_table("distributions", schema=None) as batch_op:
        batch_op.drop_index("ix_distributions_unit_state")
