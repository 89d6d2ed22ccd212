"""The Mongolian version's other elements: 附注, 抄送, 印发机关, the attachments' names, the distributed documents.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notice_translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("cc_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("imprint_organ", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("attachment_titles", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("documents", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("notice_translations", schema=None) as batch_op:
        for column in ("documents", "attachment_titles", "imprint_organ", "cc_text", "note"):
            batch_op.drop_column(column)
